/**
 * Planning of places and what writes them: assignment, compound assignment (`+=` …) and
 * `++`/`--` to locals, members and indexers, each with its JavaScript text where the target
 * allows it. Separate from plan-operators.ts, whose operators only read their operands.
 */
import type * as A from './ast.ts';
import type { Eval, Frame, PlanContext } from './plan-scope.ts';
import type { Value } from './port.ts';
import { exprJs, literalJs, withJs } from './jit.ts';
import * as ops from './ops.ts';
import { planExpr, staticTarget } from './plan-expr.ts';
import { planArguments } from './plan-invoke.ts';

/** A place that can be read and written: a local, an indexer or a property. */
interface Place {
  /** Evaluates the target and arguments once; returns get/set bound to them. */
  bind(f: Frame): { get(): Value; set(v: Value): Value };
  /** JavaScript doing what `bind(f).set(value)` does, `valueJs` evaluated after the target and arguments. */
  setJs?(valueJs: string): string | undefined;
}

export function planPlace(p: PlanContext, e: A.Expr, needsRead: boolean): Place | undefined {
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
    return { bind: (f) => ({ get: () => read(f), set: (x) => write(f, x) }), setJs: (valueJs) => p.writerJs(v, valueJs) };
  }
  if (e.kind === 'index' && !e.conditional) {
    const target = planExpr(p, e.target);
    const args = planArguments(p, e.args);
    const c = p.code;
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
      setJs(valueJs) {
        const [t, a, x] = [c.temp(), c.temp(), c.temp()];
        const site = args.evals.length === 1 ? lib.setIndexSite?.() : undefined;
        // target, index, value: evaluated in that order, then stored
        if (site) return `(${t} = ${exprJs(c, target)}, ${a} = ${exprJs(c, args.evals[0]!)}, ${x} = ${valueJs}, ${c.ref(site)}(${t}, ${a}, ${x}), ${x})`;
        return `(${t} = ${exprJs(c, target)}, ${a} = [${args.evals.map((ev) => exprJs(c, ev)).join(', ')}], ${x} = ${valueJs}, lib.setIndex(${t}, ${a}, ${x}), ${x})`;
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
    const c = p.code;
    return {
      setJs(valueJs) {
        const [t, x] = [c.temp(), c.temp()];
        return `(${t} = ${exprJs(c, target)}, ${x} = ${valueJs}, lib.setMember(${t}, ${literalJs(name)}, ${x}), ${x})`;
      },
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

export function planIncrement(p: PlanContext, e: A.Unary): Eval {
  const place = planPlace(p, e.operand, true);
  if (!place) return () => null;
  const lib = p.lib;
  const op = e.op === '++' || e.op === 'post++' ? '+' : '-';
  const post = e.op.startsWith('post');
  // `c++` on a char stays a char (C# §12.8.15: the result is converted back to the operand's type)
  const charType = p.tryResolveType('char');
  const up = op === '+';
  const closure = (f: Frame) => {
    const b = place.bind(f);
    const old = b.get();
    const next = ops.stepped(lib, charType, up, old);
    b.set(next);
    return post ? old : next;
  };
  const local = e.operand.kind === 'name' ? p.lookup(e.operand.name) : undefined;
  if (!local) return closure;
  // a local of this function: read, step, write through the declared type's conversion
  const c = p.code;
  const old = c.temp();
  const next = c.temp();
  const write = p.writerJs(local, next);
  const read = exprJs(c, p.reader(local));
  const step = `typeof ${old} === 'number' ? (${old} ${up ? '+' : '-'} 1) | 0 : ops.stepped(lib, ${c.ref(charType)}, ${up}, ${old})`;
  return withJs(closure, write && `(${old} = ${read}, ${next} = ${step}, ${write}, ${post ? old : next})`);
}

export function planAssign(p: PlanContext, e: A.Assignment): Eval {
  const lib = p.lib;
  if (e.op === '=') {
    if (e.target.kind === 'name') {
      const v = p.lookup(e.target.name);
      if (v && !v.readonly) {
        const value = planExpr(p, e.value);
        const write = p.writer(v);
        p.markAssigned(v);
        return withJs((f: Frame) => write(f, value(f)), p.writerJs(v, exprJs(p.code, value)));
      }
    }
    const place = planPlace(p, e.target, false);
    const value = planExpr(p, e.value);
    if (!place) return () => null;
    const closure = (f: Frame) => {
      const b = place.bind(f);
      return b.set(value(f));
    };
    return withJs(closure, place.setJs?.(exprJs(p.code, value)));
  }
  const place = planPlace(p, e.target, true);
  const value = planExpr(p, e.value);
  if (!place) return () => null;
  const op = e.op.slice(0, -1);
  const closure = (f: Frame) => {
    const b = place.bind(f);
    return b.set(lib.binary(op, b.get(), value(f)));
  };
  // `x += y` on a local: read, combine, write (an indexer or property target runs as its closure)
  const local = e.target.kind === 'name' ? p.lookup(e.target.name) : undefined;
  const js = local && p.writerJs(local, `lib.binary(${literalJs(op)}, ${exprJs(p.code, p.reader(local))}, ${exprJs(p.code, value)})`);
  return withJs(closure, js);
}
