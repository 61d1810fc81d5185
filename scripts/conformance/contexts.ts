/**
 * The request contexts the conformance cases run against (DESIGN §7 context JSON). One JSON
 * request with headers, a body and typed variables covers most cases; a GET without a body and a
 * text body cover the rest.
 */
import type { ExprContextJson } from '../../src/expr/api.ts';

const b64url = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** An unsigned JWT (`alg: none`): APIM's AsJwt() parses without validating. */
export const JWT = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({
  sub: 'user-1',
  iss: 'https://issuer.example',
  aud: ['api://one', 'api://two'],
  roles: ['reader', 'writer'],
  name: 'Ada',
  exp: 1767225600,
  iat: 1767222000,
})}.c2ln`;

export const BASIC = `Basic ${Buffer.from('alice:s3cret:x').toString('base64')}`;

/** POST with a JSON body, several headers (one repeated) and a variable of each JSON kind. */
export const JSON_REQUEST: ExprContextJson = {
  request: {
    method: 'POST',
    url: 'https://api.example.com:8443/orders/42/items?page=2&tag=a&tag=b&q=hello%20world',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${JWT}`,
      'X-Basic': BASIC,
      'X-Multi': ['one', 'two'],
      'X-Empty': '',
    },
    body: {
      name: 'Ada',
      age: 36,
      score: 2.5,
      active: true,
      tags: ['a', 'b', 'c'],
      nested: { x: 1, y: [10, 20] },
      when: '2024-03-01T12:30:00Z',
      nothing: null,
    },
  },
  variables: {
    s: 'text',
    n: 42,
    neg: -7,
    d: 2.5,
    b: true,
    numstr: '123',
    obj: { a: 1, b: 'two', c: [1, 2, 3], d: { e: true } },
    arr: [3, 1, 2],
  },
};

/** GET without a body. */
export const GET_REQUEST: ExprContextJson = {
  request: { method: 'GET', url: 'https://gateway.local/status', headers: { Accept: 'text/plain' } },
  variables: {},
};

/** A body that is not JSON. */
export const TEXT_REQUEST: ExprContextJson = {
  request: { method: 'PUT', url: 'https://gateway.local/upload', headers: { 'Content-Type': 'text/plain' }, bodyText: 'héllo, world' },
};

/** A JSON array body. */
export const ARRAY_REQUEST: ExprContextJson = {
  request: { method: 'POST', url: 'https://gateway.local/batch', headers: {}, body: [{ id: 1 }, { id: 2 }, { id: 3 }] },
};
