import assert from 'node:assert/strict';
import { createHmac, createPublicKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { diagnostic } from '../../src/diagnostics/index.ts';
import { parsePolicy } from '../../src/policy/parse.ts';
import { openIdConfiguration, tenantUrls } from '../../src/runtime/identity/entra.ts';
import { generateDevKeys, generateSigningKey, jwks, publicJwk } from '../../src/runtime/identity/keys.ts';
import { mintToken, type TokenRequest } from '../../src/runtime/identity/mint.ts';
import { handle } from '../../src/runtime/pipeline.ts';
import { composeScopes } from '../../src/runtime/scopes.ts';
import { FixedWindowCounters } from '../../src/runtime/stores/fixed-window.ts';
import { SlidingWindowCounters } from '../../src/runtime/stores/sliding-window.ts';
import { headersFrom, type Ports } from '../../src/runtime/types.ts';

const keys = generateDevKeys();
const tenant = '00000000-0000-0000-0000-000000000001';
const authority = 'https://login.microsoftonline.com';
const urls = tenantUrls(authority, tenant);
const now = 1_900_000_000;

/** The local identity provider standing in for Entra: OpenID configuration and JWKS for any tenant. */
async function fetchJson(url: string): Promise<unknown> {
  const m = /^https:\/\/login\.microsoftonline\.com\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys)$/.exec(url);
  if (!m) throw new Error(`unexpected fetch ${url}`);
  return m[2]!.startsWith('v2.0') ? openIdConfiguration(authority, m[1]!) : jwks(keys);
}

const ports = (): Ports => ({
  now: () => now * 1000,
  backend: async () => ({ status: 200, headers: headersFrom({}), body: 'ok' }),
  counters: new SlidingWindowCounters(),
  quotas: new FixedWindowCounters(),
  newId: () => 'id-1',
  fetchJson,
  expressions: { compile: (s) => ({ diagnostics: [diagnostic('MA4001', s.text)] }), evaluate: () => null, toText: String },
});

const policy = (inner: string) => composeScopes({ api: parsePolicy('p.xml', `<policies><inbound>${inner}</inbound><backend><forward-request /></backend></policies>`).document! });
const aad = policy(`<validate-azure-ad-token tenant-id="${tenant}" output-token-variable-name="jwt"><client-application-ids><application-id>client-1</application-id></client-application-ids><audiences><audience>api://gw</audience></audiences><required-claims><claim name="roles" match="any"><value>R1</value><value>R2</value></claim></required-claims></validate-azure-ad-token>`);
const jwtPolicy = policy(`<validate-jwt header-name="Authorization" failed-validation-error-message="Unauthorized!"><openid-config url="${urls.openIdConfiguration}" /><audiences><audience>api://gw</audience></audiences></validate-jwt>`);

const token = (request: TokenRequest = {}) => mintToken(keys, { issuer: urls.issuerV2, audience: 'api://gw', tenantId: tenant, now }, { ...request, claims: { azp: 'client-1', roles: ['R1'], ...request.claims } });
const call = (p: ReturnType<typeof policy>, authorization?: string) => handle(p, { method: 'GET', url: 'https://gw/x', headers: headersFrom(authorization === undefined ? {} : { Authorization: authorization }) }, ports());

describe('validate-azure-ad-token against the local identity provider', () => {
  it('accepts a good token and stores it in the output variable', async () => {
    const r = await call(aad, `Bearer ${token()}`);
    assert.equal(r.status, 200);
    assert.equal(r.forwarded, true);
  });

  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const good = token();
  const [h, p] = good.split('.');
  const hs256 = (() => {
    // The classic confusion attack: HS256 "signed" with the RSA public key as the HMAC secret.
    const header = b64({ alg: 'HS256', typ: 'JWT', kid: 'mcp-apim-dev-1' });
    const pem = createPublicKey({ key: keys.dev.privateJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    return `${header}.${p}.${createHmac('sha256', pem).update(`${header}.${p}`).digest('base64url')}`;
  })();
  const refused: Array<[string, string | undefined, string]> = [
    ['no Authorization header', undefined, 'TokenNotPresent'],
    ['a scheme other than Bearer', `Basic ${good}`, 'TokenNotPresent'],
    ['malformed token', 'Bearer not-a-jwt', 'JwtInvalid'],
    ['alg none', `Bearer ${token({ signWith: 'none' })}`, 'TokenSignatureInvalid'],
    ['HS256 signed with the RSA public key', `Bearer ${hs256}`, 'TokenSignatureInvalid'],
    ['unknown kid', `Bearer ${token({ header: { kid: 'other' } })}`, 'TokenSignatureKeyNotFound'],
    ['a key nobody trusts', `Bearer ${token({ signWith: 'foreign', header: { kid: 'mcp-apim-dev-1' } })}`, 'TokenSignatureInvalid'],
    ['tampered payload', `Bearer ${h}.${b64({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), roles: ['R2'] })}.${good.split('.')[2]}`, 'TokenSignatureInvalid'],
    ['expired', `Bearer ${token({ claims: { exp: now - 1 } })}`, 'TokenExpired'],
    ['no exp', `Bearer ${token({ claims: { exp: null } })}`, 'TokenExpired'],
    ['not yet valid', `Bearer ${token({ claims: { nbf: now + 60 } })}`, 'JwtInvalid'],
    ['wrong audience', `Bearer ${token({ claims: { aud: 'api://other' } })}`, 'TokenAudienceNotAllowed'],
    ['wrong issuer', `Bearer ${token({ claims: { iss: 'https://evil.example/' } })}`, 'TokenIssuerNotAllowed'],
    ['another tenant (v2 issuer of that tenant)', `Bearer ${token({ claims: { iss: tenantUrls(authority, '99999999-0000-0000-0000-000000000000').issuerV2 } })}`, 'TokenIssuerNotAllowed'],
    ['a client application not allowed', `Bearer ${token({ claims: { azp: 'client-2' } })}`, 'TokenClaimValueNotAllowed'],
    ['a required claim missing', `Bearer ${token({ claims: { roles: null } })}`, 'TokenClaimNotFound'],
    ['a required claim value not allowed', `Bearer ${token({ claims: { roles: ['R3'] } })}`, 'TokenClaimValueNotAllowed'],
  ];
  for (const [note, authorization, reason] of refused) {
    it(`401 ${reason}: ${note}`, async () => {
      const r = await call(aad, authorization);
      assert.equal(r.status, 401);
      assert.equal(r.forwarded, false);
      assert.ok(r.trace.some((t) => t.message.startsWith(`${reason}:`)), JSON.stringify(r.trace));
      assert.equal(r.body, `{ "statusCode": 401, "message": "${reason === 'TokenNotPresent' ? 'JWT not present.' : 'Invalid JWT.'}" }`);
    });
  }
});

describe('validate-jwt', () => {
  it('uses the OpenID configuration\'s keys and issuer, and the configured error message', async () => {
    assert.equal((await call(jwtPolicy, `Bearer ${token()}`)).status, 200);
    const r = await call(jwtPolicy, `Bearer ${token({ claims: { iss: 'https://sts.windows.net/x/' } })}`);
    assert.equal(r.body, '{ "statusCode": 401, "message": "Unauthorized!" }');
  });

});

describe('validate-jwt with inline issuer-signing-keys', () => {
  const secret = Buffer.from('a-shared-secret-of-32-bytes-long!');
  const hs256 = (key: Buffer, claims: Record<string, unknown> = {}) => {
    const b = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = `${b({ alg: 'HS256', typ: 'JWT' })}.${b({ iss: 'me', aud: 'api://gw', exp: now + 600, ...claims })}`;
    return `${head}.${createHmac('sha256', key).update(head).digest('base64url')}`;
  };
  const hmacPolicy = policy(`<validate-jwt header-name="Authorization"><issuer-signing-keys><key>${secret.toString('base64')}</key></issuer-signing-keys><audiences><audience>api://gw</audience></audiences><issuers><issuer>me</issuer></issuers></validate-jwt>`);

  it('accepts an HS256 token signed with the configured symmetric key, and refuses another secret', async () => {
    assert.equal((await call(hmacPolicy, `Bearer ${hs256(secret)}`)).status, 200);
    assert.equal((await call(hmacPolicy, `Bearer ${hs256(Buffer.from('another-secret-of-32-bytes-long!!'))}`)).status, 401);
    assert.equal((await call(hmacPolicy, `Bearer ${hs256(secret, { aud: 'api://other' })}`)).status, 401);
  });

  it('never treats a key from a JWKS as an HMAC secret (no symmetric keys configured: HS256 refused)', async () => {
    const pem = createPublicKey({ key: keys.dev.privateJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    assert.equal((await call(jwtPolicy, `Bearer ${hs256(Buffer.from(pem))}`)).status, 401);
  });

  it('verifies RS256 against an inline RSA key given as modulus and exponent', async () => {
    const pub = createPublicKey({ key: keys.dev.privateJwk, format: 'jwk' }).export({ format: 'jwk' });
    const rsa = policy(`<validate-jwt header-name="Authorization"><issuer-signing-keys><key n="${pub.n}" e="${pub.e}" /></issuer-signing-keys><audiences><audience>api://gw</audience></audiences></validate-jwt>`);
    assert.equal((await call(rsa, `Bearer ${token()}`)).status, 200);
    assert.equal((await call(rsa, `Bearer ${token({ signWith: 'foreign' })}`)).status, 401);
  });
});

describe('signing keys are kept as APIM keeps them', () => {
  // A provider of its own (the cache is per identity port), on a clock the tests move.
  const rotated = generateSigningKey('rotated-2');
  function provider() {
    const state = { fetches: 0, clock: now * 1000, serving: [publicJwk(keys.dev)], failNext: false };
    const fetch = async (url: string): Promise<unknown> => {
      state.fetches++;
      if (state.failNext) {
        state.failNext = false;
        throw new Error('the identity provider is down');
      }
      return url.endsWith('openid-configuration') ? openIdConfiguration(authority, tenant) : { keys: state.serving };
    };
    const portsOf = (): Ports => ({ ...ports(), now: () => state.clock, fetchJson: fetch });
    const at = (p: ReturnType<typeof policy>, signed: string) => handle(p, { method: 'GET', url: 'https://gw/x', headers: headersFrom({ Authorization: `Bearer ${signed}` }) }, portsOf());
    return { state, at };
  }
  const minutes = (n: number) => n * 60_000;
  const tokenAt = (clockMs: number, signer = keys.dev) => mintToken({ dev: signer, foreign: keys.foreign }, { issuer: urls.issuerV2, audience: 'api://gw', tenantId: tenant, now: Math.floor(clockMs / 1000) }, { claims: { azp: 'client-1', roles: ['R1'] } });

  it('fetches the configuration and keys once an hour, not once a request', async () => {
    const { state, at } = provider();
    assert.equal((await at(aad, tokenAt(state.clock))).status, 200);
    assert.equal(state.fetches, 2, 'the OpenID configuration, then its key set');
    state.clock += minutes(59);
    assert.equal((await at(aad, tokenAt(state.clock))).status, 200);
    assert.equal(state.fetches, 2, 'kept within the hour');
    state.clock += minutes(2);
    assert.equal((await at(aad, tokenAt(state.clock))).status, 200);
    assert.equal(state.fetches, 4, 'refreshed after an hour');
  });

  it('fetches again for a key it lacks, at most every five minutes', async () => {
    const { state, at } = provider();
    assert.equal((await at(aad, tokenAt(state.clock))).status, 200);
    state.serving = [publicJwk(keys.dev), publicJwk(rotated)];
    state.clock += minutes(1);
    const early = await at(aad, tokenAt(state.clock, rotated));
    assert.equal(early.status, 401, 'the new key is not known yet, and the last fetch was a minute ago');
    assert.equal(state.fetches, 2);
    state.clock += minutes(5);
    assert.equal((await at(aad, tokenAt(state.clock, rotated))).status, 200, 'fetched again: the rotated key is found');
    assert.equal(state.fetches, 4);
    assert.equal((await at(aad, tokenAt(state.clock))).status, 200);
    assert.equal((await at(aad, tokenAt(state.clock, keys.foreign))).status, 401, 'a foreign key is refused without another fetch so soon');
    assert.equal(state.fetches, 4);
  });

  it('keeps no failed fetch: the next request asks again', async () => {
    const { state, at } = provider();
    state.failNext = true;
    assert.equal((await at(aad, tokenAt(state.clock))).status, 500);
    assert.equal((await at(aad, tokenAt(state.clock))).status, 200);
    assert.equal(state.fetches, 3);
  });
});

describe('the token in the Authorization header', () => {
  const good = token();
  // [header value, accepted]: the scheme to the first white space, case-insensitive; the token
  // after the white space that follows, on one line
  const table: readonly (readonly [string, boolean])[] = [
    [`Bearer ${good}`, true],
    [`bearer ${good}`, true],
    [`  BEARER \t ${good}  `, true],
    [`\u00a0Bearer ${good}\u3000`, true],
    [`Bearer ${good}\u2028`, true],
    [`Bearer\n${good}`, true],
    [`Bearer ${good}\nx`, false],
    [`Bearer ${good.slice(0, 20)}\u2028${good.slice(20)}`, false],
    [`Bearer${good}`, false],
    [`Basic ${good}`, false],
    [good, false],
    ['Bearer', false],
  ];
  for (const [value, accepted] of table) {
    it(`${accepted ? 'accepts' : 'refuses'} ${JSON.stringify(value.length > 40 ? `${value.slice(0, 16)}…${value.slice(-8)}` : value)}`, async () => {
      const r = await call(aad, value);
      assert.equal(r.status, accepted ? 200 : 401);
    });
  }
});
