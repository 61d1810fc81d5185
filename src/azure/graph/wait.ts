/**
 * Riding out Graph's eventual consistency (reference/deploy.md §5): a write, a new role or a new
 * principal can take 30–60 s to show everywhere. An attempt is repeated with doubling delays
 * (1 s, 2 s, 4 s … at most 16 s) until it succeeds or the wait budget is spent. Time is counted
 * as the sum of the delays, so an injected sleep makes tests exact and instant.
 */
import { formatSeconds } from './http.ts';

export interface Waiter {
  readonly sleep: (ms: number) => Promise<void>;
  /** Budget for one wait, in milliseconds (`--max-wait`). */
  readonly maxWaitMs: number;
  /** Told before each delay (progress output). */
  readonly onWait?: (message: string) => void;
}

export const FIRST_DELAY_MS = 1000;
export const LONGEST_DELAY_MS = 16_000;

/** What a wait ended with: the value, or how long it waited in vain. */
export type Waited<T> = { readonly ok: true; readonly value: T; readonly waitedMs: number } | { readonly ok: false; readonly waitedMs: number };

/**
 * Calls `attempt` until it returns a value other than undefined, sleeping between calls; `what`
 * describes the awaited condition for progress lines ("role X to show on the app").
 */
export async function waitFor<T>(waiter: Waiter, what: string, attempt: () => Promise<T | undefined>): Promise<Waited<T>> {
  let waited = 0;
  let delay = FIRST_DELAY_MS;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return { ok: true, value, waitedMs: waited };
    const remaining = waiter.maxWaitMs - waited;
    if (remaining <= 0) return { ok: false, waitedMs: waited };
    const pause = Math.min(delay, remaining);
    waiter.onWait?.(`waiting ${formatSeconds(pause)} for ${what} (directory replication)`);
    await waiter.sleep(pause);
    waited += pause;
    delay = Math.min(delay * 2, LONGEST_DELAY_MS);
  }
}
