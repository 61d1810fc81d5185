/**
 * System.String and System.Text.StringBuilder. Comparisons default to ordinal, which equals
 * .NET's culture-sensitive default for the ASCII text policies handle; `*IgnoreCase` uses
 * upper-case folding as .NET's ordinal-ignore-case does.
 */
import type { Value } from '../port.ts';
import { NetChar, NetEnum, NetException, NetObject, type NetType, arg, argumentNull, argumentOutOfRange, formatError } from './core.ts';
import { NetArray, collator, enumerateValue } from './collections.ts';
import { formatNumeric } from './format.ts';
import { BOOLEAN, CHAR, INT32, OBJECT } from './primitives.ts';
import { definePrimitives, register, typeOfValue } from './registry.ts';
import { toNetString } from './text.ts';

const str = (v: Value | undefined): string => (typeof v === 'string' ? v : v instanceof NetChar ? String.fromCharCode(v.code) : toNetString(v ?? null));
const ignoreCase = (c: Value | undefined): boolean => c instanceof NetEnum && (c.value === 1 || c.value === 3 || c.value === 5);
const fold = (s: string, ic: boolean): string => (ic ? s.toUpperCase() : s);
const needString = (v: Value | undefined, name: string): string => {
  if (v === null || v === undefined) throw argumentNull(name);
  return str(v);
};

/**
 * The `char[]` of IndexOfAny as a matcher: a table of the ASCII members and a set of the others,
 * tested code unit by code unit (a scanning expression asks about short runs, where a loop beats
 * a RegExp call). A scanning expression passes the same array on every call and builds an equal
 * one on every evaluation, so a matcher is kept on the array, valid while the array's version
 * (bumped by every write) is the one it was made at, and shared by content between arrays.
 */
interface CharMatcher {
  readonly ascii: Uint8Array;
  readonly other: ReadonlySet<number> | undefined;
}
const byContent = new Map<string, CharMatcher>();
function charMatcher(chars: Value): CharMatcher {
  if (chars instanceof NetArray) {
    const cached = chars.matcher;
    if (cached && cached.version === chars.version) return cached.matcher as CharMatcher;
    // an array ToCharArray made and nobody wrote to is its string's characters
    const matcher = matcherOf(chars.version === 0 && chars.source !== undefined ? chars.source : textOfCodes(chars.items.map((c) => (c as NetChar).code)));
    chars.matcher = { version: chars.version, matcher };
    return matcher;
  }
  return matcherOf(textOfCodes(charSet([chars]) ?? []));
}

/** `s[i]`: the string's indexer, and the call sites that skip its argument list. */
export function charAt(s: string, i: Value): NetChar {
  const n = i as number;
  if (n < 0 || n >= s.length) throw new NetException('System.IndexOutOfRangeException', 'Index was outside the bounds of the array.');
  return NetChar.of(s.charCodeAt(n));
}

function textOfCodes(codes: Iterable<number>): string {
  let text = '';
  for (const c of codes) text += String.fromCharCode(c);
  return text;
}

/** The matcher for the characters of `key`, shared by every array with those characters. */
function matcherOf(key: string): CharMatcher {
  let m = byContent.get(key);
  if (!m) {
    const ascii = new Uint8Array(128);
    const other = new Set<number>();
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c < 128) ascii[c] = 1;
      else other.add(c);
    }
    m = { ascii, other: other.size > 0 ? other : undefined };
    if (byContent.size >= 256) byContent.clear();
    byContent.set(key, m);
  }
  return m;
}

function indexOfAny(t: string, m: CharMatcher, from: number, to: number): number {
  const { ascii, other } = m;
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i);
    if (c < 128 ? ascii[c] === 1 : other !== undefined && other.has(c)) return i;
  }
  return -1;
}

/** The chars argument of Trim/Split (`params char[]`, or one char, or a char[] array). */
function charSet(args: readonly Value[]): Set<number> | undefined {
  const codes = new Set<number>();
  for (const a of args) {
    if (a instanceof NetChar) codes.add(a.code);
    else if (a instanceof NetArray) for (const c of a.items) codes.add((c as NetChar).code);
  }
  return codes.size === 0 ? undefined : codes;
}

const isSpace = (code: number): boolean => /[\s\u0085]/u.test(String.fromCharCode(code));

function trim(s: string, set: Set<number> | undefined, start: boolean, end: boolean): string {
  let i = 0;
  let j = s.length;
  const drop = (c: number) => (set ? set.has(c) : isSpace(c));
  if (start) while (i < j && drop(s.charCodeAt(i))) i++;
  if (end) while (j > i && drop(s.charCodeAt(j - 1))) j--;
  return s.slice(i, j);
}

function split(s: string, args: Value[]): Value {
  let options = 0;
  let count = Number.MAX_SAFE_INTEGER;
  const seps: string[] = [];
  for (const a of args) {
    if (a instanceof NetEnum) options = a.value;
    else if (typeof a === 'number') count = a;
    else if (a instanceof NetChar) seps.push(String.fromCharCode(a.code));
    else if (typeof a === 'string') seps.push(a);
    else if (a instanceof NetArray) for (const x of a.items) seps.push(str(x));
  }
  const separators = seps.filter((x) => x !== '');
  const parts: string[] = [];
  let rest = s;
  const whitespace = separators.length === 0;
  while (parts.length < count - 1) {
    let best = -1;
    let len = 0;
    if (whitespace) {
      for (let i = 0; i < rest.length; i++) if (isSpace(rest.charCodeAt(i))) { best = i; len = 1; break; }
    } else {
      for (const sep of separators) {
        const i = rest.indexOf(sep);
        if (i >= 0 && (best < 0 || i < best)) { best = i; len = sep.length; }
      }
    }
    if (best < 0) break;
    parts.push(rest.slice(0, best));
    rest = rest.slice(best + len);
  }
  parts.push(rest);
  let result = parts;
  if (options & 2) result = result.map((p) => p.trim());
  if (options & 1) result = result.filter((p) => p !== '');
  if (count === 0) result = [];
  return new NetArray(STRING, result);
}

function indexOf(s: string, args: Value[], last: boolean): number {
  const [needle, a1, a2] = args;
  if (needle === null) throw argumentNull('value');
  const cmp = [a1, a2].find((a) => a instanceof NetEnum);
  const ints = [a1, a2].filter((a) => typeof a === 'number') as number[];
  const ic = ignoreCase(cmp);
  const hay = fold(s, ic);
  const n = fold(str(needle), ic);
  if (last) {
    const from = ints[0] ?? s.length - 1;
    return hay.lastIndexOf(n, from - n.length + 1 < 0 && n.length > 0 ? -1 : from - (n.length > 0 ? n.length - 1 : 0));
  }
  const from = ints[0] ?? 0;
  if (from < 0 || from > s.length) throw argumentOutOfRange('startIndex', 'Index was out of range. Must be non-negative and less than the size of the collection.');
  const i = hay.indexOf(n, from);
  return ints[1] !== undefined && i >= 0 && i + n.length > from + ints[1] ? -1 : i;
}

function substring(s: string, start: Value | undefined, length: Value | undefined): string {
  const a = start as number;
  if (a < 0 || a > s.length) throw argumentOutOfRange('startIndex', 'startIndex cannot be larger than length of string.');
  if (length === undefined) return s.slice(a);
  const n = length as number;
  if (n < 0 || a + n > s.length) throw argumentOutOfRange('length', 'Index and length must refer to a location within the string.');
  return s.slice(a, a + n);
}

/** .NET's ordinal comparison result: the difference of the first differing chars, else of the lengths. */
function ordinalDifference(x: string, y: string): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = x.charCodeAt(i) - y.charCodeAt(i);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** .NET's case mapping is per char and never changes the length ("ß".ToUpper() is "ß"). */
const ASCII = /^[\x00-\x7f]*$/;
const perChar = (t: string, map: (c: string) => string): string => {
  let out = '';
  for (const c of t) {
    const m = map(c);
    out += m.length === c.length ? m : c;
  }
  return out;
};
const upper = (t: string): string => (ASCII.test(t) ? t.toUpperCase() : perChar(t, (c) => c.toUpperCase()));
const lower = (t: string): string => (ASCII.test(t) ? t.toLowerCase() : perChar(t, (c) => c.toLowerCase()));

function width(n: Value | undefined): number {
  if (typeof n !== 'number' || n < 0) throw argumentOutOfRange('totalWidth', 'Non-negative number required.');
  return n;
}

/** String.Format composite formatting: `{index[,alignment][:format]}`, `{{`/`}}` escapes. */
export function compositeFormat(format: string, args: readonly Value[]): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '{') {
      if (format[i + 1] === '{') { out += '{'; i++; continue; }
      const close = format.indexOf('}', i);
      const m = close < 0 ? null : /^(\d+)\s*(?:,\s*(-?\d+))?(?::(.*))?$/s.exec(format.slice(i + 1, close));
      if (!m) throw formatError('Input string was not in a correct format.');
      const index = Number(m[1]);
      if (index >= args.length) throw formatError('Index (zero based) must be greater than or equal to zero and less than the size of the argument list.');
      out += formatHole(args[index]!, m[3], m[2] === undefined ? undefined : Number(m[2]));
      i = close;
    } else if (c === '}') {
      if (format[i + 1] !== '}') throw formatError('Input string was not in a correct format.');
      out += '}';
      i++;
    } else out += c;
  }
  return out;
}

/** One hole: the value's IFormattable ToString(format) when a format is given, padded to `align`. */
export function formatHole(v: Value, format: string | undefined, align: number | undefined): string {
  let s: string;
  if (format === undefined || v === null) s = toNetString(v);
  else {
    const m = (typeOfValue(v).methods ?? {}).ToString;
    s = typeof v === 'number' || typeOfValue(v) !== OBJECT ? (m && typeof v !== 'number' ? (m(v as never, [format], [], undefined) as string) : formatNumeric(v, format)) : toNetString(v);
  }
  if (align !== undefined) s = align < 0 ? s.padEnd(-align) : s.padStart(align);
  return s;
}

function join(sep: Value | undefined, rest: Value[]): string {
  const s = sep === null ? '' : str(sep);
  const values = rest.length === 1 && rest[0] !== null && typeof rest[0] !== 'string' ? [...enumerateValue(rest[0]!)] : rest;
  return values.map((v) => toNetString(v)).join(s);
}

export const STRING: NetType = register(
  {
    name: 'System.String',
    base: OBJECT,
    defaultValue: () => null,
    construct: ([a, n]) => (a instanceof NetChar ? String.fromCharCode(a.code).repeat(n as number) : a instanceof NetArray ? a.items.map((c) => str(c)).join('') : ''),
    convertFrom: (v) => (typeof v === 'string' ? v : undefined),
    props: { Length: (t: string) => t.length },
    index: (t: string, [i]) => charAt(t, i!),
    enumerate: (t: string) => Array.from({ length: t.length }, (_, i) => NetChar.of(t.charCodeAt(i))),
    methods: {
      ToString: (t: string) => t,
      Substring: (t: string, [a, b]) => substring(t, a, b),
      IndexOf: (t: string, args) => indexOf(t, args, false),
      LastIndexOf: (t: string, args) => indexOf(t, args, true),
      IndexOfAny: (t: string, [chars, start, count]) => {
        if (chars === null || chars === undefined) throw argumentNull('anyOf');
        const from = start === undefined ? 0 : (start as number);
        const to = count === undefined ? t.length : from + (count as number);
        if (from < 0 || from > t.length) throw argumentOutOfRange('startIndex', 'Index was out of range. Must be non-negative and less than the size of the collection.');
        if (to < from || to > t.length) throw argumentOutOfRange('count', 'Count must be positive and count must refer to a location within the string/array/collection.');
        return indexOfAny(t, charMatcher(chars), from, to);
      },
      Contains: (t: string, [v, c]) => fold(t, ignoreCase(c)).includes(fold(needString(v, 'value'), ignoreCase(c))),
      StartsWith: (t: string, [v, c]) => fold(t, ignoreCase(c)).startsWith(fold(needString(v, 'value'), ignoreCase(c))),
      EndsWith: (t: string, [v, c]) => fold(t, ignoreCase(c)).endsWith(fold(needString(v, 'value'), ignoreCase(c))),
      Equals: (t: string, [v, c]) => (v === null ? false : typeof v !== 'string' ? false : fold(t, ignoreCase(c)) === fold(v, ignoreCase(c))),
      CompareTo: (t: string, [v]) => (v === null ? 1 : Math.sign(collator.compare(t, str(v)))),
      ToUpper: (t: string) => upper(t),
      ToLower: (t: string) => lower(t),
      ToUpperInvariant: (t: string) => upper(t),
      ToLowerInvariant: (t: string) => lower(t),
      Trim: (t: string, args) => trim(t, charSet(args), true, true),
      TrimStart: (t: string, args) => trim(t, charSet(args), true, false),
      TrimEnd: (t: string, args) => trim(t, charSet(args), false, true),
      Split: (t: string, args) => split(t, args),
      Replace: (t: string, [a, b]) => {
        const from = str(needString(a, 'oldValue'));
        if (from === '') throw new NetException('System.ArgumentException', 'String cannot be of zero length.\nParameter name: oldValue');
        return t.split(from).join(b === null ? '' : str(b));
      },
      PadLeft: (t: string, [n, c]) => t.padStart(width(n), c === undefined ? ' ' : str(c)),
      PadRight: (t: string, [n, c]) => t.padEnd(width(n), c === undefined ? ' ' : str(c)),
      Insert: (t: string, [i, v]) => t.slice(0, i as number) + needString(v, 'value') + t.slice(i as number),
      Remove: (t: string, [i, n]) => {
        const a = i as number;
        if (a < 0 || a > t.length) throw argumentOutOfRange('startIndex', 'startIndex must be less than length of string.');
        return n === undefined ? t.slice(0, a) : t.slice(0, a) + t.slice(a + (n as number));
      },
      ToCharArray: (t: string) => {
        const items: Value[] = new Array<Value>(t.length);
        for (let i = 0; i < t.length; i++) items[i] = NetChar.of(t.charCodeAt(i));
        const array = new NetArray(CHAR, items);
        array.source = t;
        return array;
      },
      Normalize: (t: string) => t.normalize('NFC'),
      GetHashCode: (t: string) => [...t].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 0),
    },
    staticProps: { Empty: () => '' },
    statics: {
      IsNullOrEmpty: ([s]) => s === null || s === '',
      IsNullOrWhiteSpace: ([s]) => s === null || /^[\s\u0085]*$/u.test(s as string),
      Join: ([sep, ...rest]) => join(sep, rest),
      Concat: (args) => (args.length === 1 && args[0] !== null && typeof args[0] !== 'string' ? [...enumerateValue(args[0]!)] : args).map((v) => toNetString(v)).join(''),
      Format: (args, _t, names) => {
        const format = arg(args, names, 0, 'format');
        if (format === null || format === undefined) throw argumentNull('format');
        const rest = args.slice(1);
        const values = rest.length === 1 && rest[0] instanceof NetArray ? rest[0].items : rest;
        return compositeFormat(format as string, values);
      },
      Equals: ([a, b, c]) => (a === null || b === null ? a === b : fold(str(a), ignoreCase(c)) === fold(str(b), ignoreCase(c))),
      Compare: ([a, b, c]) => {
        if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
        const ic = c === true || ignoreCase(c);
        const ordinalCmp = c instanceof NetEnum && (c.value === 4 || c.value === 5);
        const x = fold(str(a), ic);
        const y = fold(str(b), ic);
        return ordinalCmp ? ordinalDifference(x, y) : Math.sign(collator.compare(x, y));
      },
      CompareOrdinal: ([a, b]) => {
        if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
        return ordinalDifference(str(a), str(b));
      },
      Copy: ([s]) => s!,
    },
  },
  'string',
);

definePrimitives({ string: STRING, int: INT32, bool: BOOLEAN, object: OBJECT });

// ---- StringBuilder

export class NetStringBuilder extends NetObject {
  text = '';
  get netType(): NetType {
    return STRING_BUILDER;
  }
}

export const STRING_BUILDER: NetType = register({
  name: 'System.Text.StringBuilder',
  base: OBJECT,
  construct: ([s]) => {
    const b = new NetStringBuilder();
    if (typeof s === 'string') b.text = s;
    return b;
  },
  props: { Length: (t: NetStringBuilder) => t.text.length },
  setProps: { Length: (t: NetStringBuilder, v) => { t.text = t.text.slice(0, v as number).padEnd(v as number, '\u0000'); } },
  methods: {
    Append: (t: NetStringBuilder, [v, n, count]) => {
      if (typeof v === 'string' && typeof n === 'number' && typeof count === 'number') {
        // Append(string, startIndex, count)
        if (n < 0 || count < 0 || n + count > v.length) throw argumentOutOfRange('count', 'Index and count must refer to a location within the string.');
        t.text += v.slice(n, n + count);
      } else t.text += v instanceof NetChar && typeof n === 'number' ? String.fromCharCode(v.code).repeat(n) : toNetString(v ?? null);
      return t;
    },
    AppendLine: (t: NetStringBuilder, [v]) => {
      t.text += `${v === undefined ? '' : toNetString(v)}\n`;
      return t;
    },
    AppendFormat: (t: NetStringBuilder, [f, ...rest]) => {
      t.text += compositeFormat(f as string, rest.length === 1 && rest[0] instanceof NetArray ? rest[0].items : rest);
      return t;
    },
    Insert: (t: NetStringBuilder, [i, v]) => {
      t.text = t.text.slice(0, i as number) + toNetString(v ?? null) + t.text.slice(i as number);
      return t;
    },
    Replace: (t: NetStringBuilder, [a, b]) => {
      t.text = t.text.split(str(a)).join(b === null ? '' : str(b));
      return t;
    },
    Remove: (t: NetStringBuilder, [i, n]) => {
      t.text = t.text.slice(0, i as number) + t.text.slice((i as number) + (n as number));
      return t;
    },
    Clear: (t: NetStringBuilder) => {
      t.text = '';
      return t;
    },
    ToString: (t: NetStringBuilder) => t.text,
  },
  index: (t: NetStringBuilder, [i]) => NetChar.of(t.text.charCodeAt(i as number)),
});
