/**
 * The public face of the expression engine, used by the policy parser (load-time checks),
 * the runtime (evaluation), `mcp-apim expr` and the conformance table.
 *
 * Contract (kept stable for the other modules):
 * - `compileExpression` parses and plans once; diagnostics carry spans in the policy file.
 * - `evaluateToJson` is the `mcp-apim expr --json` shape (DESIGN §7).
 */
import type { Diagnostic, SourceSpan } from '../diagnostics/index.ts';

/** Where an expression's text came from, so diagnostics point into the original file. */
export interface ExpressionSource {
  /**
   * The C# text with XML entities already decoded. For `@(x + 1)` it is `x + 1`; for
   * `@{ return 1; }` it is ` return 1; ` (the text between the braces).
   */
  readonly text: string;
  readonly kind: 'expression' | 'block';
  /** Maps [start, end) offsets in `text` to a span in the source file. */
  readonly spanOf: (start: number, end: number) => SourceSpan;
}

/** A planned expression, evaluated many times. */
export interface CompiledExpression {
  readonly source: ExpressionSource;
}

export interface CompileResult {
  /** Absent when there are errors. */
  readonly compiled?: CompiledExpression;
  readonly diagnostics: readonly Diagnostic[];
}

/** DESIGN §7: the context of `mcp-apim expr --context` and of a `--batch` line. */
export interface ExprContextJson {
  readonly request?: {
    readonly method?: string;
    readonly url?: string;
    readonly headers?: Readonly<Record<string, string | readonly string[]>>;
    readonly body?: unknown;
    readonly bodyText?: string;
  };
  readonly variables?: Readonly<Record<string, unknown>>;
}

/** DESIGN §7: `{"type","text","value"}` on success, `{"error":{"type","message"}}` on failure. */
export type ExprJsonResult =
  | { readonly type: string; readonly text: string; readonly value: unknown }
  | { readonly error: { readonly type: string; readonly message: string } };
