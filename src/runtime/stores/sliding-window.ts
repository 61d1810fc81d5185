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
  /** The key's events as the check found them: `add` counts into them without looking the key up again. */
  readonly window?: Window;
}

/**
 * One key's events, oldest first, with the sum of their increments. A check drops the events
 * that left the window from the front and reads the sum: constant work per request however busy
 * the key, where filtering every event on every check was linear in the calls of the window.
 */
class Window {
  readonly at: number[] = [];
  readonly count: number[] = [];
  /** Index of the oldest live event: dropped events are cut off in bulk, not shifted one by one. */
  head = 0;
  sum = 0;
  /** No longer the key's window (it emptied and was removed): counts go to the key's current one. */
  removed = false;

  /** Drops the events at or before `cutoff` (they are outside the window ending now). */
  expire(cutoff: number): void {
    while (this.head < this.at.length && this.at[this.head]! <= cutoff) {
      this.sum -= this.count[this.head]!;
      this.head++;
    }
    if (this.head > 64 && this.head * 2 > this.at.length) {
      this.at.splice(0, this.head);
      this.count.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Counts are deferred to the end of a request, so one may arrive after a later request's: it goes in time order. */
  insert(at: number, count: number): void {
    let i = this.at.length;
    this.sum += count;
    if (i === this.head || this.at[i - 1]! <= at) {
      // the common case: the newest event
      this.at.push(at);
      this.count.push(count);
      return;
    }
    while (i > this.head && this.at[i - 1]! > at) i--;
    this.at.splice(i, 0, at);
    this.count.splice(i, 0, count);
  }

  get empty(): boolean {
    return this.head === this.at.length;
  }
}

export class SlidingWindowCounters {
  readonly #windows = new Map<string, Window>();

  #live(key: string, periodMs: number, now: number): Window | undefined {
    const w = this.#windows.get(key);
    if (!w) return undefined;
    w.expire(now - periodMs);
    if (w.empty) {
      // a key nobody calls any more holds no memory
      this.#windows.delete(key);
      w.removed = true;
      return undefined;
    }
    return w;
  }

  /** Whether `increment` more calls fit under `calls` in the window ending now. */
  check(key: string, calls: number, periodMs: number, now: number, increment = 1): WindowCheck {
    const w = this.#live(key, periodMs, now);
    const used = w?.sum ?? 0;
    if (used + increment <= calls) return { allowed: true, remaining: calls - used - increment, retryAfterSeconds: 0, window: w };
    // The earliest moment enough old events have left the window for this call to fit.
    let excess = used + increment - calls;
    let until = now + periodMs;
    if (w) {
      for (let i = w.head; i < w.at.length; i++) {
        excess -= w.count[i]!;
        if (excess <= 0) {
          until = w.at[i]! + periodMs;
          break;
        }
      }
    }
    return { allowed: false, remaining: Math.max(0, calls - used), retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) };
  }

  /** Counts `count` calls for `key` at `now`; `checked` is this key's check of the same request, when there was one. */
  add(key: string, count: number, now: number, checked?: WindowCheck): void {
    if (count <= 0) return;
    let w = checked?.window !== undefined && !checked.window.removed ? checked.window : this.#windows.get(key);
    if (!w) {
      w = new Window();
      this.#windows.set(key, w);
    }
    w.insert(now, count);
  }

  /** Calls counted for `key` in the window ending now (for traces and tests). */
  used(key: string, periodMs: number, now: number): number {
    return this.#live(key, periodMs, now)?.sum ?? 0;
  }
}
