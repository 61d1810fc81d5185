/**
 * The backend port over a real network: sends the request the policies produced to the MCP
 * server, and answers with a stream when the policy asked for one (forward-request
 * buffer-response="false"), so server-sent events reach the client as they arrive. A failure
 * to connect, or an upstream that hangs up before answering, is APIM's BackendConnectionFailure.
 */
import { Agent as HttpAgent, type IncomingMessage, type OutgoingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { type BackendRequest, type BackendResponse, type Headers, PolicyFailure } from '../runtime/types.ts';

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the sender recomputes. */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization', 'host', 'content-length']);

/** Headers of a node:http message as the runtime keeps them (lower-case names, every value). */
export function headersOf(message: IncomingMessage): Headers {
  const headers: Headers = new Map();
  for (const [name, values] of Object.entries(message.headersDistinct)) if (values) headers.set(name, values);
  return headers;
}

/** Drops the headers a proxy must not pass on (both directions). */
export function endToEndHeaders(headers: Headers): Headers {
  return new Map([...headers].filter(([name]) => !NOT_FORWARDED.has(name)));
}

export interface Upstream {
  /** The backend port for one request; `signal` ends the upstream exchange (the client went away). */
  backend(signal: AbortSignal): (request: BackendRequest) => Promise<BackendResponse>;
  /** Closes idle kept-alive connections. */
  close(): void;
}

export function upstream(): Upstream {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  return {
    backend: (signal) => (request) => send(request, signal, agents),
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

function send(request: BackendRequest, signal: AbortSignal, agents: { http: HttpAgent; https: HttpsAgent }): Promise<BackendResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const https = url.protocol === 'https:';
    const headers: OutgoingHttpHeaders = {};
    for (const [name, values] of endToEndHeaders(request.headers)) headers[name] = values.length === 1 ? values[0] : values;
    // A buffered body is handed to policies as text: ask for it uncompressed. Streams pass through as sent.
    if (!request.streamResponse) delete headers['accept-encoding'];
    const body = request.body ?? '';
    if (body !== '' || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(request.method)) headers['content-length'] = Buffer.byteLength(body);
    const failed = (error: Error) => {
      const reason = signal.aborted ? 'ClientConnectionFailure' : 'BackendConnectionFailure';
      reject(new PolicyFailure('forward-request', reason, `${request.method} ${url.origin}${url.pathname}: ${error.message}`));
    };
    const outgoing = (https ? httpsRequest : httpRequest)(url, { method: request.method, headers, signal, agent: https ? agents.https : agents.http }, (incoming) => {
      const answer = { status: incoming.statusCode ?? 502, reason: incoming.statusMessage ?? '', headers: endToEndHeaders(headersOf(incoming)) };
      if (request.streamResponse) {
        resolve({ ...answer, body: '', stream: incoming });
        return;
      }
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve({ ...answer, body: Buffer.concat(chunks).toString('utf8') }));
      incoming.on('error', failed);
    });
    outgoing.on('error', failed);
    outgoing.end(body);
  });
}
