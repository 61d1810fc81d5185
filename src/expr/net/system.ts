/**
 * System.Convert, Guid, BitConverter, Byte, BigInteger, Random and Int16: with System.Math
 * (math.ts), the static helpers policies call most.
 */
import type { Value } from '../port.ts';
import { BIG_INTEGER_TYPE, NetBigInteger, NetChar, NetDecimal, NetDouble, NetException, NetLong, NetObject, type NetType, argumentNull, formatError, overflow, setOut } from './core.ts';
import { NetArray } from './collections.ts';
import { setChangeType } from './jtoken.ts';
import { asBig, decimalToString, numKind, parseDecimalNumber, parseFloat64, parseInteger, toDecimal, toDouble } from './numeric.ts';
import { BOOLEAN, DECIMAL, DOUBLE, INT32, INT64, OBJECT, makeEnum, roundDecimal } from './primitives.ts';
import { register } from './registry.ts';
import { toNetString } from './text.ts';
import { DATE_TIME, NetDateTime } from './time.ts';
import { NetDateTimeOffset } from './time-offset.ts';

// ---- Byte (array elements are stored as unboxed numbers; see docs/emulator-support.md)

export const BYTE: NetType = register(
  {
    name: 'System.Byte',
    base: OBJECT,
    isValueType: true,
    defaultValue: () => 0,
    convertFrom: (v, mode) => (numKind(v) && (mode === 'explicit' || typeof v === 'number') ? Number(BigInt.asUintN(8, asBig(v))) : undefined),
    staticProps: { MaxValue: () => 255, MinValue: () => 0 },
  },
  'byte',
);

export const bytes = (data: Uint8Array | readonly number[]): NetArray => new NetArray(BYTE, [...data]);
export const toUint8 = (v: Value): Uint8Array => {
  if (v === null) throw argumentNull('bytes');
  return Uint8Array.from((v as NetArray).items as number[]);
};

// ---- Convert (and Convert.ChangeType, which JToken conversions use)

function toIntegral(v: Value, bits: 32 | 64, fromBase?: number): Value {
  const name = bits === 32 ? 'Int32' : 'Int64';
  const make = (b: bigint): Value => {
    const max = bits === 32 ? 2147483647n : 9223372036854775807n;
    if (b > max || b < -max - 1n) throw overflow(`Value was either too large or too small for an ${name}.`);
    return bits === 32 ? Number(b) : new NetLong(b);
  };
  if (v === null) return bits === 32 ? 0 : new NetLong(0n);
  if (typeof v === 'string') {
    if (fromBase !== undefined && fromBase !== 10) {
      const n = parseInt(v, fromBase);
      if (Number.isNaN(n)) throw formatError('Could not find any recognizable digits.');
      return make(BigInt.asIntN(bits, BigInt(n)));
    }
    const r = parseInteger(v, bits);
    if (r === 'format') throw formatError();
    if (r === 'overflow') throw overflow(`Value was either too large or too small for an ${name}.`);
    return make(r);
  }
  if (typeof v === 'boolean') return make(v ? 1n : 0n);
  if (v instanceof NetChar) return make(BigInt(v.code));
  if (v instanceof NetDouble) {
    const d = v.v;
    if (!Number.isFinite(d)) throw overflow(`Value was either too large or too small for an ${name}.`);
    const r = Math.round(d) - (Math.abs(d % 1) === 0.5 && Math.round(d) % 2 !== 0 ? 1 : 0);
    return make(BigInt(r));
  }
  if (v instanceof NetDecimal) return make(roundDecimal(v, 0).m);
  if (v instanceof NetBigInteger) return make(v.v);
  if (numKind(v)) return make(asBig(v));
  throw new NetException('System.InvalidCastException', `Unable to cast object of type '${(v as NetObject).netType?.name ?? 'System.Object'}' to type 'System.IConvertible'.`);
}

function toDoubleValue(v: Value): Value {
  if (v === null) return new NetDouble(0);
  if (typeof v === 'string') {
    const d = parseFloat64(v);
    if (d === undefined) throw formatError();
    return new NetDouble(d);
  }
  if (typeof v === 'boolean') return new NetDouble(v ? 1 : 0);
  if (v instanceof NetBigInteger) return new NetDouble(Number(v.v));
  return new NetDouble(toDouble(v));
}

function toBooleanValue(v: Value): Value {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true' || t === 'false') return t === 'true';
    throw formatError('String was not recognized as a valid Boolean.');
  }
  if (numKind(v)) return toDouble(v) !== 0;
  throw new NetException('System.InvalidCastException', 'Invalid cast.');
}

function toDecimalValue(v: Value): Value {
  if (v === null) return new NetDecimal(0n, 0);
  if (typeof v === 'string') {
    const d = parseDecimalNumber(v);
    if (!d) throw formatError();
    return d;
  }
  if (typeof v === 'boolean') return new NetDecimal(v ? 1n : 0n, 0);
  return toDecimal(v);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

register({
  name: 'System.Convert',
  base: OBJECT,
  isStaticClass: true,
  statics: {
    ToBase64String: ([b, off, len]) => {
      const u = toUint8(b!);
      return Buffer.from(off === undefined ? u : u.subarray(off as number, (off as number) + (len as number))).toString('base64');
    },
    FromBase64String: ([s]) => {
      if (s === null) throw argumentNull('s');
      const t = (s as string).replace(/[\s]/g, '');
      if (t.length % 4 !== 0 || !BASE64.test(t)) throw formatError('The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters.');
      return bytes(Buffer.from(t, 'base64'));
    },
    ToInt32: ([v, b]) => toIntegral(v!, 32, b as number | undefined),
    ToInt64: ([v, b]) => toIntegral(v!, 64, b as number | undefined),
    ToInt16: ([v]) => toIntegral(v!, 32),
    ToDouble: ([v]) => toDoubleValue(v!),
    ToSingle: ([v]) => new NetDouble(toDouble(toDoubleValue(v!)), true),
    ToDecimal: ([v]) => toDecimalValue(v!),
    ToBoolean: ([v]) => toBooleanValue(v!),
    ToString: ([v, b]) => (typeof b === 'number' && numKind(v!) ? BigInt.asUintN(typeof v === 'number' ? 32 : 64, asBig(v!)).toString(b) : v instanceof NetDecimal ? decimalToString(v) : toNetString(v!)),
    ToChar: ([v]) => (typeof v === 'string' ? (v.length === 1 ? NetChar.fromString(v) : (() => { throw formatError('String must be exactly one character long.'); })()) : NetChar.of(Number(asBig(v!)) & 0xffff)),
    ToByte: ([v]) => {
      const n = Number(asBig(toIntegral(v!, 32)));
      if (n < 0 || n > 255) throw overflow('Value was either too large or too small for an unsigned byte.');
      return n;
    },
    ToDateTime: ([v]) => toDateTimeValue(v!),
    ChangeType: ([v, t]) => changeType(v!, (t as unknown as { type: NetType }).type ?? OBJECT),
  },
});

/** Convert.ToDateTime: strings parse as DateTime.Parse does; null is DateTime.MinValue. */
function toDateTimeValue(v: Value): Value {
  if (v === null) return new NetDateTime(0n, 0);
  if (v instanceof NetDateTime) return v;
  if (v instanceof NetDateTimeOffset) return v.local;
  if (typeof v === 'string') return DATE_TIME.statics!.Parse!([v], [], undefined);
  throw new NetException('System.InvalidCastException', `Invalid cast from '${(v as NetObject).netType?.name ?? typeof v}' to 'DateTime'.`);
}

/** Convert.ChangeType(value, T, InvariantCulture) for the primitive targets. */
export function changeType(v: Value, target: NetType): Value {
  switch (target) {
    case INT32: return toIntegral(v, 32);
    case INT64: return toIntegral(v, 64);
    case DOUBLE: return toDoubleValue(v);
    case DECIMAL: return toDecimalValue(v);
    case BOOLEAN: return toBooleanValue(v);
  }
  if (target.name === 'System.Single') return new NetDouble(toDouble(toDoubleValue(v)), true);
  if (target.name === 'System.DateTime') return toDateTimeValue(v);
  if (target.name === 'System.Guid' && typeof v === 'string') return GUID.statics!.Parse!([v], [], undefined);
  if (target.name === 'System.String') return toNetString(v);
  if (target.convertFrom) {
    const r = target.convertFrom(v, 'explicit');
    if (r !== undefined) return r;
  }
  throw new NetException('System.InvalidCastException', `Invalid cast from '${(v as NetObject).netType?.name ?? typeof v}' to '${target.name}'.`);
}
setChangeType(changeType);

// ---- System.Numerics.BigInteger (JSON integers beyond Int64)

BIG_INTEGER_TYPE.set(
  register({
    name: 'System.Numerics.BigInteger',
    base: OBJECT,
    isValueType: true,
    methods: { ToString: (t: NetBigInteger) => t.v.toString() },
  }),
);

// ---- Guid

let randomBytes: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n));
/** Test hook: makes Guid.NewGuid() deterministic. */
export function setRandomSource(f: (n: number) => Uint8Array): void {
  randomBytes = f;
}

export class NetGuid extends NetObject {
  /** Lower-case "D" form. */
  readonly text: string;
  constructor(text: string) {
    super();
    this.text = text;
  }
  get netType(): NetType {
    return GUID;
  }
  valueKey(): string {
    return this.text;
  }
}

function parseGuid(s: string): NetGuid | undefined {
  const t = s.trim().replace(/^[{(](.*)[)}]$/, '$1');
  const m = /^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})$/i.exec(t);
  return m ? new NetGuid(m.slice(1).join('-').toLowerCase()) : undefined;
}

export const GUID: NetType = register({
  name: 'System.Guid',
  base: OBJECT,
  isValueType: true,
  defaultValue: () => new NetGuid('00000000-0000-0000-0000-000000000000'),
  construct: ([s]) => {
    if (typeof s !== 'string') return new NetGuid('00000000-0000-0000-0000-000000000000');
    const g = parseGuid(s);
    if (!g) throw formatError('Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).');
    return g;
  },
  methods: {
    ToString: (t: NetGuid, [f]) => {
      const fmt = typeof f === 'string' ? f : 'D';
      switch (fmt.toUpperCase()) {
        case 'N': return fmt === 'N' || fmt === 'n' ? t.text.replace(/-/g, '') : t.text;
        case 'B': return `{${t.text}}`;
        case 'P': return `(${t.text})`;
        case 'D': case '': return t.text;
      }
      throw formatError('Format String can be only "D", "d", "N", "n", "P", "p", "B", "b", "X" or "x".');
    },
    ToByteArray: (t: NetGuid) => bytes(Buffer.from(t.text.replace(/-/g, ''), 'hex')),
  },
  staticProps: { Empty: () => new NetGuid('00000000-0000-0000-0000-000000000000') },
  statics: {
    NewGuid: () => {
      const b = randomBytes(16);
      b[6] = (b[6]! & 0x0f) | 0x40;
      b[8] = (b[8]! & 0x3f) | 0x80;
      const h = Buffer.from(b).toString('hex');
      return new NetGuid(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
    },
    Parse: ([s]) => {
      if (s === null) throw argumentNull('input');
      const g = parseGuid(s as string);
      if (!g) throw formatError('Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).');
      return g;
    },
    TryParse: ([s, o]) => {
      const g = typeof s === 'string' ? parseGuid(s) : undefined;
      setOut(o, g ?? new NetGuid('00000000-0000-0000-0000-000000000000'));
      return g !== undefined;
    },
  },
});

// ---- BitConverter

register({
  name: 'System.BitConverter',
  base: OBJECT,
  isStaticClass: true,
  staticProps: { IsLittleEndian: () => true },
  statics: {
    ToString: ([b]) => Buffer.from(toUint8(b!)).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1-'),
    GetBytes: ([v]) => {
      if (typeof v === 'number') {
        const buf = Buffer.alloc(4);
        buf.writeInt32LE(v);
        return bytes(buf);
      }
      if (v instanceof NetLong) {
        const buf = Buffer.alloc(8);
        buf.writeBigInt64LE(v.v);
        return bytes(buf);
      }
      if (typeof v === 'boolean') return bytes([v ? 1 : 0]);
      const buf = Buffer.alloc(8);
      buf.writeDoubleLE(toDouble(v!));
      return bytes(buf);
    },
  },
});

export const URI_KIND = makeEnum('System.UriKind', { RelativeOrAbsolute: 0, Absolute: 1, Relative: 2 });

// ---- Random (values come from the random source; a seeded Random does not reproduce .NET's sequence)

class NetRandom extends NetObject {
  next(): number {
    const b = randomBytes(4);
    return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) / 2 ** 32;
  }
  get netType(): NetType {
    return RANDOM;
  }
}

const RANDOM: NetType = register({
  name: 'System.Random',
  base: OBJECT,
  construct: () => new NetRandom(),
  methods: {
    Next: (t: NetRandom, args) => {
      const [lo, hi] = args.length === 0 ? [0, 2147483647] : args.length === 1 ? [0, args[0] as number] : [args[0] as number, args[1] as number];
      if (hi < lo) throw new NetException('System.ArgumentOutOfRangeException', "'minValue' cannot be greater than maxValue.");
      return lo + Math.floor(t.next() * (hi - lo));
    },
    NextDouble: (t: NetRandom) => new NetDouble(t.next()),
  },
});

register(
  {
    name: 'System.Int16',
    base: OBJECT,
    isValueType: true,
    defaultValue: () => 0,
    convertFrom: (v, mode) => (numKind(v) && (mode === 'explicit' || typeof v === 'number') ? Number(BigInt.asIntN(16, asBig(v))) : undefined),
    staticProps: { MaxValue: () => 32767, MinValue: () => -32768 },
  },
  'short',
);
