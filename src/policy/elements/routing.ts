/** Routing: forwarding to the backend, choosing the backend, HTTP proxy. */
import { ALL_SCOPES, bool, int, notYet, oneOfValues, policy, type PolicySchema, str } from './schema.ts';

export const forwardRequest: PolicySchema = policy({
  name: 'forward-request',
  category: 'Routing',
  description: 'Forwards the request to the backend service (set up at the global scope by default).',
  reference: 'forward-request-policy',
  sections: ['backend'],
  scopes: ALL_SCOPES,
  attributes: {
    timeout: int('Seconds to wait for the response headers (values over 240 may not be honoured).', { min: 0 }, { default: '300' }),
    'timeout-ms': int('Milliseconds to wait for the response headers.', { min: 0 }),
    'continue-timeout': int('Seconds to wait for a 100 Continue.', { min: 0 }),
    'http-version': oneOfValues(['1', '2', '2or1'], 'HTTP version used to the backend.', { expression: false, default: '1' }),
    'follow-redirects': bool('Follow backend redirects instead of returning them.', { default: 'false' }),
    'buffer-request-body': bool('Buffer the request body so that retry can resend it.', { expression: false, default: 'false' }),
    'buffer-response': bool('Buffer the response (false for server-sent events).', { expression: false, default: 'true' }),
    'fail-on-error-status-code': bool('Send backend 400–599 answers to on-error.', { expression: false, default: 'false' }),
  },
  content: 'empty',
  emulator: {
    status: 'supported',
    gaps: [
      { attribute: 'follow-redirects', value: 'true', reason: 'backend redirects are returned, not followed' },
    ],
  },
});

export const setBackendService: PolicySchema = policy({
  name: 'set-backend-service',
  category: 'Routing',
  description: 'Changes the backend base URL of the request to a URL or a backend resource (pools, circuit breakers).',
  reference: 'set-backend-service-policy',
  sections: ['inbound', 'backend'],
  scopes: ALL_SCOPES,
  attributes: {
    'base-url': str('New backend base URL.'),
    'backend-id': str('Identifier of a backend resource.'),
    'sf-resolve-condition': bool('Re-resolve the Service Fabric service when this is true.'),
    'sf-service-instance-name': str('Service Fabric service instance.'),
    'sf-partition-key': str('Service Fabric partition key.'),
    'sf-replica-type': oneOfValues(['primary', 'secondary'], 'Service Fabric replica type.', { default: 'primary' }),
    'sf-listener-name': str('Service Fabric listener.'),
    'dapr-app-id': str('Dapr application id (self-hosted gateway).'),
    'dapr-method': str('Dapr method or URL.'),
    'dapr-namespace': str('Dapr namespace.'),
  },
  oneOf: [{ attributes: ['base-url', 'backend-id', 'dapr-app-id'] }],
  content: 'empty',
  emulator: { status: 'partial', reason: 'base-url is supported; backend-id works for the backends the deployment declares (the REST service of bridged tools, `<api>-rest`, at its URL); other ids, pools and circuit breakers are not emulated and fail with BackendNotFound' },
});

export const proxy: PolicySchema = policy({
  name: 'proxy',
  category: 'Routing',
  description: 'Routes the forwarded request through an HTTP proxy.',
  reference: 'proxy-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  attributes: { url: str('Proxy URL.', { required: true }), username: str('Proxy user name.'), password: str('Proxy password.') },
  content: 'empty',
  emulator: notYet('the emulator sends no real traffic through proxies'),
});

export const routingPolicies: readonly PolicySchema[] = [forwardRequest, setBackendService, proxy];
