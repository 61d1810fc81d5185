/**
 * Planning of invocations: method and static calls (with out/ref arguments written back after
 * the call), named arguments, delegates held in locals, local function calls, and lambdas.
 * Separate from plan-expr.ts, which holds the dispatch, names and member/index access that
 * lead here.
 */
import { exprJs, literalJs, withJs } from './jit.ts';
import type * as A from './ast.ts';
import { type ChainEval, planChainTarget, planExpr, SHORT, staticMissing, staticTarget } from './plan-expr.ts';
import { copy, type Eval, type Frame, FunctionScope, type PlanContext, type VarInfo } from './plan-scope.ts';
import { planFunctionBody } from './plan-stmt.ts';
import type { Delegate, OutRef, TypeHandle, Value } from './port.ts';

const NO_TYPES: readonly TypeHandle[] = [];

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

export function planInvocation(p: PlanContext, e: A.Invocation, short: boolean): ChainEval {
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
    // one call site per planned call: the method found for the last receiver type is tried first
    const site = lib.methodSite?.(name, typeArgs, names) ?? ((x: Value, a: Value[]) => lib.invokeMethod(x, name, a, typeArgs, names));
    const js = `${c.ref(site)}(${exprJs(c, t)}, [${evals.map((a) => exprJs(c, a)).join(', ')}])`;
    switch (evals.length) {
      case 0:
        return withJs((f: Frame) => site(t(f), []), js);
      case 1: {
        const a0 = evals[0]!;
        return withJs((f: Frame) => site(t(f), [a0(f)]), js);
      }
      case 2: {
        const a0 = evals[0]!;
        const a1 = evals[1]!;
        return withJs((f: Frame) => site(t(f), [a0(f), a1(f)]), js);
      }
      default:
        return withJs((f: Frame) => site(t(f), evals.map((a) => a(f))), js);
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

export function planLambda(p: PlanContext, e: A.Lambda): Eval {
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
