/**
 * System.DateTime on 100-ns ticks (bigint), invariant culture (TimeSpan and the tick constants are
 * in timespan.ts, DateTimeOffset and the operators across time values in time-offset.ts). "Now"
 * comes from an injected clock, so the emulator's virtual clock drives expressions too;
 * the gateway's local time zone is UTC (as on APIM's managed gateway).
 */
import type { Value } from '../port.ts';
import { NetEnum, NetException, NetLong, NetObject, type NetType, argumentOutOfRange, formatError, setOut } from './core.ts';
import { makeEnum, OBJECT } from './primitives.ts';
import { asBig, toDouble } from './numeric.ts';
import { register } from './registry.ts';
import { type DateFields, parseExactFields, parseNamedMonth } from './time-text.ts';
import { NetTimeSpan, pad, TICKS_PER_DAY, TICKS_PER_MS, TICKS_PER_SECOND } from './timespan.ts';

/** Ticks from 0001-01-01 to 1970-01-01. */
export const EPOCH_TICKS = 621_355_968_000_000_000n;
const MAX_TICKS = 3_155_378_975_999_999_999n;

let clock: () => number = () => Date.now();
/** Sets the clock `DateTime.UtcNow` reads (milliseconds since the epoch). */
export function setClock(now: () => number): void {
  clock = now;
}

export type Kind = 0 | 1 | 2; // Unspecified, Utc, Local
export const DATE_TIME_KIND = makeEnum('System.DateTimeKind', { Unspecified: 0, Utc: 1, Local: 2 });
export const DAY_OF_WEEK = makeEnum('System.DayOfWeek', { Sunday: 0, Monday: 1, Tuesday: 2, Wednesday: 3, Thursday: 4, Friday: 5, Saturday: 6 });

export class NetDateTime extends NetObject {
  readonly ticks: bigint;
  readonly kind: Kind;
  constructor(ticks: bigint, kind: Kind) {
    super();
    if (ticks < 0n || ticks > MAX_TICKS) throw argumentOutOfRange('ticks', 'The added or subtracted value results in an un-representable DateTime.');
    this.ticks = ticks;
    this.kind = kind;
  }
  get netType(): NetType {
    return DATE_TIME;
  }
  /** Calendar fields through JS Date (UTC arithmetic on the tick count). */
  get date(): Date {
    return new Date(Number((this.ticks - EPOCH_TICKS) / TICKS_PER_MS));
  }
  valueKey(): string {
    return String(this.ticks);
  }
  compareTo(o: Value): number {
    const t = (o as NetDateTime).ticks;
    return this.ticks < t ? -1 : this.ticks > t ? 1 : 0;
  }
  static fromMs(ms: number, kind: Kind): NetDateTime {
    return new NetDateTime(EPOCH_TICKS + BigInt(Math.trunc(ms)) * TICKS_PER_MS, kind);
  }
  static fromParts(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0, kind: Kind = 0): NetDateTime {
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) throw argumentOutOfRange('', 'Year, Month, and Day parameters describe an un-representable DateTime.');
    const t = Date.UTC(2000, mo - 1, d, h, mi, s, ms);
    const shift = new Date(t);
    shift.setUTCFullYear(y);
    return NetDateTime.fromMs(shift.getTime(), kind);
  }
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
export const daysInMonth = (y: number, m: number): number => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

export const nowUtc = (): NetDateTime => NetDateTime.fromMs(clock(), 1);

// ---- formatting

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The invariant culture's standard DateTime patterns. */
const STANDARD_PATTERNS: Readonly<Record<string, string>> = {
  d: 'MM/dd/yyyy', D: 'dddd, dd MMMM yyyy', f: 'dddd, dd MMMM yyyy HH:mm', F: 'dddd, dd MMMM yyyy HH:mm:ss', g: 'MM/dd/yyyy HH:mm', G: 'MM/dd/yyyy HH:mm:ss',
  M: 'MMMM dd', m: 'MMMM dd', t: 'HH:mm', T: 'HH:mm:ss', Y: 'yyyy MMMM', y: 'yyyy MMMM', s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss", u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
  R: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'", r: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'", o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK", O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
};

export function formatDateTime(dt: NetDateTime, format: string | undefined, offsetMinutes?: number): string {
  const f = format ?? 'G';
  const standard = STANDARD_PATTERNS;
  if (f === 'o' || f === 'O') {
    const zone = offsetMinutes !== undefined ? 'zzz' : dt.kind === 1 ? "'Z'" : dt.kind === 2 ? 'zzz' : '';
    return formatCustomDateTime(dt, `yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff${zone}`, offsetMinutes ?? 0);
  }
  return formatCustomDateTime(dt, f.length === 1 ? (standard[f] ?? (() => { throw formatError('Input string was not in a correct format.'); })()) : f, offsetMinutes ?? 0);
}

/** A custom date format string (`yyyy-MM-dd`, `zzz` …) applied to `dt` with the given offset. */
export function formatCustomDateTime(dt: NetDateTime, f: string, offsetMinutes: number): string {
  const d = dt.date;
  const fraction = (dt.ticks % TICKS_PER_SECOND).toString().padStart(7, '0');
  let out = '';
  for (let i = 0; i < f.length; ) {
    const c = f[i]!;
    if (c === "'" || c === '"') {
      const end = f.indexOf(c, i + 1);
      out += f.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? f.length : end + 1;
      continue;
    }
    if (c === '\\') {
      out += f[i + 1] ?? '';
      i += 2;
      continue;
    }
    let n = 1;
    while (f[i + n] === c) n++;
    i += n;
    const h = d.getUTCHours();
    switch (c) {
      case 'y': out += n === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), Math.max(n, n === 1 ? 1 : 4)); break;
      case 'M': out += n >= 4 ? MONTHS[d.getUTCMonth()] : n === 3 ? MONTHS[d.getUTCMonth()]!.slice(0, 3) : pad(d.getUTCMonth() + 1, n); break;
      case 'd': out += n >= 4 ? DAYS[d.getUTCDay()] : n === 3 ? DAYS[d.getUTCDay()]!.slice(0, 3) : pad(d.getUTCDate(), n); break;
      case 'H': out += pad(h, n); break;
      case 'h': out += pad(h % 12 === 0 ? 12 : h % 12, n); break;
      case 'm': out += pad(d.getUTCMinutes(), n); break;
      case 's': out += pad(d.getUTCSeconds(), n); break;
      case 'f': out += fraction.slice(0, n); break;
      case 'F': out += fraction.slice(0, n).replace(/0+$/, ''); break;
      case 't': out += (h < 12 ? 'AM' : 'PM').slice(0, n === 1 ? 1 : 2); break;
      case 'z': {
        const sign = offsetMinutes < 0 ? '-' : '+';
        const a = Math.abs(offsetMinutes);
        out += n === 1 ? `${sign}${Math.floor(a / 60)}` : n === 2 ? `${sign}${pad(Math.floor(a / 60), 2)}` : `${sign}${pad(Math.floor(a / 60), 2)}:${pad(a % 60, 2)}`;
        break;
      }
      case 'K': out += dt.kind === 1 ? 'Z' : dt.kind === 2 ? '+00:00' : ''; break;
      case ':': case '/': out += c.repeat(n); break;
      default: out += c.repeat(n);
    }
  }
  return out;
}

// ---- parsing (ISO 8601 and the invariant "MM/dd/yyyy HH:mm:ss" forms)

const ISO = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i;
const INVARIANT = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?\s*$/i;
const RFC1123 = /^\s*(?:\w{3}),\s*(\d{1,2})\s+(\w{3})\s+(\d{4})\s+(\d{2}):(\d{2}):(\d{2})\s*(?:GMT|UTC|Z)\s*$/i;

/** Parses a date; `offset` receives the zone offset in minutes when one was written. */
export function parseDate(text: string): { dt: NetDateTime; offset: number | undefined } | undefined {
  let m = ISO.exec(text);
  if (m) {
    const frac = BigInt((m[7] ?? '').padEnd(7, '0') || '0');
    const base = NetDateTime.fromParts(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
    const local = base.ticks + frac;
    if (!m[8]) return { dt: new NetDateTime(local, 0), offset: undefined };
    const z = m[8].toUpperCase() === 'Z' ? 0 : (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(-2)));
    return { dt: new NetDateTime(local - BigInt(z) * 60n * TICKS_PER_SECOND, 1), offset: z };
  }
  m = INVARIANT.exec(text);
  if (m) {
    let h = +(m[4] ?? 0);
    if (m[7]) h = (h % 12) + (m[7].toUpperCase() === 'PM' ? 12 : 0);
    return { dt: NetDateTime.fromParts(+m[3]!, +m[1]!, +m[2]!, h, +(m[5] ?? 0), +(m[6] ?? 0)), offset: undefined };
  }
  m = RFC1123.exec(text);
  if (m) {
    const month = MONTHS.findIndex((x) => x.slice(0, 3).toLowerCase() === m![2]!.toLowerCase()) + 1;
    if (month > 0) return { dt: NetDateTime.fromParts(+m[3]!, month, +m[1]!, +m[4]!, +m[5]!, +m[6]!, 0, 1), offset: 0 };
  }
  return undefined;
}

/** DateTime.Parse: a written zone converts to local time (UTC here) with Kind Local; an impossible date is no date. */
function parseDateTime(text: string): NetDateTime | undefined {
  try {
    const r = parseDate(text) ?? fromFields(parseNamedMonth(text));
    if (!r) return undefined;
    return r.offset === undefined ? r.dt : new NetDateTime(r.dt.ticks, 2);
  } catch (e) {
    if (e instanceof NetException) return undefined;
    throw e;
  }
}

function fromFields(f: DateFields | undefined): { dt: NetDateTime; offset: number | undefined } | undefined {
  if (!f) return undefined;
  if (f.day < 1 || f.day > daysInMonth(f.year, f.month)) return undefined;
  const local = NetDateTime.fromParts(f.year, f.month, f.day, f.hour, f.minute, f.second).ticks + BigInt(f.ticks);
  if (f.offset === undefined) return { dt: new NetDateTime(local, 0), offset: undefined };
  return { dt: new NetDateTime(local - BigInt(f.offset) * 60n * TICKS_PER_SECOND, 1), offset: f.offset };
}

/** DateTime.ParseExact(s, format, provider): the format decides; a zone in the text converts to local time. */
function parseExact(s: Value | undefined, format: Value | undefined): NetDateTime {
  if (s === null || s === undefined) throw new NetException('System.ArgumentNullException', 'String reference not set to an instance of a String.\nParameter name: s');
  if (format === null || format === undefined) throw new NetException('System.ArgumentNullException', 'Value cannot be null.\nParameter name: format');
  const formats = typeof format === 'string' ? [format] : [...((format as unknown as { items?: Value[] }).items ?? [])].map(String);
  for (const f of formats) {
    const r = fromFields(parseExactFields(s as string, f, STANDARD_PATTERNS));
    if (r) return r.offset === undefined ? r.dt : new NetDateTime(r.dt.ticks, 2);
  }
  throw formatError(`String '${s as string}' was not recognized as a valid DateTime.`);
}

const dtArg = (v: Value | undefined): NetDateTime => v as NetDateTime;
export const withKind = (dt: NetDateTime, ticks: bigint): NetDateTime => new NetDateTime(ticks, dt.kind);
const addUnit = (unitTicks: number) => (t: NetDateTime, [v]: Value[]) => withKind(t, t.ticks + BigInt(Math.round(toDouble(v!) * (unitTicks / 10_000))) * TICKS_PER_MS);

function addMonths(t: NetDateTime, months: number): NetDateTime {
  const d = t.date;
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  const day = Math.min(d.getUTCDate(), daysInMonth(y, m));
  const base = NetDateTime.fromParts(y, m, day, 0, 0, 0, 0, t.kind);
  return new NetDateTime(base.ticks + (t.ticks % TICKS_PER_DAY), t.kind);
}

export const DATE_TIME: NetType = register({
  name: 'System.DateTime',
  base: OBJECT,
  isValueType: true,
  defaultValue: () => new NetDateTime(0n, 0),
  construct: (args) => {
    if (args.length === 1 || (args.length === 2 && args[1] instanceof NetEnum)) return new NetDateTime(asBig(args[0]!), args[1] instanceof NetEnum ? (args[1].value as Kind) : 0);
    const nums = args.filter((a) => !(a instanceof NetEnum)).map((a) => Number(asBig(a)));
    const kind = args.find((a) => a instanceof NetEnum) as NetEnum | undefined;
    return NetDateTime.fromParts(nums[0]!, nums[1]!, nums[2]!, nums[3] ?? 0, nums[4] ?? 0, nums[5] ?? 0, nums[6] ?? 0, (kind?.value ?? 0) as Kind);
  },
  props: {
    Year: (t: NetDateTime) => t.date.getUTCFullYear(),
    Month: (t: NetDateTime) => t.date.getUTCMonth() + 1,
    Day: (t: NetDateTime) => t.date.getUTCDate(),
    Hour: (t: NetDateTime) => t.date.getUTCHours(),
    Minute: (t: NetDateTime) => t.date.getUTCMinutes(),
    Second: (t: NetDateTime) => t.date.getUTCSeconds(),
    Millisecond: (t: NetDateTime) => t.date.getUTCMilliseconds(),
    Ticks: (t: NetDateTime) => new NetLong(t.ticks),
    Kind: (t: NetDateTime) => DATE_TIME_KIND.convertFrom!(t.kind, 'explicit')!,
    Date: (t: NetDateTime) => new NetDateTime(t.ticks - (t.ticks % TICKS_PER_DAY), t.kind),
    TimeOfDay: (t: NetDateTime) => new NetTimeSpan(t.ticks % TICKS_PER_DAY),
    DayOfWeek: (t: NetDateTime) => DAY_OF_WEEK.convertFrom!(t.date.getUTCDay(), 'explicit')!,
    DayOfYear: (t: NetDateTime) => Math.floor((t.date.getTime() - Date.UTC(t.date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1,
  },
  methods: {
    ToString: (t: NetDateTime, [f]) => formatDateTime(t, f === undefined || f === null ? undefined : (f as string)),
    ToUniversalTime: (t: NetDateTime) => new NetDateTime(t.ticks, 1),
    ToLocalTime: (t: NetDateTime) => new NetDateTime(t.ticks, 2),
    AddTicks: (t: NetDateTime, [v]) => withKind(t, t.ticks + asBig(v!)),
    AddMilliseconds: addUnit(10_000),
    AddSeconds: addUnit(10_000_000),
    AddMinutes: addUnit(600_000_000),
    AddHours: addUnit(36_000_000_000),
    AddDays: addUnit(864_000_000_000),
    AddMonths: (t: NetDateTime, [v]) => addMonths(t, v as number),
    AddYears: (t: NetDateTime, [v]) => addMonths(t, (v as number) * 12),
    Add: (t: NetDateTime, [v]) => withKind(t, t.ticks + (v as NetTimeSpan).ticks),
    Subtract: (t: NetDateTime, [v]) => (v instanceof NetDateTime ? new NetTimeSpan(t.ticks - v.ticks) : withKind(t, t.ticks - (v as NetTimeSpan).ticks)),
    CompareTo: (t: NetDateTime, [v]) => t.compareTo(v!),
    ToShortDateString: (t: NetDateTime) => formatDateTime(t, 'd'),
    ToShortTimeString: (t: NetDateTime) => formatDateTime(t, 't'),
    ToLongDateString: (t: NetDateTime) => formatDateTime(t, 'D'),
    ToLongTimeString: (t: NetDateTime) => formatDateTime(t, 'T'),
    ToFileTimeUtc: (t: NetDateTime) => new NetLong(t.ticks - 504_911_232_000_000_000n),
    ToBinary: (t: NetDateTime) => new NetLong(t.ticks | (BigInt(t.kind) << 62n)),
  },
  staticProps: {
    UtcNow: nowUtc,
    Now: () => new NetDateTime(nowUtc().ticks, 2),
    Today: () => {
      const n = nowUtc();
      return new NetDateTime(n.ticks - (n.ticks % TICKS_PER_DAY), 2);
    },
    MinValue: () => new NetDateTime(0n, 0),
    MaxValue: () => new NetDateTime(MAX_TICKS, 0),
    UnixEpoch: () => new NetDateTime(EPOCH_TICKS, 1),
  },
  statics: {
    Parse: ([s]) => {
      if (s === null) throw new NetException('System.ArgumentNullException', 'String reference not set to an instance of a String.\nParameter name: s');
      const r = parseDateTime(s as string);
      if (!r) throw formatError(`String '${s as string}' was not recognized as a valid DateTime.`);
      return r;
    },
    TryParse: ([s, o]) => {
      const r = typeof s === 'string' ? parseDateTime(s) : undefined;
      setOut(o, r ?? new NetDateTime(0n, 0));
      return r !== undefined;
    },
    ParseExact: ([s, f]) => parseExact(s, f),
    TryParseExact: ([s, f, , , o]) => {
      let r: NetDateTime | undefined;
      try {
        r = parseExact(s, f);
      } catch (e) {
        if (!(e instanceof NetException)) throw e;
      }
      setOut(o, r ?? new NetDateTime(0n, 0));
      return r !== undefined;
    },
    SpecifyKind: ([d, k]) => new NetDateTime(dtArg(d).ticks, (k as NetEnum).value as Kind),
    DaysInMonth: ([y, m]) => daysInMonth(y as number, m as number),
    IsLeapYear: ([y]) => isLeap(y as number),
    Compare: ([a, b]) => dtArg(a).compareTo(b!),
    FromFileTimeUtc: ([v]) => new NetDateTime(asBig(v!) + 504_911_232_000_000_000n, 1),
  },
});
