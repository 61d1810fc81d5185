import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileConfig } from '../../src/emit/compile.ts';
import { bicepString } from '../../src/emit/infra/bicep.ts';
import { roleId } from '../../src/plan/uuid.ts';
import { BASE_CONFIG, loadFromDisk, mustLoad } from '../support/config.ts';

interface ArmTemplate {
  parameters: Record<string, unknown>;
  resources: { type: string; apiVersion: string; name: string; properties: Record<string, unknown>; dependsOn?: string[] }[];
}

const files = compileConfig(loadFromDisk('fixtures/example/mcp-gateway.yaml')).files;
const arm = JSON.parse(files['arm/azuredeploy.json']!) as ArmTemplate;
const armName = (name: string) => [...name.matchAll(/'([^']*)'/g)].map((m) => m[1]).slice(2).join('/'); // skip the format string and 'apimName'
const armKey = (r: { type: string; name: string }) => `${r.type}|${armName(r.name)}`;

/** Decodes a Bicep single-quoted string literal (the escapes bicepString writes). */
function decodeBicep(literal: string): string {
  return literal.slice(1, -1).replace(/\\(u\{[0-9a-f]+\}|.)/g, (_, e: string) => (e.startsWith('u{') ? String.fromCharCode(Number.parseInt(e.slice(2, -1), 16)) : ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[e] ?? e));
}

/** The resources of main.bicep: symbol → type and full name path (parents followed). */
function bicepResources(bicep: string): Map<string, string> {
  const blocks = [...bicep.matchAll(/^resource (\w+) '([^@]+)@[^']+'( existing)? = \{\n([\s\S]*?)^\}/gm)];
  const info = new Map(blocks.map((b) => [b[1]!, { type: b[2]!, parent: /^ {2}parent: (\w+)$/m.exec(b[4]!)?.[1], name: decodeBicep(/^ {2}name: ('(?:[^'\\]|\\.)*')$/m.exec(b[4]!)?.[1] ?? "''") }]));
  const path = (symbol: string): string[] => {
    const r = info.get(symbol)!;
    return r.parent && r.parent !== 'apim' ? [...path(r.parent), r.name] : [r.name];
  };
  return new Map([...info.keys()].filter((s) => s !== 'apim').map((s) => [s, `${info.get(s)!.type}|${path(s).join('/')}`]));
}

describe('ARM template', () => {
  it('every dependency and parent exists in the template', () => {
    const ids = new Set(arm.resources.map((r) => `[resourceId('${r.type}', parameters('apimName'), ${armName(r.name).split('/').map((n) => `'${n}'`).join(', ')})]`));
    for (const r of arm.resources) {
      for (const d of r.dependsOn ?? []) assert.ok(ids.has(d), `${r.name} depends on ${d}, which is not in the template`);
      const segments = armName(r.name).split('/');
      if (segments.length > 1) {
        const parentType = r.type.split('/').slice(0, -1).join('/');
        assert.ok(arm.resources.some((p) => p.type === parentType && armName(p.name) === segments.slice(0, -1).join('/')), `parent of ${r.type} ${armName(r.name)}`);
        assert.ok((r.dependsOn ?? []).some((d) => d.includes(`'${parentType}'`)), `${armName(r.name)} depends on its parent`);
      }
    }
  });

  it('embeds the compiled policies byte for byte, as rawxml', () => {
    const policyOf = (name: string) => arm.resources.find((r) => armName(r.name) === name)!.properties;
    assert.deepEqual(policyOf('mcp-tools/policy'), { format: 'rawxml', value: files['policies/api.xml'] });
    assert.deepEqual(policyOf('mcp-tools/mcp-post/policy'), { format: 'rawxml', value: files['policies/tools-list.xml'] });
    assert.deepEqual(policyOf('mcp-tools-prm/prm-get/policy'), { format: 'rawxml', value: files['policies/prm.xml'] });
  });

  it('references only declared parameters, and logs no payload bytes', () => {
    const text = files['arm/azuredeploy.json']!;
    for (const m of text.matchAll(/parameters\('(\w+)'\)/g)) assert.ok(m[1]! in arm.parameters, `parameter ${m[1]} is declared`);
    const diagnostics = arm.resources.find((r) => r.type.endsWith('/apis/diagnostics'))!.properties as { frontend: unknown; backend: unknown };
    const noBytes = { request: { headers: [], body: { bytes: 0 } }, response: { headers: [], body: { bytes: 0 } } };
    assert.deepEqual([diagnostics.frontend, diagnostics.backend], [noBytes, noBytes]);
  });
});

describe('Bicep', () => {
  it('describes the same resources as the ARM template', () => {
    const bicep = bicepResources(files['bicep/main.bicep']!);
    assert.deepEqual([...bicep.values()].sort(), arm.resources.map(armKey).sort());
  });

  it('loads each policy from the file compile writes', () => {
    for (const path of ['api.xml', 'tools-list.xml', 'prm.xml']) assert.ok(files['bicep/main.bicep']!.includes(`loadTextContent('../policies/${path}')`));
  });

  it('string literals round-trip any text (quotes, ${, backslashes, newlines, non-ASCII)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("'", '$', '{', '\\', '\n', '\r', '\t', '\u0001', 'é', '日', 'a', '}') }), (s) => {
        const literal = bicepString(s);
        assert.ok(!/(^|[^\\])\$\{/.test(literal.slice(1, -1)), 'no interpolation can start');
        assert.equal(decodeBicep(literal), s);
      }),
      { numRuns: 300 },
    );
  });

  it('emits the preview MCP API type behind api.type: mcp', () => {
    const out = compileConfig(mustLoad(BASE_CONFIG.replace('  path: mcp/v1', '  path: mcp/v1\n  type: mcp'))).files;
    assert.match(out['bicep/main.bicep']!, /resource api 'Microsoft\.ApiManagement\/service\/apis@2025-09-01-preview' = \{[\s\S]*?properties: union\(\{[\s\S]*?type: 'mcp'[\s\S]*?transportType: 'streamable'/);
    const api = (JSON.parse(out['arm/azuredeploy.json']!) as ArmTemplate).resources.find((r) => r.type.endsWith('/apis') && armName(r.name) === 'mcp-tools')!;
    assert.equal(api.apiVersion, '2025-09-01-preview');
    assert.deepEqual(api.properties.mcpProperties, { transportType: 'streamable' });
    // 2024-05-01 cannot see an MCP API: what lives below it, and the product's link to it, use the preview too
    const resources = (JSON.parse(out['arm/azuredeploy.json']!) as ArmTemplate).resources;
    const belowOrLinked = resources.filter((r) => (r.type.includes('/apis/') && armName(r.name).startsWith('mcp-tools/')) || r.type.endsWith('/apiLinks') && armName(r.name).endsWith('/mcp-tools'));
    assert.ok(belowOrLinked.length >= 6, belowOrLinked.map((r) => r.type).join(', '));
    for (const r of belowOrLinked) assert.equal(r.apiVersion, '2025-09-01-preview', `${r.type} ${armName(r.name)}`);
    assert.match(out['bicep/main.bicep']!, /resource apiPolicy 'Microsoft\.ApiManagement\/service\/apis\/policies@2025-09-01-preview'/);
    // the metadata API beside it is a plain HTTP API and stays on the GA version
    const prm = resources.find((r) => r.type.endsWith('/apis') && armName(r.name) !== 'mcp-tools')!;
    assert.equal(prm.apiVersion, '2024-05-01');
  });
});

describe('Entra app roles', () => {
  it('uses the documented role-id formula and Graph appRole shape', () => {
    const { appRoles } = JSON.parse(files['entra/app-roles.json']!) as { appRoles: { id: string; value: string; allowedMemberTypes: string[]; isEnabled: boolean }[] };
    assert.deepEqual(appRoles.map((r) => r.value), ['MCP.Admin', 'MCP.Tools.Read', 'MCP.Tools.Write']);
    for (const r of appRoles) {
      assert.equal(r.id, roleId(r.value));
      assert.deepEqual(r.allowedMemberTypes, ['Application']);
      assert.equal(r.isEnabled, true);
      assert.ok(files['entra/entra.bicep']!.includes(`id: '${r.id}'`));
    }
    assert.match(files['entra/entra.bicep']!, /^extension microsoftGraphV1$/m);
    assert.match(files['entra/entra.bicep']!, /identifierUris: \[\n {4}'api:\/\/mcp-gateway-prod'\n {2}\]/);
  });
});
