import type { Handler } from '../types.ts';
import { choose, setVariable, trace } from './control.ts';
import { validateAzureAdToken, validateJwt } from './jwt.ts';
import { quotaByKey, quotaPerSubscription, rateLimitByKey, rateLimitPerSubscription } from './limits.ts';
import { forwardRequest, returnResponse, setBody, setHeader, setStatus } from './message.ts';
import { emitMetric, logToEventhub } from './observe.ts';

/** Every element the runtime executes, by name. An element missing here is an UnsupportedFeature. */
export const handlers: ReadonlyMap<string, Handler> = new Map([choose, setVariable, trace, setHeader, setStatus, setBody, returnResponse, forwardRequest, validateJwt, validateAzureAdToken, rateLimitByKey, rateLimitPerSubscription, quotaByKey, quotaPerSubscription, emitMetric, logToEventhub].map((h) => [h.name, h]));
