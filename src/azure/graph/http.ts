/**
 * The only code that talks to Microsoft Graph: `fetch` with a bearer token, Graph's error bodies
 * turned into GraphError, 429/503/504 retried after `Retry-After` within a bounded wait, and
 * `@odata.nextLink` paging followed only on the endpoint's own origin (the token goes nowhere else).
 */
import type { GraphEndpoint } from './endpoint.ts';
import type { GraphOperation } from './permissions.ts';

export interface GraphHttpOptions {
  readonly endpoint: GraphEndpoint;
  /** A bearer token for the endpoint's scope (cached by the credential layer). */
  readonly token: () => Promise<string>;
  readonly sleep: (ms: number) => Promise<void>;
  /** The longest a single call may spend waiting on throttling, in total. */
  readonly maxWaitMs: number;
  readonly fetch?: typeof fetch;
  /** Told about each wait, for progress output. */
  readonly onWait?: (message: string) => void;
}

/** A failed Graph call. `status` is 0 when Graph was not reached and -1 when its answer was unusable. */
export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly method: string;
  readonly path: string;
  readonly operation: GraphOperation;
  constructor(init: { status: number; code: string; message: string; method: string; path: string; operation: GraphOperation }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.method = init.method;
    this.path = init.path;
    this.operation = init.operation;
  }

  /** `GET /applications(appId='…')`: what was called, without the query. */
  get call(): string {
    return `${this.method} ${this.path}`;
  }
}

export interface GraphResponse {
  readonly status: number;
  readonly body: unknown;
}

const RETRYABLE = new Set([429, 503, 504]);
const MAX_PAGES = 1000;

export class GraphHttp {
  readonly endpoint: GraphEndpoint;
  private readonly options: GraphHttpOptions;
  private readonly fetch: typeof fetch;

  constructor(options: GraphHttpOptions) {
    this.options = options;
    this.endpoint = options.endpoint;
    this.fetch = options.fetch ?? fetch;
  }

  /** One call under the v1.0 root (`path` starts with `/`). Throws GraphError for any status ≥ 400. */
  call(operation: GraphOperation, method: string, path: string, body?: unknown): Promise<GraphResponse> {
    return this.request(operation, method, `${this.endpoint.base}${path}`, body);
  }

  /** Every item of a collection, following `@odata.nextLink`. */
  async list<T>(operation: GraphOperation, path: string): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = `${this.endpoint.base}${path}`;
    for (let page = 0; url !== undefined; page++) {
      const { body } = await this.request(operation, 'GET', url, undefined);
      const value = (body as { value?: unknown } | undefined)?.value;
      if (!Array.isArray(value) || page >= MAX_PAGES) throw this.unusable(operation, 'GET', url, page >= MAX_PAGES ? `more than ${MAX_PAGES} pages` : 'a collection without a value array');
      items.push(...(value as T[]));
      const next: unknown = (body as Record<string, unknown>)['@odata.nextLink'];
      if (next === undefined || next === null) break;
      if (typeof next !== 'string' || !this.sameService(next)) {
        throw this.unusable(operation, 'GET', url, `a paging link to ${String(next)}, outside ${this.endpoint.base}; it was not followed, so the token stays with ${this.endpoint.origin}`);
      }
      url = next;
    }
    return items;
  }

  private sameService(link: string): boolean {
    try {
      const url = new URL(link);
      return url.origin === this.endpoint.origin && url.pathname.startsWith('/v1.0/');
    } catch {
      return false;
    }
  }

  private async request(operation: GraphOperation, method: string, url: string, body: unknown): Promise<GraphResponse> {
    const path = displayPath(url, this.endpoint.base);
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      const token = await this.options.token();
      let res: Response;
      try {
        res = await this.fetch(url, {
          method,
          redirect: 'manual',
          headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new GraphError({ status: 0, code: cause?.code ?? 'NetworkError', message: `${this.endpoint.origin} could not be reached: ${cause?.message ?? (error as Error).message}`, method, path, operation });
      }
      const text = await res.text();
      let parsed: unknown;
      if (text.length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch {
          if (res.status < 400) throw this.unusable(operation, method, url, `a ${res.status} answer that is not JSON`);
        }
      }
      if (res.status < 300) return { status: res.status, body: parsed };
      const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const code = typeof error?.code === 'string' ? error.code : `HTTP${res.status}`;
      const message = typeof error?.message === 'string' ? error.message : `${res.status} ${res.statusText}`.trim();
      if (RETRYABLE.has(res.status)) {
        const delay = retryAfterMs(res.headers.get('retry-after')) ?? Math.min(2 ** attempt * 1000, 30_000);
        if (waited + delay <= this.options.maxWaitMs) {
          this.options.onWait?.(`Graph answered ${res.status} ${code} to ${method} ${path}; retrying in ${formatSeconds(delay)}`);
          await this.options.sleep(delay);
          waited += delay;
          continue;
        }
        const why = res.status === 429 ? `still throttled after waiting ${formatSeconds(waited)} (the next Retry-After was ${formatSeconds(delay)})` : `still unavailable after waiting ${formatSeconds(waited)}`;
        throw new GraphError({ status: res.status, code, message: `${message} (${why})`, method, path, operation });
      }
      throw new GraphError({ status: res.status, code, message, method, path, operation });
    }
  }

  private unusable(operation: GraphOperation, method: string, url: string, what: string): GraphError {
    return new GraphError({ status: -1, code: 'UnusableResponse', message: `Graph sent ${what}`, method, path: displayPath(url, this.endpoint.base), operation });
  }
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function displayPath(url: string, base: string): string {
  const withoutQuery = url.split('?')[0]!;
  return withoutQuery.startsWith(base) ? withoutQuery.slice(base.length) || '/' : withoutQuery;
}
