/**
 * Client certificates (identity.clientCertificates) through the compiled policy in the emulator:
 * the recorded traffic of fixtures/mtls (every refusal is APIM's 401, with the LastError reason
 * of the rule that failed), optional mode, the X509Certificate2 that expressions see, the
 * backend certificate, and the traffic format's errors.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';
import { compileConfig } from '../../src/emit/compile.ts';
import { parsePolicy } from '../../src/policy/parse.ts';
import { type ClientCertificate, certificateFromPem, dotNetName } from '../../src/runtime/certificate.ts';
import { buildDeployment, policiesFromFiles } from '../../src/runtime/deployment.ts';
import { expressionPort } from '../../src/runtime/expressions.ts';
import { generateDevKeys } from '../../src/runtime/identity/keys.ts';
import { handle } from '../../src/runtime/pipeline.ts';
import { composeScopes } from '../../src/runtime/scopes.ts';
import { SlidingWindowCounters } from '../../src/runtime/stores/sliding-window.ts';
import { FixedWindowCounters } from '../../src/runtime/stores/fixed-window.ts';
import { headersFrom, type Ports } from '../../src/runtime/types.ts';
import { parseTraffic } from '../../src/traffic/parse.ts';
import { type ExchangeResult, replayFile, replayTarget } from '../../src/traffic/replay.ts';
import { hasOpenssl, makeTestCertificates } from '../support/certificates.ts';

const CONFIG = 'fixtures/mtls/mcp-gateway.yaml';
const TRAFFIC = 'fixtures/mtls/traffic/client-certificates.jsonl';
const keys = generateDevKeys();

function load(text: string): Config {
  const r = loadConfig(CONFIG, text, { readFile: (p) => readFileSync(p, 'utf8') });
  assert.ok(r.config, JSON.stringify(r.diagnostics));
  return r.config;
}

async function replay(config: Config, trafficText: string, startMs = Date.UTC(2026, 5, 1)): Promise<ExchangeResult[]> {
  const compiled = compileConfig(config);
  assert.deepEqual(compiled.diagnostics.filter((d) => d.severity === 'error'), []);
  const { deployment } = buildDeployment(config.api.path, policiesFromFiles(compiled.files));
  const traffic = parseTraffic('t.jsonl', trafficText);
  assert.deepEqual(traffic.diagnostics, []);
  return replayFile('t.jsonl', traffic.exchanges, { ...replayTarget(config), deployment: deployment!, keys, startMs });
}

const reasonOf = (r: ExchangeResult) => r.trace.find((t) => t.policy === 'validate-client-certificate')?.message.split(':')[0];

describe('identity.clientCertificates in the emulator', () => {
  const config = load(readFileSync(CONFIG, 'utf8'));

  it('replays the recorded traffic: each refusal is a 401 with the reason of the failed rule', async () => {
    const results = await replay(config, readFileSync(TRAFFIC, 'utf8'));
    for (const r of results) assert.ok(r.passed, `${r.name}: ${r.failures.join('; ')}`);
    const reasons = Object.fromEntries(results.map((r) => [r.name, reasonOf(r)]));
    assert.equal(reasons["no client certificate: the gateway's 401, without a Bearer challenge"], 'ClientCertificateNotFound');
    assert.equal(reasons["a certificate neither pinned nor from the agents' CA is refused"], 'ClientCertificateIdentityNotMatched');
    assert.equal(reasons['a pinned certificate whose chain the gateway does not trust is refused'], 'ClientCertificateNotTrusted');
    assert.equal(reasons['an expired certificate is refused'], 'ClientCertificateExpired');
    assert.equal(reasons['a certificate that is not valid yet is refused'], 'ClientCertificateNotYetValid');
    assert.equal(reasons['a revoked certificate is refused'], 'ClientCertificateRevoked');
    assert.match(results[1]!.trace.find((t) => t.policy === 'validate-client-certificate')!.message, /matches identity 1 of 3/);
    assert.match(results[2]!.trace.find((t) => t.policy === 'validate-client-certificate')!.message, /matches identity 3 of 3/);
  });

  it('counts a refused certificate as unauthenticated in the request metric (denial spikes include it)', async () => {
    const [first] = await replay(config, `${readFileSync(TRAFFIC, 'utf8').split('\n')[0]}\n`);
    const metrics = first!.trace.filter((t) => t.policy === 'emit-metric').map((t) => t.message);
    assert.deepEqual(metrics, ['mcp-apim/mcp-apim-requests 1 {agent=unknown, method=unknown, tool=unknown, decision=unauthenticated}']);
  });

  it('optional mode lets a request without a certificate through to the token check, and still refuses a wrong one', async () => {
    const optional = load(readFileSync(CONFIG, 'utf8').replace('    mode: required\n', '    mode: optional\n'));
    const lines = readFileSync(TRAFFIC, 'utf8').trim().split('\n');
    const first = JSON.parse(lines[0]!) as { expect: unknown };
    first.expect = { status: 200, forwarded: true };
    const results = await replay(optional, `${JSON.stringify(first)}\n${lines[3]}\n`);
    assert.ok(results[0]!.passed, results[0]!.failures.join('; '));
    assert.equal(results[0]!.trace.some((t) => t.policy === 'validate-client-certificate'), false);
    assert.ok(results[1]!.passed, results[1]!.failures.join('; '));
  });

  it('presents the backend certificate (authentication-certificate) on forwarded requests', async () => {
    const [, allowed] = await replay(config, readFileSync(TRAFFIC, 'utf8'));
    assert.ok(allowed!.trace.some((t) => t.policy === 'authentication-certificate' && t.message.includes('mcp-secure-backend-cert')));
  });

  it('reads a PEM certificate in a traffic file like the handshake would (subject and issuer as .NET writes them)', { skip: hasOpenssl() ? false : 'openssl is not installed' }, async () => {
    const certs = makeTestCertificates();
    try {
      const pem = certs.read(certs.clientCert);
      const parsed = certificateFromPem(pem, { trusted: true });
      assert.equal(parsed.subject, 'CN=agent-prod-001, O=Contoso');
      assert.equal(parsed.issuer, 'CN=Contoso Agents CA, O=Contoso');
      const line = JSON.parse(readFileSync(TRAFFIC, 'utf8').split('\n')[2]!) as { request: { clientCertificate: unknown } };
      line.request.clientCertificate = { pem };
      const [r] = await replay(config, `${JSON.stringify(line)}\n`, Date.now());
      assert.ok(r!.passed, r!.failures.join('; '));
    } finally {
      certs.cleanup();
    }
  });

  it('refuses malformed clientCertificate members with MA7020', () => {
    const base = { name: 'x', request: { method: 'POST', path: '/mcp/secure' }, expect: { status: 200 } };
    for (const cert of [{ thumbprint: 'abc' }, { pem: 'not a certificate' }, { thumbprint: '0'.repeat(40), notAfter: 'tomorrow' }, { thumbprint: '0'.repeat(40), colour: 'red' }, { pem: 'x', thumbprint: '0'.repeat(40) }, 'CN=x']) {
      const r = parseTraffic('t.jsonl', `${JSON.stringify({ ...base, request: { ...base.request, clientCertificate: cert } })}\n`);
      assert.equal(r.diagnostics[0]?.code, 'MA7020', JSON.stringify(cert));
      assert.equal(r.exchanges.length, 0);
    }
  });
});

describe('context.Request.Certificate', () => {
  const cert: ClientCertificate = {
    thumbprint: '0A1B2C3D4E5F60718293A4B5C6D7E8F901234567',
    subject: 'CN=agent-prod-001, O=Contoso',
    issuer: 'CN=Contoso Agents CA, O=Contoso',
    serialNumber: '2002',
    notBefore: Date.UTC(2026, 0, 1),
    notAfter: Date.UTC(2027, 0, 1, 12, 30),
    dnsNames: [],
    trusted: true,
    revoked: false,
  };
  const run = async (expression: string, certificate?: ClientCertificate) => {
    const doc = parsePolicy('p.xml', `<policies><inbound><return-response><set-body>@(${expression})</set-body></return-response></inbound><backend /><outbound /><on-error /></policies>`);
    assert.ok(doc.document, JSON.stringify(doc.diagnostics));
    const now = () => Date.UTC(2026, 5, 1);
    const ports: Ports = { now, backend: async () => ({ status: 200, headers: new Map(), body: '' }), counters: new SlidingWindowCounters(), quotas: new FixedWindowCounters(), newId: () => 'id', expressions: expressionPort(now), fetchJson: async () => ({}) };
    const r = await handle(composeScopes({ api: doc.document }), { method: 'GET', url: 'https://gw/x', headers: headersFrom({}), ...(certificate ? { clientCertificate: certificate } : {}) }, ports);
    return r.body;
  };

  it('is an X509Certificate2 with Thumbprint, SubjectName.Name, Issuer, NotBefore and NotAfter', async () => {
    assert.equal(await run('context.Request.Certificate.Thumbprint + "|" + context.Request.Certificate.SubjectName.Name + "|" + context.Request.Certificate.Issuer', cert), `${cert.thumbprint}|${cert.subject}|${cert.issuer}`);
    assert.equal(await run('context.Request.Certificate.NotAfter.ToString("yyyy-MM-dd HH:mm") + "|" + (context.Request.Certificate.NotBefore < DateTime.Now)', cert), '2027-01-01 12:30|True');
    assert.equal(await run('context.Request.Certificate.GetType().FullName', cert), 'System.Security.Cryptography.X509Certificates.X509Certificate2');
    assert.equal(await run('context.Request.Certificate.VerifyNoRevocation().ToString()', { ...cert, trusted: false }), 'False');
  });

  it('is null without a certificate', async () => {
    assert.equal(await run('context.Request.Certificate == null ? "none" : "some"'), 'none');
  });

  it('writes names the way .NET does: most specific first, separators quoted', () => {
    assert.equal(dotNetName('C=US\nO=Contoso\nCN=agent-1'), 'CN=agent-1, O=Contoso, C=US');
    assert.equal(dotNetName('O=Contoso, Ltd\nCN=a'), 'CN=a, O="Contoso, Ltd"');
  });
});
