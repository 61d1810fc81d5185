/**
 * The REST-bridging traffic files replayed by `mcp-apim test` (allowed, denied, argument
 * validation, backend 404 → isError, path encoding, no MCP server, MCP server + REST), and
 * `expect.upstream`, which lets a traffic file assert the request the backend received.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';

interface TestJson {
  readonly results: { name: string; passed: boolean; status: number; forwarded: boolean; failures: string[] }[];
  readonly passed: number;
  readonly failed: number;
}

const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').length;

async function replay(args: string[]): Promise<TestJson> {
  const r = await runCli(['test', ...args, '--json', '--now', '2026-03-01T00:00:00Z']);
  const out = JSON.parse(r.stdout) as TestJson;
  assert.equal(r.code, out.failed === 0 ? 0 : 1, r.stderr);
  return out;
}

describe('REST bridging traffic (mcp-apim test)', () => {
  it('the fixture without an MCP server passes every exchange of its traffic file', async () => {
    const out = await replay(['fixtures/bridge/mcp-gateway.yaml']);
    assert.deepEqual(out.results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.failures.join('; ')}`), []);
    assert.equal(out.passed, lines('fixtures/bridge/traffic/bridge.jsonl'));
    const byName = new Map(out.results.map((r) => [r.name, r]));
    assert.equal(byName.get('denied: the reader may not reserve; 403 before any argument check, never forwarded')?.forwarded, false);
    assert.equal(byName.get('backend 404: the client still gets 200, with the REST body as text and isError true')?.status, 200);
  });

  it('the fixture with an MCP server and a REST service passes too', async () => {
    const out = await replay(['fixtures/bridge/mixed/mcp-gateway.yaml', 'fixtures/bridge/mixed/traffic.jsonl']);
    assert.deepEqual(out.results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.failures.join('; ')}`), []);
    assert.equal(out.passed, lines('fixtures/bridge/mixed/traffic.jsonl'));
  });

  it('expect.upstream fails when the backend got another URL, method, header or body, or nothing at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-apim-bridge-'));
    const file = join(dir, 'wrong.jsonl');
    const token = { claims: { roles: ['Inventory.Write'], azp: 'w' } };
    const request = (id: number, args: Record<string, unknown>) => ({ method: 'POST', path: '/inventory/mcp', headers: { 'content-type': 'application/json' }, token, body: { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'inventory.reserve', arguments: args } } });
    const exchanges = [
      { name: 'wrong url', request: request(1, { sku: 'A 1', quantity: 1 }), backend: { status: 201, headers: {} }, expect: { upstream: { url: 'https://inventory.internal.contoso.com/api/v2/stock/A 1/reservations' } } },
      { name: 'wrong method and header', request: request(2, { sku: 'A', quantity: 1 }), backend: { status: 201, headers: {} }, expect: { upstream: { method: 'PUT', headers: { 'content-type': false } } } },
      { name: 'wrong body', request: request(3, { sku: 'A', quantity: 1 }), backend: { status: 201, headers: {} }, expect: { upstream: { body: { quantity: 2 } } } },
      { name: 'nothing forwarded', request: request(4, { sku: 'A' }), expect: { upstream: { method: 'POST' } } },
    ];
    writeFileSync(file, exchanges.map((e) => JSON.stringify(e)).join('\n'));
    const out = await replay([resolve('fixtures/bridge/mcp-gateway.yaml'), file]);
    assert.equal(out.failed, 4);
    const failures = Object.fromEntries(out.results.map((r) => [r.name, r.failures.join('; ')]));
    assert.match(failures['wrong url']!, /upstream\.url: expected .*A 1\/reservations, got .*A%201\/reservations/);
    assert.match(failures['wrong method and header']!, /upstream\.method: expected PUT, got POST; upstream header content-type: expected absent, got "application\/json"/);
    assert.match(failures['wrong body']!, /upstream\.body: expected to contain \{"quantity":2\}, got "\{\\"quantity\\":1\}"/);
    assert.match(failures['nothing forwarded']!, /expected a request to reach the backend, none did/);
  });

  it('expect.upstream of the wrong shape is an input error naming the member', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-apim-bridge-'));
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, JSON.stringify({ name: 'x', request: { method: 'POST', path: '/inventory/mcp', headers: {} }, expect: { upstream: { uri: '/x' } } }));
    const r = await runCli(['test', 'fixtures/bridge/mcp-gateway.yaml', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown member expect\.upstream\.uri/);
  });
});
