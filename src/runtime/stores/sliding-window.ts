/**
 * Counters for rate-limit and rate-limit-by-key: one sliding window of `periodMs` per key
 * (APIM documents its rate limits as sliding windows). Events keep their time and increment;
 * a check counts those younger than the window. Time comes from the caller (the virtual clock),
 * so tests move time instead of sleeping.
 */
export interface WindowCheck {
  readonly allowed: boolean;
  /** Calls still allowed in the window after this check (not counting this call). */
  readonly remaining: number;
  /** When refused: whole seconds until a call fits again (at least 1). */
  readonly retryAfterSeconds: number;
}

interface Event {
  readonly at: number;
  readonly count: number;
}

export class SlidingWindowCounters {
  readonly #events = new Map<string, Event[]>();

  #live(key: string, periodMs: number, now: number): Event[] {
    const events = (this.#events.get(key) ?? []).filter((e) => e.at > now - periodMs);
    this.#events.set(key, events);
    return events;
  }

  /** Whether `increment` more calls fit under `calls` in the window ending now. */
  check(key: string, calls: number, periodMs: number, now: number, increment = 1): WindowCheck {
    const events = this.#live(key, periodMs, now);
    const used = events.reduce((sum, e) => sum + e.count, 0);
    if (used + increment <= calls) return { allowed: true, remaining: calls - used - increment, retryAfterSeconds: 0 };
    // The earliest moment enough old events have left the window for this call to fit.
    let excess = used + increment - calls;
    let until = now + periodMs;
    for (const e of events) {
      excess -= e.count;
      if (excess <= 0) {
        until = e.at + periodMs;
        break;
      }
    }
    return { allowed: false, remaining: Math.max(0, calls - used), retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) };
  }

  add(key: string, count: number, now: number): void {
    if (count <= 0) return;
    const events = this.#events.get(key) ?? [];
    events.push({ at: now, count });
    this.#events.set(key, events);
  }

  /** Calls counted for `key` in the window ending now (for traces and tests). */
  used(key: string, periodMs: number, now: number): number {
    return this.#live(key, periodMs, now).reduce((sum, e) => sum + e.count, 0);
  }
}
