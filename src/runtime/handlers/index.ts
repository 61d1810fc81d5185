import type { Handler } from '../types.ts';
import { validateClientCertificate } from './certificates.ts';
import { choose, setVariable, trace } from './control.ts';
import { validateAzureAdToken, validateJwt } from './jwt.ts';
import { quotaByKey, quotaPerSubscription, rateLimitByKey, rateLimitPerSubscription } from './limits.ts';
import { forwardRequest, returnResponse, setBody, setHeader, setStatus } from './message.ts';
import { azureOpenAiEmitTokenMetric, emitMetric, llmEmitTokenMetric, logToEventhub } from './observe.ts';
import { checkHeader, cors, ipFilter } from './access.ts';
import { authenticationBasic, authenticationCertificate, authenticationManagedIdentity, cacheLookup, cacheLookupValue, cacheStore, getAuthorizationContext, cacheRemoveValue, cacheStoreValue, findAndReplace, validateContent } from './content.ts';
import { includeFragment, limitConcurrency, mockResponse, retry, wait } from './flow.ts';
import { rewriteUri, setBackendService, setMethod, setQueryParameter } from './routing.ts';
import { sendOneWayRequest, sendRequest } from './send.ts';
import { azureOpenAiTokenLimit, llmTokenLimit } from './token-limits.ts';

/** Every element the runtime executes, by name. An element missing here is an UnsupportedFeature. */
export const handlers: ReadonlyMap<string, Handler> = new Map([choose, setVariable, trace, setHeader, setStatus, setBody, returnResponse, forwardRequest, validateJwt, validateAzureAdToken, rateLimitByKey, rateLimitPerSubscription, quotaByKey, quotaPerSubscription, emitMetric, logToEventhub,
  llmEmitTokenMetric, azureOpenAiEmitTokenMetric, checkHeader, cors, ipFilter, authenticationManagedIdentity, cacheLookupValue, cacheStoreValue, cacheRemoveValue, findAndReplace, validateContent,
  includeFragment, limitConcurrency, mockResponse, retry, wait, rewriteUri, setBackendService, setMethod, setQueryParameter, sendRequest, sendOneWayRequest, getAuthorizationContext, authenticationCertificate, llmTokenLimit, azureOpenAiTokenLimit, cacheLookup, cacheStore, authenticationBasic, validateClientCertificate].map((h) => [h.name, h]));
