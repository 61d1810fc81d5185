/**
 * The backend port over a real network: sends the request the policies produced to the MCP
 * server, and answers with a stream when the policy asked for one (forward-request
 * buffer-response="false"), so server-sent events reach the client as they arrive. A failure
 * to connect, or an upstream that hangs up before answering, is APIM's BackendConnectionFailure.
 *
 * The client is undici (docs/decisions.md): per call it costs the gateway about a third less CPU
 * than node:http's ClientRequest, which was the largest part of the adapter's cost.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { Agent } from 'undici';
import { type BackendRequest, type BackendResponse, type Headers, PolicyFailure } from '../runtime/types.ts';

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the sender recomputes. */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization', 'host', 'content-length']);

/** Methods whose request carries no body unless the policy left one. */
const BODILESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/** Headers of a node:http message as the runtime keeps them (lower-case names, every value). */
export function headersOf(message: IncomingMessage): Headers {
  const headers: Headers = new Map();
  for (const [name, values] of Object.entries(message.headersDistinct)) if (values) headers.set(name, values);
  return headers;
}

/** An upstream answer's headers as the runtime keeps them, without the hop-by-hop ones. */
function answerHeaders(headers: IncomingHttpHeaders): Headers {
  const out: Headers = new Map();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    out.set(name, Array.isArray(value) ? value : [value]);
  }
  return out;
}

export interface Upstream {
  /** The backend port for one request; `signal` ends the upstream exchange (the client went away). */
  backend(signal: AbortSignal): (request: BackendRequest) => Promise<BackendResponse>;
  /** Closes the kept-alive connections. */
  close(): void;
}

export function upstream(): Upstream {
  // One pool of kept-alive connections per upstream origin. No time limits of undici's own: an
  // MCP server's GET event stream stays open, and quiet, for the whole session.
  const dispatcher = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  return {
    backend: (signal) => (request) => send(request, signal, dispatcher),
    close() {
      void dispatcher.destroy();
    },
  };
}

async function send(request: BackendRequest, signal: AbortSignal, dispatcher: Agent): Promise<BackendResponse> {
  const url = new URL(request.url);
  const headers: Record<string, string | string[]> = {};
  for (const [name, values] of request.headers) if (!NOT_FORWARDED.has(name)) headers[name] = values.length === 1 ? values[0]! : values;
  // A buffered body is handed to policies as text: ask for it uncompressed. Streams pass through as sent.
  if (!request.streamResponse) delete headers['accept-encoding'];
  const body = request.body ?? '';
  let answer;
  try {
    // content-length is computed by undici from the body (and is 0 for a POST without one)
    answer = await dispatcher.request({ origin: url.origin, path: `${url.pathname}${url.search}`, method: request.method as 'POST', headers, body: body === '' && BODILESS.has(request.method) ? null : body, signal });
  } catch (error) {
    throw connectionFailure(request, url, signal, error);
  }
  // undici does not report the reason phrase: the standard one for the status stands in
  const status = answer.statusCode;
  const head = { status, reason: STATUS_CODES[status] ?? '', headers: answerHeaders(answer.headers) };
  if (request.streamResponse) return { ...head, body: '', stream: answer.body };
  try {
    return { ...head, body: await answer.body.text() };
  } catch (error) {
    throw connectionFailure(request, url, signal, error);
  }
}

function connectionFailure(request: BackendRequest, url: URL, signal: AbortSignal, error: unknown): PolicyFailure {
  const reason = signal.aborted ? 'ClientConnectionFailure' : 'BackendConnectionFailure';
  const cause = error instanceof Error ? (error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message) : String(error);
  return new PolicyFailure('forward-request', reason, `${request.method} ${url.origin}${url.pathname}: ${cause}`);
}
