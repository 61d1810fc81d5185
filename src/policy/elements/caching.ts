/** Caching: response caching (cache-lookup/cache-store) and the key-value cache (cache-*-value). */
import { ALL_SCOPES, ALL_SECTIONS, bool, exprText, fixedName, int, oneOfValues, policy, type PolicySchema, str, textPart } from './schema.ts';

const cachingType = oneOfValues(['prefer-external', 'external', 'internal'], 'Which cache to use.', { expression: false, default: 'prefer-external' });

export const cacheLookup: PolicySchema = policy({
  name: 'cache-lookup',
  category: 'Caching',
  description: 'Returns a cached response when a valid one is available.',
  reference: 'cache-lookup-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  attributes: {
    'vary-by-developer': bool('Cache per developer account.', { required: true }),
    'vary-by-developer-groups': bool('Cache per developer group.', { required: true }),
    'downstream-caching-type': oneOfValues(['none', 'private', 'public'], 'Cache-Control sent to clients.', { default: 'none' }),
    'must-revalidate': bool('Add must-revalidate to Cache-Control.', { default: 'true' }),
    'allow-private-response-caching': bool('Cache requests that carry an Authorization header.', { default: 'false' }),
    'caching-type': cachingType,
  },
  content: 'elements',
  children: {
    'vary-by-header': { schema: textPart('vary-by-header', exprText('A request header whose value partitions the cache.')) },
    'vary-by-query-parameter': { schema: textPart('vary-by-query-parameter', exprText('A query parameter whose value partitions the cache.')) },
  },
  emulator: { status: 'partial', reason: 'an internal cache on the virtual clock keyed by URL and the vary-by headers and query parameters; vary-by-developer(-groups) and downstream Cache-Control headers are not applied' },
});

export const cacheStore: PolicySchema = policy({
  name: 'cache-store',
  category: 'Caching',
  description: 'Caches the response according to the cache settings.',
  reference: 'cache-store-policy',
  sections: ['outbound'],
  scopes: ALL_SCOPES,
  attributes: {
    duration: int('Time to live of the cached response, in seconds.', { min: 0 }, { required: true }),
    'cache-response': bool('Cache the response even when it is not a 200.'),
    'caching-mode': str('Caching mode.', { expression: false }),
  },
  content: 'empty',
  emulator: { status: 'partial', reason: 'an internal cache on the virtual clock keyed by URL and the vary-by headers and query parameters; vary-by-developer(-groups) and downstream Cache-Control headers are not applied' },
});

export const cacheLookupValue: PolicySchema = policy({
  name: 'cache-lookup-value',
  category: 'Caching',
  description: 'Reads a cached value by key into a variable.',
  reference: 'cache-lookup-value-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {
    key: str('Cache key.', { required: true }),
    'variable-name': fixedName('Variable that receives the value.', { required: true }),
    'default-value': str('Value assigned on a cache miss.'),
    'caching-type': cachingType,
  },
  content: 'empty',
  emulator: { status: 'supported', reason: 'an in-memory internal cache on the virtual clock; caching-type external behaves the same' },
});

export const cacheStoreValue: PolicySchema = policy({
  name: 'cache-store-value',
  category: 'Caching',
  description: 'Stores a value in the cache by key (asynchronously).',
  reference: 'cache-store-value-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {
    key: str('Cache key.', { required: true }),
    value: str('Value to cache.', { required: true }),
    duration: int('Time to live, in seconds.', { min: 0 }, { required: true }),
    'caching-type': cachingType,
  },
  content: 'empty',
  emulator: { status: 'supported', reason: 'an in-memory internal cache on the virtual clock; caching-type external behaves the same' },
});

export const cacheRemoveValue: PolicySchema = policy({
  name: 'cache-remove-value',
  category: 'Caching',
  description: 'Removes a cached value by key.',
  reference: 'cache-remove-value-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: { key: str('Cache key.', { required: true }), 'caching-type': cachingType },
  content: 'empty',
  emulator: { status: 'supported', reason: 'an in-memory internal cache on the virtual clock; caching-type external behaves the same' },
});

export const cachingPolicies: readonly PolicySchema[] = [cacheLookup, cacheStore, cacheLookupValue, cacheStoreValue, cacheRemoveValue];
