/**
 * System.Text.Encoding, System.Net.WebUtility and System.Uri. Regex is in regex.ts, the hash
 * classes in hashes.ts.
 */
import type { Value } from '../port.ts';
import { NetEnum, NetException, NetObject, type NetType, argumentNull, setOut } from './core.ts';
import { NetArray } from './collections.ts';
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
      // a lone surrogate counts 3 bytes, as U+FFFD, .NET's replacement
      return t.name === 'utf-8' ? Buffer.byteLength(s as string, 'utf8') : t.encode(s as string).length;
    },
  },
  staticProps: { UTF8: () => encodings.UTF8, ASCII: () => encodings.ASCII, Unicode: () => encodings.Unicode, Default: () => encodings.UTF8, Latin1: () => encodings.Latin1 },
  statics: { GetEncoding: ([n]) => (/utf-?8/i.test(String(n)) ? encodings.UTF8 : /ascii/i.test(String(n)) ? encodings.ASCII : /utf-?16|unicode/i.test(String(n)) ? encodings.Unicode : encodings.Latin1) },
});

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
        setOut(o, makeUri(s!, k));
        return true;
      } catch {
        setOut(o, null);
        return false;
      }
    },
  },
});
makeEnum('System.UriPartial', { Scheme: 0, Authority: 1, Path: 2, Query: 3 });
