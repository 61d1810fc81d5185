import { type Diagnostic, diagnostic, LineIndex } from '../diagnostics/index.ts';
import { readClientCertificate } from './client-certificate.ts';
import type { BackendAnswer, Exchange, Expectation, TokenSpec, TrafficRequest } from './types.ts';

/** Parses `61s`, `5m`, `2h`, `500ms`, `0s` into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a traffic file (JSON Lines, DESIGN §6). Every problem is a diagnostic with the file and
 * line; blank lines are skipped. Exchanges are returned only when the whole file is valid.
 */
export function parseTraffic(file: string, text: string): { exchanges: Exchange[]; diagnostics: Diagnostic[] } {
  const index = new LineIndex(file, text);
  const diagnostics: Diagnostic[] = [];
  const exchanges: Exchange[] = [];
  const names = new Map<string, number>();
  let offset = 0;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = i + 1;
    const lineStart = offset;
    offset += raw.length + 1;
    if (raw.trim() === '') continue;
    const span = index.span(lineStart, lineStart + raw.replace(/\r$/, '').length);
    const fail = (code: Parameters<typeof diagnostic>[0], message: string) => diagnostics.push(diagnostic(code, message, span));
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      fail('MA7001', `line ${line} is not valid JSON: ${(error as Error).message}`);
      continue;
    }
    if (!isObject(value)) {
      fail('MA7002', `line ${line}: an exchange must be a JSON object`);
      continue;
    }
    const problems: string[] = [];
    const name = typeof value.name === 'string' && value.name.trim() !== '' ? value.name : undefined;
    if (!name) problems.push('"name" must be a non-empty string');
    let advanceMs = 0;
    if (value.advance !== undefined) {
      const ms = typeof value.advance === 'string' ? parseDuration(value.advance) : undefined;
      if (ms === undefined) fail('MA7006', `line ${line}: "advance" must be a duration such as "61s", "5m" or "500ms", not ${JSON.stringify(value.advance)}`);
      else advanceMs = ms;
    }
    if (value.expect === undefined) {
      fail('MA7003', `line ${line}${name ? ` (${name})` : ''}: an exchange needs "expect"; without it nothing is tested`);
      continue;
    }
    const request = readRequest(value.request, problems, (code, message) => fail(code, `line ${line}: ${message}`));
    const backend = value.backend === undefined ? undefined : readBackend(value.backend, problems);
    const expect = readExpect(value.expect, problems);
    for (const key of Object.keys(value)) if (!['name', 'advance', 'request', 'backend', 'expect', 'note'].includes(key)) problems.push(`unknown member "${key}"`);
    if (problems.length > 0) {
      fail('MA7002', `line ${line}${name ? ` (${name})` : ''}: ${problems.join('; ')}`);
      continue;
    }
    if (!request || !expect || !name) continue;
    const first = names.get(name);
    if (first !== undefined) {
      fail('MA7004', `line ${line}: the name ${JSON.stringify(name)} is already used on line ${first}`);
      continue;
    }
    names.set(name, line);
    exchanges.push({ name, advanceMs, request, ...(backend ? { backend } : {}), expect, line });
  }
  return { exchanges: diagnostics.length > 0 ? [] : exchanges, diagnostics };
}

function readHeaders(value: unknown, where: string, problems: string[]): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) {
    problems.push(`${where} must be an object of header names to string values`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') problems.push(`${where}.${k} must be a string`);
    else out[k.toLowerCase()] = v;
  }
  return out;
}

function bodyOf(value: Json, where: string, problems: string[], conflict: () => void): string | undefined {
  if (value.body !== undefined && value.bodyText !== undefined) {
    conflict();
    return undefined;
  }
  if (value.bodyText !== undefined) {
    if (typeof value.bodyText !== 'string') problems.push(`${where}.bodyText must be a string`);
    return typeof value.bodyText === 'string' ? value.bodyText : undefined;
  }
  return value.body === undefined ? undefined : JSON.stringify(value.body);
}

function readRequest(value: unknown, problems: string[], fail: (code: 'MA7005' | 'MA7007' | 'MA7020', message: string) => void): TrafficRequest | undefined {
  if (!isObject(value)) {
    problems.push('"request" must be an object');
    return undefined;
  }
  if (typeof value.method !== 'string' || !/^[A-Z]+$/.test(value.method)) problems.push('request.method must be an HTTP method in capitals');
  if (typeof value.path !== 'string' || !value.path.startsWith('/')) problems.push('request.path must start with "/"');
  const headers = readHeaders(value.headers, 'request.headers', problems);
  let token: TokenSpec | undefined;
  if (value.token !== undefined) {
    if (headers.authorization !== undefined) fail('MA7005', 'give either request.headers.authorization or request.token, not both');
    if (!isObject(value.token)) problems.push('request.token must be an object');
    else {
      const t = value.token;
      if (t.claims !== undefined && !isObject(t.claims)) problems.push('request.token.claims must be an object');
      if (t.header !== undefined && !isObject(t.header)) problems.push('request.token.header must be an object');
      if (t.signWith !== undefined && !['dev', 'foreign', 'none'].includes(t.signWith as string)) problems.push('request.token.signWith must be "dev", "foreign" or "none"');
      token = { ...(isObject(t.claims) ? { claims: t.claims } : {}), ...(isObject(t.header) ? { header: t.header } : {}), ...(t.signWith ? { signWith: t.signWith as TokenSpec['signWith'] & string } : {}) };
    }
  }
  const bodyText = bodyOf(value, 'request', problems, () => fail('MA7007', 'give either request.body or request.bodyText, not both'));
  const certificate = value.clientCertificate === undefined ? undefined : readClientCertificate(value.clientCertificate);
  if (certificate && certificate.problems.length > 0) fail('MA7020', certificate.problems.join('; '));
  if (typeof value.method !== 'string' || typeof value.path !== 'string') return undefined;
  return { method: value.method, path: value.path, headers, ...(token ? { token } : {}), ...(bodyText !== undefined ? { bodyText } : {}), ...(certificate?.certificate ? { clientCertificate: certificate.certificate } : {}) };
}

function readBackend(value: unknown, problems: string[]): BackendAnswer | undefined {
  if (!isObject(value)) {
    problems.push('"backend" must be an object');
    return undefined;
  }
  const status = value.status ?? 200;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) problems.push('backend.status must be an HTTP status code');
  const headers = readHeaders(value.headers, 'backend.headers', problems);
  const bodyText = bodyOf(value, 'backend', problems, () => problems.push('give either backend.body or backend.bodyText, not both'));
  return { status: status as number, headers, ...(bodyText !== undefined ? { bodyText } : {}) };
}

function readExpect(value: unknown, problems: string[]): Expectation | undefined {
  if (!isObject(value)) {
    problems.push('"expect" must be an object');
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    switch (key) {
      case 'status':
      case 'jsonrpcErrorCode':
        if (typeof v !== 'number' || !Number.isInteger(v)) problems.push(`expect.${key} must be a whole number`);
        else out[key] = v;
        break;
      case 'forwarded':
        if (typeof v !== 'boolean') problems.push('expect.forwarded must be true or false');
        else out[key] = v;
        break;
      case 'headers':
        if (!isObject(v) || Object.values(v).some((h) => typeof h !== 'string' && typeof h !== 'boolean')) problems.push('expect.headers must map header names to a string, true (present) or false (absent)');
        else out[key] = v;
        break;
      case 'body':
        out[key] = v;
        break;
      case 'upstream':
        if (!isObject(v)) problems.push('expect.upstream must be an object (method, url, headers, body)');
        else {
          for (const k of Object.keys(v)) if (!['method', 'url', 'headers', 'body'].includes(k)) problems.push(`unknown member expect.upstream.${k}`);
          if (v.method !== undefined && typeof v.method !== 'string') problems.push('expect.upstream.method must be a string');
          if (v.url !== undefined && typeof v.url !== 'string') problems.push('expect.upstream.url must be a string');
          if (v.headers !== undefined && (!isObject(v.headers) || Object.values(v.headers).some((h) => typeof h !== 'string' && typeof h !== 'boolean'))) problems.push('expect.upstream.headers must map header names to a string, true (present) or false (absent)');
          out[key] = v;
        }
        break;
      default:
        problems.push(`unknown member expect.${key}`);
    }
  }
  if (Object.keys(out).length === 0 && problems.length === 0) problems.push('"expect" must assert something (status, forwarded, headers, body, jsonrpcErrorCode or upstream)');
  return out as Expectation;
}
