/**
 * `mcp-apim serve --tls-cert --tls-key --client-ca` on loopback, with certificates made by
 * openssl for this run: an agent with a certificate from the agents' CA gets through to a real
 * upstream; without a certificate, or with a self-signed one carrying the same name, it gets
 * APIM's 401 from the compiled validate-client-certificate, and nothing is forwarded.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { compileConfig } from '../../src/emit/compile.ts';
import { buildDeployment, policiesFromFiles } from '../../src/runtime/deployment.ts';
import { parseTraffic } from '../../src/traffic/parse.ts';
import { replayFile, replayTarget } from '../../src/traffic/replay.ts';
import { type RunningGateway, startGateway } from '../../src/gateway/server.ts';
import { loadTlsFiles, tlsWarnings } from '../../src/gateway/tls.ts';
import { generateDevKeys } from '../../src/runtime/identity/keys.ts';
import { mintToken } from '../../src/runtime/identity/mint.ts';
import { hasOpenssl, makeTestCertificates, type TestCertificates } from '../support/certificates.ts';
import { runCli } from '../support/cli.ts';

const CONFIG = 'fixtures/mtls/mcp-gateway.yaml';
const config = loadConfig(CONFIG, readFileSync(CONFIG, 'utf8'), { readFile: (p) => readFileSync(p, 'utf8') }).config!;
const skip = hasOpenssl() ? false : 'openssl is not installed, so no test certificates can be made';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function post(url: string, options: { ca: string; cert?: string; key?: string; token: string; body: unknown }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(options.body);
    // agent: false: a fresh TLS connection per request, so one test's client certificate never rides along in the next
    const req = request(url, { method: 'POST', agent: false, ca: options.ca, ...(options.cert ? { cert: options.cert, key: options.key } : {}), headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${options.token}`, 'content-length': Buffer.byteLength(text) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

describe('serve over HTTPS with client certificates', { skip }, () => {
  let certs: TestCertificates;
  let upstream: Server;
  let gateway: RunningGateway;
  const forwarded: string[] = [];
  const log: string[] = [];
  const keys = generateDevKeys();

  before(async () => {
    certs = makeTestCertificates();
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        forwarded.push(body);
        const id = (JSON.parse(body) as { id: number }).id;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: 'A1: 12 in stock' }] } }));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const tls = loadTlsFiles({ tlsCert: certs.serverCert, tlsKey: certs.serverKey, clientCa: certs.caCert }, process.cwd());
    assert.deepEqual(tls.diagnostics, []);
    const started = await startGateway({ config, upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/mcp`, keys, port: 0, tls: tls.tls!, record: join(certs.dir, 'session.jsonl'), log: (l) => log.push(l), trace: true });
    assert.ok(started.gateway, JSON.stringify(started.diagnostics));
    gateway = started.gateway;
  });

  after(async () => {
    await gateway?.close();
    await new Promise<void>((r) => upstream?.close(() => r()));
    certs?.cleanup();
  });

  const token = () => mintToken(keys, { issuer: gateway.issuer, audience: 'api://mcp-gateway-prod', tenantId: config.identity.tenantId, now: Math.floor(Date.now() / 1000) }, { claims: { roles: ['MCP.Tools.Read'], azp: 'agent-prod-001' } });
  const call = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'inventory.get_stock', arguments: { sku: 'A1' } } });

  it('listens on https and is its own token authority there', () => {
    assert.match(gateway.mcpUrl, /^https:\/\/127\.0\.0\.1:\d+\/mcp\/secure$/);
    assert.ok(gateway.issuer.startsWith(gateway.origin));
  });

  it('forwards an agent whose certificate the agents\' CA issued (matched by issuer)', async () => {
    const before = forwarded.length;
    const answer = await post(gateway.mcpUrl, { ca: certs.read(certs.caCert), cert: certs.read(certs.clientCert), key: certs.read(certs.clientKey), token: token(), body: call(1) });
    assert.equal(answer.status, 200, answer.body);
    assert.equal(forwarded.length, before + 1);
    assert.ok(log.some((l) => /validate-client-certificate.*\(CN=agent-prod-001, O=Contoso\) valid; matches identity 3 of 3/.test(l)), log.join('\n'));
  });

  it('answers a request without a certificate with APIM\'s 401, and forwards nothing', async () => {
    const before = forwarded.length;
    const answer = await post(gateway.mcpUrl, { ca: certs.read(certs.caCert), token: token(), body: call(2) });
    assert.equal(answer.status, 401);
    assert.deepEqual(JSON.parse(answer.body), { statusCode: 401, message: 'Client certificate missing' });
    assert.equal(answer.headers['www-authenticate'], undefined, 'a token would not help: no Bearer challenge');
    assert.equal(forwarded.length, before);
  });

  it('refuses a self-signed certificate that copies the agent\'s name (its chain does not end at --client-ca)', async () => {
    const before = forwarded.length;
    const answer = await post(gateway.mcpUrl, { ca: certs.read(certs.caCert), cert: certs.read(certs.rogueCert), key: certs.read(certs.rogueKey), token: token(), body: call(3) });
    assert.equal(answer.status, 401);
    assert.deepEqual(JSON.parse(answer.body), { statusCode: 401, message: 'Invalid client certificate' });
    assert.equal(forwarded.length, before);
    assert.ok(log.some((l) => l.includes('ClientCertificateNotTrusted')), log.join('\n'));
  });

  it('records the client certificates, so the session replays with the same decisions', async () => {
    await gateway.close();
    const traffic = parseTraffic('session.jsonl', readFileSync(join(certs.dir, 'session.jsonl'), 'utf8'));
    assert.deepEqual(traffic.diagnostics, []);
    assert.deepEqual(traffic.exchanges.map((e) => e.request.clientCertificate?.trusted), [true, undefined, false]);
    const { deployment } = buildDeployment(config.api.path, policiesFromFiles(compileConfig(config).files));
    const results = await replayFile('session.jsonl', traffic.exchanges, { ...replayTarget(config), deployment: deployment!, keys, startMs: Date.now() });
    assert.deepEqual(results.map((r) => [r.status, r.passed]), [[200, true], [401, true], [401, true]]);
  });
});

describe('serve TLS options', { skip }, () => {
  it('refuses options that do not go together, unreadable files and a key that does not match', () => {
    const certs = makeTestCertificates();
    try {
      const code = (o: Parameters<typeof loadTlsFiles>[0]) => loadTlsFiles(o, process.cwd()).diagnostics.map((d) => d.code);
      assert.deepEqual(code({}), []);
      assert.deepEqual(code({ clientCa: certs.caCert }), ['MA9120']);
      assert.deepEqual(code({ tlsCert: certs.serverCert }), ['MA9120']);
      assert.deepEqual(code({ tlsCert: certs.serverCert, tlsKey: `${certs.dir}/missing.pem` }), ['MA9121']);
      assert.deepEqual(code({ tlsCert: certs.serverCert, tlsKey: certs.clientKey }), ['MA9122']);
      assert.deepEqual(code({ tlsCert: certs.serverCert, tlsKey: certs.serverKey, clientCa: certs.serverKey }), ['MA9122']);
    } finally {
      certs.cleanup();
    }
  });

  it('mcp-apim serve exits 2 with the code before listening', async () => {
    const base = ['serve', CONFIG, '--upstream', 'http://127.0.0.1:9/mcp', '--port', '0'];
    for (const [args, code] of [[['--client-ca', 'ca.pem'], /MA9120/], [['--tls-cert', 'nope.pem', '--tls-key', 'nope-key.pem'], /MA9121/]] as const) {
      const r = await runCli([...base, ...args], { cwd: process.cwd() });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, code);
    }
  });

  it('warns when the config requires client certificates but serve asks for none', () => {
    assert.deepEqual(tlsWarnings(config, undefined).map((d) => d.code), ['MA9123']);
    assert.deepEqual(tlsWarnings(config, { cert: '', key: '', clientCa: 'x' }), []);
  });
});
