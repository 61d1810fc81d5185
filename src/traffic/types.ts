import type { ClientCertificate } from '../runtime/certificate.ts';
import type { TokenRequest } from '../runtime/identity/mint.ts';

/** One recorded exchange (DESIGN §6): a request, the upstream's answer, and what the client must see. */
export interface Exchange {
  readonly name: string;
  /** Milliseconds to move the virtual clock before this exchange. */
  readonly advanceMs: number;
  readonly request: TrafficRequest;
  readonly backend?: BackendAnswer;
  readonly expect: Expectation;
  /** 1-based line in the traffic file. */
  readonly line: number;
}

export interface TrafficRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly token?: TokenSpec;
  /** The body as text (from `body` serialised, or `bodyText` as given); absent for no body. */
  readonly bodyText?: string;
  /** `request.clientCertificate`: what the client presents in the TLS handshake. */
  readonly clientCertificate?: ClientCertificate;
}

/** `request.token`: what the local identity provider mints for the exchange. */
export type TokenSpec = TokenRequest;

export interface BackendAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyText?: string;
}

export interface Expectation {
  readonly status?: number;
  readonly forwarded?: boolean;
  /** Header name (any case) → exact value, true (present) or false (absent). */
  readonly headers?: Readonly<Record<string, string | boolean>>;
  /** Deep subset of the response body parsed as JSON. */
  readonly body?: unknown;
  readonly jsonrpcErrorCode?: number;
  /** The request the backend received (the REST request a bridged tools/call became, say). */
  readonly upstream?: UpstreamExpectation;
}

export interface UpstreamExpectation {
  readonly method?: string;
  /** The whole URL the backend was called with: scheme, host, path (as encoded) and query. */
  readonly url?: string;
  /** Header name (any case) → exact value, true (present) or false (absent). */
  readonly headers?: Readonly<Record<string, string | boolean>>;
  /** Deep subset of the body parsed as JSON; a string is compared with the body text. */
  readonly body?: unknown;
}

/** What came back for one exchange, to check an expectation against. */
export interface Observed {
  readonly status: number;
  readonly forwarded: boolean;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyText: string;
  /** The request the backend received, when the gateway forwarded. */
  readonly upstream?: { readonly method: string; readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly bodyText: string };
}
