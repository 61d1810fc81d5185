/**
 * Compiles a planned expression or `@{}` body to one JavaScript function.
 *
 * Why: the closures the planner builds call each other through call sites that see hundreds of
 * different closures, which V8 cannot inline; a character-scanning classifier spends most of its
 * time in that dispatch. Generated code calls library functions from fixed sites, which V8
 * optimises like hand-written code.
 *
 * How it stays faithful: the closures remain the definition. A planner function that builds a
 * closure may also describe the same computation as JavaScript text (`withJs`), from the same
 * planned parts and the same shared operator functions (ops.ts). Anything without text is called
 * as its closure from the generated code (`$k[n](f)`), so every construct the planner knows runs
 * here too. User text never becomes code: strings and numbers enter as JSON literals, everything
 * else through the constant table.
 */
import { budget, LOOP_BUDGET_MESSAGE } from './budget.ts';
import * as ops from './ops.ts';
import { BREAK, CONTINUE, NORMAL } from './plan-completion.ts';
import type { Frame } from './plan-scope.ts';
import type { ExprLibrary, Value } from './port.ts';

/** A planned closure that may carry its JavaScript equivalent. */
interface WithJs {
  js?: string;
}

/** Attaches `js` (when defined) to a closure and returns the closure. */
export function withJs<F extends object>(fn: F, js: string | undefined): F {
  if (js !== undefined) (fn as WithJs).js = js;
  return fn;
}

/** The JavaScript text of a closure, if it has one. */
export function jsOf(fn: object): string | undefined {
  return (fn as WithJs).js;
}

/** Constants, temporaries and labels of one program's generated code. */
export class CodeTable {
  readonly consts: unknown[] = [];
  private readonly index = new Map<unknown, number>();
  private temps = 0;
  private labels = 0;

  /** A reference to a constant (a closure, a type handle, a value) from generated code. */
  ref(x: unknown): string {
    let i = this.index.get(x);
    if (i === undefined) {
      i = this.consts.length;
      this.consts.push(x);
      this.index.set(x, i);
    }
    return `$k[${i}]`;
  }

  /** A fresh temporary: each use site has its own, so nested evaluations never share one. */
  temp(): string {
    return `t${this.temps++}`;
  }

  label(): string {
    return `L${this.labels++}`;
  }

  get tempCount(): number {
    return this.temps;
  }
}

/** The JavaScript for a planned expression: its own text, or a call of its closure. */
export function exprJs(table: CodeTable, ev: (f: Frame) => Value): string {
  return jsOf(ev) ?? `${table.ref(ev)}(f)`;
}

/**
 * The JavaScript for a planned statement. Without text of its own, its closure runs and its
 * completion is carried out here: `return` leaves the compiled function with `f.ret` (which the
 * closure set), `break` goes to the innermost generated loop or switch and `continue` to the
 * innermost loop (`jumps`, their labels).
 */
export function stmtJs(table: CodeTable, exec: (f: Frame) => number, jumps: { readonly break: string | undefined; readonly continue: string | undefined } | undefined): string {
  const own = jsOf(exec);
  if (own !== undefined) return own;
  const c = table.temp();
  // only the root body is compiled: leaving it, for any reason, answers f.ret (as planner.ts's run does)
  const onBreak = jumps?.break ? ` if (${c} === ${BREAK}) break ${jumps.break};` : '';
  const onContinue = jumps?.continue ? ` if (${c} === ${CONTINUE}) continue ${jumps.continue};` : '';
  return `${c} = ${table.ref(exec)}(f); if (${c} !== ${NORMAL}) {${onBreak}${onContinue} return f.ret; }\n`;
}

/**
 * How many places of generated code call a planned closure with the frame: the constructs the
 * generator does not translate. String literals are left out of the count (user text enters as them).
 */
export function closureCallsIn(source: string): number {
  return source.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(/\$k\[\d+\]\(f\)/g)?.length ?? 0;
}

/** JSON text of a string or number: how user-written literals enter generated code. */
export const literalJs = (v: string | number): string => JSON.stringify(v);

let enabled = true;

/** Turns compilation off (tests compare the two ways of running; closures are the reference). */
export function setJitEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Compiles a program: `bodyJs` is statement text (a `@{}` body; `f.ret` holds the result) or,
 * with `isExpression`, the text of one expression. Returns undefined when compilation is off
 * or the text is too deep for V8's parser: the closures then run as before.
 */
export function compileProgram(table: CodeTable, lib: ExprLibrary, bodyJs: string | undefined, isExpression: boolean): ((f: Frame) => Value) | undefined {
  if (!enabled || bodyJs === undefined) return undefined;
  const temps = table.tempCount > 0 ? `let ${Array.from({ length: table.tempCount }, (_, i) => `t${i}`).join(', ')};\n` : '';
  const body = isExpression ? `return ${bodyJs};` : `${bodyJs}\nreturn f.ret;`;
  const source = `return function compiled(f) {\nconst v = f.vars;\n${temps}${body}\n};`;
  try {
    // generated from the planned tree; user text enters only as JSON literals and constants
    const factory = new Function('$k', 'lib', 'ops', 'budget', 'LOOP_BUDGET_MESSAGE', source) as (...a: unknown[]) => (f: Frame) => Value;
    return factory(table.consts, lib, ops, budget, LOOP_BUDGET_MESSAGE);
  } catch (e) {
    // too deep for V8's parser: the closures run instead; anything else is a bug in the generator
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}
