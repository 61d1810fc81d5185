/**
 * `mcp-apim deploy` of the mTLS and alerting resources (fixtures/mtls) against the loopback ARM
 * server: the Key Vault certificate is written before the backend and the policy that name it
 * (the server refuses a policy naming a missing certificate, as APIM does), the alert rules go to
 * the resource group as Microsoft.Insights/scheduledQueryRules with location and kind, and a
 * second run sends nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { applyPlan } from '../../src/azure/arm/apply.ts';
import type { DesiredState } from '../../src/azure/arm/desired.ts';
import { planDeployment } from '../../src/azure/arm/plan.ts';
import { type ArmServer } from '../support/arm-server/index.ts';
import { AlertRuleStore } from '../support/arm-server/insights.ts';
import { useArmServer } from '../support/arm-server/lifecycle.ts';
import { FAKE_ORIGIN, harness, modelOf, PARAMETERS, stateOf, TARGET } from '../support/arm-server/harness.ts';
import { runCli } from '../support/cli.ts';
import { loadFromDisk, mustLoad } from '../support/config.ts';

const owner = { apiName: 'mcp-secure' };
const group = `/subscriptions/${TARGET.subscriptionId}/resourceGroups/${TARGET.resourceGroup}`;

async function deploy(server: ArmServer, state: DesiredState) {
  const h = harness(server);
  const plan = await planDeployment(h.ctx, state, { prune: false, owner });
  return { plan, result: await applyPlan(h.ctx, plan) };
}

describe('deploy: certificates and alert rules', () => {
  let server: ArmServer;
  useArmServer({ publicOrigin: FAKE_ORIGIN }, (s) => (server = s));
  const config = loadFromDisk('fixtures/mtls/mcp-gateway.yaml');
  const state = stateOf(modelOf(config));

  it('creates the certificate first and the alert rules in the resource group, then converges to zero writes', async () => {
    const first = await deploy(server, state);
    assert.equal(first.result.ok, true, JSON.stringify(first.result.failed?.diagnostic));
    const writes = server.writes({ succeeded: true }).map((w) => w.path.replace(group, ''));
    const at = (suffix: string) => writes.findIndex((p) => p.endsWith(suffix));
    assert.ok(at('/certificates/mcp-secure-backend-cert') >= 0);
    assert.ok(at('/certificates/mcp-secure-backend-cert') < at('/backends/mcp-secure-backend'));
    assert.ok(at('/certificates/mcp-secure-backend-cert') < at('/apis/mcp-secure/policies/policy'));
    assert.deepEqual(writes.slice(-2), ['/providers/Microsoft.Insights/scheduledQueryRules/mcp-secure-new-tool-alert', '/providers/Microsoft.Insights/scheduledQueryRules/mcp-secure-denial-spike-alert']);

    const put = server.writes().find((w) => w.path.endsWith('/mcp-secure-denial-spike-alert'))!;
    assert.equal(put.apiVersion, '2021-08-01');
    const body = put.body as { location: string; kind: string; properties: { scopes: string[]; criteria: { allOf: { query: string }[] } } };
    assert.equal(body.location, 'westeurope');
    assert.equal(body.kind, 'LogAlert');
    assert.deepEqual(body.properties.scopes, [PARAMETERS.appInsightsId]);
    assert.match(body.properties.criteria.allOf[0]!.query, /\| where refusals > 20$/);
    assert.equal(server.alertRules.rules.size, 2);
    const cert = server.resource({ subscription: TARGET.subscriptionId, resourceGroup: TARGET.resourceGroup, service: TARGET.serviceName }, 'certificates/mcp-secure-backend-cert');
    assert.deepEqual((cert?.properties as { keyVault: { secretIdentifier: string } }).keyVault.secretIdentifier, 'https://contoso-gateway-kv.vault.azure.net/secrets/mcp-backend-client');

    server.resetLog();
    const second = await deploy(server, state);
    assert.equal(second.result.ok, true);
    assert.deepEqual(server.writes(), [], 'read-only members of the live rules and certificate are not drift');
    assert.deepEqual(second.plan.changes.filter((c) => c.action !== 'unchanged'), []);
  });

  it('a changed threshold rewrites that one rule only', async () => {
    await deploy(server, state);
    server.resetLog();
    const text = readFileSync('fixtures/mtls/mcp-gateway.yaml', 'utf8').replace('threshold: 20', 'threshold: 50');
    const changed = stateOf(modelOf(mustLoad(text)));
    const run = await deploy(server, changed);
    assert.equal(run.result.ok, true, JSON.stringify(run.result.failed?.diagnostic));
    assert.deepEqual(server.writes().map((w) => `${w.method} ${w.path.replace(group, '')}`), ['PUT /providers/Microsoft.Insights/scheduledQueryRules/mcp-secure-denial-spike-alert']);
  });

  it('the fake refuses what Azure Monitor refuses: a query range over two days, a rule without location', () => {
    const store = new AlertRuleStore();
    const route = { subscription: TARGET.subscriptionId, resourceGroup: TARGET.resourceGroup, name: 'r' };
    const properties = { severity: 2, enabled: true, scopes: [PARAMETERS.appInsightsId], evaluationFrequency: 'PT1H', windowSize: 'PT1H', criteria: { allOf: [{ query: 'customMetrics', timeAggregation: 'Count', operator: 'GreaterThan', threshold: 0 }] } };
    assert.equal(store.handle('PUT', route, '2021-08-01', { location: 'westeurope', kind: 'LogAlert', properties }).status, 201);
    assert.throws(() => store.handle('PUT', route, '2021-08-01', { location: 'westeurope', kind: 'LogAlert', properties: { ...properties, overrideQueryTimeRange: 'P3D' } }), /limited to two days/);
    assert.throws(() => store.handle('PUT', route, '2021-08-01', { kind: 'LogAlert', properties }), /location/);
    assert.throws(() => store.handle('GET', route, '2015-01-01', undefined), /No registered resource provider/);
  });
});

describe('mcp-apim deploy (command line) with certificates and alert rules', () => {
  let server: ArmServer;
  useArmServer({ token: 'cli-token' }, (s) => (server = s));

  it('plans and applies the alert rules beside the service, and prints them', async () => {
    const args = ['deploy', 'fixtures/mtls/mcp-gateway.yaml', '--subscription', TARGET.subscriptionId, '-g', TARGET.resourceGroup, '--service', TARGET.serviceName, '--arm-endpoint', server.origin, '--credential', 'token', '-p', `appInsightsId=${PARAMETERS.appInsightsId}`];
    const env = { AZURE_ACCESS_TOKEN: 'cli-token', MCP_APIM_PARAM_appInsightsInstrumentationKey: PARAMETERS.appInsightsInstrumentationKey };
    const r = await runCli(args, { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /create +Microsoft\.Insights\/scheduledQueryRules +mcp-secure-new-tool-alert/);
    assert.match(r.stdout, /create +certificates +mcp-secure-backend-cert/);
    assert.equal(server.alertRules.rules.size, 2);
    const again = await runCli([...args, '--what-if', '--fail-on-changes'], { env });
    assert.equal(again.code, 0, again.stdout);
  });
});
