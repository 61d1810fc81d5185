/**
 * Numeric format strings, invariant culture, as .NET 5+ applies them. Standard formats (`D`,
 * `X`, `F`, `N`, `P`, `E`, `G`, `R`, `C`) work on the exact value: a double is expanded to its
 * exact decimal digits and rounded half to even (.NET Core 2.1+); integers and decimals round
 * half away from zero. Custom formats (`0.00`, `#,##0`, `0000`, sections `pos;neg;zero`) first
 * take 15 significant digits of a double and round half away from zero, as .NET still does for
 * compatibility (dotnet/runtime Number.Formatting.cs, ShouldRoundUp). `String.Format` composite
 * formatting is in string.ts.
 */
import type { Value } from '../port.ts';
import { NetDecimal, NetDouble, NetException, NetLong, formatError } from './core.ts';
import { asBig, formatNumber } from './numeric.ts';

/** A number as .NET's NumberBuffer holds it: value = 0.DIGITS × 10^scale. */
interface Digits {
  readonly negative: boolean;
  /** Significant digits without leading or trailing zeros ('' for zero). */
  readonly digits: string;
  readonly scale: number;
  /** Doubles carry their exact expansion, so ties round to even; others round half away from zero. */
  readonly exact: boolean;
}

const trimZeros = (negative: boolean, raw: string, scale: number, exact: boolean): Digits => {
  const lead = raw.length - raw.replace(/^0+/, '').length;
  const digits = raw.slice(lead).replace(/0+$/, '');
  return { negative, digits, scale: digits === '' ? 0 : scale - lead, exact };
};

/** The exact decimal expansion of a double (every binary fraction has a finite one). */
function exactDigits(d: number): Digits {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exp = (biased === 0 ? 1 : biased) - 1075;
  if (mantissa === 0n) return { negative, digits: '', scale: 0, exact: true };
  if (exp >= 0) {
    const s = (mantissa << BigInt(exp)).toString();
    return trimZeros(negative, s, s.length, true);
  }
  const s = (mantissa * 5n ** BigInt(-exp)).toString();
  return trimZeros(negative, s, s.length + exp, true);
}

function digitsOf(v: Value): Digits {
  if (typeof v === 'number' || v instanceof NetLong) {
    const b = asBig(v);
    const s = (b < 0n ? -b : b).toString();
    return trimZeros(b < 0n, s, s.length, false);
  }
  if (v instanceof NetDecimal) {
    const s = (v.m < 0n ? -v.m : v.m).toString();
    return trimZeros(v.m < 0n, s, s.length - v.scale, false);
  }
  if (v instanceof NetDouble) return exactDigits(v.v);
  throw formatError('Format specifier was invalid.');
}

/**
 * Keeps the first `keep` digits, rounding the rest: an exact expansion rounds half to even (a tie
 * is a lone 5, as expansions carry no trailing zeros), anything else half away from zero.
 */
function roundAt(n: Digits, keep: number): Digits {
  if (keep >= n.digits.length) return n;
  if (keep < 0) return { ...n, digits: '', scale: 0 };
  const head = n.digits.slice(0, keep);
  const tail = n.digits.slice(keep);
  const first = tail.charCodeAt(0) - 48;
  const lastKeptOdd = keep > 0 && (head.charCodeAt(keep - 1) - 48) % 2 === 1;
  const up = n.exact ? first > 5 || (first === 5 && (tail.length > 1 || lastKeptOdd)) : first >= 5;
  if (!up) return trimZeros(n.negative, head, n.scale, n.exact);
  if (head === '') return trimZeros(n.negative, '1', n.scale + 1, n.exact);
  const bumped = (BigInt(head) + 1n).toString();
  return trimZeros(n.negative, bumped, n.scale + (bumped.length - head.length), n.exact);
}

const roundToDecimals = (n: Digits, decimals: number): Digits => roundAt(n, n.scale + decimals);

/** Integer and fraction digit strings of a rounded number. */
function positional(n: Digits, decimals: number): [string, string] {
  const int = n.scale > 0 ? n.digits.slice(0, n.scale).padEnd(n.scale, '0') : '0';
  const frac = (n.scale < 0 ? '0'.repeat(-n.scale) + n.digits : n.digits.slice(Math.max(n.scale, 0))).padEnd(decimals, '0').slice(0, decimals);
  return [int, frac];
}

const group = (int: string): string => int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** `F`/`N` (and `P` with `shift` 2): fixed point; doubles keep the sign of a negative that rounds to zero. */
function fixed(v: Value, decimals: number, grouped: boolean, shift = 0): string {
  const raw = digitsOf(v);
  const n = roundToDecimals(raw.digits === '' ? raw : { ...raw, scale: raw.scale + shift }, decimals);
  const [int, frac] = positional(n, decimals);
  const sign = n.negative && (n.digits !== '' || n.exact) ? '-' : '';
  return `${sign}${grouped ? group(int) : int}${decimals > 0 ? `.${frac}` : ''}`;
}

function exponent(e: number, minDigits: number, plus: boolean): string {
  return `${e < 0 ? '-' : plus ? '+' : ''}${String(Math.abs(e)).padStart(minDigits, '0')}`;
}

/** `E`: d.ddd…E+ddd with `decimals` digits after the point. */
function scientific(v: Value, decimals: number, e: string): string {
  const n = roundAt(digitsOf(v), decimals + 1);
  const d = n.digits.padEnd(decimals + 1, '0');
  const exp = n.digits === '' ? 0 : n.scale - 1;
  return `${n.negative && (n.digits !== '' || n.exact) ? '-' : ''}${d[0]}${decimals > 0 ? `.${d.slice(1)}` : ''}${e}${exponent(exp, 3, true)}`;
}

/** `G<p>`: p significant digits, fixed unless the exponent is ≥ p or < -4. */
function general(v: Value, precision: number, e: string): string {
  const n = roundAt(digitsOf(v), precision);
  if (n.digits === '') return n.negative && n.exact ? '-0' : '0';
  const sign = n.negative ? '-' : '';
  if (n.scale > precision || n.scale < -3) {
    return `${sign}${n.digits[0]}${n.digits.length > 1 ? `.${n.digits.slice(1)}` : ''}${e}${exponent(n.scale - 1, 2, true)}`;
  }
  const [int, frac] = positional(n, Math.max(0, n.digits.length - n.scale));
  return `${sign}${int}${frac.replace(/0+$/, '') ? `.${frac.replace(/0+$/, '')}` : ''}`;
}

const STANDARD = /^([A-Za-z])(\d{0,9})$/;

export function formatNumeric(v: Value, format: string): string {
  if (format === '') return formatNumber(v);
  if (v instanceof NetDouble && !Number.isFinite(v.v)) return formatNumber(v);
  const m = STANDARD.exec(format);
  if (!m) return formatCustom(v, format);
  const letter = m[1]!;
  const precision = m[2] === '' ? undefined : Number(m[2]);
  const integral = typeof v === 'number' || v instanceof NetLong;
  switch (letter.toUpperCase()) {
    case 'D': {
      if (!integral) throw formatError('Format specifier was invalid.');
      const b = asBig(v);
      const digits = (b < 0n ? -b : b).toString().padStart(precision ?? 0, '0');
      return b < 0n ? `-${digits}` : digits;
    }
    case 'X': {
      if (!integral) throw formatError('Format specifier was invalid.');
      const bits = typeof v === 'number' ? 32 : 64;
      const hex = BigInt.asUintN(bits, asBig(v)).toString(16).padStart(precision ?? 0, '0');
      return letter === 'X' ? hex.toUpperCase() : hex;
    }
    case 'F':
      return fixed(v, precision ?? 2, false);
    case 'N':
      return fixed(v, precision ?? 2, true);
    case 'P':
      return `${fixed(v, precision ?? 2, true, 2)} %`;
    case 'E':
      return scientific(v, precision ?? 6, letter);
    case 'G':
      if (precision === undefined || precision === 0) return formatNumber(v);
      return general(v, precision, letter === 'g' ? 'e' : 'E');
    case 'R':
      if (integral || v instanceof NetDecimal) throw formatError('Format specifier was invalid.');
      return formatNumber(v);
    case 'C': {
      const s = fixed(v, precision ?? 2, true);
      return s.startsWith('-') ? `(¤${s.slice(1)})` : `¤${s}`;
    }
  }
  throw new NetException('System.FormatException', 'Format specifier was invalid.');
}

// ---- custom formats

/** 15 significant digits of a double, as .NET still uses for custom formats; exact otherwise. */
function customDigits(v: Value): Digits {
  if (v instanceof NetDouble) {
    const n = exactDigits(v.v);
    return { ...roundAt({ ...n, exact: true }, 15), exact: false };
  }
  return digitsOf(v);
}

/** Splits `pos;neg;zero` honouring quotes and backslash escapes. */
function sections(format: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (quote) {
      cur += c;
      if (c === quote) quote = '';
    } else if (c === '\\' && i + 1 < format.length) {
      cur += c + format[++i]!;
    } else if (c === '"' || c === "'") {
      quote = c;
      cur += c;
    } else if (c === ';') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Custom patterns: `0` and `#` digit placeholders, `.`, `,` grouping, `%`, quoted and escaped literals. */
function formatCustom(v: Value, format: string): string {
  const n = customDigits(v);
  const parts = sections(format);
  const isZero = n.digits === '';
  let section = parts[0]!;
  let useSign = true;
  if (isZero && parts.length >= 3 && parts[2] !== '') section = parts[2]!;
  else if (n.negative && !isZero && parts.length >= 2 && parts[1] !== '') {
    section = parts[1]!;
    useSign = false;
  }
  return applyPattern({ ...n, negative: n.negative && useSign }, section);
}

function applyPattern(n: Digits, pattern: string): string {
  // tokens: placeholders and literals
  const tokens: { kind: 'digit' | 'point' | 'group' | 'percent' | 'literal'; text: string }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '0' || c === '#') tokens.push({ kind: 'digit', text: c });
    else if (c === '.') tokens.push({ kind: 'point', text: c });
    else if (c === ',') tokens.push({ kind: 'group', text: c });
    else if (c === '%') tokens.push({ kind: 'percent', text: c });
    else if (c === '\\' && i + 1 < pattern.length) tokens.push({ kind: 'literal', text: pattern[++i]! });
    else if (c === '"' || c === "'") {
      const end = pattern.indexOf(c, i + 1);
      const lit = end < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      tokens.push({ kind: 'literal', text: lit });
      i = end < 0 ? pattern.length : end;
    } else tokens.push({ kind: 'literal', text: c });
  }
  const pointAt = tokens.findIndex((t) => t.kind === 'point');
  const intTokens = pointAt < 0 ? tokens : tokens.slice(0, pointAt);
  const fracTokens = pointAt < 0 ? [] : tokens.slice(pointAt + 1).filter((t) => t.kind !== 'point');
  const digitsIn = (ts: typeof tokens) => ts.filter((t) => t.kind === 'digit');
  if (digitsIn(tokens).length === 0) return tokens.map((t) => t.text).join('');
  // trailing commas before the point (or the end) scale by 1000 each
  let scaleDown = 0;
  const lastDigit = intTokens.map((t) => t.kind).lastIndexOf('digit');
  for (let i = lastDigit + 1; i < intTokens.length && intTokens[i]!.kind === 'group'; i++) scaleDown++;
  const grouping = intTokens.some((t, i) => t.kind === 'group' && i < lastDigit && intTokens.slice(0, i).some((x) => x.kind === 'digit'));
  const percent = tokens.some((t) => t.kind === 'percent');
  let num: Digits = n.digits === '' ? n : { ...n, scale: n.scale - 3 * scaleDown + (percent ? 2 : 0) };
  const fracDigits = digitsIn(fracTokens);
  const maxFrac = fracDigits.length;
  const minFrac = fracDigits.map((t) => t.text).lastIndexOf('0') + 1;
  num = roundToDecimals(num, maxFrac);
  let [int, frac] = positional(num, maxFrac);
  frac = frac.slice(0, Math.max(minFrac, frac.replace(/0+$/, '').length));
  const intDigits = digitsIn(intTokens);
  const firstZero = intDigits.findIndex((t) => t.text === '0');
  const minInt = firstZero < 0 ? 0 : intDigits.length - firstZero;
  if (int === '0') int = '';
  int = int.padStart(minInt, '0');
  if (grouping) int = group(int);
  // place the integer digits at the first digit placeholder, literals where they stand
  let out = '';
  let placed = false;
  for (const t of intTokens) {
    if (t.kind === 'digit') {
      if (!placed) {
        out += int;
        placed = true;
      }
    } else if (t.kind === 'literal' || t.kind === 'percent') out += t.text;
  }
  if (pointAt >= 0 && frac !== '') out += '.';
  let fi = 0;
  for (const t of tokens.slice(pointAt + 1)) {
    if (pointAt < 0) break;
    if (t.kind === 'digit') {
      if (fi < frac.length) out += frac[fi];
      fi++;
    } else if (t.kind === 'literal' || t.kind === 'percent') out += t.text;
  }
  const zero = num.digits === '';
  return `${num.negative && !zero ? '-' : ''}${out}`;
}
