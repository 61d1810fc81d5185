/**
 * Expression planning: each AST node becomes a closure `(frame) => value`, built once.
 * Names are resolved here (locals, `context`, types, static members), so an unknown name or a
 * disallowed static member is a load-time problem, not a run-time surprise. This module holds
 * the dispatch, names, member access, invocation and lambdas; operators and places are in
 * plan-operators.ts, object and array creation in plan-new.ts.
 */
import { exprJs, literalJs, withJs } from './jit.ts';
import type * as A from './ast.ts';
import { copy, type Eval, type Frame, FunctionScope, intersect, type PlanContext, type VarInfo } from './plan-scope.ts';
import { planFunctionBody } from './plan-stmt.ts';
import type { Delegate, OutRef, TypeHandle, Value } from './port.ts';
import { planNew, planNewArray } from './plan-new.ts';
import { planAssign, planBinary, planCast, planCondition, planUnary } from './plan-operators.ts';

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
      const t = p.code;
      return withJs((f: Frame) => (test(f) === true ? then(f) : otherwise(f)), `(${exprJs(t, test)} === true ? ${exprJs(t, then)} : ${exprJs(t, otherwise)})`);
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
  const js = typeof value === 'string' || typeof value === 'number' ? literalJs(value) : value === null ? 'null' : typeof value === 'boolean' ? String(value) : p.code.ref(value);
  return withJs(() => value, js);
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
  if (e.name === 'context') return withJs((f: Frame) => f.ctx, 'f.ctx');
  if (p.lookupFunction(e.name)) return p.problem('MA5004', `Local function '${e.name}' can only be called, not used as a value.`, e);
  if (e.keyword || p.tryResolveType(e.name, e.typeArgs ?? [])) return p.problem('MA5010', `'${e.name}' is a type, which is not valid in the given context.`, e);
  return p.problem('MA5010', `The name '${e.name}' does not exist in the current context.`, e);
}

/** What a (qualified) name denotes when it is not a value: a type or a namespace. */
export type StaticTarget = { type: TypeHandle } | { namespace: string } | 'value' | 'error';

export function staticTarget(p: PlanContext, e: A.Expr): StaticTarget {
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
      return withJs(() => lib.getStatic(type, name), `lib.getStatic(${p.code.ref(type)}, ${literalJs(name)})`);
    }
    const target = planChainTarget(p, e.target, short);
    const name = e.name;
    if (e.typeArgs) return p.problem('MA5004', `The property '${name}' cannot be used with type arguments.`, e);
    if (!short) {
      const t = target as Eval;
      return withJs((f: Frame) => lib.getMember(t(f), name), `lib.getMember(${exprJs(p.code, t)}, ${literalJs(name)})`);
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
        return withJs((f: Frame) => lib.getIndex(t(f), [a0(f)]), `lib.getIndex(${exprJs(p.code, t)}, [${exprJs(p.code, a0)}])`);
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

export interface PlannedArgs {
  readonly evals: Eval[];
  readonly names: (string | undefined)[] | undefined;
  /** out/ref arguments: position and the variable written back after the call. */
  readonly outs: { index: number; write: (f: Frame, v: Value) => Value; read: Eval | undefined }[] | undefined;
}

export function planArguments(p: PlanContext, args: readonly A.Argument[]): PlannedArgs {
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
      const c = p.code;
      const js = `lib.invokeStatic(${c.ref(type)}, ${literalJs(name)}, [${evals.map((a) => exprJs(c, a)).join(', ')}], ${c.ref(typeArgs)}, ${c.ref(names)})`;
      return withJs(
        (f: Frame) =>
          lib.invokeStatic(
            type,
            name,
            evals.map((a) => a(f)),
            typeArgs,
            names,
          ),
        js,
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
    const c = p.code;
    const js = `lib.invokeMethod(${exprJs(c, t)}, ${literalJs(name)}, [${evals.map((a) => exprJs(c, a)).join(', ')}], ${c.ref(typeArgs)}, ${c.ref(names)})`;
    switch (evals.length) {
      case 0:
        return withJs((f: Frame) => lib.invokeMethod(t(f), name, [], typeArgs, names), js);
      case 1: {
        const a0 = evals[0]!;
        return withJs((f: Frame) => lib.invokeMethod(t(f), name, [a0(f)], typeArgs, names), js);
      }
      case 2: {
        const a0 = evals[0]!;
        const a1 = evals[1]!;
        return withJs((f: Frame) => lib.invokeMethod(t(f), name, [a0(f), a1(f)], typeArgs, names), js);
      }
      default:
        return withJs((f: Frame) => lib.invokeMethod(t(f), name, evals.map((a) => a(f)), typeArgs, names), js);
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
