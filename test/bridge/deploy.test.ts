/**
 * Deploying the REST-bridging fixture through the real ARM client to the loopback ARM server, in
 * both modes: everything is created in order, a second run writes nothing, and in native mode
 * every MCP tool is bound to an operation that exists when it is written.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPlan } from '../../src/azure/arm/apply.ts';
import { planDeployment } from '../../src/azure/arm/plan.ts';
import type { ArmServer } from '../support/arm-server/index.ts';
import { useArmServer } from '../support/arm-server/lifecycle.ts';
import { FAKE_ORIGIN, harness, modelOf, stateOf, TARGET } from '../support/arm-server/harness.ts';
import { mustLoad } from '../support/config.ts';
import { FIXTURE, NATIVE_FIXTURE } from './fixtures.ts';

const SVC = { subscription: TARGET.subscriptionId, resourceGroup: TARGET.resourceGroup, service: TARGET.serviceName };
const owner = { apiName: 'inventory-mcp' };

describe('deploy of bridged tools', () => {
  let server: ArmServer;
  useArmServer({ publicOrigin: FAKE_ORIGIN }, (s) => (server = s));

  for (const [mode, text] of [['policy', FIXTURE], ['native', NATIVE_FIXTURE]] as const) {
    it(`${mode} mode: creates everything, then a second run writes nothing`, async () => {
      const h = harness(server);
      const state = stateOf(modelOf(mustLoad(text)));
      const first = await applyPlan(h.ctx, await planDeployment(h.ctx, state, { prune: false, owner }));
      assert.equal(first.ok, true, JSON.stringify(first.failed?.diagnostic));
      assert.equal(first.writes, state.resources.length);
      const tools = server.writes({ succeeded: true }).filter((w) => /\/apis\/inventory-mcp\/tools\//.test(w.path));
      if (mode === 'native') {
        assert.equal(tools.length, 4);
        assert.ok(tools.every((w) => w.apiVersion === '2025-09-01-preview'));
        assert.ok(server.resource(SVC, 'apis/inventory-mcp-rest/operations/tool-inventory-get-stock'), 'the REST operation a tool is bound to');
        assert.equal(server.resource(SVC, 'backends/inventory-mcp-rest'), undefined, 'native mode needs no backend entity');
      } else {
        assert.equal(tools.length, 0);
        assert.equal((server.resource(SVC, 'backends/inventory-mcp-rest') as { properties?: { url?: string } } | undefined)?.properties?.url, 'https://inventory.internal.contoso.com', 'the REST backend entity the policy names');
      }
      server.resetLog();
      const second = await applyPlan(h.ctx, await planDeployment(h.ctx, state, { prune: false, owner }));
      assert.equal(second.ok, true);
      assert.equal(second.writes, 0);
      server.store.resources.clear();
    });
  }
});
