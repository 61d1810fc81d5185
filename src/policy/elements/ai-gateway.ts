/**
 * AI gateway: token limits, token metrics, semantic caching and content safety for LLM APIs.
 * Each azure-openai-* policy has an llm-* twin with the same schema (one XSD type serves both).
 */
import { dimension } from './logging.ts';
import { ALL_SCOPES, bool, type ElementSchema, exprText, fixedName, int, listPart, notYet, num, oneOfValues, policy, type PolicySchema, str, textPart } from './schema.ts';

const LLM_REASON = 'LLM token accounting and semantic caching need a language-model backend; out of scope for the MCP gateway emulator';

function tokenLimit(name: string): PolicySchema {
  return policy({
    name,
    category: 'AI gateway',
    description: 'Limits language-model tokens per key: tokens per minute (429) and/or a token quota per period (403).',
    reference: `${name}-policy`,
    sections: ['inbound'],
    scopes: ALL_SCOPES,
    unavailableOn: ['Consumption'],
    attributes: {
      'counter-key': str('The key whose tokens are counted.', { required: true }),
      'tokens-per-minute': int('Maximum tokens per minute for one key value.', { min: 0 }),
      'token-quota': int('Maximum tokens within token-quota-period.', { min: 0 }),
      'token-quota-period': oneOfValues(['Hourly', 'Daily', 'Weekly', 'Monthly', 'Yearly', 'Indefinite'], 'Fixed window of the token quota.', { expression: false }),
      'estimate-prompt-tokens': bool('Estimate prompt tokens before the call instead of reading usage from the response.', { required: true, expression: false }),
      'prompt-type': oneOfValues(['auto', 'chat-completion', 'completion', 'embeddings'], 'How the prompt is read.', { expression: false, default: 'auto' }),
      'ignore-prompt': bool('Do not count prompt tokens.', { expression: false, default: 'false' }),
      'retry-after-header-name': fixedName('Response header carrying the retry seconds.', { default: 'Retry-After' }),
      'retry-after-variable-name': fixedName('Variable receiving the retry seconds.'),
      'remaining-tokens-header-name': fixedName('Response header carrying the remaining tokens.'),
      'remaining-tokens-variable-name': fixedName('Variable receiving the remaining tokens.'),
      'remaining-quota-tokens-header-name': fixedName('Response header carrying the remaining quota tokens.'),
      'remaining-quota-tokens-variable-name': fixedName('Variable receiving the remaining quota tokens.'),
      'tokens-consumed-header-name': fixedName('Response header carrying the tokens consumed.'),
      'tokens-consumed-variable-name': fixedName('Variable receiving the tokens consumed.'),
    },
    oneOf: [{ attributes: ['tokens-per-minute', 'token-quota'] }],
    content: 'empty',
    emulator: {
      status: 'partial',
      reason: 'prompt tokens are estimated at four characters a token (APIM uses the model\'s tokenizer); completion tokens come from usage.total_tokens of the answer; the 429/403 message texts are not verified against APIM',
    },
  });
}

function emitTokenMetric(name: string): PolicySchema {
  return policy({
    name,
    category: 'AI gateway',
    description: 'Sends language-model token counts as custom metrics to Application Insights.',
    reference: `${name}-policy`,
    sections: ['inbound'],
    scopes: ALL_SCOPES,
    attributes: {
      namespace: str('Metric namespace.', { expression: false, default: 'API Management' }),
      name: str('Metric name.', { expression: false }),
      'value-type': oneOfValues(['all', 'total-tokens', 'prompt-tokens', 'completion-tokens'], 'Which counts are emitted.', { expression: false, default: 'all' }),
      'ignore-prompt': bool('Do not count prompt tokens.', { expression: false, default: 'false' }),
    },
    content: 'elements',
    children: { dimension: { schema: dimension, max: 10 } },
    emulator: { status: 'supported', reason: 'the dimensions are evaluated and recorded in the request trace' },
  });
}

function semanticCacheLookup(name: string): PolicySchema {
  return policy({
    name,
    category: 'AI gateway',
    description: 'Looks up a cached completion for a semantically similar prompt.',
    reference: `${name}-policy`,
    sections: ['inbound'],
    scopes: ALL_SCOPES,
    attributes: {
      'score-threshold': num('Similarity score a cached prompt must reach.', { min: 0, max: 1 }, { required: true, expression: false }),
      'embeddings-backend-id': str('Backend of the embeddings API.', { required: true, expression: false }),
      'embeddings-backend-auth': oneOfValues(['system-assigned', 'header'], 'How the embeddings backend is authenticated.', { expression: false, default: 'system-assigned' }),
      'ignore-system-messages': bool('Leave system messages out of the similarity.', { expression: false, default: 'false' }),
      'max-message-count': int('Number of recent messages considered.', { min: 1 }, { expression: false }),
      'cache-id': str('Identifier of the external cache.', { expression: false }),
    },
    content: 'elements',
    children: { 'vary-by': { schema: textPart('vary-by', exprText('A value that partitions the cache.')) } },
    emulator: notYet(LLM_REASON),
  });
}

function semanticCacheStore(name: string): PolicySchema {
  return policy({
    name,
    category: 'AI gateway',
    description: 'Caches the completion for later semantic lookups.',
    reference: `${name}-policy`,
    sections: ['outbound'],
    scopes: ALL_SCOPES,
    attributes: { duration: int('Time to live of the entry, in seconds.', { min: 1 }, { required: true }) },
    content: 'empty',
    emulator: notYet(LLM_REASON),
  });
}

export const azureOpenAiTokenLimit = tokenLimit('azure-openai-token-limit');
export const llmTokenLimit = tokenLimit('llm-token-limit');
export const azureOpenAiEmitTokenMetric = emitTokenMetric('azure-openai-emit-token-metric');
export const llmEmitTokenMetric = emitTokenMetric('llm-emit-token-metric');
export const azureOpenAiSemanticCacheLookup = semanticCacheLookup('azure-openai-semantic-cache-lookup');
export const llmSemanticCacheLookup = semanticCacheLookup('llm-semantic-cache-lookup');
export const azureOpenAiSemanticCacheStore = semanticCacheStore('azure-openai-semantic-cache-store');
export const llmSemanticCacheStore = semanticCacheStore('llm-semantic-cache-store');

const category: ElementSchema = {
  name: 'category',
  kind: 'part',
  description: 'A harm category and the severity at which a request is blocked.',
  attributes: {
    name: oneOfValues(['Hate', 'SelfHarm', 'Sexual', 'Violence'], 'Harm category.', { required: true }),
    threshold: int('Severity threshold.', { min: 0, max: 7 }, { required: true }),
  },
  content: 'empty',
};

export const llmContentSafety: PolicySchema = policy({
  name: 'llm-content-safety',
  category: 'AI gateway',
  description: 'Sends the prompt to Azure AI Content Safety and blocks it above the category thresholds.',
  reference: 'llm-content-safety-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  attributes: {
    'backend-id': str('Backend of the Content Safety service.', { required: true, expression: false }),
    'shield-prompt': bool('Also check for jailbreak attacks.', { default: 'false' }),
  },
  content: 'elements',
  children: {
    categories: { schema: { ...listPart('categories', 'Harm categories to check.', category), attributes: { 'output-type': oneOfValues(['FourSeverityLevels', 'EightSeverityLevels'], 'Severity scale.', { default: 'FourSeverityLevels' }) } }, max: 1 },
    blocklists: { schema: listPart('blocklists', 'Custom blocklists to check.', textPart('id', exprText('A blocklist id.'))), max: 1 },
  },
  emulator: notYet('needs Azure AI Content Safety, which the emulator does not have'),
});

export const aiGatewayPolicies: readonly PolicySchema[] = [
  azureOpenAiTokenLimit,
  llmTokenLimit,
  azureOpenAiEmitTokenMetric,
  llmEmitTokenMetric,
  azureOpenAiSemanticCacheLookup,
  llmSemanticCacheLookup,
  azureOpenAiSemanticCacheStore,
  llmSemanticCacheStore,
  llmContentSafety,
];
