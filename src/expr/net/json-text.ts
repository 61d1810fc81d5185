/**
 * Newtonsoft.Json's reader and writer as APIM uses them: a lenient reader (comments, single
 * quotes, unquoted names, trailing commas — JsonTextReader accepts all of these), integers as
 * Int64, ISO 8601 strings as dates (DateParseHandling.DateTime), duplicate names last-wins;
 * a writer with two-space indentation and Newtonsoft's number and escaping rules.
 */
import type { Value } from '../port.ts';
import { NetBigInteger, NetDecimal, NetDouble, NetException, NetLong } from './core.ts';
import { decimalToString, formatDouble } from './numeric.ts';
import { NetDateTime, formatDateTime, parseDate } from './time.ts';
import { JArray, JObject, JProperty, JValue, type JToken } from './jtoken.ts';

const readerError = (message: string, line: number, col: number, path: string): NetException =>
  new NetException('Newtonsoft.Json.JsonReaderException', `${message} Path '${path}', line ${line}, position ${col}.`);

class Reader {
  private i = 0;
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  private pos(): [number, number] {
    const before = this.text.slice(0, this.i);
    const line = (before.match(/\n/g) ?? []).length + 1;
    return [line, this.i - before.lastIndexOf('\n') - 1];
  }
  fail(message: string, path = ''): never {
    const [l, c] = this.pos();
    throw readerError(message, l, c, path);
  }
  skip(): void {
    for (;;) {
      const c = this.text[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\ufeff') this.i++;
      else if (c === '/' && this.text[this.i + 1] === '/') {
        while (this.i < this.text.length && this.text[this.i] !== '\n') this.i++;
      } else if (c === '/' && this.text[this.i + 1] === '*') {
        const end = this.text.indexOf('*/', this.i + 2);
        if (end < 0) this.fail('Unexpected end while parsing comment.');
        this.i = end + 2;
      } else return;
    }
  }
  atEnd(): boolean {
    this.skip();
    return this.i >= this.text.length;
  }
  value(path: string, depth: number): JToken {
    if (depth > 64) this.fail('The reader\'s MaxDepth of 64 has been exceeded.', path);
    this.skip();
    const c = this.text[this.i];
    if (c === undefined) this.fail('Unexpected end of content while loading JObject.', path);
    if (c === '{') return this.object(path, depth);
    if (c === '[') return this.array(path, depth);
    if (c === '"' || c === "'") return stringValue(this.string());
    if (c === '-' || (c >= '0' && c <= '9') || c === '.') return this.number(path);
    const word = /^[A-Za-z]+/.exec(this.text.slice(this.i))?.[0] ?? '';
    const literals: Record<string, Value> = { true: true, false: false, null: null, NaN: new NetDouble(NaN), Infinity: new NetDouble(Infinity), undefined: null };
    if (word in literals) {
      this.i += word.length;
      return new JValue(literals[word]!, word === 'undefined' ? 'Undefined' : undefined);
    }
    return this.fail(`Unexpected character encountered while parsing value: ${c}.`, path);
  }
  private object(path: string, depth: number): JObject {
    this.i++;
    const o = new JObject();
    for (;;) {
      this.skip();
      const c = this.text[this.i];
      if (c === '}') {
        this.i++;
        return o;
      }
      if (c === undefined) this.fail('Unexpected end of content while loading JObject.', path);
      let name: string;
      if (c === '"' || c === "'") name = this.string();
      else {
        const m = /^[A-Za-z_$][\w$-]*/.exec(this.text.slice(this.i));
        if (!m) this.fail(`Invalid property identifier character: ${c}.`, path);
        name = m[0];
        this.i += name.length;
      }
      this.skip();
      if (this.text[this.i] !== ':') this.fail(`Invalid character after parsing property name. Expected ':' but got: ${this.text[this.i] ?? 'end'}.`, path);
      this.i++;
      const childPath = path ? `${path}.${name}` : name;
      o.setProperty(name, this.value(childPath, depth + 1));
      this.skip();
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== '}') this.fail(`After parsing a value an unexpected character was encountered: ${this.text[this.i] ?? 'end'}.`, childPath);
    }
  }
  private array(path: string, depth: number): JArray {
    this.i++;
    const a = new JArray();
    for (let k = 0; ; k++) {
      this.skip();
      if (this.text[this.i] === ']') {
        this.i++;
        return a;
      }
      if (this.text[this.i] === undefined) this.fail('Unexpected end of content while loading JArray.', path);
      a.add(this.value(`${path}[${k}]`, depth + 1));
      this.skip();
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== ']') this.fail(`After parsing a value an unexpected character was encountered: ${this.text[this.i] ?? 'end'}.`, `${path}[${k}]`);
    }
  }
  private string(): string {
    const quote = this.text[this.i++]!;
    let out = '';
    for (;;) {
      const c = this.text[this.i++];
      if (c === undefined) this.fail('Unterminated string. Expected delimiter: ' + quote + '.');
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.i++];
      const simple: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && e in simple) out += simple[e];
      else if (e === 'u' && /^[0-9a-fA-F]{4}/.test(this.text.slice(this.i, this.i + 4))) {
        out += String.fromCharCode(parseInt(this.text.slice(this.i, this.i + 4), 16));
        this.i += 4;
      } else this.fail(`Bad JSON escape sequence: \\${e ?? ''}.`);
    }
  }
  private number(path: string): JValue {
    const m = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.i));
    if (!m) this.fail(`Input string '${this.text.slice(this.i, this.i + 10)}' is not a valid number.`, path);
    this.i += m[0].length;
    const t = m[0];
    if (/^-?\d+$/.test(t)) {
      const big = BigInt(t);
      if (big >= -(1n << 63n) && big < 1n << 63n) return new JValue(new NetLong(big));
      return new JValue(new NetBigInteger(big));
    }
    return new JValue(new NetDouble(Number(t)));
  }
}

/** A string value, or a Date when it is an ISO 8601 date (Newtonsoft's default date handling). */
function stringValue(s: string): JValue {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s)) {
    const d = parseDate(s);
    if (d) return new JValue(d.offset === undefined ? d.dt : new NetDateTime(d.dt.ticks, d.offset === 0 && /Z$/i.test(s) ? 1 : 2));
  }
  return new JValue(s);
}

/** JToken.Parse / JObject.Parse / JArray.Parse: one value, nothing after it. */
export function parseJson(text: string | null): JToken {
  if (text === null) throw new NetException('System.ArgumentNullException', 'Value cannot be null.\nParameter name: json');
  const r = new Reader(text);
  if (r.atEnd()) r.fail('Unexpected end of content while loading JObject.');
  const v = r.value('', 0);
  if (!r.atEnd()) r.fail('Additional text encountered after finished reading JSON content: ' + text.trim().slice(-1) + '.');
  return v;
}

// ---- writer

const NEEDS_ESCAPE: Readonly<Record<string, RegExp>> = { '"': /["\\\u0000-\u001f\u0085\u2028\u2029]/, "'": /['\\\u0000-\u001f\u0085\u2028\u2029]/ };

/** Whether a short string has a character JSON text escapes: a loop costs less than a regex call there. */
function shortNeedsEscape(s: string, quote: number): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === quote || c === 0x5c || c === 0x85 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

export function escapeJsonString(s: string, quote = '"'): string {
  // most strings need no escape at all: one scan (native for long strings) before any copying
  const needs = NEEDS_ESCAPE[quote];
  if (needs && !(s.length <= 64 ? shortNeedsEscape(s, quote.charCodeAt(0)) : needs.test(s))) return quote + s + quote;
  let out = quote;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = s.charCodeAt(i);
    if (c === quote) out += `\\${quote}`;
    else if (c === '\\') out += '\\\\';
    else if (code < 0x20 || code === 0x85 || code === 0x2028 || code === 0x2029) {
      const named: Record<string, string> = { '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
      out += named[c] ?? `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += c;
  }
  return out + quote;
}

/** Newtonsoft's double text: round-trip digits, with ".0" added to integral values. */
export function jsonDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  const s = formatDouble(d);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

export function jsonScalar(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return escapeJsonString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  if (v instanceof NetLong || v instanceof NetBigInteger) return v.v.toString();
  if (v instanceof NetDouble) return jsonDouble(v.v);
  if (v instanceof NetDecimal) {
    const s = decimalToString(v);
    return s.includes('.') ? s : `${s}.0`;
  }
  if (v instanceof NetDateTime) return `"${isoDate(v)}"`;
  return escapeJsonString(String(v));
}

/** Newtonsoft's ISO date: fraction only when non-zero, `Z` for UTC, `+00:00` for local (UTC here). */
export function isoDate(v: NetDateTime): string {
  const frac = (v.ticks % 10_000_000n).toString().padStart(7, '0').replace(/0+$/, '');
  const zone = v.kind === 1 ? 'Z' : v.kind === 2 ? '+00:00' : '';
  return `${formatDateTime(v, "yyyy'-'MM'-'dd'T'HH':'mm':'ss")}${frac ? `.${frac}` : ''}${zone}`;
}

/** Writes a token: `indent` undefined is Formatting.None. */
export function writeJson(t: JToken, indent: string | undefined, level = 0): string {
  return indent === undefined ? writeCompact(t) : writeIndented(t, indent, level);
}

// One string grown by appending: the writer runs for every traced JSON variable, and joining
// arrays of pieces per level allocated several times what it wrote.
function writeCompact(t: JToken): string {
  if (t instanceof JValue) return t.tokenType === 'Undefined' ? 'undefined' : jsonScalar(t.value);
  if (t instanceof JProperty) return `${escapeJsonString(t.name)}:${writeCompact(t.valueToken)}`;
  let out: string;
  if (t instanceof JArray) {
    out = '[';
    for (let i = 0; i < t.items.length; i++) out += (i === 0 ? '' : ',') + writeCompact(t.items[i]!);
    return out + ']';
  }
  out = '{';
  let first = true;
  for (const p of (t as JObject).props.values()) {
    out += (first ? '' : ',') + writeCompact(p);
    first = false;
  }
  return out + '}';
}

// Arrays and objects each have their own loop: one loop over either an array or a Map iterator
// ran several times slower (the set-variable trace renders every JSON variable this way).
function writeIndented(t: JToken, indent: string, level: number): string {
  if (t instanceof JValue) return t.tokenType === 'Undefined' ? 'undefined' : jsonScalar(t.value);
  if (t instanceof JProperty) return `${escapeJsonString(t.name)}: ${writeIndented(t.valueToken, indent, level)}`;
  const nl = `\n${indent.repeat(level + 1)}`;
  let out = '';
  if (t instanceof JArray) {
    const items = t.items;
    if (items.length === 0) return '[]';
    for (let i = 0; i < items.length; i++) out += (i === 0 ? '[' : ',') + nl + writeIndented(items[i]!, indent, level + 1);
    return `${out}\n${indent.repeat(level)}]`;
  }
  for (const p of (t as JObject).props.values()) out += (out === '' ? '{' : ',') + nl + escapeJsonString(p.name) + ': ' + writeIndented(p.valueToken, indent, level + 1);
  return out === '' ? '{}' : `${out}\n${indent.repeat(level)}}`;
}
