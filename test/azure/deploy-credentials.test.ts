/**
 * Credentials, clouds, endpoints and the retry rules: the parts of the deploy that decide where a
 * token goes and when a request is tried again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AzureCliCredential, AzurePipelinesCredential, ChainedTokenCredential, DefaultAzureCredential } from '@azure/identity';
import { chooseCredential, PIPELINE_VARIABLES, staticTokenCredential } from '../../src/azure/arm/credentials.ts';
import { isLoopbackHost, resolveEndpoint } from '../../src/azure/arm/endpoint.ts';
import { failureDiagnostic } from '../../src/azure/arm/errors.ts';
import { backoffMs, classify, isRetryable, RetriesExhausted, retryAfterMs, withRetries } from '../../src/azure/arm/retry.ts';

const AUTHORITY = 'https://login.microsoftonline.com';
const OIDC = 'https://dev.azure.com/contoso/00000000-0000-0000-0000-000000000000/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken';
const pipelineEnv = { AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: 'sc-1', AZURESUBSCRIPTION_CLIENT_ID: '22222222-0000-0000-0000-000000000000', AZURESUBSCRIPTION_TENANT_ID: '33333333-0000-0000-0000-000000000000', SYSTEM_ACCESSTOKEN: 'ado-token', SYSTEM_OIDCREQUESTURI: OIDC };

/** AzurePipelinesCredential reads SYSTEM_OIDCREQUESTURI from the process environment when constructed. */
function withProcessEnv<T>(name: string, value: string | undefined, fn: () => T): T {
  const saved = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
}

describe('deploy: credentials', () => {
  it('auto picks AzurePipelinesCredential only when every service-connection variable and SYSTEM_ACCESSTOKEN is there', () => {
    const inPipeline = withProcessEnv('SYSTEM_OIDCREQUESTURI', OIDC, () => chooseCredential('auto', pipelineEnv, AUTHORITY));
    assert.ok('credential' in inPipeline && inPipeline.credential instanceof AzurePipelinesCredential);
    for (const v of PIPELINE_VARIABLES) {
      const partial = chooseCredential('auto', { ...pipelineEnv, [v]: '' }, AUTHORITY);
      assert.ok('credential' in partial && partial.credential instanceof ChainedTokenCredential, `without ${v}: Azure CLI, then the default chain`);
      assert.equal(partial.name, 'AzureCliCredential, then DefaultAzureCredential');
    }
  });

  it('--credential forces one, and says what is missing', () => {
    const cli = chooseCredential('cli', pipelineEnv, AUTHORITY);
    assert.ok('credential' in cli && cli.credential instanceof AzureCliCredential);
    const def = chooseCredential('default', {}, AUTHORITY);
    assert.ok('credential' in def && def.credential instanceof DefaultAzureCredential);
    const pipelines = chooseCredential('pipelines', { SYSTEM_ACCESSTOKEN: 'x' }, AUTHORITY);
    assert.ok('error' in pipelines);
    assert.equal(pipelines.error.code, 'MA8010');
    assert.match(pipelines.error.message, /needs AZURESUBSCRIPTION_SERVICE_CONNECTION_ID, AZURESUBSCRIPTION_CLIENT_ID, AZURESUBSCRIPTION_TENANT_ID, SYSTEM_OIDCREQUESTURI in the environment/);
    const notAnAgent = withProcessEnv('SYSTEM_OIDCREQUESTURI', undefined, () => chooseCredential('pipelines', pipelineEnv, AUTHORITY));
    assert.ok('error' in notAnAgent && notAnAgent.error.code === 'MA8010', 'a constructor that refuses is a diagnostic, not a crash');
    const token = chooseCredential('token', { AZURE_ACCESS_TOKEN: '  ' }, AUTHORITY);
    assert.ok('error' in token && token.error.code === 'MA8011');
  });

  it('--credential token hands AZURE_ACCESS_TOKEN over as is, with the lifetime from its exp claim', async () => {
    const exp = 2_000_000_000;
    const jwt = `e30.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.sig`;
    const chosen = chooseCredential('token', { AZURE_ACCESS_TOKEN: `Bearer ${jwt}` }, AUTHORITY);
    assert.ok('credential' in chosen);
    const t = await chosen.credential.getToken('https://management.azure.com/.default');
    assert.deepEqual(t, { token: jwt, expiresOnTimestamp: exp * 1000 });
    const opaque = await staticTokenCredential('opaque', 1000).getToken('x');
    assert.deepEqual(opaque, { token: 'opaque', expiresOnTimestamp: 1000 + 3_600_000 });
  });

  it('a credential failure is MA8010 with a hint, never retried', async () => {
    const error = Object.assign(new Error('Azure CLI could not be found. Please visit https://aka.ms/azure-cli'), { name: 'CredentialUnavailableError' });
    assert.equal(classify(error).category, 'credential');
    assert.equal(isRetryable(classify(error)), false);
    let calls = 0;
    await assert.rejects(withRetries(async () => {
      calls++;
      throw error;
    }, { sleep: async () => {}, random: () => 0, maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 }));
    assert.equal(calls, 1);
    const d = failureDiagnostic(error, 'read service s', []);
    assert.equal(d.code, 'MA8010');
    assert.match(d.message, /^read service s: no ARM token: Azure CLI could not be found/);
    assert.match(d.hint ?? '', /az login/);
  });
});

describe('deploy: clouds and endpoints', () => {
  it('maps clouds to their ARM origin, token scope and authority', () => {
    assert.deepEqual(resolveEndpoint({}), { endpoint: { publicOrigin: 'https://management.azure.com', scope: 'https://management.azure.com/.default', authorityHost: AUTHORITY } });
    const china = resolveEndpoint({ cloud: 'AzureChinaCloud' });
    assert.ok('endpoint' in china && china.endpoint.publicOrigin === 'https://management.chinacloudapi.cn' && china.endpoint.authorityHost === 'https://login.chinacloudapi.cn');
    const gov = resolveEndpoint({ cloud: 'AzureUSGovernment' });
    assert.ok('endpoint' in gov && gov.endpoint.scope === 'https://management.usgovcloudapi.net/.default');
  });

  it('takes an origin only, https anywhere, http only on loopback (addressed as https, carried as http)', () => {
    const ok = resolveEndpoint({ armEndpoint: 'https://arm.contoso.example:8443/' });
    assert.ok('endpoint' in ok && ok.endpoint.publicOrigin === 'https://arm.contoso.example:8443' && ok.endpoint.wireOrigin === undefined);
    const local = resolveEndpoint({ armEndpoint: 'http://127.0.0.1:4000' });
    assert.ok('endpoint' in local);
    assert.equal(local.endpoint.publicOrigin, 'https://127.0.0.1:4000');
    assert.equal(local.endpoint.wireOrigin, 'http://127.0.0.1:4000');
    for (const bad of ['http://10.0.0.1', 'http://arm.example', 'ftp://127.0.0.1', 'https://u:p@arm.example', 'https://arm.example/x', 'https://arm.example?x=1', 'management.azure.com']) {
      assert.ok('error' in resolveEndpoint({ armEndpoint: bad }), bad);
    }
    for (const h of ['127.0.0.1', '127.1.2.3', '[::1]', 'localhost']) assert.ok(isLoopbackHost(h), h);
    for (const h of ['128.0.0.1', '127.0.0.1.example.com', '::2']) assert.ok(!isLoopbackHost(h), h);
  });
});

describe('deploy: retry rules', () => {
  const http = (statusCode: number, code: string, headers: Record<string, string> = {}) => Object.assign(new Error(code), { statusCode, code, response: { headers: { get: (n: string) => headers[n] } } });

  it('retries throttling, timeouts, 5xx, PessimisticConcurrencyConflict, ManagementApiRequestFailed and network errors only', () => {
    for (const [s, c] of [[429, 'TooManyRequests'], [408, 'RequestTimeout'], [500, 'InternalServerError'], [503, 'ServiceUnavailable'], [409, 'PessimisticConcurrencyConflict'], [422, 'ManagementApiRequestFailed']] as const) assert.ok(isRetryable(classify(http(s, c))), `${s} ${c}`);
    for (const [s, c] of [[412, 'PreconditionFailed'], [409, 'Conflict'], [422, 'Other'], [400, 'ValidationError'], [404, 'ResourceNotFound'], [501, 'NotImplemented'], [401, 'InvalidAuthenticationToken']] as const) assert.ok(!isRetryable(classify(http(s, c))), `${s} ${c}`);
    assert.ok(isRetryable(classify(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))));
  });

  it('reads Retry-After in seconds or as a date, and the millisecond headers first', () => {
    assert.equal(retryAfterMs((n) => ({ 'retry-after': '5' })[n]), 5000);
    assert.equal(retryAfterMs((n) => ({ 'retry-after': '5', 'x-ms-retry-after-ms': '120' })[n]), 120);
    assert.equal(retryAfterMs((n) => ({ 'retry-after-ms': '42' })[n]), 42);
    assert.equal(retryAfterMs((n) => ({ 'retry-after': 'Thu, 01 Jan 2099 00:00:10 GMT' })[n], Date.parse('Thu, 01 Jan 2099 00:00:00 GMT')), 10_000);
    assert.equal(retryAfterMs(() => undefined), undefined);
    assert.equal(classify(http(429, 'TooManyRequests', { 'retry-after': '3' })).retryAfterMs, 3000);
  });

  it('backs off exponentially with jitter, capped, unless the server says how long', () => {
    const o = { random: () => 1 - Number.EPSILON, baseDelayMs: 1000, maxDelayMs: 8000 };
    const f = classify(http(503, 'ServiceUnavailable'));
    assert.deepEqual([1, 2, 3, 4, 5].map((a) => Math.round(backoffMs(f, a, o) / 100) * 100), [1000, 2000, 4000, 8000, 8000]);
    assert.equal(backoffMs(f, 1, { ...o, random: () => 0 }), 500, 'jitter spreads between half and all of the delay');
    assert.equal(backoffMs(classify(http(429, 'TooManyRequests', { 'retry-after': '2' })), 5, o), 2000);
  });

  it('gives up after maxAttempts with the last failure', async () => {
    const sleeps: number[] = [];
    const run = withRetries(async () => {
      throw http(503, 'ServiceUnavailable', { 'retry-after': '1' });
    }, { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 });
    await assert.rejects(run, (e: unknown) => e instanceof RetriesExhausted && e.attempts === 3 && e.failure.status === 503);
    assert.deepEqual(sleeps, [1000, 1000]);
  });
});
