/**
 * What `mcp-apim test` and `mcp-apim serve` share to run a compiled gateway locally: the local
 * identity provider (OpenID configuration and JWKS for the config's tenant, from the dev keys),
 * the ports every request needs apart from the backend, and APIM's backend URL rule. Pure: the
 * clock, the ids and the backend are given by the caller (virtual in tests, real in serve).
 */
import { restBackendId } from '../config/bridge-types.ts';
import type { Config } from '../config/types.ts';
import type { Value } from '../expr/port.ts';
import type { ClientCertificate } from '../runtime/certificate.ts';
import type { Deployment } from '../runtime/deployment.ts';
import { expressionPort } from '../runtime/expressions.ts';
import { openIdConfiguration, tenantUrls } from '../runtime/identity/entra.ts';
import { type DevKeys, jwks } from '../runtime/identity/keys.ts';
import { mintToken } from '../runtime/identity/mint.ts';
import { FixedWindowCounters } from '../runtime/stores/fixed-window.ts';
import { SlidingWindowCounters } from '../runtime/stores/sliding-window.ts';
import { handle } from '../runtime/pipeline.ts';
import { type GatewayResponse, type Headers, type Ports, ValueCache, headersFrom } from '../runtime/types.ts';

/** Who issues tokens and for whom: `request.token` is minted for this. */
export interface ReplayIdentity {
  readonly authority: string;
  readonly tenantId: string;
  readonly audience: string;
}

/** The API's service URL and path: APIM forwards to service URL + the path after the API path. */
export interface ReplayApi {
  readonly serviceUrl: string;
  readonly path: string;
  readonly info?: Readonly<Record<string, Value>>;
  /** APIM backend entities by id (set-backend-service backend-id): the bridged REST service. */
  readonly backends?: Readonly<Record<string, string>>;
}

/**
 * The local identity provider's documents, as Entra serves them for any tenant under
 * `authority`: `<authority>/<tenant>/v2.0/.well-known/openid-configuration` and the JWKS at
 * `<authority>/<tenant>/discovery/v2.0/keys` (or `/discovery/keys`). Undefined for other URLs.
 */
export function identityDocument(authority: string, keys: DevKeys, url: string): unknown {
  const base = authority.replace(/\/+$/, '');
  if (!url.startsWith(`${base}/`)) return undefined;
  const [tenant, ...rest] = url.slice(base.length + 1).split('?')[0]!.split('/');
  const tail = rest.join('/');
  if (!tenant) return undefined;
  if (tail === 'v2.0/.well-known/openid-configuration') return openIdConfiguration(base, tenant);
  if (tail === 'discovery/v2.0/keys' || tail === 'discovery/keys') return keySetOf(keys);
  return undefined;
}

// deriving the public JWKs from the private keys is costly: once per key set
const keySets = new WeakMap<DevKeys, ReturnType<typeof jwks>>();
function keySetOf(keys: DevKeys): ReturnType<typeof jwks> {
  let set = keySets.get(keys);
  if (!set) keySets.set(keys, (set = jwks(keys)));
  return set;
}

/** The `fetchJson` port of the local identity provider: it never leaves the process. */
export function identityProvider(authority: string, keys: DevKeys): (url: string) => Promise<unknown> {
  return async (url) => {
    const document = identityDocument(authority, keys, url);
    if (document === undefined) throw new Error(`the local identity provider does not serve ${url}`);
    return document;
  };
}

/** Replay options for a compiled config: its identity settings, API and service URL. */
export function replayTarget(config: Config): { identity: ReplayIdentity; api: ReplayApi } {
  return {
    identity: { authority: config.identity.authority, tenantId: config.identity.tenantId, audience: config.identity.audiences[0]! },
    api: {
      // Without an MCP server (every tool bridged) the API has no service URL of its own.
      serviceUrl: config.api.backend ?? config.api.restBackend?.url ?? 'https://no-backend.invalid',
      path: config.api.path,
      info: { Id: config.api.name, Name: config.api.name, Path: config.api.path, IsCurrentRevision: true, Revision: '1', Version: null, ServiceUrl: config.api.backend ?? null },
      ...(config.api.restBackend ? { backends: { [restBackendId(config.api.name)]: config.api.restBackend.url } } : {}),
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

/**
 * Every port but the backend, for one run: fresh rate-limit counters, quotas and cache, the
 * expression engine on `now`, the local identity provider, and managed-identity tokens minted
 * by it.
 */
export function emulatorPorts(options: { readonly now: () => number; readonly newId: () => string; readonly identity: ReplayIdentity; readonly api: ReplayApi; readonly keys: DevKeys }): Omit<Ports, 'backend'> {
  const { now, identity, api, keys } = options;
  const issuer = tenantUrls(identity.authority, identity.tenantId).issuerV2;
  return {
    now,
    counters: new SlidingWindowCounters(),
    quotas: new FixedWindowCounters(),
    newId: options.newId,
    expressions: expressionPort(now, api.info ? { api: api.info } : {}),
    ...(api.backends ? { backends: api.backends } : {}),
    fetchJson: identityProvider(identity.authority, keys),
    cache: new ValueCache(),
    managedIdentityToken: (resource) => mintToken(keys, { issuer, audience: resource, tenantId: identity.tenantId, now: Math.floor(now() / 1000) }, { claims: { azp: 'mcp-apim-managed-identity', idtyp: 'app' } }),
  };
}

/**
 * One request through the deployment as APIM serves it: the operation its method and path
 * match (or the gateway's 404), and for forwarding operations the backend URL computed from the
 * API's service URL.
 */
export async function runRequest(deployment: Deployment, api: ReplayApi, request: { readonly method: string; readonly path: string; readonly url: string; readonly headers: Headers; readonly body?: string; readonly ipAddress?: string; readonly clientCertificate?: ClientCertificate }, ports: Ports): Promise<GatewayResponse> {
  const route = deployment.route(request.method, request.path);
  if ('notFound' in route) {
    const nf = route.notFound;
    return { status: nf.status, reason: 'Not Found', headers: headersFrom(nf.headers), body: nf.body, forwarded: false, trace: [{ scope: 'gateway', section: 'gateway', policy: 'routing', message: `no API operation matches ${request.method} ${request.path}` }] };
  }
  const backend = route.forwards ? backendUrl(api.serviceUrl, api.path, request.path) : undefined;
  return handle(route.policy, { method: request.method, url: request.url, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }), ...(request.ipAddress ? { ipAddress: request.ipAddress } : {}), ...(request.clientCertificate ? { clientCertificate: request.clientCertificate } : {}), ...backend }, ports);
}
