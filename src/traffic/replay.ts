/**
 * Replays recorded MCP traffic through a compiled gateway (DESIGN §6): each exchange runs on a
 * virtual clock, its token is minted by the local identity provider, its `backend` answer
 * stands in for the MCP server, and its `expect` is checked. Pure apart from the ports it builds
 * (no network, no files); one traffic file is one run (fresh clock and counters).
 */
import type { Deployment } from '../runtime/deployment.ts';
import { tenantUrls } from '../runtime/identity/entra.ts';
import type { DevKeys } from '../runtime/identity/keys.ts';
import { mintToken } from '../runtime/identity/mint.ts';
import { type Ports, type TraceEntry, headersFrom } from '../runtime/types.ts';
import { emulatorPorts, runRequest, type ReplayApi, type ReplayIdentity } from './emulator-ports.ts';
import { checkExpectation } from './expect.ts';
import type { Exchange, Observed } from './types.ts';

export { backendUrl, replayTarget, type ReplayIdentity } from './emulator-ports.ts';

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

export interface ReplayOptions {
  readonly identity: ReplayIdentity;
  /** The API's service URL and path: APIM forwards to service URL + the path after the API path. */
  readonly api: ReplayApi;
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

/** Runs one traffic file's exchanges in order. */
export async function replayFile(file: string, exchanges: readonly Exchange[], options: ReplayOptions): Promise<ExchangeResult[]> {
  const { identity, api, deployment, keys } = options;
  let now = options.startMs;
  let ids = 0;
  const clock = () => now;
  const issuer = tenantUrls(identity.authority, identity.tenantId).issuerV2;
  const results: ExchangeResult[] = [];
  const base = emulatorPorts({ now: clock, newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`, identity, api, keys });
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
    let upstream: Observed['upstream'];
    const ports: Ports = {
      ...base,
      backend: async (request) => {
        upstream = { method: request.method, url: request.url, headers: Object.fromEntries([...request.headers].map(([k, v]) => [k, v.join(',')])), bodyText: request.body ?? '' };
        if (answer) return { status: answer.status, headers: headersFrom(answer.headers), body: answer.bodyText ?? '' };
        backendNote = { scope: 'gateway', section: 'gateway', policy: 'backend', message: 'the exchange records no backend answer: 200 with an empty body' };
        return { status: 200, headers: headersFrom({}), body: '' };
      },
    };
    const response = await runRequest(deployment, api, { method: exchange.request.method, path: exchange.request.path, url, headers: headersFrom(headers), ...(exchange.request.bodyText === undefined ? {} : { body: exchange.request.bodyText }), ...(exchange.request.clientCertificate ? { clientCertificate: exchange.request.clientCertificate } : {}) }, ports);
    const flatHeaders = Object.fromEntries([...response.headers].map(([k, v]) => [k, v.join(',')]));
    const failures = checkExpectation(exchange.expect, { status: response.status, forwarded: response.forwarded, headers: flatHeaders, bodyText: response.body, ...(upstream ? { upstream } : {}) });
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
