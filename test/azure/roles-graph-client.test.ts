import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { CredentialError, graphTokenSource, resolveKind } from '../../src/azure/graph/credential.ts';
import { parseGraphEndpoint } from '../../src/azure/graph/endpoint.ts';
import { retryAfterMs } from '../../src/azure/graph/http.ts';
import { registerRoles } from '../../src/cli/roles.ts';
import { graphArgs, runRoles, writeConfig } from '../support/graph-server/cli.ts';
import { GraphServer } from '../support/graph-server/server.ts';

describe('Graph endpoint', () => {
  it('takes an https origin anywhere and plain http only on loopback, and appends /v1.0', () => {
    assert.deepEqual(parseGraphEndpoint('https://graph.microsoft.us'), { origin: 'https://graph.microsoft.us', base: 'https://graph.microsoft.us/v1.0', scope: 'https://graph.microsoft.us/.default' });
    assert.equal((parseGraphEndpoint('https://graph.microsoft.com/') as { base: string }).base, 'https://graph.microsoft.com/v1.0');
    for (const ok of ['http://127.0.0.1:8080', 'http://localhost:1', 'http://[::1]:9', 'http://127.1.2.3']) assert.equal(typeof parseGraphEndpoint(ok), 'object', ok);
    const refused: [string, RegExp][] = [
      ['http://graph.example.com', /plain http/],
      ['http://10.0.0.1', /plain http/],
      ['https://graph.microsoft.com/v1.0', /origin only/],
      ['https://graph.microsoft.com?x=1', /origin only/],
      ['https://user:pw@graph.microsoft.com', /credentials/],
      ['ftp://graph', /https/],
      ['graph.microsoft.com', /not a URL/],
    ];
    for (const [text, why] of refused) assert.match(String(parseGraphEndpoint(text)), why, text);
  });

  it('reads Retry-After in seconds or as an HTTP date', () => {
    assert.equal(retryAfterMs('7'), 7000);
    assert.equal(retryAfterMs('Wed, 01 Jan 2025 00:00:10 GMT', Date.parse('2025-01-01T00:00:00Z')), 10_000);
    assert.equal(retryAfterMs('soon'), undefined);
    assert.equal(retryAfterMs(null), undefined);
  });

  it('uses a national cloud\'s Graph with --cloud (and refuses it together with --graph-endpoint)', async () => {
    const { cwd, file } = writeConfig();
    const graph = await GraphServer.start();
    try {
      const both = await runRoles(['plan', file, ...graphArgs(graph, '12345678-1234-4234-8234-123456789012'), '--cloud', 'AzureUSGovernment'], { cwd });
      assert.equal(both.code, 2);
      assert.match(both.stderr, /MA9003: --graph-endpoint and --cloud/);
    } finally {
      await graph.close();
    }
    // No request may leave the machine: fetch is replaced to record the URL the tool chose.
    const seen: string[] = [];
    const program = new Command('mcp-apim').exitOverride();
    let code = 0;
    registerRoles(program, { stdout: () => {}, stderr: () => {}, cwd, env: { GRAPH_ACCESS_TOKEN: 't' }, isTty: false }, (c) => (code = c), {
      sleep: async () => {},
      fetch: async (url) => {
        seen.push(String(url));
        return new Response(JSON.stringify({ error: { code: 'Authorization_RequestDenied', message: 'no' } }), { status: 403 });
      },
    });
    await program.parseAsync(['roles', 'plan', file, '--app', '12345678-1234-4234-8234-123456789012', '--cloud', 'AzureUSGovernment', '--credential', 'token'], { from: 'user' });
    assert.equal(code, 2);
    assert.match(seen[0]!, /^https:\/\/graph\.microsoft\.us\/v1\.0\/applications\(appId='12345678-1234-4234-8234-123456789012'\)/);
  });
});

describe('Graph credentials', () => {
  const pipelineEnv = { AZURESUBSCRIPTION_TENANT_ID: 't', AZURESUBSCRIPTION_CLIENT_ID: 'c', AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: 's', SYSTEM_ACCESSTOKEN: 'x' };

  it('auto picks Azure Pipelines workload identity when the service connection variables are set, else the Azure CLI then DefaultAzureCredential', () => {
    assert.equal(resolveKind('auto', pipelineEnv), 'azure-pipelines');
    assert.equal(resolveKind('auto', { ...pipelineEnv, SYSTEM_ACCESSTOKEN: '' }), 'cli-then-default');
    assert.equal(resolveKind('device-code', pipelineEnv), 'device-code');
  });

  it('explains what a credential lacks, in one line', () => {
    assert.throws(() => graphTokenSource({ kind: 'token', env: {}, scope: 's', prompt: () => {} }), (e: Error) => e instanceof CredentialError && /GRAPH_ACCESS_TOKEN, which is not set/.test(e.message));
    assert.throws(() => graphTokenSource({ kind: 'azure-pipelines', env: { AZURESUBSCRIPTION_TENANT_ID: 't' }, scope: 's', prompt: () => {} }), /needs AZURESUBSCRIPTION_CLIENT_ID, AZURESUBSCRIPTION_SERVICE_CONNECTION_ID, SYSTEM_ACCESSTOKEN/);
    assert.equal(typeof graphTokenSource({ kind: 'device-code', env: {}, scope: 'https://graph.microsoft.com/.default', tenantId: '00000000-0000-0000-0000-000000000001', prompt: () => {} }), 'function');
  });

  it('asks the credential for <graph>/.default, caches the token until two minutes before expiry, and wraps failures', async () => {
    const asked: string[] = [];
    let now = 1_000_000;
    let n = 0;
    const source = graphTokenSource({
      kind: 'cli',
      env: {},
      scope: 'https://graph.microsoft.com/.default',
      prompt: () => {},
      now: () => now,
      credential: {
        getToken: async (scope) => {
          asked.push(String(scope));
          n += 1;
          return { token: `token-${n}`, expiresOnTimestamp: now + 600_000 };
        },
      },
    });
    assert.equal(await source(), 'token-1');
    now += 400_000;
    assert.equal(await source(), 'token-1');
    now += 100_000;
    assert.equal(await source(), 'token-2', 'renewed within two minutes of expiry');
    assert.deepEqual(asked, ['https://graph.microsoft.com/.default', 'https://graph.microsoft.com/.default']);
    const failing = graphTokenSource({ kind: 'cli', env: {}, scope: 'https://graph.microsoft.com/.default', prompt: () => {}, credential: { getToken: async () => { throw new Error('Please run az login.\nmore detail'); } } });
    await assert.rejects(failing(), (e: Error) => e instanceof CredentialError && e.message === 'the cli credential could not get a token for https://graph.microsoft.com/.default: Please run az login.');
  });

  it('reports a credential that cannot give a token as MA8401, without a stack trace', async () => {
    const { cwd, file } = writeConfig();
    const graph = await GraphServer.start();
    try {
      const r = await runRoles(['plan', file, '--app', '12345678-1234-4234-8234-123456789012', '--graph-endpoint', graph.origin, '--credential', 'cli'], { cwd, env: {} });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /error MA8401: the cli credential could not get a token for http:\/\/127\.0\.0\.1:\d+\/\.default: /);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.deepEqual(graph.log, [], 'Graph was never called without a token');
      const both = await runRoles(['plan', file, '--app', '12345678-1234-4234-8234-123456789012', '--device-code', '--credential', 'cli'], { cwd, env: {} });
      assert.equal(both.code, 2);
      assert.match(both.stderr, /MA9003: --device-code and --credential cli/);
    } finally {
      await graph.close();
    }
  });
});
