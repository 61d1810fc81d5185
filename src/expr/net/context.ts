/**
 * The `context` object of policy expressions (reference/apim-semantics.md §2.3–2.4), as a view
 * over request state the runtime owns. The runtime's RequestState satisfies `ContextState`
 * structurally, so expressions read and consume the same body the pipeline forwards.
 */
import type { Value } from '../port.ts';
import { NetException, NetObject, type NetType, arg, argumentNull, setOut, TypedObject } from './core.ts';
import { NetArray, sequence } from './collections.ts';
import { NetDictionary, NetKeyValuePair } from './dictionaries.ts';
import { parseJson } from './json-text.ts';
import { JArray, JObject } from './jtoken.ts';
import { OBJECT } from './primitives.ts';
import { extend, isInstanceOf, register, typeName } from './registry.ts';
import { STRING } from './string.ts';
import { NetGuid, bytes } from './system.ts';
import { toNetString } from './text.ts';
import { NetDateTime } from './time.ts';
import { NetTimeSpan, TICKS_PER_MS } from './timespan.ts';
import { type CertificateFacts, certificateValue } from './x509.ts';

type HeaderMap = Map<string, string[]>;

/** What the context view reads; field names follow the runtime's RequestState. */
export interface ContextState {
  readonly requestId: string;
  readonly startedAt: number;
  readonly originalUrl: string;
  readonly request: { method: string; url: string; headers: HeaderMap; body: string | undefined; bodyConsumed: boolean; ipAddress: string; certificate?: CertificateFacts };
  readonly response: { status: number; reason: string; headers: HeaderMap; body: string };
  readonly variables: Map<string, unknown>;
  readonly lastError: { readonly source: string; readonly reason: string; readonly message: string; readonly scope: string; readonly section: string; readonly path: string; readonly policyId: string } | undefined;
  readonly trace?: { scope: string; section: string; policy: string; message: string }[];
}

/** Static facts about the API, operation and deployment (from the config, or defaults). */
export interface ContextInfo {
  readonly api?: Readonly<Record<string, Value>>;
  readonly operation?: Readonly<Record<string, Value>>;
  readonly deployment?: Readonly<Record<string, Value>>;
  readonly now: () => number;
}

/**
 * A read-only object with named properties (context.Api, context.LastError, …). A member gets
 * the record it is read on, so one table of members can serve every record of a kind.
 */
export class NetRecord extends TypedObject {
  readonly fields: Readonly<Record<string, (self: NetRecord) => Value>>;
  readonly methods: Readonly<Record<string, (args: Value[], self: NetRecord) => Value>>;
  constructor(type: NetType, fields: Readonly<Record<string, (self: NetRecord) => Value>>, methods: Readonly<Record<string, (args: Value[], self: NetRecord) => Value>> = {}) {
    super(type);
    this.fields = fields;
    this.methods = methods;
  }
}

const recordType = (name: string): NetType => register({ name: `Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.${name}`, base: OBJECT });
const CONTEXT = recordType('IProxyRequestContext');
const REQUEST = recordType('IRequest');
const RESPONSE = recordType('IResponse');
const URL_TYPE = recordType('IUrl');
const API = recordType('IApi');
const OPERATION = recordType('IOperation');
const DEPLOYMENT = recordType('IDeployment');
const LAST_ERROR = recordType('ILastError');

/** Case-insensitive `IReadOnlyDictionary<string, string[]>` over live headers or query parameters. */
export class StringValuesDictionary extends NetObject {
  readonly isReadOnlyDictionary = true;
  readonly map: () => HeaderMap;
  constructor(map: () => HeaderMap) {
    super();
    this.map = map;
  }
  get netType(): NetType {
    return STRING_VALUES;
  }
  get(key: Value): string[] | undefined {
    if (key === null) throw argumentNull('key');
    return this.map().get((key as string).toLowerCase());
  }
}

const STRING_VALUES: NetType = register({
  name: 'System.Collections.Generic.IReadOnlyDictionary<System.String, System.String[]>',
  base: OBJECT,
  props: { Count: (t: StringValuesDictionary) => t.map().size, Keys: (t: StringValuesDictionary) => sequence([...t.map().keys()]) },
  methods: {
    ContainsKey: (t: StringValuesDictionary, [k]) => t.get(k!) !== undefined,
    TryGetValue: (t: StringValuesDictionary, [k, o]) => {
      const v = t.get(k!);
      setOut(o, v ? new NetArray(STRING, [...v]) : null);
      return v !== undefined;
    },
  },
  index: (t: StringValuesDictionary, [k]) => {
    const v = t.get(k!);
    if (!v) throw new NetException('System.Collections.Generic.KeyNotFoundException', `The given key '${k as string}' was not present in the dictionary.`);
    return new NetArray(STRING, [...v]);
  },
  enumerate: (t: StringValuesDictionary) => [...t.map()].map(([k, v]) => new NetKeyValuePair(k, new NetArray(STRING, [...v]))),
});

/** `context.Variables`: IReadOnlyDictionary<string, object>. */
export class VariablesDictionary extends NetObject {
  readonly isReadOnlyDictionary = true;
  readonly map: Map<string, unknown>;
  constructor(map: Map<string, unknown>) {
    super();
    this.map = map;
  }
  get netType(): NetType {
    return VARIABLES;
  }
}

const keyNotFound = (k: Value) => new NetException('System.Collections.Generic.KeyNotFoundException', `The given key '${toNetString(k)}' was not present in the dictionary.`);

/** `context.Variables[k]` (the indexer, and the call sites that skip its argument list). */
export function variableItem(t: VariablesDictionary, k: Value): Value {
  if (!t.map.has(k as string)) throw keyNotFound(k);
  return t.map.get(k as string) as Value;
}

const VARIABLES: NetType = register({
  name: 'System.Collections.Generic.IReadOnlyDictionary<System.String, System.Object>',
  base: OBJECT,
  props: { Count: (t: VariablesDictionary) => t.map.size, Keys: (t: VariablesDictionary) => sequence([...t.map.keys()]) },
  methods: {
    ContainsKey: (t: VariablesDictionary, [k]) => t.map.has(k as string),
    TryGetValue: (t: VariablesDictionary, [k, o]) => {
      const has = t.map.has(k as string);
      setOut(o, has ? (t.map.get(k as string) as Value) : null);
      return has;
    },
  },
  index: (t: VariablesDictionary, [k]) => variableItem(t, k!),
  enumerate: (t: VariablesDictionary) => [...t.map].map(([k, v]) => new NetKeyValuePair(k, v as Value)),
});

/**
 * APIM's `GetValueOrDefault` extensions: on string-array dictionaries (headers, query, JWT
 * claims) the values comma-joined; on `context.Variables` the value cast to `T`, which throws
 * when the stored type is not `T`.
 */
extend('GetValueOrDefault', (v) => v instanceof StringValuesDictionary || v instanceof VariablesDictionary || v instanceof NetDictionary, (t: NetObject, args, typeArgs, names) => {
  const key = arg(args, names, 0, 'name') ?? arg(args, names, 0, 'key');
  const fallback = arg(args, names, 1, 'defaultValue') ?? null;
  let found: Value | undefined;
  if (t instanceof StringValuesDictionary) {
    const v = t.get(key!);
    return v === undefined ? fallback : v.join(',');
  }
  if (t instanceof VariablesDictionary) found = t.map.has(key as string) ? (t.map.get(key as string) as Value) : undefined;
  else found = (t as NetDictionary).get(key!);
  if (found === undefined) return typeArgs[0] && fallback === null && typeArgs[0].defaultValue ? typeArgs[0].defaultValue() : fallback;
  if (found instanceof NetArray && !(t instanceof VariablesDictionary) && !typeArgs[0]) return found.items.map((x) => toNetString(x)).join(',');
  const want = typeArgs[0];
  if (want && want !== OBJECT && found !== null && !isInstanceOf(found, want)) throw new NetException('System.InvalidCastException', `Unable to cast object of type '${typeName(found)}' to type '${want.name}'.`);
  return found;
});

/** `IMessageBody`: `As<T>(preserveContent)`; reading without preserveContent consumes the body. */
export class MessageBody extends NetObject {
  readonly read: () => string;
  readonly consume: () => void;
  constructor(read: () => string, consume: () => void) {
    super();
    this.read = read;
    this.consume = consume;
  }
  get netType(): NetType {
    return BODY;
  }
}

const BODY: NetType = register({
  name: 'Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.IMessageBody',
  base: OBJECT,
  methods: {
    As: (t: MessageBody, args, typeArgs, names) => {
      const preserve = arg(args, names, 0, 'preserveContent') === true;
      const text = t.read();
      if (!preserve) t.consume();
      const want = typeArgs[0]?.name ?? 'System.String';
      switch (want) {
        case 'System.String':
          return text;
        case 'Newtonsoft.Json.Linq.JObject':
        case 'Newtonsoft.Json.Linq.JArray':
        case 'Newtonsoft.Json.Linq.JToken': {
          const token = parseJson(text);
          if (want.endsWith('JObject') && !(token instanceof JObject)) throw new NetException('Newtonsoft.Json.JsonReaderException', 'Error reading JObject from JsonReader. Current JsonReader item is not an object.');
          if (want.endsWith('JArray') && !(token instanceof JArray)) throw new NetException('Newtonsoft.Json.JsonReaderException', 'Error reading JArray from JsonReader. Current JsonReader item is not an array.');
          return token;
        }
        case 'System.Byte[]':
          return bytes(Buffer.from(text, 'utf8'));
      }
      throw new NetException('System.NotSupportedException', `The emulator does not read a body as ${want}.`);
    },
    AsFormUrlEncodedContent: (t: MessageBody, args, _ta, names) => {
      const preserve = arg(args, names, 0, 'preserveContent') === true;
      const text = t.read();
      if (!preserve) t.consume();
      const d = new NetDictionary(STRING_VALUES);
      for (const [k, v] of new URLSearchParams(text)) {
        const list = (d.get(k) as NetArray | undefined) ?? new NetArray(STRING, []);
        list.items.push(v);
        d.set(k, list);
      }
      return d;
    },
  },
});

function urlRecord(href: () => string): NetRecord {
  const u = () => new URL(href());
  return new NetRecord(URL_TYPE, {
    Scheme: () => u().protocol.slice(0, -1),
    Host: () => u().hostname,
    Port: () => (u().port ? Number(u().port) : u().protocol === 'https:' ? 443 : 80),
    Path: () => u().pathname,
    QueryString: () => u().search,
    Query: () => new StringValuesDictionary(() => {
      const m: HeaderMap = new Map();
      for (const [k, v] of u().searchParams) m.set(k.toLowerCase(), [...(m.get(k.toLowerCase()) ?? []), v]);
      return m;
    }),
  }, { ToString: () => href() });
}

/**
 * The `context` of one request. Its members are tables shared by every request (below), and
 * what a member makes once per request (the Request and Response views, the Variables and
 * Headers dictionaries, the bodies) is kept on the view: a request used to allocate some thirty
 * closures for a context most expressions read two members of. Members read the state when they
 * are read, so a kept view never goes stale.
 */
class ContextView extends NetRecord {
  readonly state: ContextState;
  readonly info: ContextInfo;
  request: RequestView | undefined;
  response: ResponseView | undefined;
  variables: VariablesDictionary | undefined;
  api: NetRecord | undefined;
  deployment: NetRecord | undefined;
  constructor(state: ContextState, info: ContextInfo) {
    super(CONTEXT, CONTEXT_FIELDS, CONTEXT_METHODS);
    this.state = state;
    this.info = info;
  }
}

class RequestView extends NetRecord {
  readonly state: ContextState;
  url: NetRecord | undefined;
  originalUrl: NetRecord | undefined;
  headers: StringValuesDictionary | undefined;
  body: MessageBody | undefined;
  constructor(state: ContextState) {
    super(REQUEST, REQUEST_FIELDS);
    this.state = state;
  }
}

class ResponseView extends NetRecord {
  readonly state: ContextState;
  headers: StringValuesDictionary | undefined;
  body: MessageBody | undefined;
  /** As<T>() without preserveContent consumed the response body (the view's own flag: the state's body stays). */
  consumed = false;
  constructor(state: ContextState) {
    super(RESPONSE, RESPONSE_FIELDS);
    this.state = state;
  }
}

const has = (s: string | undefined): boolean => s !== undefined && s !== '';
const fixedRecord = (type: NetType, r: Readonly<Record<string, Value>>): NetRecord => new NetRecord(type, Object.fromEntries(Object.entries(r).map(([k, v]) => [k, () => v])));

// The member tables get the record they are read on: these name its kind.
const asRequest = (r: NetRecord): RequestView => r as RequestView;
const asResponse = (r: NetRecord): ResponseView => r as ResponseView;
const asContext = (r: NetRecord): ContextView => r as ContextView;

const REQUEST_FIELDS: Readonly<Record<string, (self: NetRecord) => Value>> = {
  Method: (r) => asRequest(r).state.request.method,
  Url: (r) => (asRequest(r).url ??= urlRecord(() => asRequest(r).state.request.url)),
  OriginalUrl: (r) => (asRequest(r).originalUrl ??= urlRecord(() => asRequest(r).state.originalUrl)),
  Headers: (r) => (asRequest(r).headers ??= new StringValuesDictionary(() => asRequest(r).state.request.headers)),
  Body: (r) => {
    const { request } = asRequest(r).state;
    return has(request.body) ? (asRequest(r).body ??= new MessageBody(() => (request.bodyConsumed ? '' : (request.body ?? '')), () => { request.bodyConsumed = true; })) : null;
  },
  IpAddress: (r) => asRequest(r).state.request.ipAddress,
  MatchedParameters: () => new NetDictionary(VARIABLES),
  Certificate: (r) => certificateValue(asRequest(r).state.request.certificate),
};

const RESPONSE_FIELDS: Readonly<Record<string, (self: NetRecord) => Value>> = {
  StatusCode: (r) => asResponse(r).state.response.status,
  StatusReason: (r) => asResponse(r).state.response.reason,
  Headers: (r) => (asResponse(r).headers ??= new StringValuesDictionary(() => asResponse(r).state.response.headers)),
  Body: (r) => {
    const view = asResponse(r);
    return has(view.state.response.body) ? (view.body ??= new MessageBody(() => (view.consumed ? '' : view.state.response.body), () => { view.consumed = true; })) : null;
  },
};

const CONTEXT_FIELDS: Readonly<Record<string, (self: NetRecord) => Value>> = {
  Request: (c) => (asContext(c).request ??= new RequestView(asContext(c).state)),
  Response: (c) => (asContext(c).response ??= new ResponseView(asContext(c).state)),
  Variables: (c) => (asContext(c).variables ??= new VariablesDictionary(asContext(c).state.variables)),
  RequestId: (c) => new NetGuid(asContext(c).state.requestId.toLowerCase()),
  Timestamp: (c) => NetDateTime.fromMs(asContext(c).state.startedAt, 1),
  Elapsed: (c) => new NetTimeSpan(BigInt(Math.max(0, asContext(c).info.now() - asContext(c).state.startedAt)) * TICKS_PER_MS),
  Tracing: () => false,
  Api: (c) => {
    const view = asContext(c);
    if (!view.api) {
      const api = fixedRecord(API, view.info.api ?? { Id: 'api', Name: 'api', Path: '', IsCurrentRevision: true, Revision: '1', Version: null });
      const serviceUrl = view.info.api?.ServiceUrl;
      view.api = new NetRecord(API, { ...api.fields, ServiceUrl: () => (typeof serviceUrl === 'string' ? urlRecord(() => serviceUrl) : null) });
    }
    return view.api;
  },
  Operation: (c) => fixedRecord(OPERATION, asContext(c).info.operation ?? { Id: 'operation', Name: 'operation', Method: asContext(c).state.request.method, UrlTemplate: '/' }),
  Deployment: (c) => (asContext(c).deployment ??= fixedRecord(DEPLOYMENT, asContext(c).info.deployment ?? { GatewayId: 'managed', Region: 'local', ServiceName: 'mcp-apim-emulator', ServiceId: 'mcp-apim-emulator' })),
  LastError: (c) => {
    const e = asContext(c).state.lastError;
    return e ? fixedRecord(LAST_ERROR, { Source: e.source, Reason: e.reason, Message: e.message, Scope: e.scope, Section: e.section, Path: e.path, PolicyId: e.policyId }) : null;
  },
  Subscription: () => null,
  User: () => null,
  Product: () => null,
};

const CONTEXT_METHODS: Readonly<Record<string, (args: Value[], self: NetRecord) => Value>> = {
  Trace: ([message], c) => {
    asContext(c).state.trace?.push({ scope: 'gateway', section: 'gateway', policy: 'context.Trace', message: toNetString(message ?? null) });
    return null;
  },
};

/** The `context` value of one request (one view per request: see ContextView). */
export function contextValue(state: ContextState, info: ContextInfo): NetRecord {
  return new ContextView(state, info);
}

/** The `IResponse` a send-request stores in its response variable. */
export function responseValue(status: number, reason: string, headers: HeaderMap, body: string): NetRecord {
  let consumed = false;
  const messageBody = new MessageBody(() => (consumed ? '' : body), () => { consumed = true; });
  const record = new NetRecord(RESPONSE, {
    StatusCode: () => status,
    StatusReason: () => reason,
    Headers: () => new StringValuesDictionary(() => headers),
    Body: () => (body === '' ? null : messageBody),
  });
  storedResponses.set(record, { status, reason, headers, body: () => (consumed ? '' : body) });
  return record;
}

/** The answer behind an IResponse value (return-response response-variable-name starts from it). */
const storedResponses = new WeakMap<NetRecord, { status: number; reason: string; headers: HeaderMap; body: () => string }>();
export function storedResponse(v: unknown): { status: number; reason: string; headers: HeaderMap; body: string } | undefined {
  const r = v instanceof NetRecord ? storedResponses.get(v) : undefined;
  return r ? { status: r.status, reason: r.reason, headers: r.headers, body: r.body() } : undefined;
}

/** The `Authorization` object get-authorization-context stores (credential manager connections). */
export function authorizationValue(accessToken: string, claims: Readonly<Record<string, string>>): NetRecord {
  return new NetRecord(AUTHORIZATION, { AccessToken: () => accessToken, Claims: () => new StringValuesDictionary(() => new Map(Object.entries(claims).map(([k, v]) => [k.toLowerCase(), [v]]))) });
}
const AUTHORIZATION = register({ name: 'Microsoft.WindowsAzure.ApiManagement.Proxy.Gateway.Policies.Expressions.Authorization', base: OBJECT }, 'Authorization');
