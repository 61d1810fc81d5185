/** Cross-domain: CORS, JSONP and Flash/Silverlight cross-domain policy files. */
import { ALL_SCOPES, bool, exprText, fixedName, int, listPart, notYet, policy, type PolicySchema, textPart } from './schema.ts';

const header = textPart('header', exprText('A header name.'));

export const cors: PolicySchema = policy({
  name: 'cors',
  category: 'Cross-domain',
  description: 'Adds CORS support (preflight answers and CORS response headers) for browser clients.',
  reference: 'cors-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  attributes: {
    'allow-credentials': bool('Send Access-Control-Allow-Credentials.', { default: 'false' }),
    'terminate-unmatched-request': bool('End unmatched cross-origin requests with an empty 200.', { default: 'true' }),
  },
  content: 'elements',
  children: {
    'allowed-origins': { schema: listPart('allowed-origins', 'Allowed origins (* or scheme://host[:port]).', textPart('origin', exprText('An allowed origin.'))), min: 1, max: 1 },
    'allowed-methods': {
      schema: { ...listPart('allowed-methods', 'Allowed methods (default GET and POST; * for all).', textPart('method', exprText('An HTTP method.'))), attributes: { 'preflight-result-max-age': int('Seconds a browser may cache the preflight result.', { min: 0 }, { default: '0' }) } },
      max: 1,
    },
    'allowed-headers': { schema: listPart('allowed-headers', 'Headers the client may send.', header), max: 1 },
    'expose-headers': { schema: listPart('expose-headers', 'Headers the client may read.', header), max: 1 },
  },
  emulator: { status: 'supported' },
});

export const jsonp: PolicySchema = policy({
  name: 'jsonp',
  category: 'Cross-domain',
  description: 'Wraps the JSON response in a JavaScript callback named by a query parameter.',
  reference: 'jsonp-policy',
  sections: ['outbound'],
  scopes: ALL_SCOPES,
  attributes: { 'callback-parameter-name': fixedName('Query parameter naming the callback function.', { required: true }) },
  content: 'empty',
  emulator: notYet('no jsonp handler yet'),
});

export const crossDomain: PolicySchema = policy({
  name: 'cross-domain',
  category: 'Cross-domain',
  description: 'Serves a Flash/Silverlight cross-domain policy document (its content is that document).',
  reference: 'cross-domain-policy',
  sections: ['inbound'],
  scopes: ['global'],
  attributes: {},
  content: 'payload',
  emulator: notYet('Flash and Silverlight clients are out of scope'),
});

export const crossDomainPolicies: readonly PolicySchema[] = [crossDomain, cors, jsonp];
