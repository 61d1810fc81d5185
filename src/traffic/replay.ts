/**
 * Replays recorded MCP traffic through a compiled gateway (DESIGN §6): each exchange runs on a
 * virtual clock, its token is minted by the local identity provider, its `backend` answer
 * stands in for the MCP server, and its `expect` is checked. Pure apart from the ports it builds
 * (no network, no files); one traffic file is one run (fresh clock and counters).
 */
import type { Config } from '../config/types.ts';
import type { Value } from '../expr/port.ts';
import type { Deployment } from '../runtime/deployment.ts';
import { expressionPort } from '../runtime/expressions.ts';
import { openIdConfiguration, tenantUrls } from '../runtime/identity/entra.ts';
import { type DevKeys, jwks } from '../runtime/identity/keys.ts';
import { mintToken } from '../runtime/identity/mint.ts';
import { handle } from '../runtime/pipeline.ts';
import { FixedWindowCounters } from '../runtime/stores/fixed-window.ts';
import { SlidingWindowCounters } from '../runtime/stores/sliding-window.ts';
import { type GatewayResponse, type Ports, type TraceEntry, ValueCache, headersFrom } from '../runtime/types.ts';
import { checkExpectation } from './expect.ts';
import type { Exchange } from './types.ts';

export const GATEWAY_ORIGIN = 'https://gateway.mcp-apim.local';

export interface ExchangeResult {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly passed: boolean;
  readonly status: number;
  readonly forwarded: boolean;
  /** Lower-case names, values comma-joined. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body parsed as JSON, or the text when it is not JSON. */
  readonly body: unknown;
  readonly failures: readonly string[];
  readonly trace: readonly TraceEntry[];
  readonly request: { readonly method: string; readonly path: string; readonly bodyText?: string };
}

/** Who issues tokens and for whom: `request.token` is minted for this. */
export interface ReplayIdentity {
  readonly authority: string;
  readonly tenantId: string;
  readonly audience: string;
}

export interface ReplayOptions {
  readonly identity: ReplayIdentity;
  /** The API's service URL and path: APIM forwards to service URL + the path after the API path. */
  readonly api: { readonly serviceUrl: string; readonly path: string; readonly info?: Readonly<Record<string, Value>> };
  readonly deployment: Deployment;
  readonly keys: DevKeys;
  /** Where the virtual clock starts (DESIGN §6: the wall-clock time of the run unless `--now` fixes it). */
  readonly startMs: number;
}

const parseBody = (text: string): unknown => {
  if (text === '') return '';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** The local identity provider: OpenID configuration and JWKS for any tenant at the config's authority. */
function identityProvider(authority: string, keys: DevKeys): (url: string) => Promise<unknown> {
  const base = authority.replace(/\/+$/, '');
  const keySet = jwks(keys); // deriving public JWKs from the private keys is costly: once per run
  return async (url) => {
    if (!url.startsWith(`${base}/`)) throw new Error(`the local identity provider does not serve ${url}`);
    const [tenant, ...rest] = url.slice(base.length + 1).split('/');
    const tail = rest.join('/');
    if (tail === 'v2.0/.well-known/openid-configuration') return openIdConfiguration(base, tenant!);
    if (tail === 'discovery/v2.0/keys' || tail === 'discovery/keys') return keySet;
    throw new Error(`the local identity provider does not serve ${url}`);
  };
}

/** Replay options for a compiled config: its identity settings, API and service URL. */
export function replayTarget(config: Config): Pick<ReplayOptions, 'identity' | 'api'> {
  return {
    identity: { authority: config.identity.authority, tenantId: config.identity.tenantId, audience: config.identity.audiences[0]! },
    api: {
      serviceUrl: config.api.backend,
      path: config.api.path,
      info: { Id: config.api.name, Name: config.api.name, Path: config.api.path, IsCurrentRevision: true, Revision: '1', Version: null, ServiceUrl: config.api.backend },
    },
  };
}

/** APIM's backend URL: the service URL, then the request path after the API's path, then the query. */
export function backendUrl(serviceUrl: string, apiPath: string, path: string): { backendUrl: string; backendBase: string } {
  const [p, query] = path.split(/\?(.*)/s, 2);
  const trimmed = apiPath.replace(/^\/+|\/+$/g, '');
  const prefix = trimmed === '' ? '' : `/${trimmed}`;
  const rest = prefix !== '' && (p === prefix || p!.startsWith(`${prefix}/`)) ? p!.slice(prefix.length) : p!;
  const base = serviceUrl.replace(/\/+$/, '');
  return { backendUrl: `${base}${rest}${query ? `?${query}` : ''}`, backendBase: base };
}

/** Runs one traffic file's exchanges in order. */
export async function replayFile(file: string, exchanges: readonly Exchange[], options: ReplayOptions): Promise<ExchangeResult[]> {
  const { identity, api, deployment, keys } = options;
  let now = options.startMs;
  let ids = 0;
  const clock = () => now;
  const issuer = tenantUrls(identity.authority, identity.tenantId).issuerV2;
  const results: ExchangeResult[] = [];
  const base: Omit<Ports, 'backend'> = {
    now: clock,
    counters: new SlidingWindowCounters(),
    quotas: new FixedWindowCounters(),
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    expressions: expressionPort(clock, api.info ? { api: api.info } : {}),
    fetchJson: identityProvider(identity.authority, keys),
    cache: new ValueCache(),
    managedIdentityToken: (resource) => mintToken(keys, { issuer, audience: resource, tenantId: identity.tenantId, now: Math.floor(now / 1000) }, { claims: { azp: 'mcp-apim-managed-identity', idtyp: 'app' } }),
  };
  for (const exchange of exchanges) {
    now += exchange.advanceMs;
    const headers: Record<string, string> = { ...exchange.request.headers };
    if (exchange.request.token && headers.authorization === undefined) {
      const token = mintToken(keys, { issuer, audience: identity.audience, tenantId: identity.tenantId, now: Math.floor(now / 1000) }, exchange.request.token);
      headers.authorization = `Bearer ${token}`;
    }
    const url = `${GATEWAY_ORIGIN}${exchange.request.path.startsWith('/') ? '' : '/'}${exchange.request.path}`;
    const answer = exchange.backend;
    let backendNote: TraceEntry | undefined;
    const ports: Ports = {
      ...base,
      backend: async () => {
        if (answer) return { status: answer.status, headers: headersFrom(answer.headers), body: answer.bodyText ?? '' };
        backendNote = { scope: 'gateway', section: 'gateway', policy: 'backend', message: 'the exchange records no backend answer: 200 with an empty body' };
        return { status: 200, headers: headersFrom({}), body: '' };
      },
    };
    const route = deployment.route(exchange.request.method, exchange.request.path);
    let response: GatewayResponse;
    if ('notFound' in route) {
      const nf = route.notFound;
      response = { status: nf.status, reason: 'Not Found', headers: headersFrom(nf.headers), body: nf.body, forwarded: false, trace: [{ scope: 'gateway', section: 'gateway', policy: 'routing', message: `no API operation matches ${exchange.request.method} ${exchange.request.path}` }] };
    } else {
      const backend = route.forwards ? backendUrl(api.serviceUrl, api.path, exchange.request.path) : undefined;
      response = await handle(route.policy, { method: exchange.request.method, url, headers: headersFrom(headers), body: exchange.request.bodyText, ...backend }, ports);
    }
    const flatHeaders = Object.fromEntries([...response.headers].map(([k, v]) => [k, v.join(',')]));
    const failures = checkExpectation(exchange.expect, { status: response.status, forwarded: response.forwarded, headers: flatHeaders, bodyText: response.body });
    results.push({
      name: exchange.name,
      file,
      line: exchange.line,
      passed: failures.length === 0,
      status: response.status,
      forwarded: response.forwarded,
      headers: flatHeaders,
      body: parseBody(response.body),
      failures,
      trace: backendNote ? [...response.trace, backendNote] : response.trace,
      request: { method: exchange.request.method, path: exchange.request.path, ...(exchange.request.bodyText === undefined ? {} : { bodyText: exchange.request.bodyText }) },
    });
  }
  return results;
}
