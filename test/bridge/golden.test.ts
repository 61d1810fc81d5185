/**
 * The compile output of the REST-bridging fixture, in both modes, against golden files
 * (UPDATE_GOLDEN=1 rewrites them): policy mode (the API policy translates, a REST backend entity)
 * and native mode (APIM's preview REST-as-MCP server: a REST API with one operation per tool and
 * `apis/tools` bound to them).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileConfig } from '../../src/emit/compile.ts';
import { load } from '../support/config.ts';
import { assertGoldenDirectory } from '../support/golden.ts';
import { FIXTURE, NATIVE_FIXTURE } from './fixtures.ts';


function compile(text: string) {
  const loaded = load(text, {}, 'mcp-gateway.yaml');
  assert.ok(loaded.config, JSON.stringify(loaded.diagnostics));
  return compileConfig(loaded.config);
}

describe('compile output of the REST-bridging fixture', () => {
  it('policy mode matches test/golden/bridge, with no errors and no warnings', () => {
    const result = compile(FIXTURE);
    assert.deepEqual(result.diagnostics, []);
    assertGoldenDirectory('test/golden/bridge', result.files);
  });

  it('native mode matches test/golden/bridge-native, and warns that the emulator does not do the translation', () => {
    assert.notEqual(NATIVE_FIXTURE, FIXTURE);
    const result = compile(NATIVE_FIXTURE);
    assert.deepEqual(result.diagnostics.map((d) => d.code), ['MA3010']);
    assertGoldenDirectory('test/golden/bridge-native', result.files);
  });

  for (const [mode, text] of [['policy', FIXTURE], ['native', NATIVE_FIXTURE]] as const) {
    it(`${mode} mode: every ARM dependency, parent and parameter exists, and Bicep declares the same resources`, () => {
      const files = compile(text).files;
      const arm = JSON.parse(files['arm/azuredeploy.json']!) as { parameters: Record<string, unknown>; resources: { type: string; name: string; dependsOn?: string[] }[] };
      const nameOf = (name: string) => [...name.matchAll(/'([^']*)'/g)].map((m) => m[1]).slice(2);
      const ids = new Set(arm.resources.map((r) => `[resourceId('${r.type}', parameters('apimName'), ${nameOf(r.name).map((n) => `'${n}'`).join(', ')})]`));
      for (const r of arm.resources) {
        for (const d of r.dependsOn ?? []) assert.ok(ids.has(d), `${r.name} depends on ${d}, which is not in the template`);
        const segments = nameOf(r.name);
        if (segments.length > 1) {
          const parentType = r.type.split('/').slice(0, -1).join('/');
          assert.ok(arm.resources.some((p) => p.type === parentType && nameOf(p.name).join('/') === segments.slice(0, -1).join('/')), `parent of ${r.type} ${segments.join('/')}`);
        }
      }
      for (const m of files['arm/azuredeploy.json']!.matchAll(/parameters\('(\w+)'\)/g)) assert.ok(m[1]! in arm.parameters, `parameter ${m[1]} is declared`);
      const bicepResources = [...files['bicep/main.bicep']!.matchAll(/^resource (\w+) '([^@]+)@/gm)].filter((m) => m[1] !== 'apim').map((m) => m[2]).sort();
      assert.deepEqual(bicepResources, arm.resources.map((r) => r.type).sort());
      for (const m of files['bicep/main.bicep']!.matchAll(/loadTextContent\('\.\.\/(policies\/[\w-]+\.xml)'\)/g)) assert.ok(files[m[1]!], `${m[1]} is written`);
    });
  }

  it('policy mode: one REST backend entity named in the policy, no MCP backend, no per-tool operations', () => {
    const arm = JSON.parse(compile(FIXTURE).files['arm/azuredeploy.json']!) as { parameters: Record<string, unknown>; resources: { type: string; name: string; properties: Record<string, unknown> }[] };
    const backends = arm.resources.filter((r) => r.type.endsWith('/backends'));
    assert.deepEqual(backends.map((r) => r.name), ["[format('{0}/{1}', parameters('apimName'), 'inventory-mcp-rest')]"]);
    assert.equal(backends[0]!.properties.url, "[parameters('restBackendUrl')]");
    assert.ok(!('backendUrl' in arm.parameters), 'no MCP server, no backendUrl parameter');
    const api = arm.resources.find((r) => r.type.endsWith('/apis') && r.name.includes("'inventory-mcp')"))!;
    assert.ok(!('serviceUrl' in api.properties), 'the API forwards nowhere on its own');
    assert.equal(arm.resources.filter((r) => r.type.endsWith('/operations')).length, 4, 'mcp-post, mcp-get, mcp-delete and prm-get only');
    assert.match(compile(FIXTURE).files['policies/api.xml']!, /<set-backend-service backend-id="inventory-mcp-rest" \/>/);
  });

  it('native mode: every bridged tool is an apis/tools resource bound to its operation of the REST API', () => {
    const files = compile(NATIVE_FIXTURE).files;
    const arm = JSON.parse(files['arm/azuredeploy.json']!) as { resources: { type: string; apiVersion: string; name: string; properties: Record<string, unknown>; dependsOn?: string[] }[] };
    const tools = arm.resources.filter((r) => r.type === 'Microsoft.ApiManagement/service/apis/tools');
    const operations = arm.resources.filter((r) => r.type.endsWith('/apis/operations') && r.name.includes('inventory-mcp-rest'));
    assert.equal(tools.length, 4);
    assert.equal(operations.length, 4);
    for (const tool of tools) {
      const operationId = String(tool.properties.operationId);
      const op = operationId.split('/').pop()!;
      assert.ok(operations.some((o) => o.name.includes(`'${op}'`)), `${operationId} names an operation that exists`);
      assert.ok(tool.dependsOn?.some((d) => d.includes(`'${op}'`)), 'and depends on it');
      assert.equal(tool.apiVersion, '2025-09-01-preview');
    }
    const api = arm.resources.find((r) => r.type === 'Microsoft.ApiManagement/service/apis' && r.name.endsWith("'inventory-mcp')]"))!;
    assert.equal(api.properties.type, 'mcp');
    const restApi = arm.resources.find((r) => r.type === 'Microsoft.ApiManagement/service/apis' && r.name.includes('inventory-mcp-rest'))!;
    assert.equal(restApi.properties.subscriptionRequired, true, 'callers cannot go around the MCP server');
    assert.ok(!arm.resources.some((r) => r.type.endsWith('/apiLinks') && JSON.stringify(r.properties).includes('inventory-mcp-rest')), 'the REST API is in no product');
    assert.match(files['policies/rest-api.xml']!, /<set-header name="Authorization" exists-action="delete" \/>/);
    assert.match(files['policies/api.xml']!, /== "tools\/list"/, 'api.xml answers tools/list itself');
    assert.doesNotMatch(files['policies/api.xml']!, /rewrite-uri/, 'APIM translates: the policy does not');
  });
});
