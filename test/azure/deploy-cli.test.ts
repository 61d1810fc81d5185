/**
 * `mcp-apim deploy` as a user runs it: against the loopback ARM server over plain http (a
 * loopback --arm-endpoint), with --credential token and AZURE_ACCESS_TOKEN.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { progress } from '../../src/azure/arm/progress.ts';
import { type ArmServer, DEFAULT_SERVICE } from '../support/arm-server/index.ts';
import { useArmServer } from '../support/arm-server/lifecycle.ts';
import { runCli } from '../support/cli.ts';

const TOKEN = 'cli-token';
const KEY = 'ikey-cli-0123456789-secret';
const example = resolve('fixtures/example/mcp-gateway.yaml');
const SVC = { subscription: DEFAULT_SERVICE.subscription, resourceGroup: DEFAULT_SERVICE.resourceGroup, service: DEFAULT_SERVICE.service };
const scratch = () => mkdtempSync(join(tmpdir(), 'mcp-apim-deploy-'));

describe('mcp-apim deploy', () => {
  let server: ArmServer;
  const env = { AZURE_ACCESS_TOKEN: TOKEN, MCP_APIM_PARAM_appInsightsInstrumentationKey: KEY };
  const args = (...extra: string[]) => [
    'deploy', example,
    '--subscription', SVC.subscription, '-g', SVC.resourceGroup, '--service', SVC.service,
    '--arm-endpoint', server.origin, '--credential', 'token',
    '-p', 'appInsightsId=/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Insights/components/ai',
    ...extra,
  ];
  useArmServer({ token: TOKEN }, (s) => (server = s));

  it('--what-if prints the plan, writes nothing and exits 0 with changes pending', async () => {
    const r = await runCli(args('--what-if'), { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}\+ create +apis +mcp-tools\b/m);
    assert.match(r.stdout, /^Plan: 15 to create, 0 to update, 0 to delete, 0 unchanged\.$/m);
    assert.deepEqual(server.writes(), [], '--what-if never writes');
    assert.ok(server.log.length > 0 && server.log.every((e) => e.authorization === `Bearer ${TOKEN}`));
  });

  it('--json prints exactly {changes:[{action,type,name,id}], summary}', async () => {
    const r = await runCli(args('--what-if', '--json'), { env });
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { changes: Record<string, string>[]; summary: Record<string, number> };
    assert.deepEqual(Object.keys(json), ['changes', 'summary']);
    assert.deepEqual(json.summary, { create: 15, update: 0, delete: 0, unchanged: 0 });
    for (const c of json.changes) assert.deepEqual(Object.keys(c), ['action', 'type', 'name', 'id']);
    assert.deepEqual(json.changes.find((c) => c.name === 'mcp-tools/mcp-post'), {
      action: 'create',
      type: 'Microsoft.ApiManagement/service/apis/operations',
      name: 'mcp-tools/mcp-post',
      id: `/subscriptions/${SVC.subscription}/resourceGroups/${SVC.resourceGroup}/providers/Microsoft.ApiManagement/service/${SVC.service}/apis/mcp-tools/operations/mcp-post`,
    });
  });

  it('applies, then a second run writes nothing; --fail-on-changes turns drift into exit 1', async () => {
    server.lro.set('apis', { mode: 'async', polls: 1 });
    const first = await runCli(args(), { env });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^ {2}created {2}apis mcp-tools$/m);
    assert.match(first.stdout, /^Applied: 15 created, 0 updated, 0 deleted, 0 unchanged \(15 writes\)\.$/m);
    server.resetLog();
    const second = await runCli(args('--json', '--prune'), { env });
    assert.equal(second.code, 0, second.stderr);
    assert.ok(server.log.some((e) => e.query.has('$skiptoken')), 'nextLink pages on the loopback http origin are followed through the https-addressed transport');
    const json = JSON.parse(second.stdout) as { summary: { unchanged: number }; applied: { ok: boolean; writes: number } };
    assert.deepEqual(json.applied, { ok: true, writes: 0 });
    assert.equal(json.summary.unchanged, 15);
    assert.deepEqual(server.writes(), []);
    assert.equal((await runCli(args('--what-if', '--fail-on-changes'), { env })).code, 0, 'no drift: exit 0');
    server.foreignChange(SVC, 'backends/mcp-tools-backend', { url: 'https://drifted.example' });
    const drift = await runCli(args('--what-if', '--fail-on-changes'), { env });
    assert.equal(drift.code, 1);
    assert.match(drift.stdout, /~ update +backends +mcp-tools-backend +"[^"]+" +\(url\)/);
  });

  it('--plan-out saves a plan without values; --plan applies exactly it, and refuses when the instance moved', async () => {
    const dir = scratch();
    const made = await runCli(args('--what-if', '--plan-out', 'plan.json', '--summary-md', 'plan.md'), { env, cwd: dir });
    assert.equal(made.code, 0, made.stderr);
    const text = readFileSync(join(dir, 'plan.json'), 'utf8');
    assert.ok(!text.includes(KEY), 'no secret in the plan');
    assert.ok(!text.includes('<policies>'), 'no property values in the plan');
    assert.match(readFileSync(join(dir, 'plan.md'), 'utf8'), /^\| create \| apis \| mcp-tools \| {2}\|$/m);
    const applied = await runCli(args('--plan', 'plan.json'), { env, cwd: dir });
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(server.writes().length, 15);
    // A new plan, then a colleague changes something before it is applied.
    server.foreignChange(SVC, 'apis/mcp-tools', { displayName: 'Portal edit' });
    assert.equal((await runCli(args('--what-if', '--plan-out', 'plan2.json'), { env, cwd: dir })).code, 0);
    server.foreignChange(SVC, 'apis/mcp-tools', { displayName: 'Second portal edit' });
    server.resetLog();
    const moved = await runCli(args('--plan', 'plan2.json'), { env, cwd: dir });
    assert.equal(moved.code, 1);
    assert.match(moved.stderr, /error MA8031: the live instance moved since the plan was made: mcp-tools: ETag was "[^"]+", now "[^"]+"/);
    assert.deepEqual(server.writes(), []);
    const otherConfig = await runCli(args('--plan', 'plan2.json', '-p', 'backendUrl=https://other.example/mcp'), { env, cwd: dir });
    assert.equal(otherConfig.code, 2);
    assert.match(otherConfig.stderr, /error MA8032: the plan was made from another config or other parameter values/);
    writeFileSync(join(dir, 'bad.json'), '{"changes": []}');
    assert.match((await runCli(args('--plan', 'bad.json'), { env, cwd: dir })).stderr, /error MA8033: bad\.json is not an mcp-apim deploy plan/);
  });

  it('never prints a secret, not even when ARM echoes it', async () => {
    server.faults.add({ status: 400, code: 'ValidationError', message: `Instrumentation key '${KEY}' is invalid.`, method: 'PUT', path: /\/loggers\// });
    const r = await runCli(args(), { env: { ...env, TF_BUILD: 'True' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error MA8040: create loggers\/mcp-tools-appinsights: ARM answered 400 ValidationError: Instrumentation key '\*\*\*' is invalid\./);
    assert.match(r.stderr, /Stopped after 1 of 15 changes/);
    assert.ok(!(r.stdout + r.stderr).includes(KEY));
    assert.match(r.stdout, /^##vso\[task\.setvariable variable=mcpApimPendingChanges\]15$/m);
    assert.match(r.stdout, /^##vso\[task\.logissue type=error;code=MA8040\]/m);
  });

  it('credential problems are one clear line, not a stack trace (exit 2)', async () => {
    const missing = await runCli(args('--what-if'), { env: { MCP_APIM_PARAM_appInsightsInstrumentationKey: KEY } });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /error MA8011: --credential token needs an ARM access token in the AZURE_ACCESS_TOKEN environment variable/);
    assert.equal(server.log.length, 0);
    const wrong = await runCli(args('--what-if'), { env: { ...env, AZURE_ACCESS_TOKEN: 'stale' } });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /error MA8012: read service apim-test: ARM answered 401 InvalidAuthenticationToken: The access token is invalid\./);
    assert.doesNotMatch(wrong.stderr, /\n\s+at /, 'no stack trace');
  });

  it('refuses bad targets, endpoints, parameters and option combinations before any request (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['deploy', example, '--subscription', 'not-a-guid', '-g', 'g', '--service', 's', '--credential', 'token'], /MA8000: --subscription must be a subscription id/],
      [args('--arm-endpoint', 'http://arm.example.com'), /MA8001: --arm-endpoint may use plain http only for a loopback address/],
      [args('--arm-endpoint', 'https://management.azure.com/subscriptions'), /MA8001: --arm-endpoint takes scheme, host and port only/],
      [args('--cloud', 'Mars'), /MA8001: --cloud must be one of AzureCloud, AzureChinaCloud, AzureUSGovernment/],
      [args('--plan', 'p.json', '--what-if'), /MA8004: --plan applies a saved plan as it is/],
      [args('--fail-on-changes'), /MA8004: --fail-on-changes only makes sense with --what-if/],
      [args('-p', 'nope=1'), /MA8003: --parameter nope: the compiled resources have no such parameter/],
      [args('--credential', 'magic'), /MA8004: --credential must be one of auto, pipelines, cli, default, token/],
      [args('-p', '=s3cret'), /MA8004: --parameter takes name=value; the name is missing/],
    ];
    for (const [argv, expected] of cases) {
      const r = await runCli(argv, { env });
      assert.equal(r.code, 2, `${argv.join(' ')}\n${r.stderr}`);
      assert.match(r.stderr, expected);
    }
    const noKey = await runCli(args('--what-if'), { env: { AZURE_ACCESS_TOKEN: TOKEN } });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /MA8002: the parameter appInsightsInstrumentationKey has no value/);
    assert.match(noKey.stderr, /MCP_APIM_PARAM_appInsightsInstrumentationKey/);
    const noService = await runCli(args('--what-if').map((a) => (a === SVC.service ? 'apim-missing' : a)), { env });
    assert.equal(noService.code, 2);
    assert.match(noService.stderr, /MA8020: API Management service apim-missing was not found/);
    assert.equal(server.writes().length, 0);
  });

  it('--help teaches: examples, defaults, exit codes', async () => {
    const r = await runCli(['deploy', '--help']);
    assert.equal(r.code, 0);
    for (const s of ['--what-if', '--prune', '--plan-out', '--credential', '(default: "auto")', '--arm-endpoint', 'Exit codes', 'Examples', 'AZURE_ACCESS_TOKEN']) assert.ok(r.stdout.includes(s), s);
  });

  it('progress: a spinner on a terminal that ends in clean lines; plain lines otherwise', async () => {
    let tty = '';
    const p = progress((t) => {
      tty += t;
    }, true);
    p.start('create apis mcp-tools');
    await new Promise((r) => setTimeout(r, 200));
    p.note('retry 2 of create apis/mcp-tools after 429 TooManyRequests (waiting 1.0 s)');
    p.done('  created  apis mcp-tools');
    const frames = tty.match(/\r\x1b\[K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] create apis mcp-tools/g) ?? [];
    assert.ok(frames.length >= 2, 'the spinner turns while the write is in flight');
    assert.ok(tty.endsWith('\r\x1b[K  created  apis mcp-tools\n'), 'the spinner line is replaced by the result');
    const after = tty.length;
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(tty.length, after, 'no frames after the line is done');
    let plain = '';
    const q = progress((t) => {
      plain += t;
    }, false);
    q.start('create apis mcp-tools');
    q.note('retry 2 after 429');
    q.done('  created  apis mcp-tools');
    assert.equal(plain, '    retry 2 after 429\n  created  apis mcp-tools\n');
  });
});
