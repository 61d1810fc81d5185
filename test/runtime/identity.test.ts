import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { openIdConfiguration, tenantUrls } from '../../src/runtime/identity/entra.ts';
import { generateDevKeys, jwks, parseDevKeys } from '../../src/runtime/identity/keys.ts';
import { mintToken } from '../../src/runtime/identity/mint.ts';

const keys = generateDevKeys();
const tenant = '00000000-0000-0000-0000-000000000001';
const issuer = tenantUrls('https://login.microsoftonline.com', tenant).issuerV2;
const now = 1_900_000_000;
const defaults = { issuer, audience: 'api://gateway', tenantId: tenant, now };
const keySet = createLocalJWKSet(jwks(keys) as Parameters<typeof createLocalJWKSet>[0]);
const verify = (token: string) => jwtVerify(token, keySet, { issuer, audience: 'api://gateway', currentDate: new Date(now * 1000) });

describe('local identity provider', () => {
  it('mints an Entra-shaped v2 token that verifies against its JWKS', async () => {
    const token = mintToken(keys, defaults, { claims: { roles: ['MCP.Tools.Read'], azp: 'agent-1' } });
    const { payload, protectedHeader } = await verify(token);
    assert.deepEqual(payload, { aud: 'api://gateway', iss: issuer, iat: now, nbf: now, exp: now + 3600, tid: tenant, ver: '2.0', roles: ['MCP.Tools.Read'], azp: 'agent-1' });
    assert.deepEqual(protectedHeader, { alg: 'RS256', typ: 'JWT', kid: 'mcp-apim-dev-1' });
  });

  it('a claim set to null removes the default', async () => {
    const { payload } = await verify(mintToken(keys, defaults, { claims: { tid: null, ver: null } }));
    assert.equal('tid' in payload, false);
    assert.equal('ver' in payload, false);
  });

  it('tokens signed with the foreign key or unsigned do not verify', async () => {
    await assert.rejects(verify(mintToken(keys, defaults, { signWith: 'foreign' })));
    const unsigned = mintToken(keys, defaults, { signWith: 'none' });
    assert.equal(decodeProtectedHeader(unsigned).alg, 'none');
    assert.ok(unsigned.endsWith('.'));
    await assert.rejects(verify(unsigned));
  });

  it('a header override changes only the header: alg HS256 makes the RSA-signed token invalid', async () => {
    const token = mintToken(keys, defaults, { header: { alg: 'HS256' } });
    assert.equal(decodeProtectedHeader(token).alg, 'HS256');
    await assert.rejects(verify(token));
    const unknownKid = mintToken(keys, defaults, { header: { kid: 'nope' } });
    await assert.rejects(verify(unknownKid));
  });

  it('serves an OpenID configuration that points at the tenant JWKS', () => {
    const doc = openIdConfiguration('http://127.0.0.1:7071', tenant);
    assert.equal(doc.issuer, `http://127.0.0.1:7071/${tenant}/v2.0`);
    assert.equal(doc.jwks_uri, `http://127.0.0.1:7071/${tenant}/discovery/v2.0/keys`);
    assert.equal(jwks(keys).keys[0]!.kid, 'mcp-apim-dev-1');
    assert.equal('d' in jwks(keys).keys[0]!, false, 'no private part in the JWKS');
  });

  it('reads back stored keys and rejects damaged ones', () => {
    assert.ok(parseDevKeys(JSON.parse(JSON.stringify(keys))));
    assert.equal(parseDevKeys({ dev: { kid: 'x', privateJwk: { kty: 'RSA' } }, foreign: keys.foreign }), undefined);
    assert.equal(parseDevKeys('nope'), undefined);
  });
});
