/**
 * Numeric format strings, invariant culture: the standard ones (`D`, `F`, `N`, `X`, `G`, `E`,
 * `P`, `R`) and the custom digit patterns (`0.00`, `#,##0`, `0000`) that policies use for ids,
 * amounts and padding. `String.Format` composite formatting is in string.ts.
 */
import type { Value } from '../port.ts';
import { NetDecimal, NetDouble, NetException, NetLong, formatError } from './core.ts';
import { asBig, decimalToString, formatDouble, formatNumber, toDouble } from './numeric.ts';

const STANDARD = /^([CcDdEeFfGgNnPpRrXx])(\d{0,2})$/;

export function formatNumeric(v: Value, format: string): string {
  if (format === '') return formatNumber(v);
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
      return `${fixed(multiply100(v), precision ?? 2, true)} %`;
    case 'E': {
      const d = toDouble(v);
      const t = d.toExponential(precision ?? 6);
      const [mant, exp] = t.split('e');
      const e = Number(exp);
      return `${mant}${letter === 'e' ? 'e' : 'E'}${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(3, '0')}`;
    }
    case 'G':
    case 'R':
      if (precision === undefined || letter.toUpperCase() === 'R') return formatNumber(v);
      if (integral) return formatNumber(v);
      return formatDouble(Number(toDouble(v).toPrecision(precision)));
    case 'C':
      return `¤${fixed(v, precision ?? 2, true)}`;
  }
  throw new NetException('System.FormatException', 'Format specifier was invalid.');
}

function multiply100(v: Value): Value {
  if (v instanceof NetDecimal) return new NetDecimal(v.m * 100n, v.scale);
  return new NetDouble(toDouble(v) * 100);
}

/** Fixed-point with `digits` decimals, rounding half away from zero (as .NET formatting does). */
function fixed(v: Value, digits: number, group: boolean): string {
  let text: string;
  if (typeof v === 'number' || v instanceof NetLong) text = asBig(v).toString() + (digits > 0 ? `.${'0'.repeat(digits)}` : '');
  else if (v instanceof NetDecimal) text = roundText(decimalToString(v), digits);
  else {
    const d = toDouble(v);
    if (!Number.isFinite(d)) return formatNumber(v);
    text = roundText(plainDigits(d), digits);
  }
  if (!group) return text;
  const neg = text.startsWith('-');
  const [int, frac] = (neg ? text.slice(1) : text).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

/** A double's exact shortest round-trip digits in positional notation. */
function plainDigits(d: number): string {
  const [mant, expText] = d.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant!.startsWith('-');
  const digits = mant!.replace('-', '').replace('.', '');
  let out: string;
  if (exp < 0) out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else out = digits.length > exp + 1 ? `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}` : digits + '0'.repeat(exp + 1 - digits.length);
  return neg ? `-${out}` : out;
}

/** Rounds a positional decimal string to `digits` decimals, half away from zero. */
function roundText(text: string, digits: number): string {
  const neg = text.startsWith('-');
  const [int, frac = ''] = (neg ? text.slice(1) : text).split('.');
  let all = BigInt(int! + frac.padEnd(digits, '0').slice(0, digits));
  if (frac.length > digits && Number(frac[digits]) >= 5) all += 1n;
  let s = all.toString().padStart(digits + 1, '0');
  if (digits > 0) s = `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  const zero = /^[0.]*$/.test(s);
  return neg && !zero ? `-${s}` : s;
}

/** Custom patterns: `0` (digit), `#` (optional digit), `.`, `,` (grouping), literals kept. */
function formatCustom(v: Value, format: string): string {
  const section = format.split(';')[0]!;
  const dot = section.indexOf('.');
  const intPart = dot >= 0 ? section.slice(0, dot) : section;
  const fracPart = dot >= 0 ? section.slice(dot + 1) : '';
  if (!/^[0#,]*$/.test(intPart.replace(/[^0#,]/g, (c) => (/[\s$%'"A-Za-z]/.test(c) ? '' : c))) && !/[0#]/.test(section)) return section;
  const minFrac = (fracPart.match(/0/g) ?? []).length;
  const maxFrac = (fracPart.match(/[0#]/g) ?? []).length;
  const minInt = (intPart.match(/0/g) ?? []).length;
  const group = intPart.includes(',') && /[0#],[0#]/.test(intPart);
  const prefix = intPart.replace(/[0#,].*$/, '');
  const suffix = (dot >= 0 ? fracPart : intPart).replace(/^.*[0#]/, '');
  let text = v instanceof NetDecimal ? roundText(decimalToString(v), maxFrac) : typeof v === 'number' || v instanceof NetLong ? asBig(v).toString() : roundText(plainDigits(toDouble(v)), maxFrac);
  const neg = text.startsWith('-');
  if (neg) text = text.slice(1);
  let [int, frac = ''] = text.split('.');
  while (frac.length > minFrac && frac.endsWith('0')) frac = frac.slice(0, -1);
  frac = frac.padEnd(minFrac, '0');
  if (int === '0' && minInt === 0) int = '';
  int = int!.padStart(minInt, '0');
  if (group) int = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const body = `${int}${frac ? `.${frac}` : ''}`;
  const zero = /^[0.,]*$/.test(body);
  return `${neg && !zero ? '-' : ''}${prefix}${body}${suffix}`;
}
