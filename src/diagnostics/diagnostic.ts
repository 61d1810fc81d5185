import { catalogEntry, type DiagnosticCode } from './catalog/index.ts';
import type { SourceSpan } from './span.ts';

export type Severity = 'error' | 'warning' | 'info';

/** One problem found in user input. Codes are stable; messages may improve. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly span?: SourceSpan;
  /** A suggestion the user can act on ("did you mean …"). */
  readonly hint?: string;
}

/** Creates a diagnostic with the catalog's default severity for `code`. */
export function diagnostic(code: DiagnosticCode, message: string, span?: SourceSpan, hint?: string): Diagnostic {
  const entry = catalogEntry(code);
  const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code, severity: entry.severity, message };
  if (span) d.span = span;
  if (hint) d.hint = hint;
  return d;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable order: file, position, code, message — so output never depends on discovery order. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) =>
    (a.span?.file ?? '').localeCompare(b.span?.file ?? '') ||
    (a.span?.offset ?? -1) - (b.span?.offset ?? -1) ||
    a.code.localeCompare(b.code) ||
    a.message.localeCompare(b.message),
  );
}

/** The `--json` form of a diagnostic (DESIGN §7: code, severity, message, line, column). */
export function diagnosticToJson(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...(d.span ? { file: d.span.file, line: d.span.line, column: d.span.column, endLine: d.span.endLine, endColumn: d.span.endColumn } : {}),
    ...(d.hint ? { hint: d.hint } : {}),
  };
}
