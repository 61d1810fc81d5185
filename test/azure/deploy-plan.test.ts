/**
 * Desired state and planning: derived from the same model as Bicep/ARM, read through the real
 * SDK client, compared after normalising what APIM changes on the way back.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { applyPlan } from '../../src/azure/arm/apply.ts';
import { APPLY_RANK, desiredState } from '../../src/azure/arm/desired.ts';
import { fromSdk, toSdk } from '../../src/azure/arm/kinds.ts';
import { planDeployment } from '../../src/azure/arm/plan.ts';
import { compileConfig } from '../../src/emit/compile.ts';
import { APIM_MCP_API_VERSION } from '../../src/emit/infra/model.ts';
import { type ArmServer } from '../support/arm-server/index.ts';
import { useArmServer } from '../support/arm-server/lifecycle.ts';
import { exampleConfig, FAKE_ORIGIN, harness, modelOf, PARAMETERS, stateOf, TARGET } from '../support/arm-server/harness.ts';
import { mustLoad } from '../support/config.ts';

const SERVICE_ID = `/subscriptions/${TARGET.subscriptionId}/resourceGroups/${TARGET.resourceGroup}/providers/Microsoft.ApiManagement/service/${TARGET.serviceName}`;
const owner = { apiName: 'mcp-tools' };

describe('deploy: desired state', () => {
  it('has exactly the resources of the Bicep/ARM model, references resolved as ARM would', () => {
    const config = exampleConfig();
    const model = modelOf(config);
    const state = stateOf(model);
    assert.deepEqual(state.resources.map((r) => `${r.type}/${r.name.join('/')}`), model.resources.map((r) => `${r.type}/${r.name.join('/')}`));
    const byPath = new Map(state.resources.map((r) => [r.path, r]));
    const compiled = compileConfig(config).files;
    assert.equal(byPath.get('apis/mcp-tools/policies/policy')!.properties.value, compiled['policies/api.xml'], 'the policy is byte for byte what compile writes');
    assert.equal(byPath.get('apis/mcp-tools-prm/operations/prm-get/policies/policy')!.properties.value, compiled['policies/prm.xml']);
    assert.equal(byPath.get('apis/mcp-tools')!.properties.serviceUrl, 'https://mcp-backend.internal.contoso.com/mcp', 'backendUrl defaults to api.backend');
    assert.equal(byPath.get('products/mcp-tools-product/apiLinks/mcp-tools')!.properties.apiId, `${SERVICE_ID}/apis/mcp-tools`);
    assert.equal(byPath.get('apis/mcp-tools/diagnostics/applicationinsights')!.properties.loggerId, `${SERVICE_ID}/loggers/mcp-tools-appinsights`);
    assert.deepEqual(byPath.get('loggers/mcp-tools-appinsights')!.properties.credentials, { instrumentationKey: PARAMETERS.appInsightsInstrumentationKey });
    assert.deepEqual(state.secrets, [PARAMETERS.appInsightsInstrumentationKey], 'secure parameters are secrets');
    // The ARM template says the same: every id the deploy uses is one the template names.
    const arm = JSON.parse(compiled['arm/azuredeploy.json']!) as { resources: { type: string }[] };
    assert.deepEqual(arm.resources.map((r) => r.type), state.resources.map((r) => r.type));
  });

  it('reports parameters without a value and parameters the model does not have', () => {
    const r = desiredState(modelOf(exampleConfig()), SERVICE_ID, { backendUrl: 'https://x.example', nope: '1' });
    assert.ok('missing' in r);
    assert.deepEqual(r.missing, ['appInsightsId', 'appInsightsInstrumentationKey']);
    assert.deepEqual(r.unknown, ['nope']);
  });

  it('applies in an order where every parent and every dependency of the model comes first', () => {
    const model = modelOf(exampleConfig());
    const rank = new Map(stateOf(model).resources.map((r, i) => [model.resources[i]!.symbol, APPLY_RANK[r.kind]]));
    for (const r of model.resources) {
      for (const dep of [...r.dependsOn, ...(r.parent !== 'apim' ? [r.parent] : [])]) {
        assert.ok(rank.get(dep)! <= rank.get(r.symbol)!, `${dep} is applied no later than ${r.symbol}`);
      }
    }
  });

  it('maps REST properties to the typed SDK models and back without loss', () => {
    const api = { displayName: 'x', path: 'p', apiType: 'http', type: 'http', serviceUrl: 'https://b' };
    assert.deepEqual(toSdk('api', api), { displayName: 'x', path: 'p', soapApiType: 'http', apiType: 'http', serviceUrl: 'https://b' });
    assert.deepEqual(fromSdk('api', { ...toSdk('api', api), id: '/x', name: 'x', type: 'Microsoft.ApiManagement/service/apis', eTag: '"1"' }), api);
    assert.deepEqual(fromSdk('backend', toSdk('backend', { url: 'u', protocol: 'http', type: 'Single' })), { url: 'u', protocol: 'http', type: 'Single' });
  });
});

describe('deploy: plan through the SDK', () => {
  let server: ArmServer;
  useArmServer({ publicOrigin: FAKE_ORIGIN }, (s) => (server = s));

  it('plans every resource as a create on an empty instance, reading only', async () => {
    const h = harness(server);
    const plan = await planDeployment(h.ctx, stateOf(modelOf(exampleConfig())), { prune: true, owner });
    assert.ok(plan.changes.length > 0);
    assert.ok(plan.changes.every((c) => c.action === 'create' && c.etag === undefined));
    assert.deepEqual(server.writes(), [], 'planning writes nothing');
    assert.ok(server.log.every((e) => e.method === 'GET'));
    assert.ok(server.log.every((e) => e.authorization === 'Bearer test-token'), 'every request carries the token');
  });

  it('sees through what APIM changes on the way back (CRLF policies, defaults, logger credentials) and plans nothing after a deploy', async () => {
    const h = harness(server);
    const state = stateOf(modelOf(exampleConfig()));
    const first = await planDeployment(h.ctx, state, { prune: true, owner });
    assert.equal((await applyPlan(h.ctx, first)).ok, true);
    const stored = server.resource({ subscription: TARGET.subscriptionId, resourceGroup: TARGET.resourceGroup, service: TARGET.serviceName }, 'apis/mcp-tools/policies/policy', 'rawxml')!;
    assert.match(String((stored.properties as { value: string }).value), /\r\n/, 'the fake hands the policy back re-serialised');
    server.resetLog();
    const second = await planDeployment(h.ctx, state, { prune: true, owner });
    assert.deepEqual(second.changes.filter((c) => c.action !== 'unchanged').map((c) => `${c.action} ${c.path} ${c.changed.join(',')}`), []);
    assert.ok(second.changes.every((c) => typeof c.etag === 'string' && c.etag.length > 0), 'the plan records the ETag it saw');
    const policyRead = server.log.find((e) => e.method === 'GET' && e.path.endsWith('/apis/mcp-tools/policies/policy'))!;
    assert.equal(policyRead.query.get('format'), 'rawxml', 'the API policy is read raw as rawxml (SDK 10.0.0 apiPolicy.get drops the XML)');
  });

  it('sends what the model says: the typed models drop nothing of ours', async () => {
    const h = harness(server);
    const state = stateOf(modelOf(exampleConfig()));
    await applyPlan(h.ctx, await planDeployment(h.ctx, state, { prune: false, owner }));
    for (const r of state.resources) {
      const put = server.writes().find((e) => e.method === 'PUT' && e.path.toLowerCase() === `${SERVICE_ID}/${r.path}`.toLowerCase());
      assert.ok(put, `${r.path} was written`);
      assert.equal(put.apiVersion, r.apiVersion);
      assert.deepEqual((put.body as { properties: unknown }).properties, r.properties, `${r.path}: the PUT body is the model's properties`);
    }
  });

  it('detects drift member by member and records the ETag it saw', async () => {
    const h = harness(server);
    const state = stateOf(modelOf(exampleConfig()));
    await applyPlan(h.ctx, await planDeployment(h.ctx, state, { prune: false, owner }));
    const svc = { subscription: TARGET.subscriptionId, resourceGroup: TARGET.resourceGroup, service: TARGET.serviceName };
    server.foreignChange(svc, 'backends/mcp-tools-backend', { url: 'https://elsewhere.example' });
    server.foreignChange(svc, 'apis/mcp-tools', { protocols: ['https'], displayName: 'Renamed in the portal' });
    const plan = await planDeployment(h.ctx, state, { prune: false, owner });
    const updates = plan.changes.filter((c) => c.action === 'update');
    assert.deepEqual(updates.map((c) => [c.path, c.changed]), [
      ['backends/mcp-tools-backend', ['url']],
      ['apis/mcp-tools', ['displayName']],
    ]);
    const live = server.store.resources.get(`${SERVICE_ID}/backends/mcp-tools-backend`.toLowerCase())!;
    assert.equal(updates[0]!.etag, live.etag);
  });

  it('deploys the preview MCP API type with raw requests at the preview api-version, and reads it back with the same', async () => {
    const text = readFileSync('fixtures/example/mcp-gateway.yaml', 'utf8').replace('  backend: https://mcp-backend.internal.contoso.com/mcp\n', '  backend: https://mcp-backend.internal.contoso.com/mcp\n  type: mcp\n');
    const config = mustLoad(text, { 'catalog.json': readFileSync('fixtures/example/catalog.json', 'utf8') });
    const h = harness(server);
    const state = stateOf(modelOf(config));
    const result = await applyPlan(h.ctx, await planDeployment(h.ctx, state, { prune: true, owner }));
    assert.equal(result.ok, true, JSON.stringify(result.failed?.diagnostic));
    const put = server.writes().find((e) => e.method === 'PUT' && e.path.endsWith('/apis/mcp-tools'))!;
    assert.equal(put.apiVersion, APIM_MCP_API_VERSION);
    const props = (put.body as { properties: Record<string, unknown> }).properties;
    assert.equal(props.type, 'mcp');
    assert.equal(props.backendId, 'mcp-tools-backend');
    assert.deepEqual(props.mcpProperties, { transportType: 'streamable' });
    server.resetLog();
    const again = await planDeployment(h.ctx, state, { prune: true, owner });
    assert.deepEqual(again.changes.filter((c) => c.action !== 'unchanged').map((c) => c.path), [], 'a 2024-05-01 read would not see the MCP API; the plan reads at the preview version');
    assert.ok(server.log.some((e) => e.path.endsWith('/apis/mcp-tools') && e.apiVersion === APIM_MCP_API_VERSION));
  });

  it('warns when the instance tier differs from apim.sku', async () => {
    const h = harness(server);
    const plan = await planDeployment(h.ctx, stateOf(modelOf(exampleConfig())), { prune: false, owner, expectedSku: 'Consumption' });
    assert.deepEqual(plan.warnings.map((w) => w.code), ['MA8021']);
    assert.match(plan.warnings[0]!.message, /is Premium, but the config says apim\.sku: Consumption/);
  });
});
