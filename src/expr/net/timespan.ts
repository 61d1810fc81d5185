/**
 * System.TimeSpan on 100-ns ticks (bigint), with the tick constants the time types share.
 * Separate from time.ts (DateTime), which builds on it; TimeSpan needs nothing from DateTime.
 */
import type { Value } from '../port.ts';
import { NetDouble, NetException, NetLong, NetObject, type NetType, setOut } from './core.ts';
import { OBJECT } from './primitives.ts';
import { asBig, toDouble } from './numeric.ts';
import { register } from './registry.ts';
import { formatTimeSpanCustom, parseTimeSpanTicks } from './time-text.ts';

export const TICKS_PER_MS = 10_000n;
export const TICKS_PER_SECOND = 10_000_000n;
export const TICKS_PER_DAY = 864_000_000_000n;

export class NetTimeSpan extends NetObject {
  readonly ticks: bigint;
  constructor(ticks: bigint) {
    super();
    this.ticks = BigInt.asIntN(64, ticks);
  }
  get netType(): NetType {
    return TIME_SPAN;
  }
  valueKey(): string {
    return String(this.ticks);
  }
  compareTo(o: Value): number {
    const t = (o as NetTimeSpan).ticks;
    return this.ticks < t ? -1 : this.ticks > t ? 1 : 0;
  }
}

const span = (ticks: number | bigint): NetTimeSpan => new NetTimeSpan(typeof ticks === 'bigint' ? ticks : BigInt(Math.round(ticks)));
const fromUnit = (unitTicks: number) => ([v]: Value[]) => {
  const d = toDouble(v!);
  if (Number.isNaN(d)) throw new NetException('System.ArgumentException', 'TimeSpan does not accept floating point Not-a-Number values.');
  // .NET rounds the double to whole milliseconds before converting (Framework and Core ≤ 6)
  return span(Math.round(d * (unitTicks / 10_000)) * 10_000);
};

export const pad = (n: number | bigint, w: number): string => String(n).padStart(w, '0');

export function formatTimeSpan(ts: NetTimeSpan, format?: string): string {
  let t = ts.ticks;
  const neg = t < 0n;
  if (neg) t = -t;
  const days = t / TICKS_PER_DAY;
  const rest = t % TICKS_PER_DAY;
  const hh = rest / (3600n * TICKS_PER_SECOND);
  const mm = (rest / (60n * TICKS_PER_SECOND)) % 60n;
  const ss = (rest / TICKS_PER_SECOND) % 60n;
  const frac = t % TICKS_PER_SECOND;
  const sign = neg ? '-' : '';
  if (format === 'g') return `${sign}${days > 0n ? `${days}:` : ''}${hh}:${pad(mm, 2)}:${pad(ss, 2)}${frac > 0n ? `.${pad(frac, 7).replace(/0+$/, '')}` : ''}`;
  if (format === 'G') return `${sign}${days}:${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}.${pad(frac, 7)}`;
  if (format !== undefined && format !== '' && format !== 'c' && format !== 't' && format !== 'T') return formatTimeSpanCustom(ts.ticks, format);
  return `${neg ? '-' : ''}${days > 0n ? `${days}.` : ''}${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}${frac > 0n ? `.${pad(frac, 7)}` : ''}`;
}

export const TIME_SPAN: NetType = register({
  name: 'System.TimeSpan',
  base: OBJECT,
  isValueType: true,
  defaultValue: () => new NetTimeSpan(0n),
  construct: (args) => {
    const n = args.map((a) => asBig(a));
    if (n.length === 1) return new NetTimeSpan(n[0]!);
    const [d, h, m, s, ms] = n.length === 3 ? [0n, n[0]!, n[1]!, n[2]!, 0n] : [n[0]!, n[1]!, n[2]!, n[3]!, n[4] ?? 0n];
    return new NetTimeSpan((((d * 24n + h) * 60n + m) * 60n + s) * TICKS_PER_SECOND + ms * TICKS_PER_MS);
  },
  props: {
    Ticks: (t: NetTimeSpan) => new NetLong(t.ticks),
    Days: (t: NetTimeSpan) => Number(t.ticks / TICKS_PER_DAY),
    Hours: (t: NetTimeSpan) => Number((t.ticks / (3600n * TICKS_PER_SECOND)) % 24n),
    Minutes: (t: NetTimeSpan) => Number((t.ticks / (60n * TICKS_PER_SECOND)) % 60n),
    Seconds: (t: NetTimeSpan) => Number((t.ticks / TICKS_PER_SECOND) % 60n),
    Milliseconds: (t: NetTimeSpan) => Number((t.ticks / TICKS_PER_MS) % 1000n),
    TotalDays: (t: NetTimeSpan) => total(t, 864_000_000_000),
    TotalHours: (t: NetTimeSpan) => total(t, 36_000_000_000),
    TotalMinutes: (t: NetTimeSpan) => total(t, 600_000_000),
    TotalSeconds: (t: NetTimeSpan) => total(t, 10_000_000),
    TotalMilliseconds: (t: NetTimeSpan) => total(t, 10_000),
  },
  methods: {
    ToString: (t: NetTimeSpan, [f]) => formatTimeSpan(t, f === undefined || f === null ? undefined : (f as string)),
    Add: (t: NetTimeSpan, [v]) => new NetTimeSpan(t.ticks + (v as NetTimeSpan).ticks),
    Subtract: (t: NetTimeSpan, [v]) => new NetTimeSpan(t.ticks - (v as NetTimeSpan).ticks),
    Negate: (t: NetTimeSpan) => new NetTimeSpan(-t.ticks),
    Duration: (t: NetTimeSpan) => new NetTimeSpan(t.ticks < 0n ? -t.ticks : t.ticks),
    CompareTo: (t: NetTimeSpan, [v]) => t.compareTo(v!),
    Equals: (t: NetTimeSpan, [v]) => v instanceof NetTimeSpan && v.ticks === t.ticks,
  },
  staticProps: { Zero: () => new NetTimeSpan(0n), MaxValue: () => new NetTimeSpan((1n << 63n) - 1n), MinValue: () => new NetTimeSpan(-(1n << 63n)) },
  statics: {
    FromTicks: ([v]) => new NetTimeSpan(asBig(v!)),
    FromMilliseconds: fromUnit(10_000),
    FromSeconds: fromUnit(10_000_000),
    FromMinutes: fromUnit(600_000_000),
    FromHours: fromUnit(36_000_000_000),
    FromDays: fromUnit(864_000_000_000),
    Parse: ([s]) => {
      if (s === null) throw new NetException('System.ArgumentNullException', 'Value cannot be null.\nParameter name: input');
      return new NetTimeSpan(parseTimeSpanTicks(s as string));
    },
    TryParse: ([s, o]) => {
      let r: NetTimeSpan | undefined;
      try {
        r = typeof s === 'string' ? new NetTimeSpan(parseTimeSpanTicks(s)) : undefined;
      } catch (e) {
        if (!(e instanceof NetException)) throw e;
      }
      setOut(o, r ?? new NetTimeSpan(0n));
      return r !== undefined;
    },
    Compare: ([a, b]) => (a as NetTimeSpan).compareTo(b!),
  },
});

const total = (t: NetTimeSpan, unit: number): Value => new NetDouble(Number(t.ticks) / unit);
