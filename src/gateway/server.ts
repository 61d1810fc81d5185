/**
 * `mcp-apim serve`: a thin node:http adapter around the pure runtime. One loopback server
 * answers three things: the MCP API and its protected-resource metadata (the compiled policies,
 * exactly as deployed, run by the emulator), and the local identity provider's OpenID
 * configuration and JWKS (the gateway's origin is the token authority, so tokens from
 * `mcp-apim token --authority <origin>` validate). Forwarded requests go to the real MCP server;
 * server-sent events stream through as they arrive; a client that hangs up ends the upstream
 * exchange too.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config/types.ts';
import { type Diagnostic, diagnostic, hasErrors } from '../diagnostics/index.ts';
import { compileConfig } from '../emit/compile.ts';
import { buildDeployment, type Deployment, policiesFromFiles } from '../runtime/deployment.ts';
import { gatewayError, internalError } from '../runtime/gateway-errors.ts';
import { tenantUrls } from '../runtime/identity/entra.ts';
import type { DevKeys } from '../runtime/identity/keys.ts';
import { UnsupportedFeature } from '../runtime/pipeline.ts';
import type { BackendResponse, BodyStream, GatewayResponse, Headers, Ports } from '../runtime/types.ts';
import { emulatorPorts, identityDocument, replayTarget, runRequest } from '../traffic/emulator-ports.ts';
import { logLine, requestedCall, summarize, traceLines } from './access-log.ts';
import { localConfig } from './local-config.ts';
import { corkForTick, pump } from './pump.ts';
import { recordedAuthorization } from './recorded-token.ts';
import { type ExchangeRecord, TrafficRecorder } from './recorder.ts';
import { clientCertificateOf, createGatewayServer, type GatewayTls, gatewayScheme } from './tls.ts';
import { headersOf, upstream as upstreamClient } from './upstream.ts';

export interface GatewayOptions {
  /** The loaded config (compiled here, with the local authority and upstream). */
  readonly config: Config;
  /** The MCP server's URL: the API's service URL while serving. */
  readonly upstream: string;
  readonly keys: DevKeys;
  /** 0 picks a free port. */
  readonly port: number;
  /** Loopback address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Appends every exchange to this traffic file. */
  readonly record?: string;
  /** Receives one line per request (and the policy trace with `trace`). */
  readonly log?: (line: string) => void;
  readonly trace?: boolean;
  /** Serve HTTPS (and ask for client certificates when it has a client CA). */
  readonly tls?: GatewayTls;
}

export interface RunningGateway {
  /** `http://127.0.0.1:<port>`: also the token authority. */
  readonly origin: string;
  /** Where MCP clients connect: the origin plus the API path. */
  readonly mcpUrl: string;
  /** The token issuer this gateway trusts. */
  readonly issuer: string;
  /** The compile warnings (errors stop the start). */
  readonly diagnostics: readonly Diagnostic[];
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo | Error> {
  return new Promise((resolve) => {
    const failed = (error: Error) => resolve(error);
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve(server.address() as AddressInfo);
    });
  });
}

function writeJson(res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

/**
 * Reads the request body, keeping at most `limit + 1` bytes: the compiled policy refuses any body
 * over the limit (413, after the token check), and a body cut one byte past the limit gets the
 * same decision without the gateway buffering a 1 GB upload. The rest is read and dropped, so the
 * connection stays usable.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    req.on('data', (chunk: Buffer) => {
      if (kept > limit) return;
      const room = limit + 1 - kept;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(part);
      kept += part.length;
    });
    req.on('end', () => resolve(chunks.length === 0 ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Passes each chunk on while keeping a copy (for --record). */
async function* copying(stream: BodyStream, copy: Buffer[]): BodyStream {
  for await (const chunk of stream) {
    copy.push(Buffer.from(chunk));
    yield chunk;
  }
}

const outgoingHeaders = (headers: Headers) => Object.fromEntries([...headers].map(([name, values]) => [name, values.length === 1 ? values[0]! : values]));

interface Ready {
  readonly deployment: Deployment;
  readonly base: Omit<Ports, 'backend'>;
  readonly api: ReturnType<typeof replayTarget>['api'];
  readonly localIssuer: string;
  readonly replayIssuer: string;
}

/**
 * APIM caches a tenant's OpenID configuration and keys (reference/apim-semantics.md: JWKS
 * refreshed hourly); the local identity provider's documents never change while serving, so
 * they are built once rather than per request.
 */
function cachedIdentityDocuments(ports: Omit<Ports, 'backend'>): Omit<Ports, 'backend'> {
  const documents = new Map<string, Promise<unknown>>();
  return {
    ...ports,
    fetchJson: (url) => {
      let document = documents.get(url);
      if (!document) {
        document = ports.fetchJson(url);
        documents.set(url, document);
        document.catch(() => documents.delete(url));
      }
      return document;
    },
  };
}

/** Starts the gateway; on a diagnostic error (bad config, port taken, record file) nothing keeps running. */
export async function startGateway(options: GatewayOptions): Promise<{ gateway?: RunningGateway; diagnostics: Diagnostic[] }> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const { config, keys } = options;
  let recorder: TrafficRecorder | undefined;
  if (options.record !== undefined) {
    try {
      // Each serve starts with empty counters: a replay must let every window of an earlier session empty first.
      const longestWindow = Math.max(60, ...config.limits.map((l) => l.renewalPeriod), ...config.roles.map((r) => r.rateLimit?.renewalPeriod ?? 0));
      recorder = new TrafficRecorder(options.record, (longestWindow + 1) * 1000);
    } catch (error) {
      return { diagnostics: [diagnostic('MA9102', `cannot append to ${options.record}: ${(error as Error).message}`)] };
    }
  }

  // Filled once the port is known (the origin is the token authority the policies are compiled for).
  const running: { ready?: Ready } = {};
  const upstream = upstreamClient();
  let origin = '';
  const server = createGatewayServer(options.tls, (req, res) => {
    if (!running.ready) {
      writeJson(res, 503, { statusCode: 503, message: 'the gateway is starting' });
      return;
    }
    void serveRequest(req, res, running.ready);
  });

  const address = await listen(server, options.port, host);
  if (address instanceof Error) {
    upstream.close();
    return { diagnostics: [diagnostic('MA9101', `cannot listen on ${host}:${options.port}: ${address.message}`)] };
  }
  origin = `${gatewayScheme(options.tls)}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  const served = localConfig(config, origin, options.upstream);
  const compiled = compileConfig(served);
  const diagnostics: Diagnostic[] = [...compiled.diagnostics];
  const built = hasErrors(diagnostics) ? undefined : buildDeployment(served.api.path, policiesFromFiles(compiled.files));
  if (built) diagnostics.push(...built.diagnostics);
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      upstream.close();
    });
  if (!built?.deployment || hasErrors(diagnostics)) {
    await stop();
    return { diagnostics };
  }
  const target = replayTarget(served);
  const ready: Ready = {
    deployment: built.deployment,
    api: target.api,
    base: cachedIdentityDocuments(emulatorPorts({ now: Date.now, newId: randomUUID, identity: target.identity, api: target.api, keys })),
    localIssuer: tenantUrls(origin, config.identity.tenantId).issuerV2,
    replayIssuer: tenantUrls(config.identity.authority, config.identity.tenantId).issuerV2,
  };

  running.ready = ready;

  async function serveRequest(req: IncomingMessage, res: ServerResponse, at: Ready): Promise<void> {
    const started = performance.now();
    const arrivedAt = Date.now();
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const document = method === 'GET' ? identityDocument(origin, keys, `${origin}${path}`) : undefined;
    if (document !== undefined) {
      writeJson(res, 200, document, { 'cache-control': 'no-store' });
      log(logLine({ agent: '-', method: 'GET', tool: path.split('?')[0]!, decision: 'identity-provider' }, 200, performance.now() - started));
      return;
    }
    const finishRecord = recorder?.begin(arrivedAt);
    let recorded = false;
    const upstreamAbort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) upstreamAbort.abort();
    });
    const headers = headersOf(req);
    let body: string | undefined;
    let answer: BackendResponse | undefined;
    let response: GatewayResponse | undefined;
    const captured: Buffer[] | undefined = recorder ? [] : undefined;
    const clientCertificate = clientCertificateOf(req);
    const record = (backendBody: string) => {
      if (!finishRecord || recorded) return;
      recorded = true;
      const summary = summarize(response?.trace ?? [], requestedCall(method, body), res.statusCode, response?.forwarded ?? false);
      const entry: ExchangeRecord = {
        method,
        path,
        headers,
        body,
        ...(clientCertificate ? { clientCertificate } : {}),
        authorization: recordedAuthorization(headers.get('authorization')?.join(', '), { keys, localIssuer: at.localIssuer, replayIssuer: at.replayIssuer, audience: config.identity.audiences[0]!, tenantId: config.identity.tenantId, now: Math.floor(arrivedAt / 1000) }),
        backend: answer && response?.forwarded ? { status: answer.status, headers: answer.headers, body: answer.stream ? backendBody : answer.body } : undefined,
        status: response?.status ?? res.statusCode,
        forwarded: response?.forwarded ?? false,
        responseBody: response?.body ?? '',
        label: `${summary.method}${summary.tool === '-' ? '' : ` ${summary.tool}`}${summary.agent === '-' ? '' : ` by ${summary.agent}`}: ${summary.decision} ${response?.status ?? res.statusCode}`,
      };
      finishRecord(entry);
    };
    try {
      body = await readBody(req, config.security.maxBodyBytes);
      const ports: Ports = {
        ...at.base,
        backend: async (request) => {
          answer = await upstream.backend(upstreamAbort.signal)(request);
          return answer;
        },
      };
      const host = /^[\w.\-:[\]]+$/.test(req.headers.host ?? '') ? req.headers.host! : new URL(origin).host;
      response = await runRequest(at.deployment, at.api, { method, path, url: `${gatewayScheme(options.tls)}://${host}${path}`, headers, ...(body === undefined ? {} : { body }), ...(req.socket.remoteAddress ? { ipAddress: req.socket.remoteAddress.replace(/^::ffff:/, '') } : {}), ...(clientCertificate ? { clientCertificate } : {}) }, ports);
      // A policy replaced the streamed answer (on-error): nobody reads the upstream body any more.
      if (answer?.stream && response.stream !== answer.stream) upstreamAbort.abort();
      res.writeHead(response.status, response.reason || STATUS_CODES[response.status] || '', outgoingHeaders(response.stream ? response.headers : new Map([...response.headers, ['content-length', [String(Buffer.byteLength(response.body))]]])));
      if (!response.stream) {
        res.end(response.body);
      } else {
        // Headers go out in this tick, with whatever part of the body arrives in it.
        corkForTick(res);
        if (!(response.stream instanceof Readable && response.stream.readableLength > 0)) res.flushHeaders();
        // The server's GET event stream stays open for the session: it is recorded as it opens.
        if (method === 'GET') record('');
        // The response ends with the stream, and the upstream stream is destroyed when the client goes away.
        if (response.stream instanceof Readable && !captured) await pump(response.stream, res);
        else await pipeline(captured ? copying(response.stream, captured) : response.stream, res);
      }
    } catch (error) {
      if (!res.headersSent) {
        const failure = error instanceof UnsupportedFeature ? gatewayError(500, `mcp-apim serve cannot run this policy: ${error.message}`) : internalError(randomUUID());
        res.writeHead(failure.status, { ...failure.headers, 'content-length': Buffer.byteLength(failure.body) });
        res.end(failure.body);
        log(`  ${error instanceof Error ? error.message : String(error)}`);
      } else res.destroy(); // the stream broke mid-way: the client sees it end abruptly, as from APIM
    } finally {
      record(captured ? Buffer.concat(captured).toString('utf8') : '');
      const status = response?.status ?? res.statusCode;
      if (options.log) {
        options.log(logLine(summarize(response?.trace ?? [], requestedCall(method, body), status, response?.forwarded ?? false), status, performance.now() - started));
        if (options.trace && response) for (const line of traceLines(response.trace)) options.log(line);
      }
    }
  }

  return {
    diagnostics,
    gateway: {
      origin,
      mcpUrl: `${origin}/${config.api.path.replace(/^\/+|\/+$/g, '')}`,
      issuer: ready.localIssuer,
      diagnostics,
      close: stop,
    },
  };
}
