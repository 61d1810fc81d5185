/**
 * Source positions. Lines and columns are 1-based (what editors and `file:line:col` show);
 * offsets are 0-based UTF-16 indexes into the source text (what JavaScript strings use).
 */
export interface SourceSpan {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly offset: number;
  readonly end: number;
}

/** Maps offsets in one source text to line/column, built once per text. */
export class LineIndex {
  readonly #starts: number[] = [0];
  readonly file: string;
  readonly text: string;

  constructor(file: string, text: string) {
    this.file = file;
    this.text = text;
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.#starts.push(i + 1);
    }
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.#starts[lo]! + 1 };
  }

  span(offset: number, end: number = offset): SourceSpan {
    const start = this.position(offset);
    const stop = this.position(Math.max(offset, end));
    return { file: this.file, line: start.line, column: start.column, endLine: stop.line, endColumn: stop.column, offset, end: Math.max(offset, end) };
  }

  /** The text of 1-based line `line`, without its line break. */
  lineText(line: number): string {
    const start = this.#starts[line - 1];
    if (start === undefined) return '';
    const next = this.#starts[line];
    const raw = this.text.slice(start, next === undefined ? this.text.length : next - 1);
    return raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  }
}

/** A span for a whole file, used when a problem has no better location. */
export function fileSpan(file: string): SourceSpan {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, end: 0 };
}
