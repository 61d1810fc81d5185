import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordedAuthorization, type TokenContext } from '../../src/gateway/recorded-token.ts';
import { generateDevKeys } from '../../src/runtime/identity/keys.ts';
import { mintToken } from '../../src/runtime/identity/mint.ts';

const keys = generateDevKeys();
const now = 1_900_000_000;
const context: TokenContext = {
  keys,
  localIssuer: 'http://127.0.0.1:8080/t-1/v2.0',
  replayIssuer: 'https://login.microsoftonline.com/t-1/v2.0',
  audience: 'api://gw',
  tenantId: 't-1',
  now,
};
const mint = (request: Parameters<typeof mintToken>[2], issuer = context.localIssuer, at = now) => `Bearer ${mintToken(keys, { issuer, audience: 'api://gw', tenantId: 't-1', now: at }, request)}`;

describe('a live token becomes request.token (claims only, never the token)', () => {
  it('keeps only the claims a replay does not mint itself for a token the gateway accepts', () => {
    const value = mint({ claims: { roles: ['R'], azp: 'agent-1' } });
    const recorded = recordedAuthorization(value, context);
    assert.deepEqual(recorded, { token: { claims: { roles: ['R'], azp: 'agent-1' } } });
    assert.ok(!JSON.stringify(recorded).includes(value.slice(7, 40)), 'no part of the token is kept');
  });

  it('keeps what made a token fail: a wrong audience, an expired lifetime, a missing exp', () => {
    assert.deepEqual(recordedAuthorization(mint({ claims: { aud: 'api://other', azp: 'a' } }), context), { token: { claims: { aud: 'api://other', azp: 'a' } } });
    const expired = recordedAuthorization(mint({ claims: { azp: 'a' } }, context.localIssuer, now - 7200), context) as { token: { claims: Record<string, unknown> } };
    assert.equal(expired.token.claims.exp, now - 3600, 'an expired token stays expired');
    const noExp = recordedAuthorization(mint({ claims: { exp: null, azp: 'a' } }), context) as { token: { claims: Record<string, unknown> } };
    assert.equal(noExp.token.claims.exp, null, 'null removes the default the replay would add');
  });

  it("marks the config's own (Entra) issuer as foreign to the local gateway, so the replay refuses it too", () => {
    const r = recordedAuthorization(mint({ claims: { azp: 'a' } }, context.replayIssuer), context) as { token: { claims: Record<string, unknown> } };
    assert.notEqual(r.token.claims.iss, context.replayIssuer);
    assert.match(String(r.token.claims.iss), /not-the-local-gateway/);
  });

  it('tells which key signed it: dev (default), foreign, or none', () => {
    assert.deepEqual(recordedAuthorization(mint({ claims: { azp: 'a' }, signWith: 'foreign' }), context), { token: { claims: { azp: 'a' }, signWith: 'foreign' } });
    assert.deepEqual(recordedAuthorization(mint({ claims: { azp: 'a' }, signWith: 'none' }), context), { token: { claims: { azp: 'a' }, signWith: 'none' } });
    assert.deepEqual(recordedAuthorization(mint({ claims: { azp: 'a' }, header: { kid: 'other' } }), context), { token: { claims: { azp: 'a' }, header: { kid: 'other' } } });
  });

  it('never records other credentials or unreadable bearer values', () => {
    assert.deepEqual(recordedAuthorization(undefined, context), {});
    assert.deepEqual(recordedAuthorization('Basic dXNlcjpwYXNz', context), { authorization: 'Basic [credential not recorded]' });
    assert.deepEqual(recordedAuthorization('Bearer not-a-jwt', context), { authorization: 'Bearer [unreadable token not recorded]' });
  });
});
