import type { Diagnostic } from './diagnostic.ts';
import { LineIndex } from './span.ts';

export interface RenderOptions {
  /** ANSI colour; the CLI enables it only on a TTY without NO_COLOR. */
  readonly color?: boolean;
  /** Lines of context above the offending line. */
  readonly context?: number;
}

const ansi = { red: '\x1b[31m', yellow: '\x1b[33m', cyan: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

/**
 * Renders `file:line:col: error CODE: message` followed by a code frame with a caret under
 * the span, the way compilers do. `sources` maps file names to their text (missing → no frame).
 */
export function renderDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, string>, options: RenderOptions = {}): string {
  const paint = (code: string, s: string) => (options.color ? `${code}${s}${ansi.reset}` : s);
  const where = d.span ? `${d.span.file}:${d.span.line}:${d.span.column}: ` : '';
  const sevColor = d.severity === 'error' ? ansi.red : d.severity === 'warning' ? ansi.yellow : ansi.cyan;
  let out = `${paint(ansi.bold, where)}${paint(sevColor, d.severity)} ${paint(ansi.dim, d.code)}: ${d.message}`;
  const text = d.span ? sources.get(d.span.file) : undefined;
  if (d.span && text !== undefined) out += `\n${codeFrame(new LineIndex(d.span.file, text), d, options, paint)}`;
  if (d.hint) out += `\n  ${paint(ansi.cyan, 'hint')}: ${d.hint}`;
  return out;
}

function codeFrame(index: LineIndex, d: Diagnostic, options: RenderOptions, paint: (c: string, s: string) => string): string {
  const span = d.span!;
  const context = options.context ?? 1;
  const first = Math.max(1, span.line - context);
  const width = String(span.line).length;
  const lines: string[] = [];
  for (let n = first; n <= span.line; n++) {
    const text = expandTabs(index.lineText(n));
    lines.push(`${paint(ansi.dim, `${String(n).padStart(width)} |`)} ${text}`);
  }
  const lineText = index.lineText(span.line);
  const caretStart = expandTabs(lineText.slice(0, span.column - 1)).length;
  // endColumn is exclusive; a span that runs past this line is underlined to its end.
  const endColumn = span.endLine === span.line ? span.endColumn : lineText.length + 1;
  const caretWidth = Math.max(1, expandTabs(lineText.slice(0, endColumn - 1)).length - caretStart);
  lines.push(`${' '.repeat(width)} ${paint(ansi.dim, '|')} ${' '.repeat(caretStart)}${paint(ansi.red, '^'.repeat(caretWidth))}`);
  return lines.join('\n');
}

function expandTabs(s: string): string {
  return s.replace(/\t/g, '  ');
}

/** Renders all diagnostics and a closing count line ("2 errors, 1 warning"). */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>, options: RenderOptions = {}): string {
  return diagnostics.map((d) => renderDiagnostic(d, sources, options)).join('\n\n');
}

export function countLine(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}
