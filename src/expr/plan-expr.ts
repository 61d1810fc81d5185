/**
 * Expression planning: each AST node becomes a closure `(frame) => value`, built once.
 * Names are resolved here (locals, `context`, types, static members), so an unknown name or a
 * disallowed static member is a load-time problem, not a run-time surprise.
 */
import type * as A from './ast.ts';
import { type Assigned, copy, type Eval, type Frame, FunctionScope, intersect, type PlanContext, type VarInfo } from './plan-scope.ts';
import { planFunctionBody } from './plan-stmt.ts';
import type { Delegate, OutRef, TypeHandle, Value } from './port.ts';

/** Marks a null-conditional short circuit travelling up an access chain (`a?.b.c`). */
const SHORT: unique symbol = Symbol('short-circuit');
type ChainEval = (f: Frame) => Value | typeof SHORT;

const NO_TYPES: readonly TypeHandle[] = [];

/** Plans an expression used for its value. */
export function planExpr(p: PlanContext, e: A.Expr): Eval {
  switch (e.kind) {
    case 'literal':
      return planLiteral(p, e);
    case 'interpolated':
      return planInterpolated(p, e);
    case 'name':
      return planName(p, e);
    case 'member':
    case 'invoke':
    case 'index': {
      if (!hasConditional(e)) return planAccess(p, e, false) as Eval;
      const before = copy(p.assigned);
      const chain = planAccess(p, e, true);
      // assignments inside a conditional chain may not happen
      p.assigned = intersect(before, p.assigned);
      return (f) => {
        const v = chain(f);
        return v === SHORT ? null : v;
      };
    }
    case 'unary':
      return planUnary(p, e);
    case 'binary':
      return planBinary(p, e);
    case 'conditional': {
      const c = planCondition(p, e.test);
      p.assigned = c.whenTrue;
      const then = planExpr(p, e.then);
      const afterThen = p.assigned;
      p.assigned = c.whenFalse;
      const otherwise = planExpr(p, e.otherwise);
      p.assigned = intersect(afterThen, p.assigned);
      const test = c.eval;
      return (f) => (test(f) === true ? then(f) : otherwise(f));
    }
    case 'assign':
      return planAssign(p, e);
    case 'cast':
      return planCast(p, e);
    case 'is': {
      const c = planCondition(p, e);
      p.assigned = intersect(c.whenTrue, c.whenFalse);
      return c.eval;
    }
    case 'as': {
      const v = planExpr(p, e.operand);
      const t = p.resolveType(e.type);
      if (!t) return () => null;
      const lib = p.lib;
      return (f) => lib.as(v(f), t);
    }
    case 'typeof': {
      const t = p.resolveType(e.type);
      if (!t) return () => null;
      const value = p.lib.typeOf(t);
      return () => value;
    }
    case 'default': {
      const t = p.resolveType(e.type);
      if (!t) return () => null;
      const lib = p.lib;
      return () => lib.defaultValue(t);
    }
    case 'checked':
      if (e.checked) return p.problem('MA5004', "checked(…) overflow checking is not supported in policy expressions.", e);
      return planExpr(p, e.operand);
    case 'new':
      return planNew(p, e);
    case 'newArray':
      return planNewArray(p, e, undefined);
    case 'newAnonymous': {
      const names = e.members.map((m) => m.name);
      const values = e.members.map((m) => planExpr(p, m.value));
      const lib = p.lib;
      return (f) =>
        lib.newAnonymous(
          names,
          values.map((v) => v(f)),
        );
    }
    case 'arrayInit':
      return p.problem('MA5004', 'An array initializer without a type is only allowed in a declaration with an array type.', e);
    case 'lambda':
      return planLambda(p, e);
  }
}

function planLiteral(p: PlanContext, e: A.Literal): Eval {
  let value: Value;
  switch (e.type) {
    case 'string':
    case 'bool':
    case 'null':
      value = e.value;
      break;
    case 'int':
      value = Number(e.value);
      break;
    default:
      value = p.lib.literal(e.type, String(e.value));
  }
  return () => value;
}

function planInterpolated(p: PlanContext, e: A.Interpolated): Eval {
  const lib = p.lib;
  const parts: ((f: Frame) => string)[] = e.parts.map((part) => {
    if (typeof part === 'string') return () => part;
    const v = planExpr(p, part.expr);
    const align = part.align ? planExpr(p, part.align) : undefined;
    if (part.format === undefined && !align) {
      return (f) => {
        const x = v(f);
        return typeof x === 'string' ? x : x === null ? '' : lib.toNetString(x);
      };
    }
    const format = part.format;
    return (f) => lib.formatHole(v(f), format, align ? align(f) : undefined);
  });
  return (f) => {
    let s = '';
    for (const part of parts) s += part(f);
    return s;
  };
}

function planName(p: PlanContext, e: A.Name): Eval {
  const v = p.lookup(e.name);
  if (v) {
    if (e.typeArgs) return p.problem('MA5010', `The variable '${e.name}' cannot be used with type arguments.`, e);
    if (!p.isAssigned(v)) p.problem('MA5013', `Use of unassigned local variable '${e.name}'.`, e);
    return p.reader(v);
  }
  if (e.name === 'context') return (f) => f.ctx;
  if (p.lookupFunction(e.name)) return p.problem('MA5004', `Local function '${e.name}' can only be called, not used as a value.`, e);
  if (e.keyword || p.tryResolveType(e.name, e.typeArgs ?? [])) return p.problem('MA5010', `'${e.name}' is a type, which is not valid in the given context.`, e);
  return p.problem('MA5010', `The name '${e.name}' does not exist in the current context.`, e);
}

/** What a (qualified) name denotes when it is not a value: a type or a namespace. */
type StaticTarget = { type: TypeHandle } | { namespace: string } | 'value' | 'error';

function staticTarget(p: PlanContext, e: A.Expr): StaticTarget {
  if (e.kind === 'name') {
    if (!e.keyword && (p.lookup(e.name) || e.name === 'context' || p.lookupFunction(e.name))) return 'value';
    const t = p.tryResolveType(e.name, e.typeArgs ?? []);
    if (t) return { type: t };
    if (!e.typeArgs && p.isNamespace(e.name)) return { namespace: e.name };
    if (e.keyword) {
      p.problem('MA5011', `The type '${e.name}' is not allowed in policy expressions.`, e);
      return 'error';
    }
    p.problem('MA5010', `The name '${e.name}' does not exist in the current context.`, e);
    return 'error';
  }
  if (e.kind === 'member' && !e.conditional) {
    const inner = staticTarget(p, e.target);
    if (inner === 'value' || inner === 'error') return inner;
    if ('namespace' in inner) {
      const full = `${inner.namespace}.${e.name}`;
      const t = p.tryResolveType(full, e.typeArgs ?? []);
      if (t) return { type: t };
      if (!e.typeArgs && p.isNamespace(full)) return { namespace: full };
      p.problem('MA5011', `The type or namespace name '${e.name}' does not exist in the namespace '${inner.namespace}' or is not allowed in policy expressions.`, { start: e.nameStart, end: e.end });
      return 'error';
    }
    // Type.Member: a static member (a value), or a nested type/enum (the library treats enums as types with static values)
    return 'value';
  }
  return 'value';
}

function hasConditional(e: A.Expr): boolean {
  for (let x: A.Expr = e; ; ) {
    if ((x.kind === 'member' || x.kind === 'index') && x.conditional) return true;
    if (x.kind === 'member' || x.kind === 'index' || x.kind === 'invoke') x = x.target;
    else return false;
  }
}

/** Plans a target in an access chain; `short` chains propagate SHORT. */
function planChainTarget(p: PlanContext, e: A.Expr, short: boolean): ChainEval {
  if (short && (e.kind === 'member' || e.kind === 'index' || e.kind === 'invoke')) return planAccess(p, e, true);
  return planExpr(p, e);
}

/** member / invoke / index, with `?.`/`?[` short-circuiting when `short`. */
function planAccess(p: PlanContext, e: A.Member | A.Invocation | A.ElementAccess, short: boolean): ChainEval {
  const lib = p.lib;
  if (e.kind === 'member') {
    const st = staticTarget(p, e.target);
    if (st === 'error') return () => null;
    if (st !== 'value') {
      if ('namespace' in st) return p.problem('MA5011', `'${st.namespace}.${e.name}' is not a type or is not allowed in policy expressions.`, e);
      const type = st.type;
      if (!p.lib.hasStatic(type, e.name, 'value')) return staticMissing(p, type, e.name, e);
      const name = e.name;
      return () => lib.getStatic(type, name);
    }
    const target = planChainTarget(p, e.target, short);
    const name = e.name;
    if (e.typeArgs) return p.problem('MA5004', `The property '${name}' cannot be used with type arguments.`, e);
    if (!short) {
      const t = target as Eval;
      return (f) => lib.getMember(t(f), name);
    }
    const conditional = e.conditional;
    return (f) => {
      const t = target(f);
      if (t === SHORT || (conditional && t === null)) return SHORT;
      return lib.getMember(t, name);
    };
  }
  if (e.kind === 'index') {
    const target = planChainTarget(p, e.target, short);
    const args = planArguments(p, e.args);
    if (args.outs || args.names) return p.problem('MA5004', 'Named or out arguments in an indexer are not supported.', e);
    const evals = args.evals;
    const conditional = e.conditional;
    if (evals.length === 1) {
      const a0 = evals[0]!;
      if (!short) {
        const t = target as Eval;
        return (f) => lib.getIndex(t(f), [a0(f)]);
      }
      return (f) => {
        const t = target(f);
        if (t === SHORT || (conditional && t === null)) return SHORT;
        return lib.getIndex(t, [a0(f)]);
      };
    }
    return (f) => {
      const t = target(f);
      if (t === SHORT || (conditional && t === null)) return SHORT;
      return lib.getIndex(
        t,
        evals.map((a) => a(f)),
      );
    };
  }
  return planInvocation(p, e, short);
}

function staticMissing(p: PlanContext, type: TypeHandle, name: string, node: { start: number; end: number }): Eval {
  return p.problem('MA5012', `'${p.lib.typeDisplayName(type)}' has no static member '${name}' allowed in policy expressions.`, node);
}

interface PlannedArgs {
  readonly evals: Eval[];
  readonly names: (string | undefined)[] | undefined;
  /** out/ref arguments: position and the variable written back after the call. */
  readonly outs: { index: number; write: (f: Frame, v: Value) => Value; read: Eval | undefined }[] | undefined;
}

function planArguments(p: PlanContext, args: readonly A.Argument[]): PlannedArgs {
  const evals: Eval[] = [];
  let names: (string | undefined)[] | undefined;
  let outs: PlannedArgs['outs'];
  const declared: VarInfo[] = [];
  args.forEach((a, i) => {
    if (a.name !== undefined) {
      names ??= args.map(() => undefined);
      names[i] = a.name;
    }
    if (!a.modifier) {
      evals.push(planExpr(p, a.value));
      return;
    }
    let v: VarInfo | undefined;
    if (a.declares) {
      const type = a.declares.type === 'var' ? undefined : p.resolveType(a.declares.type);
      v = p.declare(a.declares.name, a.declares, type);
      declared.push(v);
    } else if (a.value.kind === 'name') {
      v = p.lookup(a.value.name);
      if (!v) p.problem('MA5010', `The name '${a.value.name}' does not exist in the current context.`, a.value);
      else if (v.readonly) p.problem('MA5018', `Cannot pass '${v.name}' as an ${a.modifier} argument because it is read-only.`, a.value);
      else if (a.modifier === 'ref' && !p.isAssigned(v)) p.problem('MA5013', `Use of unassigned local variable '${v.name}'.`, a.value);
    } else {
      p.problem('MA5018', `An ${a.modifier} argument must be a local variable.`, a.value);
    }
    evals.push(() => null);
    if (v) {
      outs ??= [];
      outs.push({ index: i, write: p.writer(v), read: a.modifier === 'ref' ? p.reader(v) : undefined });
      declared.push(v);
    }
  });
  // out variables are definitely assigned once the call returns
  for (const v of declared) p.markAssigned(v);
  return { evals, names, outs };
}

/** Evaluates arguments, creating OutRef cells for out/ref arguments. */
function argValues(f: Frame, a: PlannedArgs): { values: Value[]; refs: OutRef[] | undefined } {
  const values = a.evals.map((e) => e(f));
  if (!a.outs) return { values, refs: undefined };
  const refs: OutRef[] = [];
  for (const o of a.outs) {
    const ref: OutRef = { isOutRef: true, value: o.read ? o.read(f) : null };
    values[o.index] = ref;
    refs.push(ref);
  }
  return { values, refs };
}

function writeBack(f: Frame, a: PlannedArgs, refs: OutRef[] | undefined): void {
  if (!refs || !a.outs) return;
  a.outs.forEach((o, i) => o.write(f, refs[i]!.value));
}

function resolveTypeArgs(p: PlanContext, typeArgs: readonly A.TypeRef[] | undefined): readonly TypeHandle[] | undefined {
  if (!typeArgs) return NO_TYPES;
  const out: TypeHandle[] = [];
  for (const t of typeArgs) {
    const r = p.resolveType(t);
    if (!r) return undefined;
    out.push(r);
  }
  return out;
}

function planInvocation(p: PlanContext, e: A.Invocation, short: boolean): ChainEval {
  const lib = p.lib;
  const callee = e.target;
  if (callee.kind === 'name') {
    const fn = p.lookupFunction(callee.name);
    if (fn) {
      const args = planArguments(p, e.args);
      if (args.outs || args.names) return p.problem('MA5004', 'Named or out arguments to local functions are not supported.', e);
      if (args.evals.length !== fn.arity) return p.problem('MA5004', `Local function '${fn.name}' takes ${fn.arity} argument(s), not ${args.evals.length}.`, e);
      return callLocalFunction(p, fn, args.evals);
    }
    const v = p.lookup(callee.name);
    if (v) {
      const target = p.reader(v);
      const args = planArguments(p, e.args);
      return (f) => {
        const d = target(f) as Delegate | null;
        if (d === null) throw lib.exception('System.NullReferenceException', 'Object reference not set to an instance of an object.');
        return d.invoke(args.evals.map((a) => a(f)));
      };
    }
    if (callee.name === 'nameof') return p.problem('MA5004', 'nameof(…) is not supported in policy expressions.', e);
    return p.problem('MA5022', `The name '${callee.name}' does not exist in the current context: policy expressions can only call methods on values and types.`, callee);
  }
  if (callee.kind !== 'member') return p.problem('MA5004', 'Only methods can be called; invoking the result of an expression is not supported.', e);
  const typeArgs = resolveTypeArgs(p, callee.typeArgs);
  const st = staticTarget(p, callee.target);
  if (st === 'error' || !typeArgs) {
    planArguments(p, e.args);
    return () => null;
  }
  const name = callee.name;
  if (st !== 'value') {
    if ('namespace' in st) return p.problem('MA5011', `'${st.namespace}.${name}' is not a type or is not allowed in policy expressions.`, callee);
    const type = st.type;
    if (!lib.hasStatic(type, name, 'method')) {
      planArguments(p, e.args);
      return staticMissing(p, type, name, { start: callee.nameStart, end: callee.end });
    }
    const args = planArguments(p, e.args);
    if (!args.outs) {
      const evals = args.evals;
      const names = args.names;
      return (f) =>
        lib.invokeStatic(
          type,
          name,
          evals.map((a) => a(f)),
          typeArgs,
          names,
        );
    }
    return (f) => {
      const { values, refs } = argValues(f, args);
      const r = lib.invokeStatic(type, name, values, typeArgs, args.names);
      writeBack(f, args, refs);
      return r;
    };
  }
  const target = planChainTarget(p, callee.target, short);
  const args = planArguments(p, e.args);
  const nullableLocal = callee.target.kind === 'name' ? p.lookup(callee.target.name) : undefined;
  if (name === 'GetValueOrDefault' && nullableLocal?.underlying && !callee.conditional && args.evals.length <= 1 && !args.outs) {
    // Nullable<T>.GetValueOrDefault(): T's default (or the argument) when the local holds null
    const t = target as Eval;
    const fallback = args.evals[0];
    const dflt = lib.defaultValue(nullableLocal.underlying);
    return (f) => {
      const v = t(f);
      return v !== null ? v : fallback ? fallback(f) : dflt;
    };
  }
  const conditional = callee.conditional;
  const names = args.names;
  if (!args.outs && !short) {
    const t = target as Eval;
    const evals = args.evals;
    switch (evals.length) {
      case 0:
        return (f) => lib.invokeMethod(t(f), name, [], typeArgs, names);
      case 1: {
        const a0 = evals[0]!;
        return (f) => lib.invokeMethod(t(f), name, [a0(f)], typeArgs, names);
      }
      case 2: {
        const a0 = evals[0]!;
        const a1 = evals[1]!;
        return (f) => lib.invokeMethod(t(f), name, [a0(f), a1(f)], typeArgs, names);
      }
    }
  }
  return (f) => {
    const t = target(f);
    if (t === SHORT || (conditional && t === null)) return SHORT;
    const { values, refs } = argValues(f, args);
    const r = lib.invokeMethod(t, name, values, typeArgs, names);
    writeBack(f, args, refs);
    return r;
  };
}

function callLocalFunction(p: PlanContext, fn: { fn: FunctionScope; body: ((f: Frame) => Value) | undefined; paramTypes: readonly (TypeHandle | undefined)[] }, evals: Eval[]): Eval {
  // the function's frame hangs off the frame of the function that declared it
  const hops = p.fn.depth - (fn.fn.depth - 1);
  const lib = p.lib;
  return (f) => {
    let parent = f;
    for (let i = 0; i < hops; i++) parent = parent.parent!;
    const frame: Frame = { vars: new Array(fn.fn.slots).fill(null), parent, ctx: f.ctx, ret: null };
    evals.forEach((a, i) => {
      const t = fn.paramTypes[i];
      const v = a(f);
      frame.vars[i] = t ? lib.convert(v, t, 'implicit') : v;
    });
    return fn.body!(frame);
  };
}

function planLambda(p: PlanContext, e: A.Lambda): Eval {
  const fnScope = new FunctionScope(p.fn);
  const saved = p.scope;
  const savedAssigned = p.assigned;
  const savedJumps = p.jumps.splice(0);
  p.pushScope(fnScope);
  p.assigned = copy(p.assigned);
  const paramTypes: (TypeHandle | undefined)[] = [];
  for (const param of e.params) {
    const t = param.type ? p.resolveType(param.type) : undefined;
    paramTypes.push(t);
    p.markAssigned(p.declare(param.name, param, t));
  }
  const body = planFunctionBody(p, e.body, undefined);
  p.scope = saved;
  p.assigned = savedAssigned;
  p.jumps.push(...savedJumps);
  const arity = e.params.length;
  const lib = p.lib;
  const typed = paramTypes.some((t) => t !== undefined);
  return (f) => {
    const d: Delegate = {
      arity,
      invoke(args: readonly Value[]): Value {
        const frame: Frame = { vars: new Array(fnScope.slots).fill(null), parent: f, ctx: f.ctx, ret: null };
        for (let i = 0; i < arity; i++) {
          const v = args[i] ?? null;
          const t = typed ? paramTypes[i] : undefined;
          frame.vars[i] = t ? lib.convert(v, t, 'implicit') : v;
        }
        return body(frame);
      },
    };
    return d;
  };
}

function planUnary(p: PlanContext, e: A.Unary): Eval {
  const lib = p.lib;
  if (e.op === '++' || e.op === '--' || e.op === 'post++' || e.op === 'post--') return planIncrement(p, e);
  // C# §6.4.5.3: -2147483648 is an int and -9223372036854775808 a long, although the digits alone do not fit
  if (e.op === '-' && e.operand.kind === 'literal' && e.operand.start === e.start + 1) {
    const lit = e.operand;
    if (lit.type === 'uint' && lit.value === '2147483648' && !/[uU]/.test(lit.value)) return () => -2147483648;
    if (lit.type === 'ulong' && lit.value === '9223372036854775808') {
      const v = lib.literal('long', '-9223372036854775808');
      return () => v;
    }
  }
  const operand = planExpr(p, e.operand);
  const op = e.op;
  switch (op) {
    case '!':
      return (f) => {
        const v = operand(f);
        return typeof v === 'boolean' ? !v : lib.unary('!', v);
      };
    case '-':
      return (f) => {
        const v = operand(f);
        return typeof v === 'number' ? -v | 0 : lib.unary('-', v);
      };
    default:
      return (f) => lib.unary(op, operand(f));
  }
}

/** A place that can be read and written: a local, an indexer or a property. */
interface Place {
  /** Evaluates the target and arguments once; returns get/set bound to them. */
  bind(f: Frame): { get(): Value; set(v: Value): Value };
}

function planPlace(p: PlanContext, e: A.Expr, needsRead: boolean): Place | undefined {
  const lib = p.lib;
  if (e.kind === 'name') {
    const v = p.lookup(e.name);
    if (!v) {
      if (e.name === 'context') p.problem('MA5018', "'context' is read-only in policy expressions.", e);
      else p.problem('MA5010', `The name '${e.name}' does not exist in the current context.`, e);
      return undefined;
    }
    if (v.readonly) {
      p.problem('MA5018', `Cannot assign to '${v.name}' because it is read-only (a foreach, using or const variable).`, e);
      return undefined;
    }
    if (needsRead && !p.isAssigned(v)) p.problem('MA5013', `Use of unassigned local variable '${v.name}'.`, e);
    const read = p.reader(v);
    const write = p.writer(v);
    p.markAssigned(v);
    return { bind: (f) => ({ get: () => read(f), set: (x) => write(f, x) }) };
  }
  if (e.kind === 'index' && !e.conditional) {
    const target = planExpr(p, e.target);
    const args = planArguments(p, e.args);
    return {
      bind(f) {
        const t = target(f);
        const a = args.evals.map((x) => x(f));
        return {
          get: () => lib.getIndex(t, a),
          set: (x) => {
            lib.setIndex(t, a, x);
            return x;
          },
        };
      },
    };
  }
  if (e.kind === 'member' && !e.conditional) {
    const st = staticTarget(p, e.target);
    if (st === 'error') return undefined;
    if (st !== 'value') {
      p.problem('MA5018', `Static member '${e.name}' cannot be assigned in policy expressions.`, e);
      return undefined;
    }
    const target = planExpr(p, e.target);
    const name = e.name;
    return {
      bind(f) {
        const t = target(f);
        return {
          get: () => lib.getMember(t, name),
          set: (x) => {
            lib.setMember(t, name, x);
            return x;
          },
        };
      },
    };
  }
  p.problem('MA5018', 'The left-hand side of an assignment must be a variable, property or indexer.', e);
  return undefined;
}

function planIncrement(p: PlanContext, e: A.Unary): Eval {
  const place = planPlace(p, e.operand, true);
  if (!place) return () => null;
  const lib = p.lib;
  const op = e.op === '++' || e.op === 'post++' ? '+' : '-';
  const post = e.op.startsWith('post');
  // `c++` on a char stays a char (C# §12.8.15: the result is converted back to the operand's type)
  const charType = p.tryResolveType('char');
  return (f) => {
    const b = place.bind(f);
    const old = b.get();
    let next = typeof old === 'number' ? (op === '+' ? (old + 1) | 0 : (old - 1) | 0) : lib.binary(op, old, 1);
    if (charType && old !== null && typeof old === 'object' && lib.typeName(old) === 'System.Char') next = lib.convert(next, charType, 'explicit');
    b.set(next);
    return post ? old : next;
  };
}

function planAssign(p: PlanContext, e: A.Assignment): Eval {
  const lib = p.lib;
  if (e.op === '=') {
    if (e.target.kind === 'name') {
      const v = p.lookup(e.target.name);
      if (v && !v.readonly) {
        const value = planExpr(p, e.value);
        const write = p.writer(v);
        p.markAssigned(v);
        return (f) => write(f, value(f));
      }
    }
    const place = planPlace(p, e.target, false);
    const value = planExpr(p, e.value);
    if (!place) return () => null;
    return (f) => {
      const b = place.bind(f);
      return b.set(value(f));
    };
  }
  const place = planPlace(p, e.target, true);
  const value = planExpr(p, e.value);
  if (!place) return () => null;
  const op = e.op.slice(0, -1);
  return (f) => {
    const b = place.bind(f);
    return b.set(lib.binary(op, b.get(), value(f)));
  };
}

function planCast(p: PlanContext, e: A.Cast): Eval {
  const operand = planExpr(p, e.operand);
  const t = p.resolveType(e.type);
  if (!t) return () => null;
  const lib = p.lib;
  if (staticType(p, e.operand) === 'object' && lib.typeDisplayName(t) !== 'System.Object') {
    // From `object` a cast is an unboxing or reference conversion: the run-time type must be the
    // target type itself (C# §10.3.7), so `(long)context.Variables["n"]` with an int inside throws.
    return (f) => {
      const v = operand(f);
      if (v === null || lib.isInstance(v, t)) return lib.convert(v, t, 'explicit');
      throw lib.exception('System.InvalidCastException', `Unable to cast object of type '${lib.typeName(v)}' to type '${lib.typeDisplayName(t)}'.`);
    };
  }
  if (lib.defaultValue(t) !== null && yieldsToken(e.operand)) {
    // (int)token["missing"]: JToken's explicit operator rejects a null token with ArgumentNullException
    const convert: Eval = (f) => {
      const v = operand(f);
      if (v === null) throw lib.exception('System.ArgumentNullException', 'Value cannot be null.\nParameter name: value');
      return lib.convert(v, t, 'explicit');
    };
    return convert;
  }
  const simple = e.type.arrayRanks.length === 0 && !e.type.nullable && e.type.typeArgs.length === 0;
  if (simple && (e.type.name === 'string' || e.type.name === 'String' || e.type.name === 'System.String')) {
    return (f) => {
      const v = operand(f);
      return typeof v === 'string' || v === null ? v : lib.convert(v, t, 'explicit');
    };
  }
  if (simple && (e.type.name === 'int' || e.type.name === 'Int32' || e.type.name === 'System.Int32')) {
    return (f) => {
      const v = operand(f);
      return typeof v === 'number' ? v : lib.convert(v, t, 'explicit');
    };
  }
  if (simple && (e.type.name === 'bool' || e.type.name === 'Boolean' || e.type.name === 'System.Boolean')) {
    return (f) => {
      const v = operand(f);
      return typeof v === 'boolean' ? v : lib.convert(v, t, 'explicit');
    };
  }
  return (f) => lib.convert(operand(f), t, 'explicit');
}

function planBinary(p: PlanContext, e: A.Binary): Eval {
  const lib = p.lib;
  if (e.op === '&&' || e.op === '||') {
    const c = planCondition(p, e);
    p.assigned = intersect(c.whenTrue, c.whenFalse);
    return c.eval;
  }
  if (e.op === '??') {
    const left = planExpr(p, e.left);
    const before = copy(p.assigned);
    const right = planExpr(p, e.right);
    p.assigned = before;
    return (f) => {
      const l = left(f);
      return l !== null ? l : right(f);
    };
  }
  const left = planExpr(p, e.left);
  const right = planExpr(p, e.right);
  const op = e.op;
  if (op === '+' && (staticType(p, e.left) === 'string' || staticType(p, e.right) === 'string')) {
    // string concatenation: null operands are empty strings, even when both are null
    return (f) => {
      const l = left(f);
      const r = right(f);
      return (typeof l === 'string' ? l : lib.toNetString(l)) + (typeof r === 'string' ? r : lib.toNetString(r));
    };
  }
  switch (op) {
    case '+':
      return (f) => {
        const l = left(f);
        const r = right(f);
        if (typeof l === 'number' && typeof r === 'number') return (l + r) | 0;
        if (typeof l === 'string' && typeof r === 'string') return l + r;
        return lib.binary('+', l, r);
      };
    case '-':
      return (f) => {
        const l = left(f);
        const r = right(f);
        return typeof l === 'number' && typeof r === 'number' ? (l - r) | 0 : lib.binary('-', l, r);
      };
    case '==':
    case '!=': {
      const negate = op === '!=';
      if (e.right.kind === 'literal' && e.right.type === 'null') return (f) => (left(f) === null) !== negate;
      return (f) => {
        const l = left(f);
        const r = right(f);
        const tl = typeof l;
        if (tl === typeof r && (tl === 'string' || tl === 'number' || tl === 'boolean')) return (l === r) !== negate;
        return lib.binary(op, l, r);
      };
    }
    case '<':
    case '>':
    case '<=':
    case '>=': {
      const cmp = op === '<' ? (a: number, b: number) => a < b : op === '>' ? (a: number, b: number) => a > b : op === '<=' ? (a: number, b: number) => a <= b : (a: number, b: number) => a >= b;
      return (f) => {
        const l = left(f);
        const r = right(f);
        return typeof l === 'number' && typeof r === 'number' ? cmp(l, r) : lib.binary(op, l, r);
      };
    }
    default:
      return (f) => lib.binary(op, left(f), right(f));
  }
}

/** A boolean expression with the definite-assignment states after it is true and false (C# §9.4.4). */
export interface Condition {
  readonly eval: Eval;
  readonly whenTrue: Assigned;
  readonly whenFalse: Assigned;
}

/** Plans an expression used as a condition (`if`, `while`, `&&`, `?:`), tracking assignment states per outcome. */
export function planCondition(p: PlanContext, e: A.Expr): Condition {
  if (e.kind === 'binary' && (e.op === '&&' || e.op === '||')) {
    const l = planCondition(p, e.left);
    const and = e.op === '&&';
    p.assigned = copy(and ? l.whenTrue : l.whenFalse);
    const r = planCondition(p, e.right);
    const left = l.eval;
    const right = r.eval;
    if (and) return { eval: (f) => left(f) === true && right(f) === true, whenTrue: r.whenTrue, whenFalse: intersect(l.whenFalse, r.whenFalse) };
    return { eval: (f) => left(f) === true || right(f) === true, whenTrue: intersect(l.whenTrue, r.whenTrue), whenFalse: r.whenFalse };
  }
  if (e.kind === 'unary' && e.op === '!') {
    const c = planCondition(p, e.operand);
    const inner = c.eval;
    const lib = p.lib;
    return {
      eval: (f) => {
        const v = inner(f);
        return typeof v === 'boolean' ? !v : lib.unary('!', v);
      },
      whenTrue: c.whenFalse,
      whenFalse: c.whenTrue,
    };
  }
  if (e.kind === 'literal' && e.type === 'bool') {
    const v = e.value as boolean;
    // a constant condition makes one branch unreachable (C# §9.4.4.x)
    return { eval: () => v, whenTrue: v ? copy(p.assigned) : undefined, whenFalse: v ? undefined : copy(p.assigned) };
  }
  if (e.kind === 'is') return planIs(p, e);
  const ev = planExpr(p, e);
  return { eval: ev, whenTrue: copy(p.assigned), whenFalse: copy(p.assigned) };
}

function planIs(p: PlanContext, e: A.Is): Condition {
  const lib = p.lib;
  const operand = planExpr(p, e.operand);
  if (e.constant) {
    const c = planExpr(p, e.constant);
    const isNull = e.constant.kind === 'literal' && e.constant.type === 'null';
    const ev: Eval = isNull
      ? (f) => operand(f) === null
      : (f) => {
          const v = operand(f);
          const k = c(f);
          if (v === null) return k === null;
          return lib.typeName(v) === lib.typeName(k) && lib.binary('==', v, k) === true;
        };
    return { eval: ev, whenTrue: copy(p.assigned), whenFalse: copy(p.assigned) };
  }
  const t = e.type ? p.resolveType(e.type) : undefined;
  if (!t) return { eval: () => false, whenTrue: copy(p.assigned), whenFalse: copy(p.assigned) };
  if (!e.designation) return { eval: (f) => lib.isInstance(operand(f), t), whenTrue: copy(p.assigned), whenFalse: copy(p.assigned) };
  const v = p.declare(e.designation.name, e.designation, undefined);
  const write = p.writer(v);
  const whenFalse = copy(p.assigned);
  p.markAssigned(v);
  return {
    eval: (f) => {
      const x = operand(f);
      if (!lib.isInstance(x, t)) return false;
      write(f, lib.convert(x, t, 'explicit'));
      return true;
    },
    whenTrue: copy(p.assigned),
    whenFalse,
  };
}

function planNew(p: PlanContext, e: A.New): Eval {
  const lib = p.lib;
  const type = p.resolveType(e.type);
  const args = planArguments(p, e.args);
  const init = e.initializer ? planInitializer(p, e.initializer) : undefined;
  if (!type) return () => null;
  if (args.outs) return p.problem('MA5004', 'out arguments to constructors are not supported.', e);
  const evals = args.evals;
  const names = args.names;
  return (f) => {
    const obj = lib.construct(
      type,
      evals.map((a) => a(f)),
      names,
    );
    if (init) init(f, obj);
    return obj;
  };
}

type Initializer = (f: Frame, target: Value) => void;

function planInitializer(p: PlanContext, init: A.ObjectInitializer): Initializer {
  const lib = p.lib;
  const steps: Initializer[] = init.entries.map((entry): Initializer => {
    switch (entry.kind) {
      case 'property': {
        const name = entry.name;
        if (entry.value.kind === 'initializer') {
          const nested = planInitializer(p, entry.value);
          return (f, t) => nested(f, lib.getMember(t, name));
        }
        const v = planExpr(p, entry.value);
        return (f, t) => lib.setMember(t, name, v(f));
      }
      case 'indexer': {
        const args = entry.args.map((a) => planExpr(p, a.value));
        const v = planExpr(p, entry.value);
        return (f, t) =>
          lib.setIndex(
            t,
            args.map((a) => a(f)),
            v(f),
          );
      }
      case 'element': {
        const args = entry.args.map((a) => planExpr(p, a));
        return (f, t) =>
          lib.addToCollection(
            t,
            args.map((a) => a(f)),
          );
      }
    }
  });
  return (f, t) => {
    for (const s of steps) s(f, t);
  };
}

/** `new T[] {…}`, `new[] {…}`, `new T[n]`, or `{…}` for a declared array type. */
export function planNewArray(p: PlanContext, e: A.NewArray | A.ArrayInitializer, declaredElement: TypeHandle | undefined): Eval {
  const lib = p.lib;
  let elementType = declaredElement;
  if (e.kind === 'newArray' && e.elementType) {
    elementType = p.resolveType(e.elementType);
    if (!elementType) return () => null;
  }
  const elements = (e.elements ?? []).map((x) => (x.kind === 'arrayInit' ? p.problem('MA5004', 'Nested array initializers are not supported.', x) : planExpr(p, x)));
  if (e.kind === 'newArray' && e.size) {
    const size = planExpr(p, e.size);
    const t = elementType!;
    if (e.elements) {
      const n = e.elements.length;
      return (f) => {
        const s = size(f);
        if (s !== n) throw lib.exception('System.OverflowException', 'Arithmetic operation resulted in an overflow.');
        return lib.newArray(
          t,
          elements.map((x) => x(f)),
        );
      };
    }
    return (f) => lib.newArrayOfSize(t, size(f));
  }
  return (f) =>
    lib.newArray(
      elementType,
      elements.map((x) => x(f)),
    );
}

/**
 * The little static typing the evaluator needs (it is otherwise dynamically typed): whether an
 * expression's C# type is `object` (casts from it unbox) or `string` (`+` concatenates).
 */
function staticType(p: PlanContext, e: A.Expr): 'object' | 'string' | undefined {
  switch (e.kind) {
    case 'literal':
      return e.type === 'string' ? 'string' : undefined;
    case 'interpolated':
      return 'string';
    case 'name': {
      const v = p.lookup(e.name);
      const t = v?.type ? p.lib.typeDisplayName(v.type) : undefined;
      return t === 'System.Object' ? 'object' : t === 'System.String' ? 'string' : undefined;
    }
    case 'cast': {
      if (e.type.arrayRanks.length > 0 || e.type.nullable || e.type.typeArgs.length > 0) return undefined;
      const n = e.type.name;
      return n === 'object' || n === 'Object' || n === 'System.Object' ? 'object' : n === 'string' || n === 'String' || n === 'System.String' ? 'string' : undefined;
    }
    case 'index':
      // context.Variables[name] is IReadOnlyDictionary<string, object>'s indexer
      return e.target.kind === 'member' && e.target.name === 'Variables' && e.target.target.kind === 'name' && e.target.target.name === 'context' && !p.lookup('context') ? 'object' : undefined;
    case 'binary':
      return e.op === '+' && (staticType(p, e.left) === 'string' || staticType(p, e.right) === 'string') ? 'string' : undefined;
    default:
      return undefined;
  }
}

/** Expressions whose C# type is (almost always) JToken: a string-keyed indexer, SelectToken(…). */
function yieldsToken(e: A.Expr): boolean {
  if (e.kind === 'index') return e.args.length === 1 && e.args[0]!.value.kind === 'literal' && e.args[0]!.value.type === 'string' && !(e.target.kind === 'member' && e.target.name === 'Variables');
  return e.kind === 'invoke' && e.target.kind === 'member' && e.target.name === 'SelectToken';
}
