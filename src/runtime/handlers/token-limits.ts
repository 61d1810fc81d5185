/**
 * llm-token-limit and azure-openai-token-limit (reference/apim-semantics.md, "llm-token-limit"):
 * a per-key sliding minute of model tokens (429) and an optional fixed-window token quota (403).
 * The request is checked against what is already counted; its own tokens are counted when the
 * request ends — the prompt estimate (about 4 characters a token) when `estimate-prompt-tokens`
 * is true, else the `usage.total_tokens` of the model's answer — so one request can overshoot
 * and the next ones are refused, as in APIM.
 */
import { gatewayError } from '../gateway-errors.ts';
import { type Handler, PolicyFailure } from '../types.ts';
import { attrText, attributeValue, intOf } from '../values.ts';

const PERIOD_MS: Record<string, number> = { hourly: 3_600_000, daily: 86_400_000, weekly: 604_800_000, monthly: 2_592_000_000, yearly: 31_536_000_000 };

function usageOf(body: string): number | undefined {
  try {
    const usage = (JSON.parse(body) as { usage?: { total_tokens?: unknown } }).usage;
    return typeof usage?.total_tokens === 'number' ? usage.total_tokens : undefined;
  } catch {
    return undefined;
  }
}

function tokenLimit(name: string): Handler {
  return {
    name,
    run(element, ctx) {
      const key = `${name}|${attrText(element, 'counter-key', ctx) ?? ''}`;
      const perMinute = attributeValue(element, 'tokens-per-minute');
      const quota = attributeValue(element, 'token-quota');
      const periodMs = PERIOD_MS[(attrText(element, 'token-quota-period', ctx, 'monthly') ?? 'monthly').toLowerCase()] ?? PERIOD_MS.monthly!;
      const estimate = (attrText(element, 'estimate-prompt-tokens', ctx, 'false') ?? 'false').toLowerCase() === 'true';
      const now = ctx.ports.now();
      const estimated = Math.ceil((ctx.state.request.body ?? '').length / 4);
      const retryHeader = attrText(element, 'retry-after-header-name', ctx, 'Retry-After') ?? 'Retry-After';
      const retryVar = attrText(element, 'retry-after-variable-name', ctx);
      if (perMinute) {
        const limit = intOf(perMinute, ctx);
        const check = ctx.ports.counters.check(`${key}|minute`, limit, 60_000, now, estimate ? Math.max(1, estimated) : 1);
        const remainingVar = attrText(element, 'remaining-tokens-variable-name', ctx);
        if (remainingVar) ctx.state.variables.set(remainingVar, check.remaining);
        if (!check.allowed) {
          if (retryVar) ctx.state.variables.set(retryVar, check.retryAfterSeconds);
          ctx.trace(name, `${key}: ${limit} tokens per minute reached`);
          throw new PolicyFailure(name, 'TokenLimitExceeded', 'Token limit is exceeded', gatewayError(429, `Token limit is exceeded. Try again in ${check.retryAfterSeconds} seconds.`, { [retryHeader.toLowerCase()]: String(check.retryAfterSeconds) }));
        }
      }
      if (quota) {
        const limit = intOf(quota, ctx);
        const check = ctx.ports.quotas.check(`${key}|quota`, limit, periodMs, 0, now);
        if (!check.allowed) {
          ctx.trace(name, `${key}: token quota of ${limit} reached`);
          throw new PolicyFailure(name, 'TokenQuotaExceeded', 'Token quota is exceeded', gatewayError(403, `Token quota is exceeded. Try again in ${check.retryAfterSeconds} seconds.`, { [retryHeader.toLowerCase()]: String(check.retryAfterSeconds) }));
        }
      }
      const consumedVar = attrText(element, 'tokens-consumed-variable-name', ctx);
      ctx.state.deferred.push(() => {
        const used = estimate ? estimated + (usageOf(ctx.state.response.body) ?? 0) : (usageOf(ctx.state.response.body) ?? 0);
        if (consumedVar) ctx.state.variables.set(consumedVar, used);
        const headers = ctx.state.response.headers;
        const consumedHeader = attrText(element, 'tokens-consumed-header-name', ctx);
        if (consumedHeader) headers.set(consumedHeader.toLowerCase(), [String(used)]);
        const remainingHeader = attrText(element, 'remaining-tokens-header-name', ctx);
        if (remainingHeader && perMinute) headers.set(remainingHeader.toLowerCase(), [String(Math.max(0, intOf(perMinute, ctx) - ctx.ports.counters.used(`${key}|minute`, 60_000, now) - used))]);
        const quotaHeader = attrText(element, 'remaining-quota-tokens-header-name', ctx);
        if (quotaHeader && quota) headers.set(quotaHeader.toLowerCase(), [String(Math.max(0, ctx.ports.quotas.check(`${key}|quota`, intOf(quota, ctx), periodMs, 0, now, 0).remaining - used))]);
        if (used <= 0) return;
        if (perMinute) ctx.ports.counters.add(`${key}|minute`, used, now);
        if (quota) ctx.ports.quotas.add(`${key}|quota`, used, periodMs, 0, now, `${ctx.state.requestId}|${name}`);
      });
      ctx.trace(name, `${key}: checked${estimate ? ` (prompt estimated at ${estimated} tokens)` : ''}`);
      return 'continue';
    },
  };
}

export const llmTokenLimit = tokenLimit('llm-token-limit');
export const azureOpenAiTokenLimit = tokenLimit('azure-openai-token-limit');
