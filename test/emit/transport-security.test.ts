/**
 * Compile output for mutual TLS and the alert rules (fixtures/mtls): golden files, the policy
 * elements, the Key Vault certificate resource that backend, policy and Bicep agree on, the
 * scheduled-query rules in Bicep and ARM (beside the service, not below it), and the semantic
 * checks MA2030–MA2033.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { compileConfig } from '../../src/emit/compile.ts';
import { denialSpikeQuery, newToolQuery } from '../../src/emit/infra/alert-queries.ts';
import { assertGoldenDirectory } from '../support/golden.ts';

const FILE = 'fixtures/mtls/mcp-gateway.yaml';
const TEXT = readFileSync(FILE, 'utf8');
const compile = (text: string) => {
  const loaded = loadConfig(FILE, text, { readFile: (p) => readFileSync(p, 'utf8') });
  if (!loaded.config) return { files: {} as Record<string, string>, diagnostics: loaded.diagnostics };
  return compileConfig(loaded.config);
};

interface ArmResource {
  type: string;
  name: string;
  location?: string;
  kind?: string;
  properties: Record<string, unknown>;
  dependsOn?: string[];
}

describe('compile output with mutual TLS and alert rules (fixtures/mtls)', () => {
  const result = compile(TEXT);

  it('compiles without warnings and matches the golden files (test/golden/mtls)', () => {
    assert.deepEqual(result.diagnostics, []);
    assertGoldenDirectory('test/golden/mtls', result.files);
  });

  it('checks the client certificate before the token, and presents the backend certificate last', () => {
    const xml = result.files['policies/api.xml']!;
    const cert = xml.indexOf('<validate-client-certificate ');
    assert.ok(cert > 0 && cert < xml.indexOf('<validate-azure-ad-token '));
    assert.ok(xml.indexOf('<authentication-certificate certificate-id="mcp-secure-backend-cert" />') > xml.indexOf('<set-header name="x-mcp-apim-role"'));
    assert.match(xml, /<identity thumbprint="89ABCDEF0123456789ABCDEF0123456789ABCDEF" \/>/, 'thumbprints are written upper case, as .NET compares them');
    assert.match(xml, /<identity issuer-subject="CN=Contoso Agents CA, O=Contoso" \/>/);
    // the first on-error branch keeps APIM's 401 for a certificate and adds no Bearer challenge
    assert.ok(xml.indexOf('context.LastError.Source == "validate-client-certificate"') < xml.indexOf('context.Response.StatusCode == 401'));
  });

  it('stores the backend certificate as a Key Vault certificate resource that backend and policy name alike', () => {
    const arm = JSON.parse(result.files['arm/azuredeploy.json']!) as { resources: ArmResource[]; parameters: Record<string, { defaultValue?: string }> };
    const cert = arm.resources.find((r) => r.type === 'Microsoft.ApiManagement/service/certificates')!;
    assert.deepEqual(cert.properties, { keyVault: { secretIdentifier: 'https://contoso-gateway-kv.vault.azure.net/secrets/mcp-backend-client', identityClientId: '11111111-2222-3333-4444-555555555555' } });
    const backend = arm.resources.find((r) => r.type === 'Microsoft.ApiManagement/service/backends')!;
    assert.deepEqual(backend.properties.credentials, { certificateIds: ['/certificates/mcp-secure-backend-cert'] });
    const certId = "[resourceId('Microsoft.ApiManagement/service/certificates', parameters('apimName'), 'mcp-secure-backend-cert')]";
    assert.ok(backend.dependsOn?.includes(certId));
    assert.ok(arm.resources.find((r) => r.type === 'Microsoft.ApiManagement/service/apis/policies')!.dependsOn?.includes(certId), 'the policy names the certificate, so it waits for it');
  });

  it('emits the alert rules beside the service with the KQL of docs/monitoring.md, in Bicep and ARM alike', () => {
    const arm = JSON.parse(result.files['arm/azuredeploy.json']!) as { resources: ArmResource[]; parameters: Record<string, { defaultValue?: string }> };
    const rules = arm.resources.filter((r) => r.type === 'Microsoft.Insights/scheduledQueryRules');
    assert.deepEqual(rules.map((r) => r.name), ['mcp-secure-new-tool-alert', 'mcp-secure-denial-spike-alert']);
    assert.equal(arm.parameters.alertsLocation?.defaultValue, 'westeurope');
    const queries = rules.map((r) => ((r.properties.criteria as { allOf: { query: string }[] }).allOf[0]!.query));
    assert.deepEqual(queries, [newToolQuery({ lookbackHours: 47 }), denialSpikeQuery({ threshold: 20, windowMinutes: 5 })]);
    for (const r of rules) {
      assert.equal(r.location, "[parameters('alertsLocation')]");
      assert.equal(r.kind, 'LogAlert');
      assert.deepEqual(r.properties.scopes, ["[parameters('appInsightsId')]"]);
      assert.equal(r.dependsOn, undefined);
      assert.deepEqual(r.properties.actions, { actionGroups: ['/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ops/providers/Microsoft.Insights/actionGroups/mcp-oncall'] });
    }
    assert.equal(rules[0]!.properties.overrideQueryTimeRange, 'P2D', 'the 47-hour baseline needs the two-day query range (the most Azure Monitor allows)');
    assert.deepEqual([rules[1]!.properties.evaluationFrequency, rules[1]!.properties.windowSize], ['PT5M', 'PT5M']);
    const bicep = result.files['bicep/main.bicep']!;
    const block = /resource denialSpikeAlert 'Microsoft\.Insights\/scheduledQueryRules@2021-08-01' = \{\n([\s\S]*?)\n\}/.exec(bicep)?.[1] ?? '';
    assert.match(block, /^ {2}name: 'mcp-secure-denial-spike-alert'\n {2}location: alertsLocation\n {2}kind: 'LogAlert'$/m);
    assert.doesNotMatch(block, /parent:/);
    assert.ok(bicep.includes(`query: '${denialSpikeQuery({ threshold: 20, windowMinutes: 5 }).replace(/\n/g, '\\n')}'`));
  });

  it('turns a rule off with false, and follows windowMinutes', () => {
    const files = compile(TEXT.replace('    newTool: { lookbackHours: 47 }\n', '    newTool: false\n').replace('windowMinutes: 5 }', 'windowMinutes: 60 }')).files;
    const arm = JSON.parse(files['arm/azuredeploy.json']!) as { resources: ArmResource[] };
    const rules = arm.resources.filter((r) => r.type === 'Microsoft.Insights/scheduledQueryRules');
    assert.deepEqual(rules.map((r) => [r.name, r.properties.windowSize]), [['mcp-secure-denial-spike-alert', 'PT1H']]);
  });
});

describe('checks of certificate and alert settings', () => {
  const codes = (text: string) => compile(text).diagnostics.map((d) => d.code);

  it('MA2030: more identities than validate-client-certificate takes', () => {
    const many = Array.from({ length: 10 }, (_, i) => `      - ${`${'ABCDEF'[i % 6]}${i}`.repeat(20)}\n`).join('');
    assert.ok(codes(TEXT.replace(/ {4}thumbprints:\n(?: {6}- .*\n)+/, `    thumbprints:\n${many}`)).includes('MA2030'));
  });

  it('MA2031: chain validation on a tier that cannot hold CA certificates', () => {
    assert.ok(codes(TEXT.replace('sku: Premium', 'sku: StandardV2')).includes('MA2031'));
    assert.ok(!codes(TEXT.replace('sku: Premium', 'sku: StandardV2').replace('    mode: required\n', '    mode: required\n    validateTrust: false\n')).includes('MA2031'));
  });

  it('MA2033: names without chain validation can be forged', () => {
    const byName = TEXT.replace(/ {4}thumbprints:\n(?: {6}- .*\n)+/, '').replace('    mode: required\n', '    mode: required\n    validateTrust: false\n');
    assert.ok(codes(byName).includes('MA2033'));
  });

  it('MA2032: alert rules without the Application Insights logger', () => {
    assert.ok(codes(TEXT.replace('  sku: Premium\n', '  sku: Premium\n  appInsights: false\n')).includes('MA2032'));
  });

  it('the schema refuses malformed values', () => {
    assert.ok(codes(TEXT.replace('0A1B2C3D4E5F60718293A4B5C6D7E8F901234567', '0A:1B:2C')).includes('MA1005'));
    assert.ok(codes(TEXT.replace('lookbackHours: 47', 'lookbackHours: 48')).length > 0);
    assert.ok(codes(TEXT.replace('windowMinutes: 5', 'windowMinutes: 7')).length > 0);
    assert.ok(codes(TEXT.replace('    keyVaultSecretId: https://contoso-gateway-kv.vault.azure.net/secrets/mcp-backend-client\n', '    keyVaultSecretId: http://kv/secret\n')).includes('MA1005'));
    assert.ok(codes(TEXT.replace(/ {4}thumbprints:\n(?: {6}- .*\n)+/, '').replace('    issuer: CN=Contoso Agents CA, O=Contoso\n', '')).length > 0, 'at least one of thumbprints, subject and issuer');
  });
});
