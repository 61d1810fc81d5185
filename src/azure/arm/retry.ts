/**
 * Failure classification and the one retry layer of the deploy (the SDK's own retries are off,
 * see client.ts). Retried, with backoff: 429 (honouring Retry-After / retry-after-ms /
 * x-ms-retry-after-ms), 408, 5xx, 409 PessimisticConcurrencyConflict, 422
 * ManagementApiRequestFailed and network failures. Never retried here: 412 (the caller re-reads
 * and decides) and every other 4xx. Sleeping is injected so tests never wait.
 */
import { CROSS_ORIGIN } from './transport.ts';

export interface ArmFailure {
  /** HTTP status, when ARM answered. */
  readonly status?: number;
  /** ARM `error.code`, or the network error code. */
  readonly code: string;
  readonly message: string;
  readonly retryAfterMs?: number;
  readonly category: 'http' | 'network' | 'cross-origin' | 'operation-failed' | 'credential';
}

/** An ARM error answer from a raw request, shaped like the SDK's RestError. */
export class ArmRequestError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly retryAfterMs: number | undefined;
  constructor(statusCode: number, code: string, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'ArmRequestError';
    this.statusCode = statusCode;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

/** A long-running operation that ended as Failed or Canceled. */
export class OperationFailedError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'OperationFailedError';
    this.code = code;
  }
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'REQUEST_SEND_ERROR', 'UND_ERR_SOCKET']);

/** Reads the retry hint of an answer: Retry-After (seconds or HTTP date), retry-after-ms, x-ms-retry-after-ms. */
export function retryAfterMs(header: (name: string) => string | undefined | null, now = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = header(name);
    if (v && /^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v));
  }
  const v = header('retry-after')?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function classify(error: unknown): ArmFailure {
  const e = error as { statusCode?: number; code?: string; message?: string; retryAfterMs?: number; response?: { headers?: { get(name: string): string | undefined }; bodyAsText?: string | null }; name?: string };
  if (error instanceof OperationFailedError) return { code: error.code, message: error.message, category: 'operation-failed' };
  if (e?.name && /^(CredentialUnavailableError|AuthenticationError|AggregateAuthenticationError|AuthenticationRequiredError)$/.test(e.name)) return { code: e.name, message: e.message ?? e.name, category: 'credential' };
  if (e?.code === CROSS_ORIGIN) return { code: CROSS_ORIGIN, message: e.message ?? 'cross-origin request refused', category: 'cross-origin' };
  if (typeof e?.statusCode === 'number') {
    const headers = e.response?.headers;
    const hint = e.retryAfterMs ?? (headers ? retryAfterMs((n) => headers.get(n)) : undefined);
    const message = withDetails(e.message ?? '', e.response?.bodyAsText);
    return { status: e.statusCode, code: e.code ?? `Http${e.statusCode}`, message, ...(hint !== undefined ? { retryAfterMs: hint } : {}), category: 'http' };
  }
  const code = e?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  if (code && NETWORK_CODES.has(code)) return { code, message: e?.message ?? code, category: 'network' };
  // core-lro reports a failed operation as a plain Error whose message says so.
  if (e?.message && /long-running operation has failed|operation (was )?(failed|canceled|cancelled)/i.test(e.message)) return { code: 'OperationFailed', message: e.message, category: 'operation-failed' };
  if (e?.name === 'RestError') return { code: code ?? 'RequestFailed', message: e.message ?? String(error), category: 'network' };
  return { code: code ?? 'Error', message: e?.message ?? String(error), category: 'network' };
}

/**
 * ARM often says only "One or more fields contain incorrect values:" and puts the reason in
 * `error.details`; the reason is what a person needs, so it is appended.
 */
export function withDetails(message: string, body: string | null | undefined): string {
  if (!body) return message;
  try {
    const details = (JSON.parse(body) as { error?: { details?: { target?: string; message?: string }[] } }).error?.details ?? [];
    const reasons = details.map((d) => d.message).filter((m): m is string => typeof m === 'string' && !message.includes(m));
    return reasons.length > 0 ? `${message.replace(/[:\s]+$/, '')}: ${reasons.join('; ')}` : message;
  } catch {
    return message;
  }
}

export function isRetryable(f: ArmFailure): boolean {
  if (f.category === 'network') return true;
  if (f.category !== 'http' || f.status === undefined) return false;
  if (f.status === 429 || f.status === 408) return true;
  if (f.status >= 500 && f.status !== 501) return true;
  if (f.status === 409 && f.code === 'PessimisticConcurrencyConflict') return true;
  if (f.status === 422 && f.code === 'ManagementApiRequestFailed') return true;
  return false;
}

export interface RetryOptions {
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1); jitter. */
  readonly random: () => number;
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Told before each wait (progress output). */
  readonly onRetry?: (failure: ArmFailure, attempt: number, delayMs: number) => void;
}

export const DEFAULT_RETRY: Omit<RetryOptions, 'sleep' | 'random'> = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 60_000 };

export class RetriesExhausted extends Error {
  readonly failure: ArmFailure;
  readonly attempts: number;
  constructor(failure: ArmFailure, attempts: number) {
    super(failure.message);
    this.failure = failure;
    this.attempts = attempts;
  }
}

/** The wait before attempt `attempt + 1`: the server's hint if any, else exponential with jitter. */
export function backoffMs(failure: ArmFailure, attempt: number, options: Pick<RetryOptions, 'random' | 'baseDelayMs' | 'maxDelayMs'>): number {
  if (failure.retryAfterMs !== undefined) return Math.min(failure.retryAfterMs, options.maxDelayMs);
  const exp = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp * (0.5 + options.random() / 2));
}

/**
 * Runs `fn` until it succeeds, fails with something not worth retrying (thrown as is), or runs
 * out of attempts (RetriesExhausted with the last failure).
 */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<{ value: T; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(attempt), attempts: attempt };
    } catch (error) {
      const failure = classify(error);
      if (!isRetryable(failure)) throw error;
      if (attempt >= options.maxAttempts) throw new RetriesExhausted(failure, attempt);
      const delay = backoffMs(failure, attempt, options);
      options.onRetry?.(failure, attempt, delay);
      await options.sleep(delay);
    }
  }
}
