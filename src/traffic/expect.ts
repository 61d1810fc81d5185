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
  for (const [name, want] of Object.entries(expect.headers ?? {})) {
    const got = observed.headers[name.toLowerCase()];
    if (want === true && got === undefined) failures.push(`header ${name}: expected present, was absent`);
    else if (want === false && got !== undefined) failures.push(`header ${name}: expected absent, got ${JSON.stringify(got)}`);
    else if (typeof want === 'string' && got !== want) failures.push(`header ${name}: expected ${JSON.stringify(want)}, got ${got === undefined ? 'nothing' : JSON.stringify(got)}`);
  }
  const body = expect.body !== undefined || expect.jsonrpcErrorCode !== undefined ? parseBody(observed.bodyText) : undefined;
  if (expect.body !== undefined && !subsetMatches(expect.body, body ?? observed.bodyText)) {
    failures.push(`body: expected to contain ${JSON.stringify(expect.body)}, got ${observed.bodyText.length > 500 ? `${observed.bodyText.slice(0, 500)}…` : observed.bodyText}`);
  }
  if (expect.jsonrpcErrorCode !== undefined) {
    const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
    if (code !== expect.jsonrpcErrorCode) failures.push(`jsonrpcErrorCode: expected ${expect.jsonrpcErrorCode}, got ${code === undefined ? 'no JSON-RPC error' : JSON.stringify(code)}`);
  }
  return failures;
}
