/**
 * A compiled gateway run in process by the emulator, for the security tests: the same
 * compile → deployment → runtime.handle path as `mcp-apim test`, with the ports built once so
 * that thousands of requests can go through one compiled config quickly (tokens are minted once
 * per claim set and passed as literal headers).
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';
import { compileConfig } from '../../src/emit/compile.ts';
import type { Plan } from '../../src/plan/types.ts';
import { buildDeployment, type Deployment, policiesFromFiles } from '../../src/runtime/deployment.ts';
import { expressionPort } from '../../src/runtime/expressions.ts';
import { openIdConfiguration, tenantUrls } from '../../src/runtime/identity/entra.ts';
import { type DevKeys, generateDevKeys, jwks } from '../../src/runtime/identity/keys.ts';
import { mintToken, type TokenRequest } from '../../src/runtime/identity/mint.ts';
import { handle } from '../../src/runtime/pipeline.ts';
import { FixedWindowCounters } from '../../src/runtime/stores/fixed-window.ts';
import { SlidingWindowCounters } from '../../src/runtime/stores/sliding-window.ts';
import { type BackendRequest, type GatewayResponse, headersFrom, type Ports, ValueCache } from '../../src/runtime/types.ts';
import { backendUrl, GATEWAY_ORIGIN } from '../../src/traffic/replay.ts';

/** Keys are slow to make; one pair serves every gateway of a test process. */
let sharedKeys: DevKeys | undefined;
export function devKeys(): DevKeys {
  sharedKeys ??= generateDevKeys();
  return sharedKeys;
}

export interface SentRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface Gateway {
  readonly config: Config;
  readonly plan: Plan;
  readonly keys: DevKeys;
  /** Requests that reached the backend, in order. */
  readonly forwarded: BackendRequest[];
  /** A bearer token minted by the local identity provider at the gateway's virtual now. */
  token(request?: TokenRequest): string;
  send(request: SentRequest): Promise<GatewayResponse>;
  /** Moves the virtual clock. */
  advance(ms: number): void;
}

/** Loads a config from text (the catalog may be given as a file map), compiles it, and fails loudly on errors. */
export function compileGateway(text: string, files: Readonly<Record<string, string>> = {}, startMs = Date.UTC(2026, 2, 1)): Gateway {
  const loaded = loadConfig('gateway.yaml', text, { readFile: (p) => files[p] ?? readFileIfExists(p) });
  if (!loaded.config) throw new Error(`config does not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  const compiled = compileConfig(loaded.config);
  if (!compiled.plan || Object.keys(compiled.files).length === 0) throw new Error(`config does not compile: ${compiled.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const built = buildDeployment(loaded.config.api.path, policiesFromFiles(compiled.files));
  if (!built.deployment) throw new Error(`policies do not load: ${built.diagnostics.map((d) => d.message).join('; ')}`);
  return gatewayFor(loaded.config, compiled.plan, built.deployment, startMs);
}

function readFileIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function gatewayFor(config: Config, plan: Plan, deployment: Deployment, startMs: number): Gateway {
  const keys = devKeys();
  let now = startMs;
  let ids = 0;
  const clock = () => now;
  const authority = config.identity.authority;
    const forwarded: BackendRequest[] = [];
  // Served documents are made once: the emulator fetches them on every validation.
  const urls = tenantUrls(authority, config.identity.tenantId);
  const openIdDocument = openIdConfiguration(authority, config.identity.tenantId);
  const keySet = jwks(keys);
  const info = { api: { Id: config.api.name, Name: config.api.name, Path: config.api.path, IsCurrentRevision: true, Revision: '1', Version: null, ServiceUrl: config.api.backend ?? null } };
  const ports: Ports = {
    now: clock,
    counters: new SlidingWindowCounters(),
    quotas: new FixedWindowCounters(),
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    expressions: expressionPort(clock, info),
    cache: new ValueCache(),
    fetchJson: async (url) => {
      if (url === urls.openIdConfiguration) return openIdDocument;
      if (url === urls.jwksUri) return keySet;
      throw new Error(`the test identity provider does not serve ${url}`);
    },
    backend: async (request) => {
      forwarded.push(request);
      return { status: 200, headers: headersFrom({ 'content-type': 'application/json' }), body: '{"jsonrpc":"2.0","id":1,"result":{}}' };
    },
  };
  return {
    config,
    plan,
    keys,
    forwarded,
    token: (request = {}) => mintToken(keys, { issuer: urls.issuerV2, audience: config.identity.audiences[0]!, tenantId: config.identity.tenantId, now: Math.floor(now / 1000) }, request),
    advance: (ms) => {
      now += ms;
    },
    async send(request) {
      const method = request.method ?? 'POST';
      const path = request.path ?? `/${config.api.path}`;
      const route = deployment.route(method, path);
      if ('notFound' in route) throw new Error(`no route for ${method} ${path}`);
      const target = route.forwards ? backendUrl(config.api.backend ?? config.api.restBackend!.url, config.api.path, path) : undefined;
      return handle(route.policy, { method, url: `${GATEWAY_ORIGIN}${path}`, headers: headersFrom(request.headers ?? {}), body: request.body, ...target }, ports);
    },
  };
}
