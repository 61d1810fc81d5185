/**
 * Responses the APIM gateway generates itself, byte for byte as observed from real gateways
 * (reference/apim-semantics.md §3.2): `{ "statusCode": N, "message": "…" }` with a space inside
 * the braces and after each colon, `Content-Type: application/json`. The 429 of a rate limit is
 * 84 bytes for "Try again in 57 seconds." — the length a real capture shows.
 */
export interface GatewayResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** JSON string encoding as .NET writes it for these bodies. */
function jsonString(value: string): string {
  return JSON.stringify(value);
}

export function gatewayError(status: number, message: string, extraHeaders: Readonly<Record<string, string>> = {}, activityId?: string): GatewayResponse {
  const body = activityId === undefined ? `{ "statusCode": ${status}, "message": ${jsonString(message)} }` : `{ "statusCode": ${status}, "message": ${jsonString(message)}, "activityId": ${jsonString(activityId)} }`;
  return { status, headers: { 'content-type': 'application/json', ...extraHeaders }, body };
}

/** 429 from rate-limit / rate-limit-by-key ("1 seconds" is what APIM says, too). */
export function rateLimitExceeded(retryAfterSeconds: number, retryAfterHeader = 'Retry-After'): GatewayResponse {
  return gatewayError(429, `Rate limit is exceeded. Try again in ${retryAfterSeconds} seconds.`, { [retryAfterHeader.toLowerCase()]: String(retryAfterSeconds) });
}

/** .NET TimeSpan "c" format: `hh:mm:ss`, or `d.hh:mm:ss` from one day on. */
export function timeSpanC(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86400);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return days > 0 ? `${days}.${clock}` : clock;
}

/** 403 from quota / quota-by-key. */
export function quotaExceeded(retryAfterSeconds: number): GatewayResponse {
  return gatewayError(403, `Out of call volume quota. Quota will be replenished in ${timeSpanC(retryAfterSeconds)}.`, { 'retry-after': String(retryAfterSeconds) });
}

/** 500 for an unhandled failure (expression exception, policy error) with the request's activity id. */
export function internalError(activityId: string): GatewayResponse {
  return gatewayError(500, 'Internal server error', {}, activityId);
}
