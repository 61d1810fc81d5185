/**
 * The shape of test/expr/conformance.jsonl, shared by the generator that writes it and the test
 * that checks the emulator against it.
 */
import type { ExprContextJson } from '../../src/expr/api.ts';

/** What .NET does with the case: a value, an exception, or a compile-time rejection. */
export type Expected =
  | { readonly type: string; readonly text: string }
  | { readonly error: string }
  | { readonly compileError: string };

/** One line of the table. */
export type TableRow = {
  readonly id: string;
  readonly expr: string;
  readonly context?: ExprContextJson;
  /** Set when the expectation is modern .NET's rather than Mono's: why they differ. */
  readonly note?: string;
  /** What Mono printed, when `note` overrides it. */
  readonly mono?: Expected;
  /** Why the emulator deliberately differs (docs/expressions.md lists these). */
  readonly gap?: string;
} & Expected;

/** `@{ … }` is a statement block, `@( … )` or bare text an expression (as `mcp-apim expr` reads it). */
export function policySource(expr: string): { text: string; kind: 'expression' | 'block' } {
  const t = expr.trim();
  if (t.startsWith('@{') && t.endsWith('}')) return { text: t.slice(2, -1), kind: 'block' };
  if (t.startsWith('@(') && t.endsWith(')')) return { text: t.slice(2, -1), kind: 'expression' };
  return { text: expr, kind: 'expression' };
}

export const TABLE_PATH = 'test/expr/conformance.jsonl';
