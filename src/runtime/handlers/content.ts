/**
 * Content policies: the cache-*-value trio (internal cache on the virtual clock),
 * find-and-replace, validate-content (size and JSON well-formedness), and
 * authentication-managed-identity (a token from the identity port).
 */
import { authorizationValue } from '../../expr/compile.ts';
import { childElements, type PolicyElement } from '../../policy/tree.ts';
import { gatewayError } from '../gateway-errors.ts';
import { type Handler, PolicyFailure, type StepContext, ValueCache } from '../types.ts';
import { attrText, attributeValue, evaluateValue, textOf } from '../values.ts';

// One cache per ports object when the caller gave none: shared by the requests of one run.
const fallbackCaches = new WeakMap<object, ValueCache>();
function cacheOf(ctx: StepContext): ValueCache {
  if (ctx.ports.cache) return ctx.ports.cache;
  let c = fallbackCaches.get(ctx.ports);
  if (!c) fallbackCaches.set(ctx.ports, (c = new ValueCache()));
  return c;
}

export const cacheLookupValue: Handler = {
  name: 'cache-lookup-value',
  run(element, ctx) {
    const key = attrText(element, 'key', ctx) ?? '';
    const variable = attrText(element, 'variable-name', ctx) ?? '';
    const hit = cacheOf(ctx).get(key, ctx.ports.now());
    const fallback = attributeValue(element, 'default-value');
    if (hit !== undefined) ctx.state.variables.set(variable, hit);
    else if (fallback) ctx.state.variables.set(variable, evaluateValue(fallback, ctx));
    ctx.trace('cache-lookup-value', `${key}: ${hit === undefined ? 'miss' : 'hit'}`);
    return 'continue';
  },
};

export const cacheStoreValue: Handler = {
  name: 'cache-store-value',
  run(element, ctx) {
    const key = attrText(element, 'key', ctx) ?? '';
    const value = attributeValue(element, 'value');
    const seconds = Number(attrText(element, 'duration', ctx, '0'));
    cacheOf(ctx).set(key, value ? evaluateValue(value, ctx) : '', seconds * 1000, ctx.ports.now());
    ctx.trace('cache-store-value', `${key} for ${seconds}s`);
    return 'continue';
  },
};

export const cacheRemoveValue: Handler = {
  name: 'cache-remove-value',
  run(element, ctx) {
    const key = attrText(element, 'key', ctx) ?? '';
    cacheOf(ctx).delete(key);
    ctx.trace('cache-remove-value', key);
    return 'continue';
  },
};

export const findAndReplace: Handler = {
  name: 'find-and-replace',
  run(element, ctx) {
    const from = attrText(element, 'from', ctx) ?? '';
    const to = attrText(element, 'to', ctx) ?? '';
    if (from === '') return 'continue';
    if (ctx.target === 'request') ctx.state.request.body = (ctx.state.request.body ?? '').split(from).join(to);
    else ctx.state.response.body = ctx.state.response.body.split(from).join(to);
    ctx.trace('find-and-replace', `${JSON.stringify(from)} → ${JSON.stringify(to)}`);
    return 'continue';
  },
};

/** validate-content: size limit and, for `validate-as="json"`, well-formed JSON (schemas are not checked). */
export const validateContent: Handler = {
  name: 'validate-content',
  run(element, ctx) {
    const body = ctx.target === 'request' ? (ctx.state.request.body ?? '') : ctx.state.response.body;
    const maxSize = Number(attrText(element, 'max-size', ctx, '102400'));
    const sizeAction = (attrText(element, 'size-exceeded-action', ctx, 'prevent') ?? 'prevent').toLowerCase();
    const bytes = Buffer.byteLength(body, 'utf8');
    const refuse = (reason: string, message: string, status: number) => {
      throw new PolicyFailure('validate-content', reason, message, gatewayError(status, message));
    };
    if (bytes > maxSize) {
      if (sizeAction === 'prevent') refuse('ValidationFailure', `The body of the ${ctx.target} is ${bytes} bytes, more than the ${maxSize} allowed.`, ctx.target === 'request' ? 413 : 502);
      ctx.trace('validate-content', `body over ${maxSize} bytes (${sizeAction})`);
    }
    const type = ((ctx.target === 'request' ? ctx.state.request.headers : ctx.state.response.headers).get('content-type')?.[0] ?? '').split(';')[0]!.trim().toLowerCase();
    for (const c of childElements(element).filter((x) => x.name === 'content')) {
      const want = (attrText(c, 'type', ctx) ?? '').toLowerCase();
      if (want !== '' && want !== type) continue;
      if ((attrText(c, 'validate-as', ctx) ?? '').toLowerCase() !== 'json' || body === '') continue;
      try {
        JSON.parse(body);
      } catch {
        const action = (attrText(element, 'schema-validation-action', ctx, attrText(c, 'action', ctx, 'prevent')) ?? 'prevent').toLowerCase();
        if (action === 'prevent') refuse('ValidationFailure', `The body of the ${ctx.target} is not well-formed JSON.`, ctx.target === 'request' ? 400 : 502);
      }
    }
    ctx.trace('validate-content', `${bytes} bytes checked`);
    return 'continue';
  },
};

export const authenticationManagedIdentity: Handler = {
  name: 'authentication-managed-identity',
  run(element, ctx) {
    const resource = attrText(element, 'resource', ctx) ?? '';
    const clientId = attrText(element, 'client-id', ctx);
    const output = attrText(element, 'output-token-variable-name', ctx);
    const ignoreError = (attrText(element, 'ignore-error', ctx, 'false') ?? 'false').toLowerCase() === 'true';
    if (!ctx.ports.managedIdentityToken) {
      if (ignoreError) return 'continue';
      throw new PolicyFailure('authentication-managed-identity', 'TokenNotAcquired', 'No managed identity is available to the emulator.');
    }
    const token = ctx.ports.managedIdentityToken(resource, clientId);
    if (output) ctx.state.variables.set(output, token);
    else ctx.state.request.headers.set('authorization', [`Bearer ${token}`]);
    ctx.trace('authentication-managed-identity', `token for ${resource}${output ? ` in ${output}` : ''}`);
    return 'continue';
  },
};

/**
 * get-authorization-context: APIM's credential manager hands out the access token of a
 * connection; the emulator asks the identity port for a token for `credential-manager:<provider>/<connection>`.
 */
export const getAuthorizationContext: Handler = {
  name: 'get-authorization-context',
  run(element, ctx) {
    const provider = attrText(element, 'provider-id', ctx) ?? '';
    const connection = attrText(element, 'authorization-id', ctx) ?? '';
    const variable = attrText(element, 'context-variable-name', ctx) ?? '';
    const ignoreError = (attrText(element, 'ignore-error', ctx, 'false') ?? 'false').toLowerCase() === 'true';
    if (!ctx.ports.managedIdentityToken) {
      if (ignoreError) return 'continue';
      throw new PolicyFailure('get-authorization-context', 'AuthorizationContextNotAvailable', `no credential manager connection ${provider}/${connection} in the emulator`);
    }
    const token = ctx.ports.managedIdentityToken(`credential-manager:${provider}/${connection}`, undefined);
    ctx.state.variables.set(variable, authorizationValue(token, { provider, connection }));
    ctx.trace('get-authorization-context', `${provider}/${connection} → ${variable}`);
    return 'continue';
  },
};

/** authentication-certificate: the emulator makes no TLS connections, so there is no client certificate to present; recorded. */
export const authenticationCertificate: Handler = {
  name: 'authentication-certificate',
  run(element, ctx) {
    ctx.trace('authentication-certificate', `certificate ${attrText(element, 'certificate-id', ctx) ?? attrText(element, 'thumbprint', ctx) ?? '(inline)'} would be presented to the backend`);
    return 'continue';
  },
};

/**
 * Response caching: cache-lookup (inbound) answers a GET from the internal cache, keyed by the
 * backend URL and the vary-by headers and query parameters; on a miss it remembers the key, and
 * cache-store (outbound) keeps a 200 answer (any status with cache-response="true") for `duration`.
 * Requests with an Authorization header are not cached unless allow-private-response-caching is true.
 */
export const cacheLookup: Handler = {
  name: 'cache-lookup',
  run(element, ctx) {
    const request = ctx.state.request;
    const privateOk = (attrText(element, 'allow-private-response-caching', ctx, 'false') ?? 'false').toLowerCase() === 'true';
    if (request.method !== 'GET' || (request.headers.has('authorization') && !privateOk)) {
      ctx.trace('cache-lookup', 'not cacheable');
      return 'continue';
    }
    const url = new URL(request.url);
    const parts = [request.url.split('?')[0]!];
    for (const c of childElements(element)) {
      const text = c.children[0]?.kind === 'text' ? attrTextOfText(c, ctx) : '';
      if (c.name === 'vary-by-header') parts.push(`h:${text.toLowerCase()}=${(request.headers.get(text.toLowerCase()) ?? []).join(',')}`);
      if (c.name === 'vary-by-query-parameter') parts.push(`q:${text}=${url.searchParams.getAll(text).join(',')}`);
    }
    const key = `response|${parts.join('|')}`;
    const hit = cacheOf(ctx).get(key, ctx.ports.now()) as { status: number; reason: string; headers: [string, string[]][]; body: string } | undefined;
    if (hit) {
      ctx.state.response = { status: hit.status, reason: hit.reason, headers: new Map(hit.headers.map(([k, v]) => [k, [...v]])), body: hit.body };
      ctx.trace('cache-lookup', 'hit');
      return 'return';
    }
    ctx.state.pendingCacheKey = key;
    ctx.trace('cache-lookup', 'miss');
    return 'continue';
  },
};

export const cacheStore: Handler = {
  name: 'cache-store',
  run(element, ctx) {
    const key = ctx.state.pendingCacheKey;
    const response = ctx.state.response;
    const any = (attrText(element, 'cache-response', ctx, 'false') ?? 'false').toLowerCase() === 'true';
    if (!key || (response.status !== 200 && !any)) {
      ctx.trace('cache-store', 'not stored');
      return 'continue';
    }
    const seconds = Number(attrText(element, 'duration', ctx, '0'));
    cacheOf(ctx).set(key, { status: response.status, reason: response.reason, headers: [...response.headers].map(([k, v]) => [k, [...v]]), body: response.body }, seconds * 1000, ctx.ports.now());
    ctx.trace('cache-store', `stored for ${seconds}s`);
    return 'continue';
  },
};

function attrTextOfText(element: PolicyElement, ctx: StepContext): string {
  const t = element.children[0];
  return t?.kind === 'text' ? textOf(t.value, ctx).trim() : '';
}

/** authentication-basic: the backend request carries `Authorization: Basic base64(username:password)`. */
export const authenticationBasic: Handler = {
  name: 'authentication-basic',
  run(element, ctx) {
    const user = attrText(element, 'username', ctx) ?? '';
    const password = attrText(element, 'password', ctx) ?? '';
    ctx.state.request.headers.set('authorization', [`Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`]);
    ctx.trace('authentication-basic', `as ${user}`);
    return 'continue';
  },
};
