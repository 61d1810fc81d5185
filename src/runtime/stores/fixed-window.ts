/**
 * Counters for quota and quota-by-key: fixed windows of `periodMs` aligned to `firstPeriodStart`
 * (APIM: quotas renew in fixed periods; a period of 0 never renews). A key incremented by several
 * policies in one request counts once; the caller passes the request id for that.
 */
export interface QuotaCheck {
  readonly allowed: boolean;
  readonly remaining: number;
  /** Seconds until the current window ends (the Retry-After of a 403). */
  readonly retryAfterSeconds: number;
}

interface Window {
  readonly start: number;
  count: number;
  readonly requests: Set<string>;
}

export class FixedWindowCounters {
  readonly #windows = new Map<string, Window>();

  #window(key: string, periodMs: number, firstPeriodStart: number, now: number): { window: Window; end: number } {
    const start = periodMs === 0 ? firstPeriodStart : firstPeriodStart + Math.floor((now - firstPeriodStart) / periodMs) * periodMs;
    let window = this.#windows.get(key);
    if (!window || window.start !== start) {
      window = { start, count: 0, requests: new Set() };
      this.#windows.set(key, window);
    }
    return { window, end: periodMs === 0 ? Number.POSITIVE_INFINITY : start + periodMs };
  }

  check(key: string, calls: number, periodMs: number, firstPeriodStart: number, now: number, increment = 1): QuotaCheck {
    const { window, end } = this.#window(key, periodMs, firstPeriodStart, now);
    const retry = Number.isFinite(end) ? Math.max(1, Math.ceil((end - now) / 1000)) : 0;
    if (window.count + increment > calls) return { allowed: false, remaining: Math.max(0, calls - window.count), retryAfterSeconds: retry };
    return { allowed: true, remaining: calls - window.count - increment, retryAfterSeconds: 0 };
  }

  /** Adds `count` once per (key, request). */
  add(key: string, count: number, periodMs: number, firstPeriodStart: number, now: number, requestId: string): void {
    const { window } = this.#window(key, periodMs, firstPeriodStart, now);
    if (window.requests.has(requestId)) return;
    window.requests.add(requestId);
    window.count += count;
  }
}
