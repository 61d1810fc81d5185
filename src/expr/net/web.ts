/**
 * System.Text.Encoding, System.Net.WebUtility, System.Uri, System.Text.RegularExpressions and
 * the hash/HMAC classes of System.Security.Cryptography.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Value } from '../port.ts';
import { NetEnum, NetException, NetObject, type NetType, argumentNull, argumentOutOfRange } from './core.ts';
import { NetArray, listOf } from './collections.ts';
import { HTML_ENTITIES } from './html-entities.ts';
import { OBJECT, makeEnum } from './primitives.ts';
import { register } from './registry.ts';
import { STRING } from './string.ts';
import { bytes, toUint8 } from './system.ts';

// ---- Encoding

class NetEncoding extends NetObject {
  readonly name: 'utf-8' | 'us-ascii' | 'utf-16' | 'iso-8859-1';
  constructor(name: NetEncoding['name']) {
    super();
    this.name = name;
  }
  get netType(): NetType {
    return ENCODING;
  }
  encode(s: string): Uint8Array {
    switch (this.name) {
      case 'utf-8': return Buffer.from(s, 'utf8');
      case 'utf-16': return Buffer.from(s, 'utf16le');
      case 'us-ascii': return Uint8Array.from(s, (c) => (c.charCodeAt(0) < 128 ? c.charCodeAt(0) : 63));
      case 'iso-8859-1': return Uint8Array.from(s, (c) => (c.charCodeAt(0) < 256 ? c.charCodeAt(0) : 63));
    }
  }
  decode(b: Uint8Array): string {
    switch (this.name) {
      case 'utf-8': return new TextDecoder('utf-8').decode(b);
      case 'utf-16': return Buffer.from(b).toString('utf16le');
      case 'us-ascii': return String.fromCharCode(...b.map((x) => (x < 128 ? x : 63)));
      case 'iso-8859-1': return String.fromCharCode(...b);
    }
  }
}

const encodings = { UTF8: new NetEncoding('utf-8'), ASCII: new NetEncoding('us-ascii'), Unicode: new NetEncoding('utf-16'), Latin1: new NetEncoding('iso-8859-1') };

const ENCODING: NetType = register({
  name: 'System.Text.Encoding',
  base: OBJECT,
  props: { WebName: (t: NetEncoding) => t.name, EncodingName: (t: NetEncoding) => t.name },
  methods: {
    GetBytes: (t: NetEncoding, [s]) => {
      if (s === null) throw argumentNull('s');
      return bytes(t.encode(typeof s === 'string' ? s : (s as NetArray).items.map((c) => String(c)).join('')));
    },
    GetString: (t: NetEncoding, [b, i, n]) => {
      const u = toUint8(b!);
      return t.decode(i === undefined ? u : u.subarray(i as number, (i as number) + (n as number)));
    },
    GetByteCount: (t: NetEncoding, [s]) => {
      if (s === null) throw argumentNull('s');
      return t.name === 'utf-8' ? utf8Length(s as string) : t.encode(s as string).length;
    },
  },
  staticProps: { UTF8: () => encodings.UTF8, ASCII: () => encodings.ASCII, Unicode: () => encodings.Unicode, Default: () => encodings.UTF8, Latin1: () => encodings.Latin1 },
  statics: { GetEncoding: ([n]) => (/utf-?8/i.test(String(n)) ? encodings.UTF8 : /ascii/i.test(String(n)) ? encodings.ASCII : /utf-?16|unicode/i.test(String(n)) ? encodings.Unicode : encodings.Latin1) },
});

/** UTF-8 length without allocating (the compiled classifier counts every body). Lone surrogates count 3, as .NET's replacement char. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

// ---- WebUtility and Uri escaping (upper-case hex, as .NET writes it)

const hex = (b: number): string => `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
function percentEncode(s: string, keep: RegExp, spacePlus: boolean): string {
  let out = '';
  for (const ch of s) {
    if (keep.test(ch)) out += ch;
    else if (ch === ' ' && spacePlus) out += '+';
    else for (const b of Buffer.from(ch, 'utf8')) out += hex(b);
  }
  return out;
}
function percentDecode(s: string, plusSpace: boolean): string {
  const t = plusSpace ? s.replace(/\+/g, ' ') : s;
  return t.replace(/(%[0-9A-Fa-f]{2})+/g, (m) => new TextDecoder().decode(Buffer.from(m.replace(/%/g, ''), 'hex')));
}

const HTML_ENCODE: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' };

register({
  name: 'System.Net.WebUtility',
  base: OBJECT,
  isStaticClass: true,
  statics: {
    UrlEncode: ([s]) => (s === null ? null : percentEncode(s as string, /^[A-Za-z0-9\-_.!*()]$/, true)),
    UrlDecode: ([s]) => (s === null ? null : percentDecode(s as string, true)),
    HtmlEncode: ([s]) => (s === null ? null : (s as string).replace(/[<>&"']/g, (c) => HTML_ENCODE[c]!).replace(/[\u00a0-\u00ff]/g, (c) => `&#${c.charCodeAt(0)};`)),
    HtmlDecode: ([s]) => (s === null ? null : (s as string).replace(/&(#\d+|#x[0-9a-f]+|[A-Za-z][A-Za-z0-9]*);/gi, (m, e: string) => {
      if (e[0] !== '#') return HTML_ENTITIES.get(e) ?? m;
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1));
      return code <= 0x10ffff ? String.fromCodePoint(code) : m;
    })),
  },
});

export class NetUri extends NetObject {
  readonly url: URL | undefined;
  readonly original: string;
  constructor(original: string, url: URL | undefined) {
    super();
    this.original = original;
    this.url = url;
  }
  get netType(): NetType {
    return URI;
  }
  private abs(): URL {
    if (!this.url) throw new NetException('System.InvalidOperationException', 'This operation is not supported for a relative URI.');
    return this.url;
  }
  get(name: string): Value {
    const u = this.abs();
    const defaultPort: Record<string, number> = { 'http:': 80, 'https:': 443, 'ftp:': 21 };
    switch (name) {
      case 'Scheme': return u.protocol.slice(0, -1);
      case 'Host': return u.hostname;
      case 'Port': return u.port ? Number(u.port) : (defaultPort[u.protocol] ?? -1);
      case 'AbsolutePath': return u.pathname;
      case 'Query': return u.search;
      case 'Fragment': return u.hash;
      case 'PathAndQuery': return u.pathname + u.search;
      case 'AbsoluteUri': return u.href;
      case 'Authority': return u.host;
      case 'IsDefaultPort': return !u.port;
      case 'Segments': return new NetArray(STRING, u.pathname.split(/(?<=\/)/));
      case 'UserInfo': return u.username ? `${u.username}${u.password ? `:${u.password}` : ''}` : '';
    }
    return null;
  }
}

const URI_PROPS = ['Scheme', 'Host', 'Port', 'AbsolutePath', 'Query', 'Fragment', 'PathAndQuery', 'AbsoluteUri', 'Authority', 'IsDefaultPort', 'Segments', 'UserInfo'];

function makeUri(s: Value, kind?: Value): NetUri {
  if (s === null) throw argumentNull('uriString');
  const text = s as string;
  const k = kind instanceof NetEnum ? kind.value : 1;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url && k === 1) throw new NetException('System.UriFormatException', 'Invalid URI: The format of the URI could not be determined.');
  if (url && k === 2) throw new NetException('System.UriFormatException', 'Invalid URI: The format of the URI could not be determined.');
  return new NetUri(text, url);
}

export const URI: NetType = register({
  name: 'System.Uri',
  base: OBJECT,
  construct: ([s, k]) => (s instanceof NetUri && typeof k === 'string' ? new NetUri(new URL(k, s.url).href, new URL(k, s.url)) : makeUri(s!, k)),
  props: { ...Object.fromEntries(URI_PROPS.map((p) => [p, (t: NetUri) => t.get(p)])), IsAbsoluteUri: (t: NetUri) => t.url !== undefined, OriginalString: (t: NetUri) => t.original },
  methods: {
    ToString: (t: NetUri) => (t.url ? decodeURI(t.url.href) : t.original),
    GetLeftPart: (t: NetUri, [p]) => {
      const u = t.url!;
      const part = (p as NetEnum).value;
      return part === 0 ? `${u.protocol}//` : part === 1 ? u.origin : part === 2 ? u.origin + u.pathname : u.origin + u.pathname + u.search;
    },
  },
  staticProps: {
    UriSchemeHttp: () => 'http', UriSchemeHttps: () => 'https', UriSchemeFtp: () => 'ftp', UriSchemeMailto: () => 'mailto', UriSchemeFile: () => 'file', SchemeDelimiter: () => '://',
  },
  statics: {
    EscapeDataString: ([s]) => {
      if (s === null) throw argumentNull('stringToEscape');
      return percentEncode(s as string, /^[A-Za-z0-9\-_.~]$/, false);
    },
    UnescapeDataString: ([s]) => {
      if (s === null) throw argumentNull('stringToUnescape');
      return percentDecode(s as string, false);
    },
    EscapeUriString: ([s]) => percentEncode(s as string, /^[A-Za-z0-9\-_.~!*'();:@&=+$,/?#[\]]$/, false),
    IsWellFormedUriString: ([s, k]) => {
      try {
        makeUri(s!, k);
        return !/\s/.test(s as string);
      } catch {
        return false;
      }
    },
    TryCreate: ([s, k, o]) => {
      try {
        (o as unknown as { value: Value }).value = makeUri(s!, k);
        return true;
      } catch {
        (o as unknown as { value: Value }).value = null;
        return false;
      }
    },
  },
});
makeEnum('System.UriPartial', { Scheme: 0, Authority: 1, Path: 2, Query: 3 });

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
  const single = new RegExp(re.source, re.flags.replace('g', ''));
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
    IsMatch: (t: NetRegex, [s]) => new RegExp(t.re.source, t.re.flags.replace('g', '')).test(s as string),
    Match: (t: NetRegex, [s]) => matchAt(t.re, s as string, 0),
    Matches: (t: NetRegex, [s]) => listOf(MATCH, allMatches(t.re, s as string)),
    Replace: (t: NetRegex, [s, r, n]) => replace(t.re, s!, r!, typeof n === 'number' ? n : -1),
    Split: (t: NetRegex, [s]) => new NetArray(STRING, (s as string).split(t.re)),
    ToString: (t: NetRegex) => t.pattern,
  },
  statics: {
    IsMatch: ([s, p, o]) => {
      if (s === null) throw argumentNull('input');
      return new RegExp(toRegExp(p as string, opts(o)).source, toRegExp(p as string, opts(o)).flags.replace('g', '')).test(s as string);
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

// ---- hashes and HMACs

class NetHash extends NetObject {
  readonly algorithm: string;
  readonly key: Uint8Array | undefined;
  readonly typeName: string;
  constructor(typeName: string, algorithm: string, key?: Uint8Array) {
    super();
    this.typeName = typeName;
    this.algorithm = algorithm;
    this.key = key;
  }
  get netType(): NetType {
    return HASHES.get(this.typeName)!;
  }
}

const HASHES = new Map<string, NetType>();
const hashMembers = {
  ComputeHash: (t: NetHash, [b]: Value[]) => {
    const data = toUint8(b!);
    return bytes(t.key ? createHmac(t.algorithm, t.key).update(data).digest() : createHash(t.algorithm).update(data).digest());
  },
  Dispose: () => null,
};
for (const [name, alg, hmac] of [['SHA1', 'sha1', false], ['SHA256', 'sha256', false], ['SHA384', 'sha384', false], ['SHA512', 'sha512', false], ['MD5', 'md5', false], ['HMACSHA1', 'sha1', true], ['HMACSHA256', 'sha256', true], ['HMACSHA384', 'sha384', true], ['HMACSHA512', 'sha512', true], ['HMACMD5', 'md5', true]] as const) {
  const full = `System.Security.Cryptography.${name}`;
  HASHES.set(full, register({
    name: full,
    base: OBJECT,
    construct: hmac ? ([k]) => new NetHash(full, alg, toUint8(k!)) : () => new NetHash(full, alg),
    methods: hashMembers,
    props: hmac ? { Key: (t: NetHash) => bytes(t.key!) } : {},
    statics: { Create: () => new NetHash(full, alg), HashData: ([a, b]) => bytes(hmac ? createHmac(alg, toUint8(a!)).update(toUint8(b!)).digest() : createHash(alg).update(toUint8(a!)).digest()) },
  }, `${name}Managed`));
}


