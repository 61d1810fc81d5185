/**
 * Fault injection for the loopback ARM server: the failures the deploy must survive
 * (reference/deploy.md §2 and §7): throttling with Retry-After, 409 PessimisticConcurrencyConflict,
 * 422 ManagementApiRequestFailed, 5xx (before or after the write happened), writes that become
 * visible late, and a crash after N writes.
 */

export interface FaultRule {
  /** Methods the rule applies to (all when absent). */
  readonly method?: string | readonly string[];
  /** Tested against the path (below the origin, without the query). */
  readonly path?: RegExp;
  /** Only writes (PUT, PATCH, DELETE). */
  readonly writes?: boolean;
  /** How many matching requests get the fault; default 1. */
  times?: number;
  readonly status: number;
  readonly code?: string;
  readonly message?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Carry out the request first, then answer with the fault: the write happened, the client cannot know. */
  readonly afterApplying?: boolean;
}

export interface FaultDecision {
  readonly rule: FaultRule;
}

const WRITE_METHODS = ['PUT', 'PATCH', 'DELETE'];

/** The standard faults by name, as tests ask for them. */
export const FAULTS = {
  throttled: (retryAfterSeconds = 0): Omit<FaultRule, 'times'> => ({ status: 429, code: 'TooManyRequests', message: 'Rate limit is exceeded. Try again later.', headers: { 'retry-after': String(retryAfterSeconds) } }),
  throttledMs: (ms: number): Omit<FaultRule, 'times'> => ({ status: 429, code: 'TooManyRequests', message: 'Rate limit is exceeded.', headers: { 'x-ms-retry-after-ms': String(ms) } }),
  conflict: (): Omit<FaultRule, 'times'> => ({ status: 409, code: 'PessimisticConcurrencyConflict', message: 'Operation on the API is in progress' }),
  unprocessable: (): Omit<FaultRule, 'times'> => ({ status: 422, code: 'ManagementApiRequestFailed', message: 'Management API request failed. Please try again.' }),
  serverError: (status = 503): Omit<FaultRule, 'times'> => ({ status, code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' }),
} as const;

export class Faults {
  readonly rules: FaultRule[] = [];
  /** Each distinct write (method + path) fails once with the next fault of this cycle. */
  #firstAttemptCycle: Omit<FaultRule, 'times'>[] | undefined;
  #seenWrites = new Set<string>();
  #cycleIndex = 0;
  /** After a write, this many GETs of the same resource still see the previous version. */
  lateReads = 0;
  /** After this many more successful writes the server stops answering (connections are reset). */
  #crashAfterWrites: number | undefined;
  #writes = 0;
  /** True once the server has "crashed"; `clear()` brings it back. */
  crashed = false;
  /** Origin put into LRO and nextLink URLs instead of the server's public origin (a leak test). */
  foreignLinkOrigin: string | undefined;

  add(rule: FaultRule): this {
    this.rules.push({ times: 1, ...rule });
    return this;
  }

  /** Every distinct write fails on its first attempt, with faults taken in turn from `cycle`. */
  failFirstAttemptOfEveryWrite(cycle: readonly Omit<FaultRule, 'times'>[]): this {
    this.#firstAttemptCycle = [...cycle];
    return this;
  }

  crashAfter(writes: number): this {
    this.#crashAfterWrites = writes;
    this.#writes = 0;
    this.crashed = writes <= 0;
    return this;
  }

  /** Counts a successful write (for crashAfter). */
  noteWrite(): void {
    this.#writes++;
    if (this.#crashAfterWrites !== undefined && this.#writes >= this.#crashAfterWrites) this.crashed = true;
  }

  clear(): void {
    this.rules.length = 0;
    this.#firstAttemptCycle = undefined;
    this.#seenWrites.clear();
    this.lateReads = 0;
    this.#crashAfterWrites = undefined;
    this.crashed = false;
    this.foreignLinkOrigin = undefined;
  }

  /** The fault for this request, if any (consumes one use of the rule). */
  pick(method: string, path: string): FaultRule | undefined {
    const isWrite = WRITE_METHODS.includes(method) && !/\/(listValue|listSecrets|listReferences)$/i.test(path);
    if (isWrite && this.#firstAttemptCycle && this.#firstAttemptCycle.length > 0) {
      const key = `${method} ${path.toLowerCase()}`;
      if (!this.#seenWrites.has(key)) {
        this.#seenWrites.add(key);
        return this.#firstAttemptCycle[this.#cycleIndex++ % this.#firstAttemptCycle.length];
      }
    }
    for (const rule of this.rules) {
      if ((rule.times ?? 1) <= 0) continue;
      if (rule.writes && !isWrite) continue;
      if (rule.method !== undefined && !(typeof rule.method === 'string' ? [rule.method] : rule.method).includes(method)) continue;
      if (rule.path && !rule.path.test(path)) continue;
      rule.times = (rule.times ?? 1) - 1;
      return rule;
    }
    return undefined;
  }
}
