/**
 * System.Math. Math keeps .NET's overload result types (Max of ints is an int, Floor of a double
 * a double). Separate from system.ts (Convert, Guid, …): it shares nothing with it; library.ts
 * imports it so that it registers.
 */
import type { Value } from '../port.ts';
import { NetDecimal, NetDouble, NetEnum, NetException, NetLong, overflow } from './core.ts';
import { numericBinary, numKind, toDouble } from './numeric.ts';
import { OBJECT, roundDecimal } from './primitives.ts';
import { register } from './registry.ts';

const sameKind = (v: Value, n: number): Value => (v instanceof NetDouble ? new NetDouble(n, v.single) : numKind(v) === 'int' ? n : new NetDouble(n));
const roundHalfEven = (d: number): number => {
  const r = Math.round(d);
  return Math.abs(d % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

function round(args: Value[]): Value {
  const [v] = args;
  const digits = args.find((a, i) => i > 0 && typeof a === 'number') as number | undefined;
  const mode = args.find((a) => a instanceof NetEnum) as NetEnum | undefined;
  const away = mode?.value === 1;
  if (v instanceof NetDecimal) {
    const places = digits ?? 0;
    if (!away) return roundDecimal(v, places);
    const f = 10n ** BigInt(Math.max(0, v.scale - places));
    if (v.scale <= places) return v;
    let q = v.m / f;
    const r = v.m % f;
    if (2n * (r < 0n ? -r : r) >= f) q += v.m < 0n ? -1n : 1n;
    return new NetDecimal(q, places);
  }
  const d = toDouble(v!);
  const scale = 10 ** (digits ?? 0);
  const x = d * scale;
  const r = away ? Math.sign(x) * Math.round(Math.abs(x)) : roundHalfEven(x);
  return new NetDouble(r / scale);
}

function minMax(max: boolean) {
  return ([a, b]: Value[]) => {
    const k = numKind(a!) === numKind(b!) ? numKind(a!) : undefined;
    if (a instanceof NetDouble || b instanceof NetDouble) {
      // IEEE 754:2019 maximum/minimum, as .NET Core 3.0+: NaN propagates, -0 is below +0
      const x = toDouble(a!);
      const y = toDouble(b!);
      const single = (a instanceof NetDouble ? a.single : true) && (b instanceof NetDouble ? b.single : true);
      let r: number;
      if (x !== y) r = Number.isNaN(x) ? x : max ? (y < x ? x : y) : x < y ? x : y;
      else r = max ? (Object.is(y, -0) ? x : y) : Object.is(x, -0) ? x : y;
      return new NetDouble(r, single);
    }
    const less = numericBinary('<', a!, b!) === true;
    const pick = max ? (less ? b! : a!) : less ? a! : b!;
    if (k) return pick;
    // mixed kinds: the result has the wider type
    return numericBinary('+', pick, numKind(a!) === 'double' || numKind(b!) === 'double' ? new NetDouble(0) : numKind(a!) === 'decimal' || numKind(b!) === 'decimal' ? new NetDecimal(0n, 0) : numKind(a!) === 'long' || numKind(b!) === 'long' ? new NetLong(0n) : 0)!;
  };
}

const unaryDouble = (f: (d: number) => number) => ([v]: Value[]) => new NetDouble(f(toDouble(v!)));

register({
  name: 'System.Math',
  base: OBJECT,
  isStaticClass: true,
  staticProps: { PI: () => new NetDouble(Math.PI), E: () => new NetDouble(Math.E) },
  statics: {
    Abs: ([v]) => {
      if (v === -2147483648) throw overflow('Negating the minimum value of a twos complement number is invalid.');
      if (typeof v === 'number') return Math.abs(v);
      if (v instanceof NetLong) return new NetLong(v.v < 0n ? -v.v : v.v);
      if (v instanceof NetDecimal) return new NetDecimal(v.m < 0n ? -v.m : v.m, v.scale);
      return sameKind(v!, Math.abs(toDouble(v!)));
    },
    Max: minMax(true),
    Min: minMax(false),
    Floor: ([v]) => (v instanceof NetDecimal ? new NetDecimal(floorBig(v), 0) : new NetDouble(Math.floor(toDouble(v!)))),
    Ceiling: ([v]) => (v instanceof NetDecimal ? new NetDecimal(-floorBig(new NetDecimal(-v.m, v.scale)), 0) : new NetDouble(Math.ceil(toDouble(v!)))),
    Truncate: ([v]) => (v instanceof NetDecimal ? new NetDecimal(v.m / 10n ** BigInt(v.scale), 0) : new NetDouble(Math.trunc(toDouble(v!)))),
    Round: round,
    Sign: ([v]) => {
      const d = v instanceof NetDecimal ? Number(v.m) : toDouble(v!);
      if (Number.isNaN(d)) throw new NetException('System.ArithmeticException', 'Function does not accept floating point Not-a-Number values.');
      return Math.sign(d);
    },
    Pow: ([a, b]) => new NetDouble(toDouble(a!) ** toDouble(b!)),
    Sqrt: unaryDouble(Math.sqrt),
    Exp: unaryDouble(Math.exp),
    Log: ([a, b]) => new NetDouble(b === undefined ? Math.log(toDouble(a!)) : Math.log(toDouble(a!)) / Math.log(toDouble(b))),
    Log10: unaryDouble(Math.log10),
    Log2: unaryDouble(Math.log2),
    Sin: unaryDouble(Math.sin),
    Cos: unaryDouble(Math.cos),
    Tan: unaryDouble(Math.tan),
    Atan: unaryDouble(Math.atan),
    Clamp: ([v, lo, hi]) => (numericBinary('<', v!, lo!) === true ? lo! : numericBinary('>', v!, hi!) === true ? hi! : v!),
  },
});

const floorBig = (v: NetDecimal): bigint => {
  const f = 10n ** BigInt(v.scale);
  const q = v.m / f;
  return v.m < 0n && v.m % f !== 0n ? q - 1n : q;
};
