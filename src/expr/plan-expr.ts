/**
 * Expression planning: each AST node becomes a closure `(frame) => value`, built once.
 * Names are resolved here (locals, `context`, types, static members), so an unknown name or a
 * disallowed static member is a load-time problem, not a run-time surprise. This module holds
 * the dispatch, names and the access chain (member, index, `?.`); invocations, arguments and
 * lambdas are in plan-invoke.ts, operators and places in plan-operators.ts, object and array
 * creation in plan-new.ts.
 */
import { exprJs, literalJs, withJs } from './jit.ts';
import type * as A from './ast.ts';
import { planArguments, planInvocation, planLambda } from './plan-invoke.ts';
import { copy, type Eval, type Frame, intersect, type PlanContext } from './plan-scope.ts';
import type { TypeHandle, Value } from './port.ts';
import { planNew, planNewArray } from './plan-new.ts';
import { planAssign } from './plan-assign.ts';
import { planBinary, planCast, planCondition, planUnary } from './plan-operators.ts';

/** Marks a null-conditional short circuit travelling up an access chain (`a?.b.c`). */
export const SHORT: unique symbol = Symbol('short-circuit');
export type ChainEval = (f: Frame) => Value | typeof SHORT;

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
export function planChainTarget(p: PlanContext, e: A.Expr, short: boolean): ChainEval {
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
      const site = lib.memberSite?.(name) ?? ((x: Value) => lib.getMember(x, name));
      return withJs((f: Frame) => site(t(f)), `${p.code.ref(site)}(${exprJs(p.code, t)})`);
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
        const site = lib.indexSite?.() ?? ((x: Value, i: Value) => lib.getIndex(x, [i]));
        return withJs((f: Frame) => site(t(f), a0(f)), `${p.code.ref(site)}(${exprJs(p.code, t)}, ${exprJs(p.code, a0)})`);
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

export function staticMissing(p: PlanContext, type: TypeHandle, name: string, node: { start: number; end: number }): Eval {
  return p.problem('MA5012', `'${p.lib.typeDisplayName(type)}' has no static member '${name}' allowed in policy expressions.`, node);
}
