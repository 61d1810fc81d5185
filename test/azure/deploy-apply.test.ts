/**
 * Applying plans against the loopback ARM server: order, idempotence, minimal diffs, ETags,
 * retries under fault injection, crash and re-run, foreign changes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { createDefaultHttpClient } from '@azure/core-rest-pipeline';
import { applyPlan } from '../../src/azure/arm/apply.ts';
import { createArmConnection } from '../../src/azure/arm/client.ts';
import { APPLY_RANK, type DesiredState, KIND_BY_TYPE, type ResourceType } from '../../src/azure/arm/desired.ts';
import { DeployError } from '../../src/azure/arm/errors.ts';
import { type DeployContext, planDeployment } from '../../src/azure/arm/plan.ts';
import { type ArmServer, FAULTS } from '../support/arm-server/index.ts';
import { useArmServer } from '../support/arm-server/lifecycle.ts';
import { exampleConfig, FAKE_ORIGIN, fakeCredential, harness, type Harness, modelOf, stateOf, TARGET } from '../support/arm-server/harness.ts';
import { mustLoad } from '../support/config.ts';

const SVC = { subscription: TARGET.subscriptionId, resourceGroup: TARGET.resourceGroup, service: TARGET.serviceName };
const owner = { apiName: 'mcp-tools' };
const EXAMPLE = readFileSync('fixtures/example/mcp-gateway.yaml', 'utf8');
const CATALOG = readFileSync('fixtures/example/catalog.json', 'utf8');
const stateFromText = (text: string) => stateOf(modelOf(mustLoad(text, { 'catalog.json': CATALOG })));

async function deploy(h: Harness | DeployContext, state: DesiredState, prune = false) {
  const ctx = 'ctx' in h ? h.ctx : h;
  const plan = await planDeployment(ctx, state, { prune, owner });
  return { plan, result: await applyPlan(ctx, plan) };
}

/** The kind of a logged write, from its path. */
function kindOf(path: string) {
  const rel = path.slice(path.toLowerCase().indexOf('/service/') + '/service/'.length).split('/').slice(1);
  const collections = rel.filter((_, i) => i % 2 === 0);
  const type = `Microsoft.ApiManagement/service/${collections.join('/')}`;
  return KIND_BY_TYPE[type as ResourceType];
}

describe('deploy: apply', () => {
  let server: ArmServer;
  useArmServer({ publicOrigin: FAKE_ORIGIN }, (s) => (server = s));

  it('creates everything in a valid order on the first run and sends zero writes on the second', async () => {
    server.lro.set('apis', { mode: 'async', polls: 2 });
    const h = harness(server);
    const state = stateOf(modelOf(exampleConfig()));
    const first = await deploy(h, state);
    assert.equal(first.result.ok, true, JSON.stringify(first.result.failed?.diagnostic));
    assert.equal(first.result.writes, state.resources.length);
    const writes = server.writes({ succeeded: true });
    assert.ok(writes.every((w) => w.method === 'PUT' && w.ifMatch === undefined), 'creates carry no If-Match');
    const ranks = writes.map((w) => APPLY_RANK[kindOf(w.path)]);
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), 'named values, fragments, backends/loggers, APIs, operations, policies, diagnostics, product, links');
    assert.equal(server.store.resources.size, state.resources.length + 1, 'everything exists (plus the named value APIM makes for the logger key)');
    server.resetLog();
    const second = await deploy(h, state);
    assert.equal(second.result.ok, true);
    assert.equal(second.result.writes, 0);
    assert.deepEqual(server.writes(), [], 'a second run of the same config sends zero writes');
  });

  it("changing one role's tools updates only the policies that carry grants; a rate limit only the API policy", async () => {
    const h = harness(server);
    await deploy(h, stateFromText(EXAMPLE));
    server.resetLog();
    const fewerTools = EXAMPLE.replace('tools: ["inventory.*", "files.write_file"]', 'tools: ["inventory.*"]');
    const tools = await deploy(h, stateFromText(fewerTools));
    assert.equal(tools.result.ok, true);
    const paths = (s: ArmServer) => s.writes().map((w) => `${w.method} ${w.path.split('/service/apim-test/')[1]}`);
    // tools/list is answered per caller from the grants (policies/tools-list.xml), so it changes with them.
    assert.deepEqual(paths(server), ['PUT apis/mcp-tools/policies/policy', 'PUT apis/mcp-tools/operations/mcp-post/policies/policy']);
    assert.ok(server.writes().every((w) => w.ifMatch !== undefined && w.ifMatch !== '*'), 'updates carry the planned ETag');
    server.resetLog();
    await deploy(h, stateFromText(fewerTools.replace('rateLimit: { calls: 300,', 'rateLimit: { calls: 250,')));
    assert.deepEqual(paths(server), ['PUT apis/mcp-tools/policies/policy']);
  });

  it('converges with a fault injected into the first attempt of every write, honouring Retry-After', async () => {
    server.lro.set('apis', { mode: 'location', polls: 1 });
    server.faults.failFirstAttemptOfEveryWrite([FAULTS.throttled(7), FAULTS.conflict(), FAULTS.unprocessable(), FAULTS.serverError(503), FAULTS.throttledMs(250), { ...FAULTS.serverError(500), afterApplying: true }]);
    const h = harness(server);
    const state = stateOf(modelOf(exampleConfig()));
    const { result } = await deploy(h, state);
    assert.equal(result.ok, true, JSON.stringify(result.failed?.diagnostic));
    assert.equal(result.writes, state.resources.length);
    const codes = new Set(h.retries.map((r) => `${r.status} ${r.code}`));
    for (const c of ['429 TooManyRequests', '409 PessimisticConcurrencyConflict', '422 ManagementApiRequestFailed', '503 ServiceUnavailable', '500 ServiceUnavailable']) assert.ok(codes.has(c), `retried ${c}`);
    assert.ok(h.sleeps.includes(7000), 'Retry-After: 7 means 7 s');
    assert.ok(h.sleeps.includes(250), 'x-ms-retry-after-ms is honoured');
    server.faults.clear();
    server.resetLog();
    await deploy(h, state);
    assert.deepEqual(server.writes(), [], 'the converged state needs no further writes');
  });

  it('after a write that landed but answered 500, the retry meets 412, sees its own change and carries on', async () => {
    const h = harness(server);
    await deploy(h, stateFromText(EXAMPLE));
    server.resetLog();
    server.faults.add({ ...FAULTS.serverError(500), method: 'PUT', path: /\/policies\/policy$/, afterApplying: true });
    const { result } = await deploy(h, stateFromText(EXAMPLE.replace('rateLimit: { calls: 300,', 'rateLimit: { calls: 299,')));
    assert.equal(result.ok, true, JSON.stringify(result.failed?.diagnostic));
    assert.deepEqual(server.writes().map((w) => w.status), [500, 412], 'landed-but-500, then 412 on the stale ETag');
  });

  it('a crash half-way leaves a partial deploy that the next run completes, writing only what is missing', async () => {
    const h = harness(server, [], { maxAttempts: 2 });
    const state = stateOf(modelOf(exampleConfig()));
    server.faults.crashAfter(6);
    const first = await deploy(h, state);
    assert.equal(first.result.ok, false);
    assert.equal(first.result.writes, 6);
    assert.equal(first.result.failed!.diagnostic.code, 'MA8044', first.result.failed!.diagnostic.message);
    server.faults.clear();
    server.resetLog();
    const second = await deploy(harness(server), state);
    assert.equal(second.result.ok, true);
    assert.equal(second.result.writes, state.resources.length - 6);
    assert.equal(second.plan.changes.filter((c) => c.action === 'unchanged').length, 6);
    server.resetLog();
    await deploy(harness(server), state);
    assert.deepEqual(server.writes(), []);
  });

  it('stops with MA8030 on a concurrent foreign change, without overwriting it', async () => {
    const h = harness(server);
    await deploy(h, stateFromText(EXAMPLE));
    const changed = stateFromText(EXAMPLE.replace('rateLimit: { calls: 300,', 'rateLimit: { calls: 301,'));
    const plan = await planDeployment(h.ctx, changed, { prune: false, owner });
    const foreign = '<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>';
    server.foreignChange(SVC, 'apis/mcp-tools/policies/policy', { value: foreign });
    server.resetLog();
    const result = await applyPlan(h.ctx, plan);
    assert.equal(result.ok, false);
    assert.equal(result.failed!.diagnostic.code, 'MA8030');
    assert.match(result.failed!.diagnostic.message, /update apis\/mcp-tools\/policies\/policy: someone else changed it since it was read/);
    assert.deepEqual(server.writes().map((w) => w.status), [412], 'one attempt, refused; no blind retry');
    assert.equal((server.resource(SVC, 'apis/mcp-tools/policies/policy', 'rawxml')!.properties as { value: string }).value, foreign);
  });

  it('converges when writes become visible late, and then rests', async () => {
    const h = harness(server);
    const state = stateOf(modelOf(exampleConfig()));
    server.faults.lateReads = 1;
    assert.equal((await deploy(h, state)).result.ok, true);
    const second = await deploy(h, state);
    assert.equal(second.result.ok, true, JSON.stringify(second.result.failed?.diagnostic));
    server.faults.lateReads = 0;
    server.resetLog();
    await deploy(h, state);
    assert.deepEqual(server.writes(), []);
  });

  it('gives up after the last retry with MA8041 and says what failed', async () => {
    server.faults.add({ ...FAULTS.throttled(1), writes: true, times: 100 });
    const h = harness(server, [], { maxAttempts: 3 });
    const { result } = await deploy(h, stateOf(modelOf(exampleConfig())));
    assert.equal(result.ok, false);
    assert.equal(result.writes, 0);
    assert.equal(result.failed!.diagnostic.code, 'MA8041');
    assert.match(result.failed!.diagnostic.message, /^create backends\/mcp-tools-backend: still failing after 3 attempts: 429 TooManyRequests/);
    assert.deepEqual(h.sleeps, [1000, 1000]);
  });

  it('does not retry a refusal, and redacts secrets from what ARM said', async () => {
    const secret = 'ikey-0123456789-secret';
    server.faults.add({ status: 400, code: 'ValidationError', message: `Instrumentation key ${secret} is not valid.`, method: 'PUT', path: /\/loggers\// });
    const h = harness(server, [secret]);
    const { result } = await deploy(h, stateOf(modelOf(exampleConfig())));
    assert.equal(result.failed!.diagnostic.code, 'MA8040');
    assert.equal(result.failed!.diagnostic.message, 'create loggers/mcp-tools-appinsights: ARM answered 400 ValidationError: Instrumentation key *** is not valid.');
    assert.equal(h.retries.length, 0);
  });

  it('never follows a long-running-operation URL to another origin: the token stays with ARM', async () => {
    const seen: string[] = [];
    const inner = createDefaultHttpClient();
    const recording: HttpClient = { sendRequest: (req) => (seen.push(req.url), inner.sendRequest(req)) };
    const conn = createArmConnection({
      credential: fakeCredential().credential,
      endpoint: { publicOrigin: FAKE_ORIGIN, wireOrigin: server.origin, scope: `${FAKE_ORIGIN}/.default`, authorityHost: 'https://login.microsoftonline.com' },
      target: TARGET,
      httpClient: recording,
    });
    const ctx: DeployContext = { ...harness(server).ctx, conn };
    server.lro.set('apis', { mode: 'async', polls: 1 });
    server.faults.foreignLinkOrigin = 'https://evil.example';
    const { result } = await deploy(ctx, stateOf(modelOf(exampleConfig())));
    assert.equal(result.ok, false);
    assert.equal(result.failed!.diagnostic.code, 'MA8042', result.failed!.diagnostic.message);
    assert.match(result.failed!.diagnostic.message, /refused to follow https:\/\/evil\.example/);
    assert.ok(seen.length > 0 && seen.every((u) => u.startsWith(server.origin)), 'nothing was sent anywhere but the ARM endpoint');
  });

  for (const mode of ['async', 'location', 'provisioning'] as const) {
    it(`follows ${mode} long-running operations, typed (2024-05-01) and raw (the preview MCP API type)`, async () => {
      server.lro.set('apis', { mode, polls: 2 });
      const http = await deploy(harness(server), stateOf(modelOf(exampleConfig())));
      assert.equal(http.result.ok, true, JSON.stringify(http.result.failed?.diagnostic));
      server.store.resources.clear();
      const h = harness(server);
      const mcp = await deploy(h, stateFromText(EXAMPLE.replace('  path: mcp/v1\n', '  path: mcp/v1\n  type: mcp\n')));
      assert.equal(mcp.result.ok, true, JSON.stringify(mcp.result.failed?.diagnostic));
      const polls = server.log.filter((e) => e.path.includes('/operationresults/') || (e.method === 'GET' && e.path.endsWith('/apis/mcp-tools') && e.apiVersion !== '2024-05-01'));
      assert.ok(polls.length >= 2, `the raw poller polled (${polls.length})`);
      assert.ok(server.resource(SVC, 'apis/mcp-tools'), 'the MCP API exists once the operation ended');
    });
  }

  it('reports a long-running operation that ends as Failed with MA8043, typed or raw', async () => {
    server.lro.set('apis', { mode: 'async', polls: 1, fail: true });
    const typed = await deploy(harness(server), stateOf(modelOf(exampleConfig())));
    assert.equal(typed.result.failed?.diagnostic.code, 'MA8043', JSON.stringify(typed.result.failed?.diagnostic));
    const raw = await deploy(harness(server), stateFromText(EXAMPLE.replace('  path: mcp/v1\n', '  path: mcp/v1\n  type: mcp\n')));
    assert.equal(raw.result.failed?.diagnostic.code, 'MA8043', JSON.stringify(raw.result.failed?.diagnostic));
    assert.match(raw.result.failed!.diagnostic.message, /^create apis\/mcp-tools: the long-running operation failed: ValidationError: The operation failed\.$/);
  });

  it('reports a missing instance as MA8020 before reading anything else', async () => {
    const h = harness(server);
    const ctx: DeployContext = { ...h.ctx, conn: createArmConnection({ credential: fakeCredential().credential, endpoint: h.ctx.conn.endpoint, target: { ...TARGET, serviceName: 'nope' } }) };
    await assert.rejects(planDeployment(ctx, stateOf(modelOf(exampleConfig())), { prune: false, owner }), (e: unknown) => e instanceof DeployError && e.diagnostic.code === 'MA8020');
    assert.equal(server.log.length, 1);
  });
});
