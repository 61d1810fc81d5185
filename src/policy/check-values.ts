/**
 * Value-level helpers of the static checker: literal values against their declared type, and a
 * C# scanner that blanks string literals and comments so that textual checks (a named value
 * outside a string, a read of context.Response.Body) look at code only.
 */
import type { ValueType } from './elements/schema.ts';

/** `{{name}}`, the form APIM substitutes (no blanks, so Liquid's `{{ body.x }}` is not one). */
export const NAMED_VALUE = /\{\{[A-Za-z0-9._-]+\}\}/;

/** Why a literal does not fit `type`, or undefined when it does. */
export function literalProblem(text: string, type: ValueType): string | undefined {
  const value = text.trim();
  switch (type.kind) {
    case 'string':
      return type.nonEmpty && value === '' ? 'is empty' : undefined;
    case 'boolean':
      return /^(true|false|1|0)$/i.test(value) ? undefined : 'is not a Boolean (true or false)';
    case 'integer': {
      if (!/^[+-]?\d+$/.test(value)) return 'is not an integer';
      return rangeProblem(Number(value), type.min, type.max);
    }
    case 'number': {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n)) return 'is not a number';
      return rangeProblem(n, type.min, type.max);
    }
    case 'enum':
      if (type.values.includes(value)) return undefined;
      {
        const sameLetters = type.values.find((v) => v.toLowerCase() === value.toLowerCase());
        return sameLetters ? `is not one of ${type.values.join(', ')} (values are case-sensitive: write ${sameLetters})` : `is not one of ${type.values.join(', ')}`;
      }
    case 'datetime':
      return value !== '' && !Number.isNaN(Date.parse(value)) ? undefined : 'is not a date and time (ISO 8601)';
  }
}

function rangeProblem(n: number, min: number | undefined, max: number | undefined): string | undefined {
  if (min !== undefined && n < min) return max !== undefined ? `is outside ${min}–${max}` : `is less than ${min}`;
  if (max !== undefined && n > max) return min !== undefined ? `is outside ${min}–${max}` : `is more than ${max}`;
  return undefined;
}

/**
 * The C# text with the contents of string and character literals and of comments replaced by
 * blanks (line breaks kept, so offsets still match). Interpolation holes of `$"…{hole}…"` stay,
 * because they are code.
 */
export function blankStringsAndComments(code: string): string {
  const out = code.split('');
  const n = code.length;
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < Math.min(to, n); k++) if (out[k] !== '\n') out[k] = ' ';
  };

  const scanString = () => {
    let prefix = 0;
    while (code[i + prefix] === '$' || code[i + prefix] === '@') prefix++;
    const marks = code.slice(i, i + prefix);
    const interpolated = marks.includes('$');
    const verbatim = marks.includes('@');
    i += prefix + 1; // past the opening quote
    while (i < n) {
      const c = code[i];
      if (verbatim && c === '"' && code[i + 1] === '"') {
        blank(i, i + 2);
        i += 2;
      } else if (!verbatim && c === '\\') {
        blank(i, i + 2);
        i += 2;
      } else if (c === '"') {
        i++;
        return;
      } else if (interpolated && (c === '{' || c === '}') && code[i + 1] === c) {
        blank(i, i + 2);
        i += 2;
      } else if (interpolated && c === '{') {
        i++;
        scanCode(true);
      } else {
        blank(i, i + 1);
        i++;
      }
    }
  };

  // Scans code up to the end, or (in an interpolation hole) past the matching `}`.
  const scanCode = (inHole: boolean) => {
    let depth = 0;
    while (i < n) {
      const c = code[i]!;
      if (c === '/' && code[i + 1] === '/') {
        const end = code.indexOf('\n', i);
        const stop = end < 0 ? n : end;
        blank(i, stop);
        i = stop;
      } else if (c === '/' && code[i + 1] === '*') {
        const end = code.indexOf('*/', i + 2);
        const stop = end < 0 ? n : end + 2;
        blank(i, stop);
        i = stop;
      } else if (c === "'") {
        let j = i + 1;
        while (j < n && code[j] !== "'" && code[j] !== '\n') j += code[j] === '\\' ? 2 : 1;
        blank(i + 1, j);
        i = j + 1;
      } else if (c === '"' || ((c === '$' || c === '@') && /^[$@]{1,2}"/.test(code.slice(i, i + 3)))) {
        scanString();
      } else {
        if (inHole && c === '{') depth++;
        if (inHole && c === '}') {
          if (depth === 0) {
            i++;
            return;
          }
          depth--;
        }
        i++;
      }
    }
  };

  scanCode(false);
  return out.join('');
}

/** Reads of the current response body: `context.Response.Body` (blanks and line breaks allowed around dots). */
export const RESPONSE_BODY = /\bcontext\s*\.\s*Response\s*\.\s*Body\b/;
