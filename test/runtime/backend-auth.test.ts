/**
 * `api.backendAuth: managedIdentity`: the compiled policy, run in the emulator, sends the MCP
 * server the managed identity's token for the backend's audience — never the caller's token.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { compileConfig } from '../../src/emit/compile.ts';
import { buildDeployment, policiesFromFiles } from '../../src/runtime/deployment.ts';
import { generateDevKeys } from '../../src/runtime/identity/keys.ts';
import { mintToken } from '../../src/runtime/identity/mint.ts';
import { tenantUrls } from '../../src/runtime/identity/entra.ts';
import { handle } from '../../src/runtime/pipeline.ts';
import { type BackendRequest, headersFrom } from '../../src/runtime/types.ts';
import { emulatorPorts, replayTarget } from '../../src/traffic/emulator-ports.ts';
import { BASE_CONFIG, load, mustLoad } from '../support/config.ts';

const withBackendAuth = (auth: string) => BASE_CONFIG.replace('  backend: https://backend.example/mcp\n', `  backend: https://backend.example/mcp\n  backendAuth:\n${auth}`);

async function forwarded(configText: string): Promise<BackendRequest> {
  const config = mustLoad(configText);
  const compiled = compileConfig(config);
  assert.deepEqual(compiled.diagnostics.filter((d) => d.severity === 'error'), []);
  const { deployment } = buildDeployment(config.api.path, policiesFromFiles(compiled.files));
  const keys = generateDevKeys();
  const target = replayTarget(config);
  const now = Date.UTC(2026, 0, 1);
  let seen: BackendRequest | undefined;
  const ports = {
    ...emulatorPorts({ now: () => now, newId: () => '00000000-0000-4000-8000-000000000001', ...target, keys }),
    backend: async (r: BackendRequest) => {
      seen = r;
      return { status: 200, headers: headersFrom({ 'content-type': 'application/json' }), body: '{"jsonrpc":"2.0","id":1,"result":{}}' };
    },
  };
  const caller = mintToken(keys, { issuer: tenantUrls(config.identity.authority, config.identity.tenantId).issuerV2, audience: 'api://gateway', tenantId: config.identity.tenantId, now: now / 1000 }, { claims: { roles: ['Reader'], azp: 'agent-1' } });
  const route = deployment!.route('POST', '/mcp/v1');
  assert.ok('policy' in route);
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'inventory.get_stock', arguments: {} } });
  const r = await handle(route.policy, { method: 'POST', url: 'https://gw/mcp/v1', headers: headersFrom({ 'content-type': 'application/json', authorization: `Bearer ${caller}` }), body }, ports);
  assert.equal(r.status, 200, r.body);
  assert.ok(seen);
  return seen;
}

describe('api.backendAuth: managedIdentity', () => {
  it("replaces the caller's token with the managed identity's token for the backend audience", async () => {
    const sent = await forwarded(withBackendAuth('    type: managedIdentity\n    resource: api://mcp-backend\n'));
    const auth = sent.headers.get('authorization')!;
    assert.equal(auth.length, 1);
    const claims = decodeJwt(auth[0]!.replace(/^Bearer /, ''));
    assert.equal(claims.aud, 'api://mcp-backend');
    assert.equal(claims.azp, 'mcp-apim-managed-identity');
    assert.equal(claims.roles, undefined, "none of the caller's claims reach the backend");
  });

  it("without backendAuth the caller's token is forwarded as is (documented default)", async () => {
    const sent = await forwarded(BASE_CONFIG);
    assert.equal(decodeJwt(sent.headers.get('authorization')![0]!.replace(/^Bearer /, '')).aud, 'api://gateway');
  });

  it('compiles a user-assigned identity to client-id, and refuses a malformed one', () => {
    const files = compileConfig(mustLoad(withBackendAuth('    type: managedIdentity\n    resource: api://mcp-backend\n    clientId: 11111111-2222-3333-4444-555555555555\n'))).files;
    assert.match(files['policies/api.xml']!, /<set-header name="Authorization" exists-action="delete" \/>\s*<authentication-managed-identity resource="api:\/\/mcp-backend" client-id="11111111-2222-3333-4444-555555555555" \/>/);
    const bad = load(withBackendAuth('    type: managedIdentity\n    resource: api://mcp-backend\n    clientId: not-a-guid\n'));
    assert.equal(bad.config, undefined);
    assert.ok(bad.diagnostics.some((d) => d.severity === 'error'));
  });
});
