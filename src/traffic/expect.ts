import type { Expectation, Observed } from './types.ts';

/**
 * Deep subset match (DESIGN §6): objects may carry more members than expected; arrays match
 * element by element and must have the same length; everything else is strict equality.
 */
export function subsetMatches(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => subsetMatches(e, actual[i]));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, v]) => Object.hasOwn(actual, k) && subsetMatches(v, (actual as Record<string, unknown>)[k]));
  }
  return Object.is(expected, actual);
}

function headerFailures(expected: Readonly<Record<string, string | boolean>>, actual: Readonly<Record<string, string>>, label: string): string[] {
  const failures: string[] = [];
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name.toLowerCase()];
    if (want === true && got === undefined) failures.push(`${label} ${name}: expected present, was absent`);
    else if (want === false && got !== undefined) failures.push(`${label} ${name}: expected absent, got ${JSON.stringify(got)}`);
    else if (typeof want === 'string' && got !== want) failures.push(`${label} ${name}: expected ${JSON.stringify(want)}, got ${got === undefined ? 'nothing' : JSON.stringify(got)}`);
  }
  return failures;
}

/** `expect.upstream`: what the backend received. */
function checkUpstream(expected: NonNullable<Expectation['upstream']>, actual: Observed['upstream']): string[] {
  if (!actual) return ['upstream: expected a request to reach the backend, none did'];
  const failures: string[] = [];
  if (expected.method !== undefined && expected.method !== actual.method) failures.push(`upstream.method: expected ${expected.method}, got ${actual.method}`);
  if (expected.url !== undefined && expected.url !== actual.url) failures.push(`upstream.url: expected ${expected.url}, got ${actual.url}`);
  failures.push(...headerFailures(expected.headers ?? {}, actual.headers, 'upstream header'));
  if (expected.body !== undefined) {
    const matches = typeof expected.body === 'string' ? expected.body === actual.bodyText : subsetMatches(expected.body, parseBody(actual.bodyText));
    if (!matches) failures.push(`upstream.body: expected ${typeof expected.body === 'string' ? JSON.stringify(expected.body) : `to contain ${JSON.stringify(expected.body)}`}, got ${JSON.stringify(actual.bodyText)}`);
  }
  return failures;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The unmet parts of an expectation, as sentences; empty when everything holds. */
export function checkExpectation(expect: Expectation, observed: Observed): string[] {
  const failures: string[] = [];
  if (expect.status !== undefined && expect.status !== observed.status) failures.push(`status: expected ${expect.status}, got ${observed.status}`);
  if (expect.forwarded !== undefined && expect.forwarded !== observed.forwarded) failures.push(`forwarded: expected ${expect.forwarded}, got ${observed.forwarded}`);
  failures.push(...headerFailures(expect.headers ?? {}, observed.headers, 'header'));
  const body = expect.body !== undefined || expect.jsonrpcErrorCode !== undefined ? parseBody(observed.bodyText) : undefined;
  if (expect.body !== undefined && !subsetMatches(expect.body, body ?? observed.bodyText)) {
    failures.push(`body: expected to contain ${JSON.stringify(expect.body)}, got ${observed.bodyText.length > 500 ? `${observed.bodyText.slice(0, 500)}…` : observed.bodyText}`);
  }
  if (expect.upstream !== undefined) failures.push(...checkUpstream(expect.upstream, observed.upstream));
  if (expect.jsonrpcErrorCode !== undefined) {
    const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
    if (code !== expect.jsonrpcErrorCode) failures.push(`jsonrpcErrorCode: expected ${expect.jsonrpcErrorCode}, got ${code === undefined ? 'no JSON-RPC error' : JSON.stringify(code)}`);
  }
  return failures;
}
