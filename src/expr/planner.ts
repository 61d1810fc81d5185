/**
 * The planner's entry point: AST → one closure, built once and run many times (the cel-es
 * `plan` shape). Load-time problems come back as a list; a program with problems never runs.
 */
import type * as A from './ast.ts';
import { closureCallsIn, compileProgram, jsOf } from './jit.ts';
import { planExpr } from './plan-expr.ts';
import { type Frame, FunctionScope, PlanContext, type PlanProblem } from './plan-scope.ts';
import { planFunctionBody } from './plan-stmt.ts';
import type { ExprLibrary, Value } from './port.ts';

/** A planned program: `run(context)` evaluates it once. */
export interface Program {
  readonly run: (context: Value) => Value;
  /** Whether it runs as one generated JavaScript function (jit.ts) rather than as closures. */
  readonly compiled: boolean;
  /** How many places of the generated function call a planned closure (constructs jit.ts does not translate). */
  readonly closureCalls: number;
}

export type PlanResult = { readonly ok: true; readonly program: Program } | { readonly ok: false; readonly problems: readonly PlanProblem[] };

/** Plans a parsed expression (`tree` an expression) or `@{}` body (`tree` a block). */
export function plan(lib: ExprLibrary, tree: A.Expr | A.Block): PlanResult {
  const isBlock = tree.kind === 'block';
  const root = new FunctionScope(undefined, isBlock);
  const p = new PlanContext(lib, root);
  let body: (f: Frame) => Value;
  try {
    body = isBlock ? planFunctionBody(p, tree, undefined) : planExpr(p, tree);
  } catch (e) {
    // deeply nested input exhausts the stack while planning; report it instead of crashing
    if (e instanceof RangeError) return { ok: false, problems: [{ code: 'MA5004', message: 'The expression is nested too deeply.', start: tree.start, end: tree.end }] };
    throw e;
  }
  if (p.problems.length > 0) return { ok: false, problems: p.problems };
  const slots = root;
  // One JavaScript function when the planned tree describes itself as code (jit.ts), compiled
  // on the first run: `policy check` and `compile` plan every expression but run none.
  const js = jsOf(body);
  let run: ((f: Frame) => Value) | undefined;
  const ready = () => (run ??= compileProgram(p.code, lib, js, !isBlock) ?? body);
  return {
    ok: true,
    program: {
      run: (ctx) => ready()({ vars: slots.slots === 0 ? EMPTY : new Array(slots.slots).fill(null), parent: undefined, ctx, ret: null }),
      get compiled() {
        return ready() !== body;
      },
      get closureCalls() {
        return js === undefined ? 0 : closureCallsIn(js);
      },
    },
  };
}

const EMPTY: Value[] = [];
