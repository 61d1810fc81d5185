/** Rate limiting and quotas (request counts; the token limits of LLM APIs are in ai-gateway.ts). */
import type { Sku } from '../../config/types.ts';
import { ALL_SCOPES, ALL_SECTIONS, type AttributeSchema, bool, type ElementSchema, fixedName, int, policy, type PolicySchema, str } from './schema.ts';

const V2: readonly Sku[] = ['BasicV2', 'StandardV2', 'PremiumV2'];

/** The response header and variable names a limit policy writes; APIM reads them at save time. */
const limitOutputs: Record<string, AttributeSchema> = {
  'retry-after-header-name': fixedName('Response header carrying the seconds until a call is allowed again.', { default: 'Retry-After' }),
  'retry-after-variable-name': fixedName('Variable receiving the seconds until a call is allowed again.'),
  'remaining-calls-header-name': fixedName('Response header carrying the remaining calls.'),
  'remaining-calls-variable-name': fixedName('Variable receiving the remaining calls.'),
  'total-calls-header-name': fixedName('Response header carrying the value of calls.'),
};

const fixedCount = (description: string, range: { min?: number; max?: number }, extra: Partial<AttributeSchema> = {}) => int(description, range, { expression: false, ...extra });

const rateLimitOperation: ElementSchema = {
  name: 'operation',
  kind: 'part',
  description: 'A limit for one operation of the API (id wins over name).',
  attributes: {
    name: str('Operation name.', { expression: false }),
    id: str('Operation id.', { expression: false }),
    calls: fixedCount('Maximum calls within the window.', { min: 0 }, { required: true }),
    'renewal-period': fixedCount('Window length in seconds (at most 300).', { min: 1, max: 300 }, { required: true }),
    ...limitOutputs,
  },
  content: 'empty',
};
const rateLimitApi: ElementSchema = { ...rateLimitOperation, name: 'api', description: 'A limit for one API (id wins over name).', content: 'elements', children: { operation: { schema: rateLimitOperation } } };

export const rateLimit: PolicySchema = policy({
  name: 'rate-limit',
  category: 'Rate limiting and quotas',
  description: 'Limits the call rate per subscription (sliding window).',
  reference: 'rate-limit-policy',
  sections: ['inbound'],
  scopes: ['product', 'api', 'operation'],
  attributes: {
    calls: fixedCount('Maximum calls within the window.', { min: 0 }, { required: true }),
    'renewal-period': fixedCount('Window length in seconds (at most 300).', { min: 1, max: 300 }, { required: true }),
    ...limitOutputs,
  },
  content: 'elements',
  children: { api: { schema: rateLimitApi }, operation: { schema: rateLimitOperation } },
  emulator: { status: 'partial', reason: 'counts per subscription and acts only with a subscription key (rate-limit-policy.md); the emulator has no subscriptions, so it records the policy in the trace and lets the request through' },
});

export const rateLimitByKey: PolicySchema = policy({
  name: 'rate-limit-by-key',
  category: 'Rate limiting and quotas',
  description: 'Limits the call rate per key value (sliding window); the key is any expression.',
  reference: 'rate-limit-by-key-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  unavailableOn: ['Consumption'],
  attributes: {
    calls: int('Maximum calls within the window for one key value.', { min: 0 }, { required: true }),
    'renewal-period': int('Window length in seconds (at most 300).', { min: 1, max: 300 }, { required: true }),
    'counter-key': str('The key whose calls are counted; one counter per value, shared by every scope that uses it.', { required: true }),
    'increment-condition': bool('Whether this request counts; as an expression it is evaluated after the outbound section.'),
    'increment-count': int('How much this request counts.', { min: 0 }, { default: '1' }),
    'increment-after-response': bool('Count after the response is sent.', { expression: false }),
    'flexible-retry-window': bool('Compute Retry-After from the sliding window.', { expression: false }),
    ...limitOutputs,
  },
  content: 'empty',
  emulator: { status: 'supported' },
});

const quotaOperation: ElementSchema = {
  name: 'operation',
  kind: 'part',
  description: 'A quota for one operation of the API.',
  attributes: {
    name: str('Operation name.', { expression: false }),
    id: str('Operation id.', { expression: false }),
    calls: fixedCount('Maximum calls within the period.', { min: 0 }),
    bandwidth: fixedCount('Maximum kilobytes within the period.', { min: 0 }),
    'renewal-period': fixedCount('Period length in seconds (0: never renews).', { min: 0 }),
  },
  content: 'empty',
};
const quotaApi: ElementSchema = { ...quotaOperation, name: 'api', description: 'A quota for one API.', content: 'elements', children: { operation: { schema: quotaOperation } } };

export const quota: PolicySchema = policy({
  name: 'quota',
  category: 'Rate limiting and quotas',
  description: 'Enforces a call-volume and/or bandwidth quota per subscription (fixed window).',
  reference: 'quota-policy',
  sections: ['inbound'],
  scopes: ['product', 'api', 'operation'],
  attributes: {
    calls: fixedCount('Maximum calls within the period.', { min: 0 }),
    bandwidth: fixedCount('Maximum kilobytes within the period.', { min: 0 }),
    'renewal-period': fixedCount('Period length in seconds (0: never renews).', { min: 0 }, { required: true }),
  },
  oneOf: [{ attributes: ['calls', 'bandwidth'] }],
  content: 'elements',
  children: { api: { schema: quotaApi }, operation: { schema: quotaOperation } },
  emulator: { status: 'partial', reason: 'counts per subscription and acts only with a subscription key (quota-policy.md); the emulator has no subscriptions, so it records the policy in the trace and lets the request through' },
});

export const quotaByKey: PolicySchema = policy({
  name: 'quota-by-key',
  category: 'Rate limiting and quotas',
  description: 'Enforces a call-volume and/or bandwidth quota per key value (fixed window).',
  reference: 'quota-by-key-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  unavailableOn: ['Consumption', ...V2],
  attributes: {
    calls: fixedCount('Maximum calls within the period.', { min: 0 }),
    bandwidth: fixedCount('Maximum kilobytes within the period.', { min: 0 }),
    'renewal-period': fixedCount('Period length in seconds (0: never renews).', { min: 0 }),
    'counter-key': str('The key whose calls are counted.', { required: true }),
    'increment-condition': bool('Whether this request counts.'),
    'increment-count': int('How much this request counts.', { min: 0 }, { default: '1' }),
    'first-period-start': { type: { kind: 'datetime' }, expression: false, default: '0001-01-01T00:00:00Z', description: 'Start of the first period; periods are aligned to it.' },
  },
  oneOf: [{ attributes: ['calls', 'bandwidth'] }],
  content: 'empty',
  emulator: { status: 'supported', gaps: [{ attribute: 'bandwidth', reason: 'bandwidth quotas are not counted; only calls are' }] },
});

export const limitConcurrency: PolicySchema = policy({
  name: 'limit-concurrency',
  category: 'Rate limiting and quotas',
  description: 'Lets at most max-count requests run its child policies at once; excess requests get 429.',
  reference: 'limit-concurrency-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {
    key: str('The key whose concurrent requests are counted.', { required: true }),
    'max-count': fixedCount('Maximum concurrent requests for one key value.', { min: 1 }, { required: true }),
  },
  content: 'policies',
  emulator: { status: 'supported', reason: 'the emulator replays requests one at a time, so the limit never binds' },
});

export const rateLimitingPolicies: readonly PolicySchema[] = [rateLimit, rateLimitByKey, quota, quotaByKey, limitConcurrency];
