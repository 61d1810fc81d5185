/**
 * System.Text.RegularExpressions: Regex (instance and static), Match, Group, Capture, with .NET
 * pattern and replacement syntax translated to JavaScript's (inline options, \\A/\\Z, ${name},
 * Unicode \\w and \\d).
 */
import type { Value } from '../port.ts';
import { NetEnum, NetException, NetObject, type NetType, argumentNull, argumentOutOfRange } from './core.ts';
import { NetArray, listOf } from './collections.ts';
import { OBJECT, makeEnum } from './primitives.ts';
import { register } from './registry.ts';
import { STRING } from './string.ts';

// ---- Regex

export const REGEX_OPTIONS = makeEnum('System.Text.RegularExpressions.RegexOptions', { None: 0, IgnoreCase: 1, Multiline: 2, ExplicitCapture: 4, Compiled: 8, Singleline: 16, IgnorePatternWhitespace: 32, RightToLeft: 64, ECMAScript: 256, CultureInvariant: 512 }, true);

const regexCache = new Map<string, RegExp>();

/** Translates a .NET pattern to a JS RegExp (inline `(?i)`, `\A`, `\Z`, `${name}` are the differences that matter). */
function toRegExp(pattern: string, options: number): RegExp {
  const key = `${options}\u0000${pattern}`;
  let re = regexCache.get(key);
  if (re) return re;
  let p = pattern;
  let flags = 'gd';
  const inline = /^\(\?([imsx]+)\)/.exec(p);
  if (inline) {
    p = p.slice(inline[0].length);
    if (inline[1]!.includes('i')) options |= 1;
    if (inline[1]!.includes('m')) options |= 2;
    if (inline[1]!.includes('s')) options |= 16;
  }
  if (options & 1) flags += 'i';
  if (options & 2) flags += 'm';
  if (options & 16) flags += 's';
  if (options & 32) p = p.replace(/\\#/g, '\u0000').replace(/#.*$/gm, '').replace(/\s+/g, '').replace(/\u0000/g, '\\#');
  p = p.replace(/\\A/g, '^').replace(/\\Z/g, '(?=\\n?$)').replace(/\\z/g, '$').replace(/\(\?<(\w+)>/g, '(?<$1>').replace(/\(\?'(\w+)'/g, '(?<$1>');
  try {
    re = new RegExp(unicodeClasses(p), flags + 'u');
  } catch {
    try {
      re = new RegExp(p, flags);
    } catch (e) {
      throw new NetException('System.ArgumentException', `parsing "${pattern}" - ${(e as Error).message}`);
    }
  }
  regexCache.set(key, re);
  return re;
}

/** The same pattern without the global flag, for IsMatch (a global RegExp keeps state between tests); cached too. */
const testCache = new WeakMap<RegExp, RegExp>();
function testing(re: RegExp): RegExp {
  let t = testCache.get(re);
  if (!t) testCache.set(re, (t = new RegExp(re.source, re.flags.replace('g', ''))));
  return t;
}

class NetRegex extends NetObject {
  readonly re: RegExp;
  readonly pattern: string;
  constructor(pattern: string, options: number) {
    super();
    this.pattern = pattern;
    this.re = toRegExp(pattern, options);
  }
  get netType(): NetType {
    return REGEX;
  }
}

class NetGroup extends NetObject {
  readonly success: boolean;
  readonly value: string;
  readonly index: number;
  readonly name: string;
  constructor(success: boolean, value: string, index: number, name: string) {
    super();
    this.success = success;
    this.value = value;
    this.index = index;
    this.name = name;
  }
  get netType(): NetType {
    return GROUP;
  }
}

class NetMatch extends NetGroup {
  readonly groups: NetGroup[];
  readonly named: Map<string, NetGroup>;
  readonly next: () => NetMatch;
  constructor(m: RegExpExecArray | null, next: () => NetMatch) {
    super(m !== null, m?.[0] ?? '', m?.index ?? 0, '0');
    this.groups = [];
    this.named = new Map();
    this.next = next;
    if (m) {
      // the `d` flag gives each group's own position
      m.forEach((g, i) => this.groups.push(new NetGroup(g !== undefined, g ?? '', m.indices?.[i]?.[0] ?? 0, String(i))));
      for (const [n, g] of Object.entries(m.groups ?? {})) this.named.set(n, new NetGroup(g !== undefined, g ?? '', m.indices?.groups?.[n]?.[0] ?? 0, n));
    }
  }
  override get netType(): NetType {
    return MATCH;
  }
}

function matchAt(re: RegExp, input: string, from: number): NetMatch {
  const r = new RegExp(re.source, re.flags);
  r.lastIndex = from;
  const m = r.exec(input);
  const end = m ? (m[0] === '' ? m.index + 1 : m.index + m[0].length) : input.length + 1;
  return new NetMatch(m, () => (end > input.length ? new NetMatch(null, () => { throw new NetException('System.InvalidOperationException', 'No more matches.'); }) : matchAt(re, input, end)));
}

function allMatches(re: RegExp, input: string): NetMatch[] {
  const out: NetMatch[] = [];
  for (let m = matchAt(re, input, 0); m.success; m = m.next()) out.push(m);
  return out;
}

/** .NET replacement syntax → JS: `${name}` → `$<name>`, `$0` → `$&`. */
const replacement = (s: string): string => s.replace(/\$\{(\w+)\}/g, '$<$1>').replace(/\$0/g, '$&');

function replace(re: RegExp, input: Value, rep: Value, count = -1): string {
  if (input === null) throw argumentNull('input');
  let left = count;
  const limited = (f: (...args: unknown[]) => string) => (...args: unknown[]): string => (left-- === 0 ? (args[0] as string) : f(...args));
  if (rep !== null && typeof rep === 'object' && typeof (rep as { invoke?: unknown }).invoke === 'function') {
    return (input as string).replace(re, limited((...args) => {
      const m = matchAt(re, input as string, args.find((a, i) => i > 0 && typeof a === 'number') as number);
      return String((rep as unknown as { invoke(a: Value[]): Value }).invoke([m]) ?? '');
    }));
  }
  if (count < 0) return (input as string).replace(re, replacement(rep as string));
  const single = testing(re);
  return (input as string).replace(re, limited((...args) => (args[0] as string).replace(single, replacement(rep as string))));
}

/**
 * .NET's \w and \d are Unicode (letters, marks, digits, connectors; any decimal digit); JS's
 * are ASCII even with the u flag, so they are spelled out as property classes.
 */
function unicodeClasses(p: string): string {
  const word = '\\p{L}\\p{Mn}\\p{Nd}\\p{Pc}';
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\' && i + 1 < p.length) {
      const n = p[i + 1]!;
      if (n === 'w') out += inClass ? word : `[${word}]`;
      else if (n === 'W' && !inClass) out += `[^${word}]`;
      else if (n === 'd') out += '\\p{Nd}';
      else if (n === 'D') out += '\\P{Nd}';
      else out += c + n;
      i++;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}

const opts = (v: Value | undefined): number => (v instanceof NetEnum ? v.value : 0);

const REGEX: NetType = register({
  name: 'System.Text.RegularExpressions.Regex',
  base: OBJECT,
  construct: ([p, o]) => {
    if (p === null) throw argumentNull('pattern');
    return new NetRegex(p as string, opts(o));
  },
  methods: {
    IsMatch: (t: NetRegex, [s]) => testing(t.re).test(s as string),
    Match: (t: NetRegex, [s]) => matchAt(t.re, s as string, 0),
    Matches: (t: NetRegex, [s]) => listOf(MATCH, allMatches(t.re, s as string)),
    Replace: (t: NetRegex, [s, r, n]) => replace(t.re, s!, r!, typeof n === 'number' ? n : -1),
    Split: (t: NetRegex, [s]) => new NetArray(STRING, (s as string).split(t.re)),
    ToString: (t: NetRegex) => t.pattern,
  },
  statics: {
    IsMatch: ([s, p, o]) => {
      if (s === null) throw argumentNull('input');
      return testing(toRegExp(p as string, opts(o))).test(s as string);
    },
    Match: ([s, p, o]) => matchAt(toRegExp(p as string, opts(o)), s as string, 0),
    Matches: ([s, p, o]) => listOf(MATCH, allMatches(toRegExp(p as string, opts(o)), s as string)),
    Replace: ([s, p, r, o]) => replace(toRegExp(p as string, opts(o)), s!, r!),
    Split: ([s, p, o]) => new NetArray(STRING, (s as string).split(toRegExp(p as string, opts(o)))),
    Escape: ([s]) => (s as string).replace(/[\\*+?|{[()^$.#\s]/g, (c) => ({ '\n': '\\n', '\t': '\\t', '\r': '\\r', ' ': '\\ ' })[c] ?? `\\${c}`),
    Unescape: ([s]) => unescape(s as string),
  },
});

/** Regex.Unescape: the escapes .NET's parser knows (\t \n \r \f \v \e \a \xHH \uHHHH \0oo), else the char itself. */
function unescape(s: string): string {
  if (s === null) throw argumentNull('str');
  const named: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f', v: '\v', e: '\u001b', a: '\u0007', b: '\b' };
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|0[0-7]{0,2}|[\s\S])/g, (_m, e: string) => {
    if (e.length > 1 && (e[0] === 'x' || e[0] === 'u')) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (e[0] === '0') return String.fromCharCode(parseInt(e, 8));
    return named[e] ?? e;
  });
}

/** Group.Captures: JavaScript keeps only a group's last capture, which is what most patterns have. */
class NetCaptures extends NetObject {
  readonly group: NetGroup;
  constructor(group: NetGroup) {
    super();
    this.group = group;
  }
  get netType(): NetType {
    return CAPTURES;
  }
}
const CAPTURES: NetType = register({
  name: 'System.Text.RegularExpressions.CaptureCollection',
  base: OBJECT,
  props: { Count: (t: NetCaptures) => (t.group.success ? 1 : 0) },
  index: (t: NetCaptures, [i]) => {
    if (i !== 0 || !t.group.success) throw argumentOutOfRange('i');
    return t.group;
  },
  enumerate: (t: NetCaptures) => (t.group.success ? [t.group] : []),
});

const GROUP: NetType = register({
  name: 'System.Text.RegularExpressions.Group',
  base: OBJECT,
  props: {
    Success: (t: NetGroup) => t.success, Value: (t: NetGroup) => t.value, Index: (t: NetGroup) => t.index, Length: (t: NetGroup) => t.value.length, Name: (t: NetGroup) => t.name,
    Captures: (t: NetGroup) => new NetCaptures(t),
  },
  methods: { ToString: (t: NetGroup) => t.value },
});

class NetGroups extends NetObject {
  readonly match: NetMatch;
  constructor(match: NetMatch) {
    super();
    this.match = match;
  }
  get netType(): NetType {
    return GROUPS;
  }
}
const GROUPS: NetType = register({
  name: 'System.Text.RegularExpressions.GroupCollection',
  base: OBJECT,
  props: { Count: (t: NetGroups) => t.match.groups.length },
  index: (t: NetGroups, [k]) => (typeof k === 'number' ? (t.match.groups[k] ?? new NetGroup(false, '', 0, String(k))) : (t.match.named.get(k as string) ?? new NetGroup(false, '', 0, String(k)))),
  enumerate: (t: NetGroups) => t.match.groups,
});

const MATCH: NetType = register({
  name: 'System.Text.RegularExpressions.Match',
  base: GROUP,
  props: { Groups: (t: NetMatch) => new NetGroups(t) },
  methods: { NextMatch: (t: NetMatch) => t.next(), Result: (t: NetMatch, [r]) => (r as string).replace(/\$(\d+)/g, (_, i: string) => t.groups[Number(i)]?.value ?? '') },
});

