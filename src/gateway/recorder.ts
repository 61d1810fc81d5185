/**
 * `serve --record`: appends each exchange to a traffic file (DESIGN §6) so a session becomes a
 * regression test. Lines are written in the order requests arrived, with `advance` set to the
 * real time between arrivals, so a replay on the virtual clock sees the same rate-limit windows.
 * An exchange is written when it ends; a forwarded GET (the server's event stream, open for the
 * whole session) is written when its response starts, without its events.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import type { ClientCertificate } from '../runtime/certificate.ts';
import type { Headers } from '../runtime/types.ts';
import { type RecordedAuthorization } from './recorded-token.ts';

/** Request headers a recording leaves out: credentials (the token is kept as claims), and what the transport sets. */
const UNRECORDED_REQUEST = new Set(['authorization', 'proxy-authorization', 'cookie', 'host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade']);
const UNRECORDED_RESPONSE = new Set(['set-cookie', 'date', 'content-length', 'connection', 'keep-alive', 'transfer-encoding']);

export interface ExchangeRecord {
  readonly method: string;
  readonly path: string;
  readonly headers: Headers;
  readonly body: string | undefined;
  readonly authorization: RecordedAuthorization;
  /** The TLS client certificate, kept as its fields (`request.clientCertificate` replays it). */
  readonly clientCertificate?: ClientCertificate;
  /** The upstream's answer when the request was forwarded. */
  readonly backend: { readonly status: number; readonly headers: Headers; readonly body: string } | undefined;
  readonly status: number;
  readonly forwarded: boolean;
  /** The gateway's own answer body (for the JSON-RPC error code of a refusal). */
  readonly responseBody: string;
  /** MCP method and tool, for the exchange's name. */
  readonly label: string;
}

const flat = (headers: Headers, skip: ReadonlySet<string>): Record<string, string> =>
  Object.fromEntries([...headers].filter(([name]) => !skip.has(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, values]) => [name, values.join(', ')]));

/** `body` when the text is JSON that serialises back to exactly the same text, `bodyText` otherwise. */
function bodyMember(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (JSON.stringify(value) === text) return { body: value };
  } catch {
    // not JSON: kept as text
  }
  return { bodyText: text };
}

/**
 * What a replay must see of an answer the gateway gave itself: the JSON-RPC error code of a
 * refusal, and the names of the tools a `tools/list` answer showed (the role filtering).
 */
function gatewayAnswer(text: string): { jsonrpcErrorCode?: number; body?: unknown } {
  let value: { error?: { code?: unknown }; result?: { tools?: unknown } };
  try {
    value = JSON.parse(text) as typeof value;
  } catch {
    return {};
  }
  if (typeof value?.error?.code === 'number') return { jsonrpcErrorCode: value.error.code };
  const tools = value?.result?.tools;
  if (Array.isArray(tools)) return { body: { result: { tools: tools.map((t: { name?: unknown }) => ({ name: t?.name })) } } };
  return {};
}

/** A client certificate as traffic-file fields (the format src/traffic/client-certificate.ts reads). */
function recordedCertificate(c: ClientCertificate): Record<string, unknown> {
  return {
    thumbprint: c.thumbprint,
    subject: c.subject,
    issuer: c.issuer,
    serialNumber: c.serialNumber,
    notBefore: new Date(c.notBefore).toISOString(),
    notAfter: new Date(c.notAfter).toISOString(),
    ...(c.dnsNames.length > 0 ? { dnsNames: c.dnsNames } : {}),
    ...(c.issuerThumbprint ? { issuerThumbprint: c.issuerThumbprint } : {}),
    trusted: c.trusted,
  };
}

/** One traffic line for an exchange: the request (token as claims), the upstream's answer, and the decision as `expect`. */
export function exchangeLine(name: string, advanceMs: number, record: ExchangeRecord): Record<string, unknown> {
  return {
    name,
    advance: `${Math.max(0, Math.round(advanceMs))}ms`,
    request: {
      method: record.method,
      path: record.path,
      headers: { ...flat(record.headers, UNRECORDED_REQUEST), ...('authorization' in record.authorization ? { authorization: record.authorization.authorization } : {}) },
      ...('token' in record.authorization ? { token: record.authorization.token } : {}),
      ...bodyMember(record.body),
      ...(record.clientCertificate ? { clientCertificate: recordedCertificate(record.clientCertificate) } : {}),
    },
    ...(record.backend ? { backend: { status: record.backend.status, headers: flat(record.backend.headers, UNRECORDED_RESPONSE), ...bodyMember(record.backend.body) } } : {}),
    expect: { status: record.status, forwarded: record.forwarded, ...(record.forwarded ? {} : gatewayAnswer(record.responseBody)) },
  };
}

interface Slot {
  readonly arrivedAt: number;
  record?: ExchangeRecord;
}

export class TrafficRecorder {
  readonly #file: string;
  readonly #pending: Slot[] = [];
  #sequence: number;
  #lastWrittenArrival: number | undefined;
  /** Advance of this session's first exchange. */
  readonly #firstAdvanceMs: number;

  /**
   * `sessionGapMs`: how far a replay moves the clock between an earlier session already in the
   * file and this one (each `serve` starts with empty counters, so every window must have emptied).
   */
  constructor(file: string, sessionGapMs: number) {
    this.#file = file;
    let existing: string;
    try {
      existing = readFileSync(file, 'utf8');
    } catch {
      existing = '';
    }
    this.#sequence = existing.split('\n').filter((l) => l.trim() !== '').length;
    this.#firstAdvanceMs = this.#sequence > 0 ? sessionGapMs : 0;
    // Fails now, not at the first request, when the file cannot be written.
    appendFileSync(file, '');
  }

  /** Reserves the exchange's place in arrival order; call the result when the exchange is complete. */
  begin(arrivedAt: number): (record: ExchangeRecord) => void {
    const slot: Slot = { arrivedAt };
    this.#pending.push(slot);
    return (record) => {
      slot.record = record;
      this.#flush();
    };
  }

  #flush(): void {
    while (this.#pending[0]?.record) {
      const slot = this.#pending.shift()!;
      const advance = this.#lastWrittenArrival === undefined ? this.#firstAdvanceMs : slot.arrivedAt - this.#lastWrittenArrival;
      this.#lastWrittenArrival = slot.arrivedAt;
      this.#sequence += 1;
      appendFileSync(this.#file, `${JSON.stringify(exchangeLine(`#${this.#sequence} ${slot.record!.label}`, advance, slot.record!))}\n`);
    }
  }
}
