/**
 * APIM's Jwt and BasicAuthCredentials types and the string extensions that make them
 * (`AsJwt()`, `TryParseJwt(out jwt)`, `AsBasic()`, `TryParseBasic(out creds)`). Parsing never
 * validates signatures, exactly as in APIM.
 */
import type { Value } from '../port.ts';
import { NetObject, type NetType, setOut } from './core.ts';
import { NetArray } from './collections.ts';
import { DICTIONARY, NetDictionary } from './dictionaries.ts';
import { OBJECT } from './primitives.ts';
import { arrayOf, extend, instantiate, register } from './registry.ts';
import { STRING } from './string.ts';
import { NetDateTime } from './time.ts';

export class NetJwt extends NetObject {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** `Claims`, built once. */
  claims: NetDictionary | undefined;
  constructor(header: Readonly<Record<string, unknown>>, payload: Readonly<Record<string, unknown>>) {
    super();
    this.header = header;
    this.payload = payload;
  }
  get netType(): NetType {
    return JWT;
  }
}

/** A claim's values as strings: arrays give one string per element, objects their JSON. */
function claimStrings(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  if (typeof v === 'string') return [v];
  return [JSON.stringify(v)];
}

let claimsType: NetType | undefined;

/**
 * `Jwt.Claims`: a Dictionary<string, string[]> over the payload whose arrays are made as they
 * are read. Why: a policy reads two or three of a token's dozen claims, and building every
 * array cost a few microseconds on each request. A claim read before the whole dictionary is
 * needed (enumeration, Count, a change) is the same array in it afterwards.
 */
class ClaimsDictionary extends NetDictionary {
  readonly #payload: Readonly<Record<string, unknown>>;
  readonly #read = new Map<string, NetArray>();
  constructor(payload: Readonly<Record<string, unknown>>) {
    super((claimsType ??= instantiate(DICTIONARY, [STRING, arrayOf(STRING)])));
    this.#payload = payload;
  }
  override get(key: Value): Value | undefined {
    // string keys compare ordinally (the default comparer): the payload answers until the entries exist
    if (this.made !== undefined || typeof key !== 'string') return super.get(key);
    return Object.hasOwn(this.#payload, key) ? this.#claim(key) : undefined;
  }
  #claim(name: string): NetArray {
    let values = this.#read.get(name);
    if (!values) {
      values = new NetArray(STRING, claimStrings(this.#payload[name]));
      this.#read.set(name, values);
    }
    return values;
  }
  protected override fill(): Map<unknown, [Value, Value]> {
    const entries = new Map<unknown, [Value, Value]>();
    for (const name of Object.keys(this.#payload)) entries.set(name, [name, this.#claim(name)]);
    return entries;
  }
}

function claimsOf(payload: Readonly<Record<string, unknown>>): NetDictionary {
  return new ClaimsDictionary(payload);
}

const date = (v: unknown): Value => (typeof v === 'number' ? NetDateTime.fromMs(v * 1000, 1) : null);
const str = (v: unknown): Value => (typeof v === 'string' ? v : v === undefined || v === null ? null : String(v));

export const JWT: NetType = register({
  name: 'Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.Jwt',
  base: OBJECT,
  props: {
    Algorithm: (t: NetJwt) => str(t.header.alg),
    Type: (t: NetJwt) => str(t.header.typ),
    Id: (t: NetJwt) => str(t.payload.jti),
    Issuer: (t: NetJwt) => str(t.payload.iss),
    Subject: (t: NetJwt) => str(t.payload.sub),
    Audiences: (t: NetJwt) => new NetArray(STRING, t.payload.aud === undefined ? [] : claimStrings(t.payload.aud)),
    ExpirationTime: (t: NetJwt) => date(t.payload.exp),
    IssuedAt: (t: NetJwt) => date(t.payload.iat),
    NotBefore: (t: NetJwt) => date(t.payload.nbf),
    // one dictionary per token, as APIM's Jwt keeps its claims: built on first use
    Claims: (t: NetJwt) => (t.claims ??= claimsOf(t.payload)),
  },
}, 'Jwt');

/** Decodes a compact JWS without verifying it; undefined when it is not one. */
export function decodeJwt(text: string): NetJwt | undefined {
  const parts = text.split('.');
  if (parts.length !== 3 && parts.length !== 5) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    if (typeof header !== 'object' || header === null || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
    return new NetJwt(header as Record<string, unknown>, payload as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

export class NetBasicCredentials extends NetObject {
  readonly user: string;
  readonly password: string;
  constructor(user: string, password: string) {
    super();
    this.user = user;
    this.password = password;
  }
  get netType(): NetType {
    return BASIC;
  }
}

const BASIC: NetType = register({
  name: 'Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.BasicAuthCredentials',
  base: OBJECT,
  props: { UserId: (t: NetBasicCredentials) => t.user, Username: (t: NetBasicCredentials) => t.user, Password: (t: NetBasicCredentials) => t.password },
}, 'BasicAuthCredentials');

function decodeBasic(text: string): NetBasicCredentials | undefined {
  const m = /^\s*(?:Basic\s+)?([A-Za-z0-9+/=]+)\s*$/i.exec(text);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : new NetBasicCredentials(decoded.slice(0, colon), decoded.slice(colon + 1));
}

const isString = (v: Value): boolean => typeof v === 'string';
extend('AsJwt', isString, (t: string) => decodeJwt(t) ?? null);
extend('TryParseJwt', isString, (t: string, [o]) => {
  const j = decodeJwt(t);
  setOut(o, j ?? null);
  return j !== undefined;
});
extend('AsBasic', isString, (t: string) => decodeBasic(t) ?? null);
extend('TryParseBasic', isString, (t: string, [o]) => {
  const b = decodeBasic(t);
  setOut(o, b ?? null);
  return b !== undefined;
});
