import type { CompileResult, CompiledExpression, ExpressionSource } from '../expr/api.ts';
import type { PolicyElement } from '../policy/tree.ts';
import type { ClientCertificate } from './certificate.ts';
import type { Scope, Section } from './scopes.ts';
import type { FixedWindowCounters } from './stores/fixed-window.ts';
import type { SlidingWindowCounters } from './stores/sliding-window.ts';

/** Header names are case-insensitive: stored by lower-case name, each with its values. */
export type Headers = Map<string, string[]>;

export function headersFrom(record: Readonly<Record<string, string | readonly string[]>>): Headers {
  const h: Headers = new Map();
  for (const [k, v] of Object.entries(record)) h.set(k.toLowerCase(), typeof v === 'string' ? [v] : [...v]);
  return h;
}

export interface GatewayRequest {
  readonly method: string;
  /** Absolute URL the client called (scheme, host, path and query). */
  readonly url: string;
  readonly headers: Headers;
  readonly body?: string;
  readonly ipAddress?: string;
  /** The certificate the client presented in the TLS handshake (`context.Request.Certificate`). */
  readonly clientCertificate?: ClientCertificate;
  /** The backend URL APIM computes (service URL + operation path + query): `context.Request.Url`. Defaults to `url`. */
  readonly backendUrl?: string;
  /** The service URL that `backendUrl` starts with (what set-backend-service replaces). */
  readonly backendBase?: string;
}

/** A response body that arrives in chunks (server-sent events), passed on as each chunk comes. */
export type BodyStream = AsyncIterable<Uint8Array>;

export interface GatewayResponse {
  readonly status: number;
  readonly reason: string;
  readonly headers: Headers;
  readonly body: string;
  /** The backend's body, still arriving (forward-request with buffer-response="false"); `body` is then empty. */
  readonly stream?: BodyStream;
  /** Whether the request reached the backend. */
  readonly forwarded: boolean;
  readonly trace: readonly TraceEntry[];
}

/** What the backend port answers (recorded traffic or a live upstream). */
export interface BackendResponse {
  readonly status: number;
  readonly reason?: string;
  readonly headers: Headers;
  readonly body: string;
  /** Only when the request allowed it: the body as it arrives, `body` then empty. */
  readonly stream?: BodyStream;
}

export interface BackendRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string | undefined;
  /** forward-request with buffer-response="false": the port may answer with a `stream` instead of a whole body. */
  readonly streamResponse?: boolean;
}

/** One line of the policy trace: which step ran, in which scope and section, and what it did. */
export interface TraceEntry {
  readonly scope: Scope | 'gateway';
  readonly section: Section | 'gateway';
  readonly policy: string;
  readonly message: string;
}

/** `context.LastError` (reference/apim-semantics.md §3.1). */
export interface LastError {
  readonly source: string;
  readonly reason: string;
  readonly message: string;
  readonly scope: string;
  readonly section: string;
  readonly path: string;
  readonly policyId: string;
}

/**
 * What the runtime needs from the expression engine. The adapter to src/expr implements it;
 * the runtime itself never builds a `context` object, it hands over its request state.
 */
export interface ExpressionPort {
  compile(source: ExpressionSource): CompileResult;
  /** Evaluates; a .NET failure is thrown as an `ExpressionFailure`. */
  evaluate(compiled: CompiledExpression, state: RequestState): unknown;
  /** .NET `ToString()` of a value (for header values, bodies, keys). */
  toText(value: unknown): string;
}

export class ExpressionFailure extends Error {
  readonly netType: string;
  constructor(netType: string, message: string) {
    super(message);
    this.netType = netType;
  }
}

/** Everything outside the runtime that a request touches, injected (DESIGN §5: ports). */
export interface Ports {
  /** Milliseconds since the epoch: the virtual clock in tests. */
  readonly now: () => number;
  readonly backend: (request: BackendRequest) => Promise<BackendResponse>;
  readonly counters: SlidingWindowCounters;
  readonly quotas: FixedWindowCounters;
  readonly newId: () => string;
  readonly expressions: ExpressionPort;
  /** Fetches an OpenID configuration or JWKS document (HTTP in real use; the local identity provider in tests). */
  readonly fetchJson: (url: string) => Promise<unknown>;
  /** send-request / send-one-way-request: outbound HTTP calls (absent: they fail with BackendConnectionFailure). */
  readonly send?: (request: BackendRequest) => Promise<BackendResponse>;
  /** cache-*-value store shared by requests (absent: one per ports object). */
  readonly cache?: ValueCache;
  /** APIM backend entities by id → URL, for set-backend-service backend-id (absent: none known). */
  readonly backends?: Readonly<Record<string, string>>;
  /** authentication-managed-identity: a token for `resource` from the (local) identity provider. */
  readonly managedIdentityToken?: (resource: string, clientId: string | undefined) => string;
}

/** The internal cache of cache-store-value / cache-lookup-value, on the virtual clock. */
export class ValueCache {
  readonly #entries = new Map<string, { value: unknown; expires: number }>();
  get(key: string, now: number): unknown {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.value;
  }
  set(key: string, value: unknown, durationMs: number, now: number): void {
    this.#entries.set(key, { value, expires: now + durationMs });
  }
  delete(key: string): void {
    this.#entries.delete(key);
  }
}

/** The mutable state of one request as policies see and change it. */
export interface RequestState {
  readonly requestId: string;
  readonly startedAt: number;
  readonly originalUrl: string;
  request: { method: string; url: string; headers: Headers; body: string | undefined; bodyConsumed: boolean; ipAddress: string; certificate?: ClientCertificate };
  response: { status: number; reason: string; headers: Headers; body: string; stream?: BodyStream };
  readonly variables: Map<string, unknown>;
  /** The service URL the request is forwarded to; `request.url` starts with it. */
  backendBase: string;
  lastError: LastError | undefined;
  forwarded: boolean;
  /** rate-limit increments whose condition is an expression run when the request ends. */
  readonly deferred: (() => void)[];
  readonly trace: TraceEntry[];
  /**
   * The expression port's `context` view of this request, made on first use. Kept here rather
   * than in a WeakMap keyed by the state: a WeakMap's table lives in the old generation, so every
   * request's state and view it held survived the young-generation collections until a full one.
   */
  expressionContext?: unknown;
  /** cache-lookup's key after a miss, for cache-store in outbound (on the state for the same reason). */
  pendingCacheKey?: string;
}

/** A policy failure that APIM turns into `context.LastError` and a pre-populated response. */
export class PolicyFailure extends Error {
  readonly source: string;
  readonly reason: string;
  readonly response: { status: number; reason?: string; headers: Readonly<Record<string, string>>; body: string } | undefined;
  constructor(source: string, reason: string, message: string, response?: PolicyFailure['response']) {
    super(message);
    this.source = source;
    this.reason = reason;
    this.response = response;
  }
}

export interface StepContext {
  readonly state: RequestState;
  readonly ports: Ports;
  readonly scope: Scope;
  readonly section: Section;
  /** What set-header/set-body/set-status change: the request in inbound and backend, the response elsewhere and inside return-response. */
  readonly target: 'request' | 'response';
  /** Runs child steps (choose branches) in the same section; resolves to 'return' when one ended the pipeline. */
  readonly runSteps: (elements: readonly PolicyElement[]) => Promise<StepOutcome>;
  readonly trace: (policy: string, message: string) => void;
}

/** `return` ends the whole pipeline (return-response, mock-response). */
export type StepOutcome = 'continue' | 'return';

/** One module per APIM policy element. */
export interface Handler {
  readonly name: string;
  run(element: PolicyElement, ctx: StepContext): StepOutcome | Promise<StepOutcome>;
}
