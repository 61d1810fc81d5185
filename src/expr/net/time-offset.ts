/**
 * System.DateTimeOffset (UTC ticks plus an offset), and the operators across time values
 * (`DateTime ± TimeSpan`, `DateTime - DateTime`, comparisons) that the library's `binary` uses.
 */
import type { Value } from '../port.ts';
import { NetException, NetLong, NetObject, type NetType, formatError } from './core.ts';
import { asBig, compare, toDouble } from './numeric.ts';
import { OBJECT } from './primitives.ts';
import { register } from './registry.ts';
import { EPOCH_TICKS, NetDateTime, formatCustomDateTime, formatDateTime, nowUtc, parseDate, withKind } from './time.ts';
import { NetTimeSpan, TICKS_PER_DAY, TICKS_PER_MS, TICKS_PER_SECOND } from './timespan.ts';

export class NetDateTimeOffset extends NetObject {
  /** UTC ticks and the offset in minutes. */
  readonly utcTicks: bigint;
  readonly offsetMinutes: number;
  constructor(utcTicks: bigint, offsetMinutes: number) {
    super();
    this.utcTicks = utcTicks;
    this.offsetMinutes = offsetMinutes;
  }
  get netType(): NetType {
    return DATE_TIME_OFFSET;
  }
  get local(): NetDateTime {
    return new NetDateTime(this.utcTicks + BigInt(this.offsetMinutes) * 60n * TICKS_PER_SECOND, 0);
  }
  valueKey(): string {
    return String(this.utcTicks);
  }
  compareTo(o: Value): number {
    const t = (o as NetDateTimeOffset).utcTicks;
    return this.utcTicks < t ? -1 : this.utcTicks > t ? 1 : 0;
  }
}

export const DATE_TIME_OFFSET: NetType = register({
  name: 'System.DateTimeOffset',
  base: OBJECT,
  isValueType: true,
  construct: (args) => {
    const offset = args.at(-1);
    const minutes = offset instanceof NetTimeSpan ? Number(offset.ticks / (60n * TICKS_PER_SECOND)) : 0;
    if (offset instanceof NetTimeSpan && offset.ticks % (60n * TICKS_PER_SECOND) !== 0n) throw new NetException('System.ArgumentException', 'Offset must be specified in whole minutes.\nParameter name: offset');
    const [a] = args;
    let local: bigint;
    if (a instanceof NetDateTime) local = a.ticks;
    else if (args.length === 2 && (a instanceof NetLong || typeof a === 'number')) local = asBig(a);
    else if (args.length >= 7) {
      // (year, month, day, hour, minute, second[, millisecond], offset)
      const n = args.slice(0, -1).map((x) => Number(asBig(x!)));
      local = NetDateTime.fromParts(n[0]!, n[1]!, n[2]!, n[3]!, n[4]!, n[5]!, n[6] ?? 0).ticks;
    } else throw new NetException('System.ArgumentException', 'Unsupported DateTimeOffset constructor.');
    return new NetDateTimeOffset(local - BigInt(minutes) * 60n * TICKS_PER_SECOND, minutes);
  },
  props: {
    UtcDateTime: (t: NetDateTimeOffset) => new NetDateTime(t.utcTicks, 1),
    DateTime: (t: NetDateTimeOffset) => t.local,
    LocalDateTime: (t: NetDateTimeOffset) => new NetDateTime(t.utcTicks, 2),
    Offset: (t: NetDateTimeOffset) => new NetTimeSpan(BigInt(t.offsetMinutes) * 60n * TICKS_PER_SECOND),
    Ticks: (t: NetDateTimeOffset) => new NetLong(t.local.ticks),
    UtcTicks: (t: NetDateTimeOffset) => new NetLong(t.utcTicks),
    Year: (t: NetDateTimeOffset) => t.local.date.getUTCFullYear(),
    Month: (t: NetDateTimeOffset) => t.local.date.getUTCMonth() + 1,
    Day: (t: NetDateTimeOffset) => t.local.date.getUTCDate(),
    Hour: (t: NetDateTimeOffset) => t.local.date.getUTCHours(),
    Minute: (t: NetDateTimeOffset) => t.local.date.getUTCMinutes(),
    Second: (t: NetDateTimeOffset) => t.local.date.getUTCSeconds(),
    Date: (t: NetDateTimeOffset) => new NetDateTime(t.local.ticks - (t.local.ticks % TICKS_PER_DAY), 0),
  },
  methods: {
    ToString: (t: NetDateTimeOffset, [f]) => (f === undefined || f === null ? `${formatDateTime(t.local, 'G')} ${formatCustomDateTime(t.local, 'zzz', t.offsetMinutes)}` : formatDateTime(t.local, f as string, t.offsetMinutes)),
    ToUnixTimeSeconds: (t: NetDateTimeOffset) => new NetLong(floorDiv(t.utcTicks - EPOCH_TICKS, TICKS_PER_SECOND)),
    ToUnixTimeMilliseconds: (t: NetDateTimeOffset) => new NetLong(floorDiv(t.utcTicks - EPOCH_TICKS, TICKS_PER_MS)),
    ToUniversalTime: (t: NetDateTimeOffset) => new NetDateTimeOffset(t.utcTicks, 0),
    AddSeconds: (t: NetDateTimeOffset, [v]) => new NetDateTimeOffset(t.utcTicks + BigInt(Math.round(toDouble(v!) * 1000)) * TICKS_PER_MS, t.offsetMinutes),
    AddMinutes: (t: NetDateTimeOffset, [v]) => new NetDateTimeOffset(t.utcTicks + BigInt(Math.round(toDouble(v!) * 60_000)) * TICKS_PER_MS, t.offsetMinutes),
    AddHours: (t: NetDateTimeOffset, [v]) => new NetDateTimeOffset(t.utcTicks + BigInt(Math.round(toDouble(v!) * 3_600_000)) * TICKS_PER_MS, t.offsetMinutes),
    AddDays: (t: NetDateTimeOffset, [v]) => new NetDateTimeOffset(t.utcTicks + BigInt(Math.round(toDouble(v!) * 86_400_000)) * TICKS_PER_MS, t.offsetMinutes),
    ToOffset: (t: NetDateTimeOffset, [v]) => new NetDateTimeOffset(t.utcTicks, Number((v as NetTimeSpan).ticks / (60n * TICKS_PER_SECOND))),
    CompareTo: (t: NetDateTimeOffset, [v]) => t.compareTo(v!),
    Equals: (t: NetDateTimeOffset, [v]) => v instanceof NetDateTimeOffset && v.utcTicks === t.utcTicks,
  },
  staticProps: { UtcNow: () => new NetDateTimeOffset(nowUtc().ticks, 0), Now: () => new NetDateTimeOffset(nowUtc().ticks, 0) },
  statics: {
    FromUnixTimeSeconds: ([v]) => new NetDateTimeOffset(EPOCH_TICKS + asBig(v!) * TICKS_PER_SECOND, 0),
    FromUnixTimeMilliseconds: ([v]) => new NetDateTimeOffset(EPOCH_TICKS + asBig(v!) * TICKS_PER_MS, 0),
    Parse: ([s]) => {
      const r = parseDate(s as string);
      if (!r) throw formatError(`String '${s as string}' was not recognized as a valid DateTime.`);
      return new NetDateTimeOffset(r.dt.ticks, r.offset ?? 0);
    },
  },
});

const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));

/** `DateTime ± TimeSpan`, `DateTime - DateTime`, comparisons. */
export function timeBinary(op: string, l: Value, r: Value): Value | undefined {
  if (l instanceof NetDateTime && r instanceof NetTimeSpan) return op === '+' ? withKind(l, l.ticks + r.ticks) : op === '-' ? withKind(l, l.ticks - r.ticks) : undefined;
  if (l instanceof NetDateTime && r instanceof NetDateTime) return op === '-' ? new NetTimeSpan(l.ticks - r.ticks) : compare(op, l.ticks, r.ticks);
  if (l instanceof NetTimeSpan && r instanceof NetTimeSpan) return op === '+' ? new NetTimeSpan(l.ticks + r.ticks) : op === '-' ? new NetTimeSpan(l.ticks - r.ticks) : compare(op, l.ticks, r.ticks);
  if (l instanceof NetDateTimeOffset && r instanceof NetDateTimeOffset) return op === '-' ? new NetTimeSpan(l.utcTicks - r.utcTicks) : compare(op, l.utcTicks, r.utcTicks);
  if (l instanceof NetDateTimeOffset && r instanceof NetTimeSpan) return op === '+' ? new NetDateTimeOffset(l.utcTicks + r.ticks, l.offsetMinutes) : op === '-' ? new NetDateTimeOffset(l.utcTicks - r.ticks, l.offsetMinutes) : undefined;
  return undefined;
}
