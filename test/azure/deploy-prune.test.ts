/**
 * --prune deletes mcp-apim's own resources that the config no longer needs, and nothing else:
 * recognised by the naming convention AND the mark, in reverse dependency order, after the
 * policies that referenced a doomed fragment or named value have been rewritten.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { applyPlan } from '../../src/azure/arm/apply.ts';
import { planDeployment } from '../../src/azure/arm/plan.ts';
import { savePlan } from '../../src/azure/arm/plan-file.ts';
import { type InfraModel, MANAGED_MARK, type Resource } from '../../src/emit/infra/model.ts';
import { type ArmServer } from '../support/arm-server/index.ts';
import { useArmServer } from '../support/arm-server/lifecycle.ts';
import { exampleConfig, FAKE_ORIGIN, harness, modelOf, stateOf, TARGET } from '../support/arm-server/harness.ts';
import { mustLoad } from '../support/config.ts';

const SVC = { subscription: TARGET.subscriptionId, resourceGroup: TARGET.resourceGroup, service: TARGET.serviceName };
const owner = { apiName: 'mcp-tools' };
const EXAMPLE = readFileSync('fixtures/example/mcp-gateway.yaml', 'utf8');
const CATALOG = readFileSync('fixtures/example/catalog.json', 'utf8');
const T = 'Microsoft.ApiManagement/service';
const rel = (path: string) => path.split(`/service/${TARGET.serviceName}/`)[1];

/** The example plus a secret named value and a fragment using it, included by the API policy. */
function withFragment(model: InfraModel): InfraModel {
  const nv: Resource = { symbol: 'nvKey', type: `${T}/namedValues`, apiVersion: '2024-05-01', name: ['mcp-tools--backend-key'], parent: 'apim', properties: { value: 'k-secret-value', secret: true }, dependsOn: [] };
  const fragment: Resource = {
    symbol: 'authFragment',
    type: `${T}/policyFragments`,
    apiVersion: '2024-05-01',
    name: ['mcp-tools--auth'],
    parent: 'apim',
    properties: { format: 'rawxml', description: MANAGED_MARK, value: '<fragment>\n  <set-header name="x-backend-key" exists-action="override">\n    <value>{{mcp-tools--backend-key}}</value>\n  </set-header>\n</fragment>' },
    dependsOn: ['nvKey'],
  };
  const resources = model.resources.map((r): Resource => {
    if (r.symbol !== 'apiPolicy') return r;
    const value = r.properties.value as { ref: 'file'; path: string; content: string };
    return { ...r, properties: { ...r.properties, value: { ...value, content: value.content.replace('<base />', '<base />\n    <include-fragment fragment-id="mcp-tools--auth" />') } }, dependsOn: [...r.dependsOn, 'authFragment'] };
  });
  return { parameters: model.parameters, resources: [nv, fragment, ...resources] };
}

describe('deploy --prune', () => {
  let server: ArmServer;
  useArmServer({ publicOrigin: FAKE_ORIGIN }, (s) => (server = s));

  it('removes only our own resources, children before parents, and leaves everything else alone', async () => {
    const h = harness(server);
    assert.equal((await applyPlan(h.ctx, await planDeployment(h.ctx, stateOf(modelOf(exampleConfig())), { prune: true, owner }))).ok, true);
    // Things that are not ours, or not recognisably ours.
    server.seed(SVC, 'backends/other-backend', { url: 'https://other.example', protocol: 'http', description: MANAGED_MARK });
    server.seed(SVC, 'apis/mcp-tools-v2', { displayName: 'v2', path: 'v2', protocols: ['https'], description: MANAGED_MARK });
    server.seed(SVC, 'namedValues/mcp-tools--manual', { displayName: 'manual', value: 'x' });
    server.seed(SVC, 'apis/mcp-tools/operations/manual-op', { displayName: 'added in the portal', method: 'GET', urlTemplate: '/manual' });
    server.seed(SVC, 'products/team-product', { displayName: 'Team', state: 'published' });
    server.seed(SVC, 'products/team-product/apiLinks/mcp-tools', { apiId: `/subscriptions/${SVC.subscription}/resourceGroups/${SVC.resourceGroup}/providers/Microsoft.ApiManagement/service/${SVC.service}/apis/mcp-tools` });
    for (let i = 0; i < 3; i++) server.seed(SVC, `backends/team-${i}`, { url: `https://t${i}.example`, protocol: 'http' });
    // Ours, no longer needed.
    server.seed(SVC, 'namedValues/mcp-tools--stale', { displayName: 'mcp-tools--stale', value: 'x', tags: ['mcp-apim'] });
    server.seed(SVC, 'apis/mcp-tools/operations/old-op', { displayName: 'old', method: 'POST', urlTemplate: '/old', description: MANAGED_MARK });
    const before = new Set(server.store.resources.keys());
    server.resetLog();

    const noInsights = mustLoad(EXAMPLE.replace('apim:\n  sku: Premium\n', 'apim:\n  sku: Premium\n  appInsights: false\n'), { 'catalog.json': CATALOG });
    const plan = await planDeployment(h.ctx, stateOf(modelOf(noInsights), {}), { prune: true, owner });
    assert.deepEqual(plan.changes.filter((c) => c.action === 'delete').map((c) => c.path), [
      'apis/mcp-tools/diagnostics/applicationinsights',
      'apis/mcp-tools/operations/old-op',
      'loggers/mcp-tools-appinsights',
      'namedValues/mcp-tools--stale',
    ]);
    assert.ok(plan.changes.filter((c) => c.action === 'delete').every((c) => c.etag), 'deletes carry the ETag seen');
    assert.deepEqual(plan.warnings.map((w) => `${w.code} ${w.message.split(' ')[0]}`), ['MA8051 namedValues/mcp-tools--manual']);
    assert.ok(server.log.some((e) => e.query.has('$skiptoken')), 'lists are followed page by page');
    const result = await applyPlan(h.ctx, plan);
    assert.equal(result.ok, true, JSON.stringify(result.failed?.diagnostic));
    const deletes = server.writes().filter((w) => w.method === 'DELETE');
    assert.deepEqual(deletes.map((w) => rel(w.path)), ['apis/mcp-tools/diagnostics/applicationinsights', 'apis/mcp-tools/operations/old-op', 'loggers/mcp-tools-appinsights', 'namedValues/mcp-tools--stale']);
    assert.ok(deletes.every((w) => w.ifMatch && w.ifMatch !== '*'));
    const gone = [...before].filter((k) => !server.store.resources.has(k)).map((k) => k.split(`/service/${TARGET.serviceName.toLowerCase()}/`)[1]);
    assert.deepEqual(gone.sort(), ['apis/mcp-tools/diagnostics/applicationinsights', 'apis/mcp-tools/operations/old-op', 'loggers/mcp-tools-appinsights', 'namedvalues/mcp-tools--stale']);
    assert.ok([...server.store.resources.keys()].some((k) => k.includes('/namedvalues/logger-credentials--')), "APIM's own named value for the logger key is not ours to delete");
  });

  it('moves the API to a renamed product: the new one is created, the old one (ours by name and mark) deleted with its links', async () => {
    const h = harness(server);
    await applyPlan(h.ctx, await planDeployment(h.ctx, stateOf(modelOf(exampleConfig())), { prune: true, owner }));
    server.resetLog();
    const renamed = mustLoad(EXAMPLE.replace('apim:\n  sku: Premium\n', 'apim:\n  sku: Premium\n  productName: agents\n'), { 'catalog.json': CATALOG });
    const result = await applyPlan(h.ctx, await planDeployment(h.ctx, stateOf(modelOf(renamed)), { prune: true, owner }));
    assert.equal(result.ok, true, JSON.stringify(result.failed?.diagnostic));
    assert.deepEqual(server.writes().map((w) => `${w.method} ${rel(w.path)}`), ['PUT products/agents', 'PUT products/agents/apiLinks/mcp-tools', 'PUT products/agents/apiLinks/mcp-tools-prm', 'DELETE products/mcp-tools-product']);
    assert.equal(server.resource(SVC, 'products/mcp-tools-product/apiLinks/mcp-tools'), undefined);
  });

  it('rewrites the policy that used a doomed fragment before deleting the fragment, then the named value it used', async () => {
    const h = harness(server);
    const withIt = stateOf(withFragment(modelOf(exampleConfig())));
    assert.ok(withIt.secrets.includes('k-secret-value'));
    const first = await applyPlan(h.ctx, await planDeployment(h.ctx, withIt, { prune: true, owner }));
    assert.equal(first.ok, true, JSON.stringify(first.failed?.diagnostic));
    const nv = server.resource(SVC, 'namedValues/mcp-tools--backend-key')!.properties as Record<string, unknown>;
    assert.equal(nv.displayName, 'mcp-tools--backend-key', 'the display name is the name: APIM resolves {{x}} by display name');
    assert.deepEqual(nv.tags, ['mcp-apim']);
    server.resetLog();
    const again = await planDeployment(h.ctx, withIt, { prune: true, owner });
    assert.deepEqual(again.changes.filter((c) => c.action !== 'unchanged').map((c) => c.path), [], 'the secret is compared through listValue');
    const plan = await planDeployment(h.ctx, stateOf(modelOf(exampleConfig())), { prune: true, owner });
    assert.deepEqual(plan.changes.filter((c) => c.action !== 'unchanged').map((c) => `${c.action} ${c.path}`), [
      'update apis/mcp-tools/policies/policy',
      'delete policyFragments/mcp-tools--auth',
      'delete namedValues/mcp-tools--backend-key',
    ]);
    server.resetLog();
    const result = await applyPlan(h.ctx, plan);
    assert.equal(result.ok, true, JSON.stringify(result.failed?.diagnostic));
    assert.deepEqual(server.writes().map((w) => w.status), [200, 200, 200], 'APIM accepted each step: nothing was deleted while still referenced');
    const saved = savePlan(plan, TARGET, FAKE_ORIGIN, withIt);
    assert.ok(!saved.includes('k-secret-value') && !saved.includes('{{mcp-tools--backend-key}}'), 'a saved plan holds no values, secret or not');
  });

  it('stops with MA8050 when something outside mcp-apim still uses a resource to prune', async () => {
    const h = harness(server);
    await applyPlan(h.ctx, await planDeployment(h.ctx, stateOf(withFragment(modelOf(exampleConfig()))), { prune: true, owner }));
    server.seed(SVC, 'apis/team-api', { displayName: 'Team', path: 'team', protocols: ['https'] });
    server.seed(SVC, 'apis/team-api/policies/policy', { format: 'rawxml', value: '<policies><inbound><include-fragment fragment-id="mcp-tools--auth" /></inbound></policies>' });
    const result = await applyPlan(h.ctx, await planDeployment(h.ctx, stateOf(modelOf(exampleConfig())), { prune: true, owner }));
    assert.equal(result.ok, false);
    assert.equal(result.failed!.diagnostic.code, 'MA8050');
    assert.match(result.failed!.diagnostic.message, /delete policyFragments\/mcp-tools--auth: .*is used by the following entities/);
    assert.ok(server.resource(SVC, 'apis/team-api/policies/policy'), 'the foreign policy is not touched');
  });

  it('counts a 404 on delete as done', async () => {
    const h = harness(server);
    await applyPlan(h.ctx, await planDeployment(h.ctx, stateOf(modelOf(exampleConfig())), { prune: true, owner }));
    server.seed(SVC, 'apis/mcp-tools/operations/old-op', { displayName: 'old', method: 'POST', urlTemplate: '/old', description: MANAGED_MARK });
    const plan = await planDeployment(h.ctx, stateOf(modelOf(exampleConfig())), { prune: true, owner });
    assert.deepEqual(plan.changes.filter((c) => c.action === 'delete').map((c) => c.path), ['apis/mcp-tools/operations/old-op']);
    server.store.remove(server.store.resources.get(`/subscriptions/${SVC.subscription}/resourcegroups/${SVC.resourceGroup}/providers/microsoft.apimanagement/service/${SVC.service}/apis/mcp-tools/operations/old-op`.toLowerCase())!);
    server.resetLog();
    const result = await applyPlan(h.ctx, plan);
    assert.equal(result.ok, true);
    assert.deepEqual(server.writes().map((w) => w.status), [404]);
  });

  it('without --prune plans no deletes at all', async () => {
    const h = harness(server);
    await applyPlan(h.ctx, await planDeployment(h.ctx, stateOf(modelOf(exampleConfig())), { prune: false, owner }));
    server.seed(SVC, 'apis/mcp-tools/operations/old-op', { displayName: 'old', method: 'POST', urlTemplate: '/old', description: MANAGED_MARK });
    const plan = await planDeployment(h.ctx, stateOf(modelOf(exampleConfig())), { prune: false, owner });
    assert.equal(plan.changes.filter((c) => c.action === 'delete').length, 0);
    assert.ok(!server.log.some((e) => e.path.endsWith('/operations')), 'no listing without --prune');
  });
});
