/** Policy control and flow: choose, include-fragment, retry, wait — and `<base/>`. */
import { ALL_SCOPES, ALL_SECTIONS, bool, type ElementSchema, fixedName, int, oneOfValues, policy, type PolicySchema } from './schema.ts';

export const when: ElementSchema = {
  name: 'when',
  kind: 'part',
  description: 'A branch of choose: its policies run when condition is true (the first true branch wins).',
  attributes: { condition: bool('Boolean expression or constant; evaluated in order until one is true.', { required: true }) },
  content: 'policies',
  emulator: { status: 'supported' },
};

export const otherwise: ElementSchema = {
  name: 'otherwise',
  kind: 'part',
  description: 'The branch of choose that runs when no when condition is true.',
  attributes: {},
  content: 'policies',
  emulator: { status: 'supported' },
};

export const choose: PolicySchema = policy({
  name: 'choose',
  category: 'Policy control and flow',
  description: 'Conditionally applies policy statements based on Boolean expressions.',
  reference: 'choose-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {},
  content: 'elements',
  children: { when: { schema: when, min: 1 }, otherwise: { schema: otherwise, max: 1 } },
  emulator: { status: 'supported' },
});

export const includeFragment: PolicySchema = policy({
  name: 'include-fragment',
  category: 'Policy control and flow',
  description: 'Inserts a policy fragment, as is, at this point of the policy definition.',
  reference: 'include-fragment-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {
    'fragment-id': fixedName('Identifier (name) of a policy fragment of the API Management instance.', {
      required: true,
      expressionNote: 'APIM resolves the fragment when the policy is saved, so fragment-id cannot be an expression (MicrosoftDocs/azure-docs#103799)',
    }),
  },
  content: 'empty',
  emulator: { status: 'supported' },
});

export const retry: PolicySchema = policy({
  name: 'retry',
  category: 'Policy control and flow',
  description: 'Runs its child policies once, then again while condition is true, up to count retries.',
  reference: 'retry-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {
    condition: bool('Retry while this is true.', { required: true }),
    count: int('Number of retries (1–50).', { min: 1, max: 50 }, { required: true }),
    interval: int('Seconds between retries.', { min: 0 }, { required: true }),
    'max-interval': int('Maximum seconds between retries (exponential algorithm).', { min: 1 }),
    delta: int('Seconds added per retry (linear or exponential algorithm).', { min: 1 }),
    'first-fast-retry': bool('Retry once immediately before the intervals apply.', { default: 'false' }),
  },
  content: 'policies',
  emulator: { status: 'supported', reason: 'intervals between attempts are recorded in the trace, not waited' },
});

export const wait: PolicySchema = policy({
  name: 'wait',
  category: 'Policy control and flow',
  description: 'Runs its child send-request, cache-lookup-value and choose policies in parallel and waits for them.',
  reference: 'wait-policy',
  sections: ['inbound', 'outbound', 'backend'],
  scopes: ALL_SCOPES,
  attributes: { for: oneOfValues(['all', 'any'], 'Wait for all children, or for the first one to finish.', { default: 'all' }) },
  content: 'policies',
  allowedPolicies: ['send-request', 'cache-lookup-value', 'choose', 'forward-request', 'cache-store-value', 'authentication-managed-identity'],
  emulator: { status: 'supported', reason: 'children run one after the other' },
});

export const base: PolicySchema = policy({
  name: 'base',
  category: 'Policy control and flow',
  description: "Splice point for the same section of the next broader scope's policy.",
  reference: 'api-management-howto-policies',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {},
  content: 'empty',
  emulator: { status: 'supported' },
});

export const controlFlowPolicies: readonly PolicySchema[] = [choose, includeFragment, retry, wait, base];
