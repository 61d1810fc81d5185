/**
 * .NET numeric semantics: binary numeric promotion (C# §12.4.7), unchecked integer wrap,
 * integer division, decimal arithmetic, and invariant-culture formatting and parsing.
 */
import type { Value } from '../port.ts';
import { NetChar, NetDecimal, NetDouble, NetException, NetLong, formatError, overflow } from './core.ts';

export type NumKind = 'int' | 'long' | 'double' | 'single' | 'decimal';

/** The numeric kind of a value (chars count as int), or undefined for non-numbers. */
export function numKind(v: Value): NumKind | undefined {
  if (typeof v === 'number') return 'int';
  if (v instanceof NetLong) return 'long';
  if (v instanceof NetDouble) return v.single ? 'single' : 'double';
  if (v instanceof NetDecimal) return 'decimal';
  if (v instanceof NetChar) return 'int';
  return undefined;
}

const RANK: Record<NumKind, number> = { int: 0, long: 1, single: 2, double: 3, decimal: 4 };

export function promote(a: NumKind, b: NumKind): NumKind {
  if ((a === 'decimal' && (b === 'double' || b === 'single')) || (b === 'decimal' && (a === 'double' || a === 'single'))) {
    throw new NetException('Microsoft.CSharp.RuntimeBinder.RuntimeBinderException', "Operator cannot be applied to operands of type 'decimal' and 'double'");
  }
  return RANK[a] >= RANK[b] ? a : b;
}

export const asBig = (v: Value): bigint => (typeof v === 'number' ? BigInt(v) : v instanceof NetLong ? v.v : v instanceof NetChar ? BigInt(v.code) : BigInt(Math.trunc(toDouble(v))));

export function toDouble(v: Value): number {
  if (typeof v === 'number') return v;
  if (v instanceof NetDouble) return v.v;
  if (v instanceof NetLong) return Number(v.v);
  if (v instanceof NetChar) return v.code;
  if (v instanceof NetDecimal) return Number(decimalToString(v));
  throw new NetException('System.InvalidCastException', 'Not a number.');
}

export function toDecimal(v: Value): NetDecimal {
  if (v instanceof NetDecimal) return v;
  if (typeof v === 'number' || v instanceof NetLong || v instanceof NetChar) return new NetDecimal(asBig(v), 0);
  const d = toDouble(v);
  if (!Number.isFinite(d)) throw overflow('Value was either too large or too small for a Decimal.');
  return parseDecimal(formatDoubleG(d, 15)) ?? new NetDecimal(0n, 0);
}

export const int32 = (n: number): number => n | 0;
export const makeLong = (v: bigint): NetLong => new NetLong(v);

/** Builds a value of `kind` from a double result (int/long wrap; used by conversions). */
export function fromKind(kind: NumKind, v: number | bigint): Value {
  switch (kind) {
    case 'int':
      return typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : v | 0;
    case 'long':
      return new NetLong(typeof v === 'bigint' ? v : BigInt(Math.trunc(v)));
    case 'double':
      return new NetDouble(Number(v));
    case 'single':
      return new NetDouble(Number(v), true);
    case 'decimal':
      return toDecimal(typeof v === 'bigint' ? new NetLong(v) : new NetDouble(v));
  }
}

const divideByZero = () => new NetException('System.DivideByZeroException', 'Attempted to divide by zero.');

/** Arithmetic, bitwise and comparison operators on two numbers; undefined if `op` is not numeric. */
export function numericBinary(op: string, l: Value, r: Value): Value | undefined {
  const lk = numKind(l);
  const rk = numKind(r);
  if (!lk || !rk) return undefined;
  if (op === '<<' || op === '>>') {
    const count = Number(asBig(r));
    if (lk === 'long') return new NetLong(op === '<<' ? asBig(l) << BigInt(count & 63) : asBig(l) >> BigInt(count & 63));
    if (lk === 'int') return op === '<<' ? int(l) << count : int(l) >> count;
    return undefined;
  }
  const kind = promote(lk, rk);
  switch (kind) {
    case 'int': {
      const a = int(l);
      const b = int(r);
      switch (op) {
        case '+': return (a + b) | 0;
        case '-': return (a - b) | 0;
        case '*': return Math.imul(a, b);
        case '/':
          if (b === 0) throw divideByZero();
          if (a === -2147483648 && b === -1) throw overflow();
          return (a / b) | 0;
        case '%':
          if (b === 0) throw divideByZero();
          if (b === -1) return 0;
          return a % b | 0;
        case '&': return a & b;
        case '|': return a | b;
        case '^': return a ^ b;
      }
      return compare(op, a, b);
    }
    case 'long': {
      const a = asBig(l);
      const b = asBig(r);
      switch (op) {
        case '+': return new NetLong(a + b);
        case '-': return new NetLong(a - b);
        case '*': return new NetLong(a * b);
        case '/':
          if (b === 0n) throw divideByZero();
          if (a === -(1n << 63n) && b === -1n) throw overflow();
          return new NetLong(a / b);
        case '%':
          if (b === 0n) throw divideByZero();
          return new NetLong(a % b);
        case '&': return new NetLong(a & b);
        case '|': return new NetLong(a | b);
        case '^': return new NetLong(a ^ b);
      }
      return compare(op, a, b);
    }
    case 'double':
    case 'single': {
      const a = toDouble(l);
      const b = toDouble(r);
      const single = kind === 'single';
      switch (op) {
        case '+': return new NetDouble(a + b, single);
        case '-': return new NetDouble(a - b, single);
        case '*': return new NetDouble(a * b, single);
        case '/': return new NetDouble(a / b, single);
        case '%': return new NetDouble(a % b, single);
      }
      return compare(op, a, b);
    }
    case 'decimal':
      return decimalBinary(op, toDecimal(l), toDecimal(r));
  }
}

const int = (v: Value): number => (typeof v === 'number' ? v : (v as NetChar).code);

/** A comparison operator on two numbers of one kind; undefined when `op` is not one. */
export function compare<T extends number | bigint>(op: string, a: T, b: T): boolean | undefined {
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
  }
  return undefined;
}

// ---- decimal

function align(a: NetDecimal, b: NetDecimal): [bigint, bigint, number] {
  const s = Math.max(a.scale, b.scale);
  return [a.m * 10n ** BigInt(s - a.scale), b.m * 10n ** BigInt(s - b.scale), s];
}

/** Reduces scale to ≤ 28 by rounding half to even (decimal's rounding on overflowing precision). */
function normalize(m: bigint, scale: number): NetDecimal {
  while (scale > 28 || (m > (1n << 96n) - 1n || m < -((1n << 96n) - 1n)) && scale > 0) {
    const q = m / 10n;
    const rem = m % 10n;
    const absRem = rem < 0n ? -rem : rem;
    let r = q;
    if (absRem > 5n || (absRem === 5n && (q & 1n) === 1n)) r += m < 0n ? -1n : 1n;
    m = r;
    scale--;
  }
  return new NetDecimal(m, scale);
}

function decimalBinary(op: string, l: NetDecimal, r: NetDecimal): Value | undefined {
  switch (op) {
    case '+': {
      const [a, b, s] = align(l, r);
      return normalize(a + b, s);
    }
    case '-': {
      const [a, b, s] = align(l, r);
      return normalize(a - b, s);
    }
    case '*':
      return normalize(l.m * r.m, l.scale + r.scale);
    case '/': {
      if (r.m === 0n) throw divideByZero();
      // The quotient keeps the dividend's scale less the divisor's (1.000m / 1m is 1.000) and
      // grows it only while the division is inexact, up to 28 places (decimal.DecCalc.VarDecDiv).
      let scale = l.scale - r.scale;
      let num = l.m;
      const den = r.m;
      if (scale < 0) {
        num *= 10n ** BigInt(-scale);
        scale = 0;
      }
      while (scale < 28 && num % den !== 0n) {
        num *= 10n;
        scale++;
      }
      let q = num / den;
      const rem = num % den;
      const twice = 2n * (rem < 0n ? -rem : rem);
      const absDen = den < 0n ? -den : den;
      if (rem !== 0n && (twice > absDen || (twice === absDen && (q & 1n) !== 0n))) q += (num < 0n) !== (den < 0n) ? -1n : 1n;
      return normalize(q, scale);
    }
    case '%': {
      if (r.m === 0n) throw divideByZero();
      const [a, b, s] = align(l, r);
      return new NetDecimal(a % b, s);
    }
  }
  const [a, b] = align(l, r);
  return compare(op, a, b);
}

export function decimalToString(d: NetDecimal): string {
  const neg = d.m < 0n;
  let digits = (neg ? -d.m : d.m).toString();
  if (d.scale > 0) {
    digits = digits.padStart(d.scale + 1, '0');
    digits = `${digits.slice(0, -d.scale)}.${digits.slice(-d.scale)}`;
  }
  return neg ? `-${digits}` : digits;
}

/** decimal.Parse (NumberStyles.Number): sign, digits with `,` groups and a point; no exponent. */
export function parseDecimalNumber(text: string): NetDecimal | undefined {
  const t = text.trim();
  if (!/^[+-]?(\d[\d,]*\.?\d*|\.\d+)$/.test(t)) return undefined;
  return parseDecimal(t.replace(/,/g, ''));
}

export function parseDecimal(text: string): NetDecimal | undefined {
  const m = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  let digits = (m[2] ?? '') + (m[3] ?? '');
  let scale = (m[3] ?? '').length - Number(m[4] ?? 0);
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  const v = BigInt(digits || '0') * (m[1] === '-' ? -1n : 1n);
  return normalize(v, scale);
}

// ---- formatting

/**
 * `double.ToString()` as .NET 5+ prints it: the shortest round-trip digits, in scientific notation
 * (`1E+17`, `1E-05`) only when the decimal exponent reaches max(digits, 17) (9 for float) or is
 * below -4 (dotnet/runtime Number.Formatting.cs: nMaxDigits = Math.Max(DigitsCount, 17);
 * FormatGeneral switches when digPos > nMaxDigits || digPos < -3). Invariant culture.
 */
export function formatDouble(d: number, single = false): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const text = single ? shortestSingle(d) : d.toExponential();
  const [mant, expText] = text.split('e');
  const exp = Number(expText);
  const neg = mant!.startsWith('-');
  const digits = mant!.replace('-', '').replace('.', '');
  const maxDigits = Math.max(digits.length, single ? 9 : 17);
  let out: string;
  if (exp + 1 > maxDigits || exp + 1 < -3) {
    out = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}E${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else {
    out = digits.length > exp + 1 ? `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}` : digits + '0'.repeat(exp + 1 - digits.length);
  }
  return neg ? `-${out}` : out;
}

function shortestSingle(d: number): string {
  for (let p = 1; p <= 9; p++) {
    const t = d.toExponential(p - 1);
    if (Math.fround(Number(t)) === d) return t;
  }
  return d.toExponential(8);
}

/** "G<n>" formatting of a double (n significant digits), as used by Decimal conversion and format strings. */
export function formatDoubleG(d: number, precision: number): string {
  if (!Number.isFinite(d)) return formatDouble(d);
  const t = d.toExponential(precision - 1);
  const trimmed = Number(t);
  return formatDouble(trimmed);
}

/** Invariant-culture ToString() of any numeric value. */
export function formatNumber(v: Value): string {
  if (typeof v === 'number') return String(v);
  if (v instanceof NetLong) return v.v.toString();
  if (v instanceof NetDouble) return formatDouble(v.v, v.single);
  if (v instanceof NetDecimal) return decimalToString(v);
  return String(v);
}

// ---- parsing (NumberStyles.Integer / Float, invariant culture)

const INTEGER = /^\s*([+-]?)0*(\d+)\s*$/;

export function parseInteger(text: string | null, bits: 32 | 64): bigint | 'format' | 'overflow' {
  if (text === null) return 'format';
  const m = INTEGER.exec(text);
  if (!m) return 'format';
  const v = BigInt(m[2]!) * (m[1] === '-' ? -1n : 1n);
  const max = bits === 32 ? 2147483647n : 9223372036854775807n;
  if (v > max || v < -max - 1n) return 'overflow';
  return v;
}

/** double.Parse's default NumberStyles.Float | AllowThousands: `,` group separators in the integer part. */
export function parseFloat64(text: string | null): number | undefined {
  if (text === null) return undefined;
  const t = text.trim();
  if (/^[+-]?(\d[\d,]*\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t.replace(/,/g, ''));
  if (t === 'NaN') return NaN;
  if (t === 'Infinity' || t === '+Infinity' || t === '∞') return Infinity;
  if (t === '-Infinity' || t === '-∞') return -Infinity;
  return undefined;
}

export function parseIntOrThrow(text: string | null, bits: 32 | 64): Value {
  if (text === null) throw new NetException('System.ArgumentNullException', 'Value cannot be null.\nParameter name: s');
  const r = parseInteger(text, bits);
  if (r === 'format') throw formatError();
  if (r === 'overflow') throw overflow(`Value was either too large or too small for an ${bits === 32 ? 'Int32' : 'Int64'}.`);
  return bits === 32 ? Number(r) : new NetLong(r);
}
