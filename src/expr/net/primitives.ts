/**
 * System.Object, Boolean, Char, Int32, Int64, Double, Single, Decimal, Nullable<T>, enums:
 * members, parsing, conversions. Strings live in string.ts.
 */
import type { Value } from '../port.ts';
import { CHAR_TYPE, DECIMAL_TYPE, DOUBLE_TYPE, LONG_TYPE, NetChar, NetDecimal, NetDouble, NetEnum, NetException, NetLong, type NetType, OBJECT_TYPE, SINGLE_TYPE, argumentNull, binderError, formatError, overflow, setOut } from './core.ts';
import { formatNumeric } from './format.ts';
import { asBig, decimalToString, fromKind, numKind, parseDecimalNumber, parseFloat64, parseInteger, parseIntOrThrow, toDecimal, toDouble } from './numeric.ts';
import { defineNullable, register, typeOfValue } from './registry.ts';
import { netEquals, toNetString } from './text.ts';
import { typeValue } from './type-value.ts';

export const OBJECT: NetType = register(
  {
    name: 'System.Object',
    methods: {
      ToString: (t: Value) => toNetString(t),
      Equals: (t: Value, [o]) => netEquals(t, o ?? null),
      GetHashCode: (t: Value) => hashOf(toNetString(t)),
      GetType: (t: Value) => typeValue(typeOfValue(t)),
    },
    statics: {
      Equals: ([a, b]) => (a === null || b === null ? a === b : netEquals(a!, b ?? null)),
      ReferenceEquals: ([a, b]) => a === b,
    },
    convertFrom: (v) => v,
  },
  'object',
);
OBJECT_TYPE.set(OBJECT);

function hashOf(s: string): number {
  let h = 5381;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 33) ^ s.charCodeAt(i)) | 0;
  return h;
}

export const BOOLEAN: NetType = register(
  {
    name: 'System.Boolean',
    base: OBJECT,
    isValueType: true,
    defaultValue: () => false,
    methods: {
      ToString: (t: boolean) => (t ? 'True' : 'False'),
      CompareTo: (t: boolean, [o]) => (t === o ? 0 : t ? 1 : -1),
    },
    staticProps: { TrueString: () => 'True', FalseString: () => 'False' },
    statics: {
      Parse: ([s]) => {
        const r = parseBool(s as string | null);
        if (r === undefined) throw s === null ? argumentNull('value') : formatError(`String '${s as string}' was not recognized as a valid Boolean.`);
        return r;
      },
      TryParse: ([s, o]) => {
        const r = parseBool(s as string | null);
        setOut(o, r ?? false);
        return r !== undefined;
      },
    },
    convertFrom: (v, mode) => (typeof v === 'boolean' ? v : mode === 'explicit' ? undefined : undefined),
  },
  'bool',
);

function parseBool(s: string | null): boolean | undefined {
  if (s === null) return undefined;
  const t = s.trim().toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : undefined;
}

/** Numeric conversion into `kind` from any numeric value (explicit casts truncate or wrap). */
function numericConvert(kind: 'int' | 'long' | 'double' | 'single' | 'decimal', v: Value, mode: 'explicit' | 'implicit'): Value | undefined {
  // an enum converts explicitly to its underlying number: (int)DayOfWeek.Friday is 5
  if (v instanceof NetEnum && mode === 'explicit') v = v.value;
  const from = numKind(v);
  if (!from) return undefined;
  const widening: Record<string, readonly string[]> = { int: ['int'], long: ['int', 'long'], single: ['int', 'long', 'single'], double: ['int', 'long', 'single', 'double'], decimal: ['int', 'long', 'decimal'] };
  if (mode === 'implicit' && !widening[kind]!.includes(from) && !(v instanceof NetChar)) return undefined;
  if (from === 'decimal' && (kind === 'int' || kind === 'long')) {
    const d = v as NetDecimal;
    const whole = d.m / 10n ** BigInt(d.scale);
    const max = kind === 'int' ? 2147483647n : 9223372036854775807n;
    if (whole > max || whole < -max - 1n) throw overflow(`Value was either too large or too small for an ${kind === 'int' ? 'Int32' : 'Int64'}.`);
    return fromKind(kind, whole);
  }
  if (from === 'double' || from === 'single') {
    const d = toDouble(v);
    if (kind === 'int' || kind === 'long') {
      if (Number.isNaN(d)) return fromKind(kind, 0);
      const t = Math.trunc(d);
      const lim = kind === 'int' ? 2 ** 31 : 2 ** 63;
      if (t >= lim || t < -lim) return kind === 'int' ? (t < 0 ? -2147483648 : 2147483647) : new NetLong(t < 0 ? -(1n << 63n) : (1n << 63n) - 1n);
      return fromKind(kind, kind === 'long' ? BigInt(t) : t);
    }
    if (kind === 'decimal') return toDecimal(v);
    return fromKind(kind, d);
  }
  if (kind === 'double' || kind === 'single') return fromKind(kind, toDouble(v));
  if (kind === 'decimal') return toDecimal(v);
  return fromKind(kind, asBig(v));
}

function numberType(name: string, kind: 'int' | 'long' | 'double' | 'single' | 'decimal', extra: Partial<NetType>): NetType {
  return {
    name,
    base: OBJECT,
    isValueType: true,
    convertFrom: (v, mode) => numericConvert(kind, v, mode),
    methods: {
      ToString: (t: Value, [format]) => {
        if (format === undefined || format === null) return toNetString(t);
        if (typeof format !== 'string') throw binderError(`${name}.ToString`);
        return formatNumeric(t, format);
      },
      CompareTo: (t: Value, [o]) => {
        const a = toDouble(t);
        const b = toDouble(o ?? null);
        return a < b ? -1 : a > b ? 1 : 0;
      },
      Equals: (t: Value, [o]) => o !== null && o !== undefined && numKind(o) === numKind(t) && netEquals(t, o),
    },
    ...extra,
  };
}

const tryParse = (parse: (s: string | null) => Value | undefined, fallback: Value) => ([s, o]: Value[]) => {
  let r: Value | undefined;
  try {
    r = parse(s as string | null);
  } catch {
    r = undefined;
  }
  setOut(o, r ?? fallback);
  return r !== undefined;
};

const parseIntOrUndefined = (bits: 32 | 64) => (s: string | null): Value | undefined => {
  const r = parseInteger(s, bits);
  return typeof r === 'bigint' ? (bits === 32 ? Number(r) : new NetLong(r)) : undefined;
};

export const INT32: NetType = register(
  numberType('System.Int32', 'int', {
    defaultValue: () => 0,
    staticProps: { MaxValue: () => 2147483647, MinValue: () => -2147483648 },
    statics: { Parse: ([s]) => parseIntOrThrow(s as string | null, 32), TryParse: tryParse(parseIntOrUndefined(32), 0) },
  }),
  'int',
);

export const INT64: NetType = register(
  numberType('System.Int64', 'long', {
    defaultValue: () => new NetLong(0n),
    staticProps: { MaxValue: () => new NetLong((1n << 63n) - 1n), MinValue: () => new NetLong(-(1n << 63n)) },
    statics: { Parse: ([s]) => parseIntOrThrow(s as string | null, 64), TryParse: tryParse(parseIntOrUndefined(64), new NetLong(0n)) },
  }),
  'long',
);
LONG_TYPE.set(INT64);

const parseDoubleOrThrow = (s: string | null, single: boolean): Value => {
  if (s === null) throw argumentNull('s');
  const d = parseFloat64(s);
  if (d === undefined) throw formatError();
  return new NetDouble(d, single);
};

export const DOUBLE: NetType = register(
  numberType('System.Double', 'double', {
    defaultValue: () => new NetDouble(0),
    staticProps: {
      MaxValue: () => new NetDouble(Number.MAX_VALUE), MinValue: () => new NetDouble(-Number.MAX_VALUE), Epsilon: () => new NetDouble(5e-324),
      NaN: () => new NetDouble(NaN), PositiveInfinity: () => new NetDouble(Infinity), NegativeInfinity: () => new NetDouble(-Infinity),
    },
    statics: {
      Parse: ([s]) => parseDoubleOrThrow(s as string | null, false),
      TryParse: tryParse((s) => (s === null ? undefined : parseFloat64(s) === undefined ? undefined : new NetDouble(parseFloat64(s)!)), new NetDouble(0)),
      IsNaN: ([d]) => Number.isNaN(toDouble(d!)),
      IsInfinity: ([d]) => Math.abs(toDouble(d!)) === Infinity,
    },
  }),
  'double',
);
DOUBLE_TYPE.set(DOUBLE);

export const SINGLE: NetType = register(
  numberType('System.Single', 'single', {
    defaultValue: () => new NetDouble(0, true),
    statics: { Parse: ([s]) => parseDoubleOrThrow(s as string | null, true) },
  }),
  'float',
);
SINGLE_TYPE.set(SINGLE);

export const DECIMAL: NetType = register(
  numberType('System.Decimal', 'decimal', {
    defaultValue: () => new NetDecimal(0n, 0),
    staticProps: { Zero: () => new NetDecimal(0n, 0), One: () => new NetDecimal(1n, 0), MaxValue: () => new NetDecimal((1n << 96n) - 1n, 0), MinValue: () => new NetDecimal(-((1n << 96n) - 1n), 0) },
    statics: {
      Parse: ([s]) => {
        if (s === null) throw argumentNull('s');
        const d = parseDecimalNumber(s as string);
        if (!d) throw formatError();
        return d;
      },
      TryParse: tryParse((s) => (s === null ? undefined : parseDecimalNumber(s)), new NetDecimal(0n, 0)),
      Round: ([d, places]) => roundDecimal(toDecimal(d!), places === undefined ? 0 : (places as number)),
      Truncate: ([d]) => {
        const x = toDecimal(d!);
        return new NetDecimal(x.m / 10n ** BigInt(x.scale), 0);
      },
      ToInt32: ([d]) => numericConvert('int', d!, 'explicit')!,
      ToDouble: ([d]) => new NetDouble(toDouble(d!)),
    },
  }),
  'decimal',
);
DECIMAL_TYPE.set(DECIMAL);

/** Banker's rounding of a decimal to `places` digits. */
export function roundDecimal(d: NetDecimal, places: number): NetDecimal {
  if (d.scale <= places) return d;
  const f = 10n ** BigInt(d.scale - places);
  let q = d.m / f;
  const r = d.m % f;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice > f || (twice === f && (q & 1n) !== 0n)) q += d.m < 0n ? -1n : 1n;
  return new NetDecimal(q, places);
}

/** Char case mapping: one char to one char, or unchanged (.NET never maps 'ß' to "SS"). */
const mapChar = (c: Value, map: (s: string) => string): NetChar => {
  const m = map(String.fromCharCode((c as NetChar).code));
  return m.length === 1 ? NetChar.fromString(m) : (c as NetChar);
};

const charTest = (re: RegExp) => ([c, i]: Value[]) => re.test(typeof c === 'string' ? c.charAt(i as number) : String.fromCharCode((c as NetChar).code));

export const CHAR: NetType = register(
  {
    name: 'System.Char',
    base: OBJECT,
    isValueType: true,
    defaultValue: () => NetChar.of(0),
    convertFrom: (v, mode) => {
      if (v instanceof NetChar) return v;
      if (mode === 'explicit' && numKind(v)) return NetChar.of(Number(BigInt.asUintN(16, asBig(v))));
      return undefined;
    },
    methods: {
      ToString: (t: NetChar) => String.fromCharCode(t.code),
      CompareTo: (t: NetChar, [o]) => t.code - (o as NetChar).code,
      Equals: (t: NetChar, [o]) => o === t,
    },
    staticProps: { MaxValue: () => NetChar.of(0xffff), MinValue: () => NetChar.of(0) },
    statics: {
      IsDigit: charTest(/^\p{Nd}$/u),
      IsLetter: charTest(/^\p{L}$/u),
      IsLetterOrDigit: charTest(/^[\p{L}\p{Nd}]$/u),
      IsWhiteSpace: charTest(/^[\s\u0085]$/u),
      IsUpper: charTest(/^\p{Lu}$/u),
      IsLower: charTest(/^\p{Ll}$/u),
      IsPunctuation: charTest(/^\p{P}$/u),
      IsControl: charTest(/^\p{Cc}$/u),
      IsNumber: charTest(/^\p{N}$/u),
      ToUpper: ([c]) => mapChar(c!, (x) => x.toUpperCase()),
      ToLower: ([c]) => mapChar(c!, (x) => x.toLowerCase()),
      ToUpperInvariant: ([c]) => mapChar(c!, (x) => x.toUpperCase()),
      ToLowerInvariant: ([c]) => mapChar(c!, (x) => x.toLowerCase()),
      ToString: ([c]) => String.fromCharCode((c as NetChar).code),
      Parse: ([s]) => {
        if (typeof s !== 'string' || s.length !== 1) throw formatError('String must be exactly one character long.');
        return NetChar.fromString(s);
      },
    },
  },
  'char',
);
CHAR_TYPE.set(CHAR);

defineNullable((of) => ({
  name: `System.Nullable<${of.name}>`,
  nullableOf: of,
  base: OBJECT,
  isValueType: true,
  defaultValue: () => null,
  convertFrom: (v, mode) => (v === null ? null : (of.convertFrom?.(v, mode) ?? undefined)),
}));

/** `Nullable<T>` members on a boxed non-null value (boxing drops the Nullable wrapper in .NET). */
export const NULLABLE_MEMBERS = { HasValue: (v: Value) => v !== null, Value: (v: Value) => v };

// ---- enums

export function makeEnum(name: string, members: Readonly<Record<string, number>>, flags = false): NetType {
  const values = new Map<string, NetEnum>();
  const type: NetType = register({
    name,
    base: OBJECT,
    isValueType: true,
    methods: {
      ToString: (t: NetEnum) => t.member,
      HasFlag: (t: NetEnum, [f]) => (t.value & (f as NetEnum).value) === (f as NetEnum).value,
    },
    staticProps: Object.fromEntries(Object.keys(members).map((m) => [m, () => values.get(m)!])),
    convertFrom: (v, mode) => (v instanceof NetEnum && v.type === type ? v : mode === 'explicit' && typeof v === 'number' ? enumOf(type, values, v, flags) : undefined),
    defaultValue: () => enumOf(type, values, 0, flags),
  });
  for (const [m, n] of Object.entries(members)) values.set(m, new NetEnum(type, m, n));
  return type;
}

function enumOf(type: NetType, values: Map<string, NetEnum>, n: number, flags: boolean): NetEnum {
  for (const e of values.values()) if (e.value === n) return e;
  if (flags) {
    const names = [...values.values()].filter((e) => e.value !== 0 && (n & e.value) === e.value).map((e) => e.member);
    return new NetEnum(type, names.join(', ') || String(n), n);
  }
  return new NetEnum(type, String(n), n);
}

/** `a | b` on flag enums. */
export function enumBinary(op: string, l: NetEnum, r: NetEnum): Value | undefined {
  if (l.type !== r.type) return undefined;
  const n = op === '|' ? l.value | r.value : op === '&' ? l.value & r.value : op === '^' ? l.value ^ r.value : undefined;
  if (n === undefined) return op === '==' ? l.value === r.value : op === '!=' ? l.value !== r.value : undefined;
  return l.type.convertFrom!(n, 'explicit');
}

export const STRING_COMPARISON = makeEnum('System.StringComparison', { CurrentCulture: 0, CurrentCultureIgnoreCase: 1, InvariantCulture: 2, InvariantCultureIgnoreCase: 3, Ordinal: 4, OrdinalIgnoreCase: 5 });
export const STRING_SPLIT_OPTIONS = makeEnum('System.StringSplitOptions', { None: 0, RemoveEmptyEntries: 1, TrimEntries: 2 }, true);
export const MIDPOINT_ROUNDING = makeEnum('System.MidpointRounding', { ToEven: 0, AwayFromZero: 1, ToZero: 2, ToNegativeInfinity: 3, ToPositiveInfinity: 4 });

export { decimalToString };
export const isNumeric = (v: Value): boolean => numKind(v) !== undefined && !(v instanceof NetChar);
export const numericException = (message: string): NetException => new NetException('System.ArgumentException', message);
