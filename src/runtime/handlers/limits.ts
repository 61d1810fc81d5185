/**
 * rate-limit-by-key / rate-limit (sliding windows, 429) and quota-by-key / quota (fixed windows,
 * 403), with APIM's rule that an expression `increment-condition` or `increment-count` is
 * evaluated — and the counter incremented — when the request ends, so it can look at the
 * response (reference/apim-semantics.md §0.7–0.8).
 */
import type { PolicyElement, PolicyValue } from '../../policy/tree.ts';
import { quotaExceeded, rateLimitExceeded, timeSpanC } from '../gateway-errors.ts';
import { type Handler, PolicyFailure, type StepContext } from '../types.ts';
import { attrText, attributeValue, boolOf, intOf, optionalText, perElement } from '../values.ts';

const intAttr = (element: PolicyElement, name: string, ctx: StepContext, fallback: number): number => {
  const v = attributeValue(element, name);
  return v === undefined ? fallback : intOf(v, ctx);
};

/** How many to add, now or at the end of the request. */
function increment(element: PolicyElement, ctx: StepContext, add: (count: number) => void, condition = attributeValue(element, 'increment-condition'), count = attributeValue(element, 'increment-count')): void {
  const later = condition?.kind === 'expression' || count?.kind === 'expression';
  const apply = () => {
    if (condition && !boolOf(condition, ctx)) return;
    add(count ? intOf(count, ctx) : 1);
  };
  if (!later) apply();
  else
    ctx.state.deferred.push(() => {
      try {
        apply();
      } catch (e) {
        // the response is already decided; a failing deferred condition only skips the count
        ctx.trace(element.name, `increment skipped: ${(e as Error).message}`);
      }
    });
}

/** The attributes rate-limit-by-key reads, found once per element (it runs on every request). */
interface LimitAttributes {
  readonly calls: PolicyValue | undefined;
  readonly period: PolicyValue | undefined;
  readonly counterKey: PolicyValue | undefined;
  readonly remainingVar: PolicyValue | undefined;
  readonly retryVar: PolicyValue | undefined;
  readonly retryHeader: PolicyValue | undefined;
  readonly remainingHeader: PolicyValue | undefined;
  readonly totalHeader: PolicyValue | undefined;
  readonly condition: PolicyValue | undefined;
  readonly count: PolicyValue | undefined;
}
const limitAttributesOf = perElement((element): LimitAttributes => {
  const at = (name: string) => attributeValue(element, name);
  return { calls: at('calls'), period: at('renewal-period'), counterKey: at('counter-key'), remainingVar: at('remaining-calls-variable-name'), retryVar: at('retry-after-variable-name'), retryHeader: at('retry-after-header-name'), remainingHeader: at('remaining-calls-header-name'), totalHeader: at('total-calls-header-name'), condition: at('increment-condition'), count: at('increment-count') };
});

function rateLimit(name: 'rate-limit-by-key'): Handler {
  return {
    name,
    run(element, ctx) {
      const a = limitAttributesOf(element);
      const calls = a.calls ? intOf(a.calls, ctx) : 0;
      const periodMs = (a.period ? intOf(a.period, ctx) : 60) * 1000;
      const key = `by-key|${optionalText(a.counterKey, ctx) ?? ''}`;
      const now = ctx.ports.now();
      const check = ctx.ports.counters.check(key, calls, periodMs, now);
      const remainingVar = optionalText(a.remainingVar, ctx);
      if (remainingVar) ctx.state.variables.set(remainingVar, check.remaining);
      if (!check.allowed) {
        const retryVar = optionalText(a.retryVar, ctx);
        if (retryVar) ctx.state.variables.set(retryVar, check.retryAfterSeconds);
        ctx.trace(name, `${key}: limit of ${calls} per ${periodMs / 1000}s reached, retry after ${check.retryAfterSeconds}s`);
        const response = rateLimitExceeded(check.retryAfterSeconds, optionalText(a.retryHeader, ctx) ?? 'Retry-After');
        throw new PolicyFailure(name, 'RateLimitExceeded', 'Rate limit is exceeded', response);
      }
      ctx.trace(name, `${key}: ${calls - check.remaining - 1} of ${calls} used in the window`);
      // the counting headers go on whatever response the request ends with
      const remainingHeader = optionalText(a.remainingHeader, ctx);
      const totalHeader = optionalText(a.totalHeader, ctx);
      if (remainingHeader || totalHeader) {
        ctx.state.deferred.push(() => {
          if (remainingHeader) ctx.state.response.headers.set(remainingHeader.toLowerCase(), [String(check.remaining)]);
          if (totalHeader) ctx.state.response.headers.set(totalHeader.toLowerCase(), [String(calls)]);
        });
      }
      // the count goes into the events this check found, without looking the key up again
      increment(element, ctx, (count) => ctx.ports.counters.add(key, count, now, check), a.condition, a.count);
      return 'continue';
    },
  };
}

function quota(name: 'quota-by-key'): Handler {
  return {
    name,
    run(element, ctx) {
      const calls = intAttr(element, 'calls', ctx, Number.MAX_SAFE_INTEGER);
      const periodMs = intAttr(element, 'renewal-period', ctx, 0) * 1000;
      const start = attrText(element, 'first-period-start', ctx);
      const firstPeriodStart = start ? Date.parse(start) : 0;
      const key = `by-key|${attrText(element, 'counter-key', ctx) ?? ''}`;
      const now = ctx.ports.now();
      const check = ctx.ports.quotas.check(key, calls, periodMs, Number.isNaN(firstPeriodStart) ? 0 : firstPeriodStart, now);
      if (!check.allowed) {
        ctx.trace(name, `${key}: quota of ${calls} reached`);
        throw new PolicyFailure(name, 'QuotaExceeded', `Out of call volume quota. Quota will be replenished in ${timeSpanC(check.retryAfterSeconds)}.`, quotaExceeded(check.retryAfterSeconds));
      }
      increment(element, ctx, (count) => ctx.ports.quotas.add(key, count, periodMs, Number.isNaN(firstPeriodStart) ? 0 : firstPeriodStart, now, ctx.state.requestId));
      return 'continue';
    },
  };
}

export const rateLimitByKey = rateLimit('rate-limit-by-key');
export const quotaByKey = quota('quota-by-key');

/**
 * `rate-limit` and `quota` count per subscription and act only when the API is called with a
 * subscription key (rate-limit-policy.md); MCP APIs compiled by mcp-apim have no subscriptions.
 */
const perSubscription = (name: string): Handler => ({
  name,
  run(_element, ctx) {
    ctx.trace(name, 'no subscription key on the request: not enforced (APIM counts per subscription)');
    return 'continue';
  },
});
export const rateLimitPerSubscription = perSubscription('rate-limit');
export const quotaPerSubscription = perSubscription('quota');
