/**
 * The literal scanners of the lexer: numbers (hex, binary, suffixes), escape sequences, regular
 * and verbatim strings, and interpolated strings with their `{expr,align:format}` holes. Separate
 * from lexer.ts, which walks the text and dispatches here; like it, nothing here throws.
 */
import type { InterpPart, LexError, Token } from './lexer.ts';

export const isIdentPart = (c: string): boolean => /[\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}\p{Cf}]/u.test(c);
export const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isHex = (c: string | undefined): boolean => c !== undefined && /[0-9a-fA-F]/.test(c);

type ErrFn = (code: LexError['code'], message: string, s: number, e: number) => void;

export function lexNumber(text: string, i: number, end: number, tokens: Token[], err: ErrFn): number {
  const s = i;
  let digits = '';
  let hex = false;
  let real = false;
  const take = (ok: (c: string | undefined) => boolean): void => {
    while (i < end && (ok(text[i]) || (text[i] === '_' && digits.length > 0))) {
      if (text[i] !== '_') digits += text[i];
      i++;
    }
  };
  if (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
    hex = true;
    i += 2;
    take(isHex);
    if (digits === '') err('MA5002', 'Invalid hexadecimal literal: no digits after "0x".', s, i);
  } else if (text[i] === '0' && (text[i + 1] === 'b' || text[i + 1] === 'B') && (text[i + 2] === '0' || text[i + 2] === '1')) {
    i += 2;
    let bits = '';
    while (i < end && (text[i] === '0' || text[i] === '1' || text[i] === '_')) {
      if (text[i] !== '_') bits += text[i];
      i++;
    }
    digits = BigInt(`0b${bits}`).toString();
  } else {
    take(isDigit);
    if (text[i] === '.' && isDigit(text[i + 1])) {
      real = true;
      digits += '.';
      i++;
      take(isDigit);
    }
    if ((text[i] === 'e' || text[i] === 'E') && (isDigit(text[i + 1]) || ((text[i + 1] === '+' || text[i + 1] === '-') && isDigit(text[i + 2])))) {
      real = true;
      digits += 'e';
      i++;
      if (text[i] === '+' || text[i] === '-') digits += text[i++];
      take(isDigit);
    }
  }
  let suffix = '';
  const rest = text.slice(i, Math.min(end, i + 2)).toLowerCase();
  if (!hex && /^[fdm]/.test(rest)) {
    suffix = rest[0]!;
    real = true;
  } else if (/^(ul|lu)/.test(rest)) suffix = 'ul';
  else if (/^[ul]/.test(rest)) suffix = rest[0]!;
  if (text[i] === 'l' && suffix === 'l') {
    // C# accepts lower-case l (with a warning); keep it.
  }
  i += suffix.length;
  if (real && (suffix === 'u' || suffix === 'l' || suffix === 'ul')) err('MA5002', 'Invalid suffix on a real literal.', s, i);
  if (i < end && isIdentPart(text[i]!)) {
    const bad = i;
    while (i < end && isIdentPart(text[i]!)) i++;
    err('MA5002', `Invalid numeric literal '${text.slice(s, i)}'.`, s, i);
    void bad;
    tokens.push({ kind: 'error', text: text.slice(s, i), start: s, end: i });
    return i;
  }
  if (!real && digits !== '') {
    const v = BigInt(hex ? `0x${digits}` : digits);
    if (v > 0xffffffffffffffffn) err('MA5002', 'Integral constant is too large.', s, i);
    digits = v.toString();
  }
  tokens.push({ kind: real ? 'real' : 'int', text: text.slice(s, i), start: s, end: i, value: digits, suffix, hex });
  return i;
}

interface Escape {
  value: string;
  end: number;
  error?: string;
}

/** Reads a C# escape sequence starting at the backslash. */
export function readEscape(text: string, i: number, end: number): Escape {
  const c = text[i + 1];
  const simple: Record<string, string> = { "'": "'", '"': '"', '\\': '\\', '0': '\0', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  if (c !== undefined && i + 1 < end && simple[c] !== undefined) return { value: simple[c], end: i + 2 };
  if (c === 'u' || c === 'U' || c === 'x') {
    const max = c === 'u' ? 4 : c === 'U' ? 8 : 4;
    let j = i + 2;
    while (j < end && j < i + 2 + max && isHex(text[j])) j++;
    const n = j - (i + 2);
    if (n === 0 || (c !== 'x' && n !== max)) return { value: '', end: j, error: 'Unrecognized escape sequence.' };
    const code = Number.parseInt(text.slice(i + 2, j), 16);
    if (code > 0x10ffff) return { value: '', end: j, error: 'Unrecognized escape sequence.' };
    return { value: String.fromCodePoint(code), end: j };
  }
  return { value: '', end: Math.min(end, i + 2), error: `Unrecognized escape sequence '\\${c ?? ''}'.` };
}

interface StringLex {
  end: number;
  value: string;
  parts?: InterpPart[];
}

/** A regular or verbatim string starting at the opening quote. */
export function lexString(text: string, i: number, end: number, verbatim: boolean, err: ErrFn): StringLex {
  const open = i;
  i++;
  let value = '';
  while (true) {
    if (i >= end || (!verbatim && text[i] === '\n')) {
      err('MA5001', 'Unterminated string literal.', open, i);
      return { end: i, value };
    }
    const c = text[i]!;
    if (c === '"') {
      if (verbatim && text[i + 1] === '"' && i + 1 < end) {
        value += '"';
        i += 2;
        continue;
      }
      return { end: i + 1, value };
    }
    if (c === '\\' && !verbatim) {
      const esc = readEscape(text, i, end);
      if (esc.error) err('MA5003', esc.error, i, esc.end);
      value += esc.value;
      i = esc.end;
      continue;
    }
    value += c;
    i++;
  }
}

/** An interpolated string starting at the opening quote: literal parts and `{…}` holes. */
export function lexInterpolated(text: string, i: number, end: number, verbatim: boolean, err: ErrFn): StringLex {
  const open = i;
  i++;
  const parts: InterpPart[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit) parts.push({ text: lit });
    lit = '';
  };
  while (true) {
    if (i >= end || (!verbatim && text[i] === '\n')) {
      err('MA5001', 'Unterminated interpolated string.', open, i);
      flush();
      return { end: i, value: '', parts };
    }
    const c = text[i]!;
    if (c === '"') {
      if (verbatim && text[i + 1] === '"') {
        lit += '"';
        i += 2;
        continue;
      }
      flush();
      return { end: i + 1, value: '', parts };
    }
    if (c === '{' || c === '}') {
      if (text[i + 1] === c) {
        lit += c;
        i += 2;
        continue;
      }
      if (c === '}') {
        err('MA5000', "A '}' character must be escaped (by doubling) in an interpolated string.", i, i + 1);
        i++;
        continue;
      }
      flush();
      const hole = scanHole(text, i + 1, end, verbatim);
      if (hole.error) {
        err(hole.error.code, hole.error.message, i, hole.end);
        return { end: hole.end, value: '', parts };
      }
      parts.push(hole.part!);
      i = hole.end;
      continue;
    }
    if (c === '\\' && !verbatim) {
      const esc = readEscape(text, i, end);
      if (esc.error) err('MA5003', esc.error, i, esc.end);
      lit += esc.value;
      i = esc.end;
      continue;
    }
    lit += c;
    i++;
  }
}

/**
 * Finds the end of an interpolation hole starting after `{`: the expression runs to a top-level
 * `,` (alignment), `:` (format) or `}`; nested brackets and strings are skipped with C# rules.
 */
function scanHole(text: string, i: number, end: number, verbatim: boolean): { end: number; part?: InterpPart; error?: { code: LexError['code']; message: string } } {
  const exprStart = i;
  let depth = 0;
  let exprEnd = -1;
  let align: { start: number; end: number } | undefined;
  while (i < end) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      // skip a nested literal (regular or verbatim); interpolated nesting is rare and treated alike
      const isVerbatim = text[i - 1] === '@';
      const q = c;
      i++;
      while (i < end && text[i] !== q) {
        if (text[i] === '\\' && !isVerbatim) i++;
        if (text[i] === '\n' && !verbatim && !isVerbatim) break;
        i++;
      }
      if (i >= end || text[i] !== q) return { end: i, error: { code: 'MA5001', message: 'Unterminated string literal inside an interpolation.' } };
      i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (c === '}' && depth > 0) depth--;
    else if (depth === 0 && c === ',' && exprEnd < 0 && !align) {
      exprEnd = i;
      const aStart = i + 1;
      let j = aStart;
      while (j < end && text[j] !== ':' && text[j] !== '}') j++;
      align = { start: aStart, end: j };
      i = j;
      continue;
    } else if (depth === 0 && (c === ':' || c === '}')) {
      if (exprEnd < 0) exprEnd = i;
      let format: string | undefined;
      if (c === ':') {
        const fStart = i + 1;
        let j = fStart;
        while (j < end && text[j] !== '}' && text[j] !== '"') j++;
        if (text[j] !== '}') return { end: j, error: { code: 'MA5001', message: 'Unterminated interpolation format.' } };
        format = text.slice(fStart, j);
        i = j;
      }
      const part: InterpPart = { exprStart, exprEnd, ...(align ? { align } : {}), ...(format !== undefined ? { format } : {}) };
      return { end: i + 1, part };
    } else if (c === '\n' && !verbatim) break;
    i++;
  }
  return { end: i, error: { code: 'MA5001', message: "Unterminated interpolation: '{' has no matching '}'." } };
}
