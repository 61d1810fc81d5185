/** Planning of object and array creation: `new T(…) { … }`, collection initializers, `new[] { … }`. */
import type * as A from './ast.ts';
import type { Eval, Frame, PlanContext } from './plan-scope.ts';
import type { TypeHandle, Value } from './port.ts';
import { planExpr } from './plan-expr.ts';
import { planArguments } from './plan-invoke.ts';

export function planNew(p: PlanContext, e: A.New): Eval {
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
