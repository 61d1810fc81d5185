/**
 * Text forms of dates and time spans beyond ISO 8601 (time.ts): DateTime.ParseExact with custom
 * format strings, the looser DateTime.Parse forms ("1 March 2024", "March 1, 2024"), and
 * TimeSpan's parser and custom format strings — invariant culture throughout.
 */
import { formatError, overflow } from './core.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Calendar fields read from text; `offset` (minutes) when the text carried a zone. */
export interface DateFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Fraction of a second in 100-ns ticks. */
  readonly ticks: number;
  readonly offset: number | undefined;
}

const monthIndex = (name: string): number => {
  const n = name.toLowerCase();
  return MONTHS.findIndex((m) => m.toLowerCase() === n || m.slice(0, 3).toLowerCase() === n) + 1;
};

/** Splits a custom DateTime format into specifier runs and literals. */
function tokens(format: string): { spec?: string; literal?: string }[] {
  const out: { spec?: string; literal?: string }[] = [];
  for (let i = 0; i < format.length; ) {
    const c = format[i]!;
    if (c === "'" || c === '"') {
      const end = format.indexOf(c, i + 1);
      out.push({ literal: format.slice(i + 1, end < 0 ? undefined : end) });
      i = end < 0 ? format.length : end + 1;
    } else if (c === '\\') {
      out.push({ literal: format[i + 1] ?? '' });
      i += 2;
    } else if (c === '%' && i + 1 < format.length) {
      i++;
    } else if ('yMdHhmsfFtzK'.includes(c)) {
      let n = 1;
      while (format[i + n] === c) n++;
      out.push({ spec: c.repeat(n) });
      i += n;
    } else {
      out.push({ literal: c });
      i++;
    }
  }
  return out;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** DateTime.ParseExact(text, format, provider) for a custom or one-letter standard format. */
export function parseExactFields(text: string, format: string, standards: Readonly<Record<string, string>>): DateFields | undefined {
  const f = format.length === 1 ? standards[format] : format;
  if (f === undefined) throw formatError('Input string was not in a correct format.');
  const groups: string[] = [];
  let pattern = '^';
  for (const t of tokens(f)) {
    if (t.literal !== undefined) {
      pattern += escape(t.literal);
      continue;
    }
    const s = t.spec!;
    const c = s[0]!;
    groups.push(s);
    switch (c) {
      case 'y': pattern += s.length <= 2 ? '(\\d{1,2})' : `(\\d{${s.length}})`; break;
      case 'M': pattern += s.length >= 3 ? '([A-Za-z]+)' : s.length === 2 ? '(\\d{2})' : '(\\d{1,2})'; break;
      case 'd': pattern += s.length >= 3 ? '([A-Za-z]+)' : s.length === 2 ? '(\\d{2})' : '(\\d{1,2})'; break;
      case 'H': case 'h': case 'm': case 's': pattern += s.length === 2 ? '(\\d{2})' : '(\\d{1,2})'; break;
      case 'f': pattern += `(\\d{${s.length}})`; break;
      case 'F': pattern += `(\\d{0,${s.length}})`; break;
      case 't': pattern += '(AM|PM|A|P)'; break;
      case 'z': case 'K': pattern += '(Z|[+-]\\d{1,2}(?::?\\d{2})?)?'; break;
    }
  }
  const m = new RegExp(`${pattern}$`, 'i').exec(text);
  if (!m) return undefined;
  let year = 1;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ticks = 0;
  let pm: boolean | undefined;
  let offset: number | undefined;
  for (const [i, spec] of groups.entries()) {
    const v = m[i + 1] ?? '';
    switch (spec[0]) {
      case 'y': year = spec.length <= 2 ? 2000 + Number(v) - (Number(v) > 49 ? 100 : 0) : Number(v); break;
      case 'M': month = spec.length >= 3 ? monthIndex(v) : Number(v); break;
      case 'd':
        if (spec.length >= 3) {
          if (!DAYS.some((d) => d.toLowerCase() === v.toLowerCase() || d.slice(0, 3).toLowerCase() === v.toLowerCase())) return undefined;
        } else day = Number(v);
        break;
      case 'H': hour = Number(v); break;
      case 'h': hour = Number(v) % 12; break;
      case 'm': minute = Number(v); break;
      case 's': second = Number(v); break;
      case 'f': case 'F': ticks = Number(v.padEnd(7, '0').slice(0, 7) || '0'); break;
      case 't': pm = v.toUpperCase().startsWith('P'); break;
      case 'z': case 'K':
        if (v) offset = v.toUpperCase() === 'Z' ? 0 : (v[0] === '-' ? -1 : 1) * (Number(v.slice(1, 3).replace(':', '')) * 60 + Number(v.replace(':', '').slice(3, 5) || '0'));
        break;
    }
  }
  if (pm !== undefined && hour < 12 && pm) hour += 12;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  return { year, month, day, hour, minute, second, ticks, offset };
}

/** DateTime.Parse's forms with month names: "1 March 2024", "March 1, 2024", "1-Mar-2024 13:05". */
export function parseNamedMonth(text: string): DateFields | undefined {
  const time = '(?:\\s+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*(AM|PM)?)?';
  let m = new RegExp(`^\\s*(?:[A-Za-z]+,?\\s+)?(\\d{1,2})[\\s-]+([A-Za-z]+)\\.?,?[\\s-]+(\\d{4})${time}\\s*$`).exec(text);
  let y: number;
  let mo: number;
  let d: number;
  if (m) {
    d = Number(m[1]);
    mo = monthIndex(m[2]!);
    y = Number(m[3]);
  } else {
    m = new RegExp(`^\\s*(?:[A-Za-z]+,?\\s+)?([A-Za-z]+)\\.?\\s+(\\d{1,2}),?\\s+(\\d{4})${time}\\s*$`).exec(text);
    if (!m) return undefined;
    mo = monthIndex(m[1]!);
    d = Number(m[2]);
    y = Number(m[3]);
  }
  if (mo < 1) return undefined;
  let hour = Number(m[4] ?? 0);
  if (m[7]) hour = (hour % 12) + (m[7].toUpperCase() === 'PM' ? 12 : 0);
  return { year: y, month: mo, day: d, hour, minute: Number(m[5] ?? 0), second: Number(m[6] ?? 0), ticks: 0, offset: undefined };
}

// ---- TimeSpan

const TICKS_PER_SECOND = 10_000_000n;

/**
 * TimeSpan.Parse, invariant: `[-]d`, `[-][d.]hh:mm[:ss[.fffffff]]`, and `hh:mm:ss` whose first
 * part is 24 or more, which .NET reads as days (`25:00:00` is 25 days).
 */
export function parseTimeSpanTicks(text: string): bigint {
  const t = text.trim();
  const neg = t.startsWith('-');
  const body = neg ? t.slice(1) : t;
  let ticks: bigint;
  if (/^\d+$/.test(body)) ticks = BigInt(body) * 86_400n * TICKS_PER_SECOND;
  else {
    let days = 0n;
    let hours: bigint;
    let minutes: bigint;
    let seconds: bigint;
    let fraction: string;
    let m = /^(\d+)[.:](\d+):(\d+)(?::(\d+)(?:\.(\d{1,7}))?)?$/.exec(body);
    if (m && (body.includes('.') ? body.indexOf('.') < body.indexOf(':') : m[4] !== undefined)) {
      [days, hours, minutes, seconds, fraction] = [BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!), BigInt(m[4] ?? 0), m[5] ?? ''];
    } else {
      m = /^(\d+):(\d+)(?::(\d+)(?:\.(\d{1,7}))?)?$/.exec(body);
      if (!m) throw formatError('String was not recognized as a valid TimeSpan.');
      [hours, minutes, seconds, fraction] = [BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3] ?? 0), m[4] ?? ''];
      if (hours >= 24n && m[3] !== undefined && !fraction) [days, hours, minutes, seconds] = [hours, minutes, seconds, 0n];
    }
    if (hours > 23n || minutes > 59n || seconds > 59n) throw overflow('The TimeSpan string could not be parsed because at least one of the numeric components is out of range or contains too many digits.');
    ticks = (((days * 24n + hours) * 60n + minutes) * 60n + seconds) * TICKS_PER_SECOND + BigInt(fraction.padEnd(7, '0') || '0');
  }
  return neg ? -ticks : ticks;
}

/** A TimeSpan custom format: d, hh, mm, ss, f…, F…, quoted or escaped literals; anything else throws. */
export function formatTimeSpanCustom(ticks: bigint, format: string): string {
  const t = ticks < 0n ? -ticks : ticks;
  const days = t / (86_400n * TICKS_PER_SECOND);
  const hours = (t / (3_600n * TICKS_PER_SECOND)) % 24n;
  const minutes = (t / (60n * TICKS_PER_SECOND)) % 60n;
  const seconds = (t / TICKS_PER_SECOND) % 60n;
  const fraction = (t % TICKS_PER_SECOND).toString().padStart(7, '0');
  const bad = () => formatError('Input string was not in a correct format.');
  let out = '';
  for (let i = 0; i < format.length; ) {
    const c = format[i]!;
    if (c === "'" || c === '"') {
      const end = format.indexOf(c, i + 1);
      if (end < 0) throw bad();
      out += format.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= format.length) throw bad();
      out += format[i + 1];
      i += 2;
      continue;
    }
    if (c === '%') {
      i++;
      continue;
    }
    let n = 1;
    while (format[i + n] === c) n++;
    i += n;
    switch (c) {
      case 'd': if (n > 8) throw bad(); out += days.toString().padStart(n, '0'); break;
      case 'h': if (n > 2) throw bad(); out += hours.toString().padStart(n, '0'); break;
      case 'm': if (n > 2) throw bad(); out += minutes.toString().padStart(n, '0'); break;
      case 's': if (n > 2) throw bad(); out += seconds.toString().padStart(n, '0'); break;
      case 'f': if (n > 7) throw bad(); out += fraction.slice(0, n); break;
      case 'F': if (n > 7) throw bad(); out += fraction.slice(0, n).replace(/0+$/, ''); break;
      default: throw bad();
    }
  }
  return out;
}
