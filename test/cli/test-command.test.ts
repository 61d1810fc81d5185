/**
 * `mcp-apim test`: the bundled example's traffic replayed through the emulator running the
 * compiled policy (every row of DESIGN §4.1), and the command's failure paths.
 */
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';

const example = resolve('fixtures/example/mcp-gateway.yaml');
const trafficLines = (f: string) => readFileSync(resolve('fixtures/example/traffic', f), 'utf8').trim().split('\n').length;
const line = (o: unknown) => `${JSON.stringify(o)}\n`;
const call = (id: number, tool: string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: tool, arguments: {} } });
const reader = { claims: { roles: ['MCP.Tools.Read'], azp: 'agent-1' } };

describe('mcp-apim test on the bundled example', () => {
  it("replays the config's tests: every expectation holds (JSON shape of DESIGN §7)", async () => {
    const r = await runCli(['test', example, '--json', '--now', '2026-03-01T00:00:00Z']);
    assert.equal(r.code, 0, r.stdout.slice(0, 2000));
    const out = JSON.parse(r.stdout) as { results: { name: string; passed: boolean; status: number; forwarded: boolean; headers: Record<string, string>; body: unknown; failures: string[] }[]; passed: number; failed: number };
    const expected = trafficLines('decisions.jsonl') + trafficLines('rate-limits.jsonl');
    assert.ok(expected >= 40);
    assert.equal(out.passed, expected);
    assert.equal(out.failed, 0);
    const limited = out.results.find((x) => x.name === 'the 101st call of the same tool in the window is 429')!;
    assert.equal(limited.status, 429);
    assert.match(limited.headers['retry-after']!, /^\d+$/);
    assert.deepEqual((limited.body as { error: { code: number } }).error.code, -32029);
    assert.deepEqual(Object.keys(out.results[0]!).sort(), ['body', 'failures', 'forwarded', 'headers', 'name', 'passed', 'status']);
  });

  it('reports a failed expectation with the request, the response and the policy trace, exit 1, and JUnit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-apim-test-'));
    const traffic = join(dir, 'wrong.jsonl');
    writeFileSync(traffic, line({ name: 'reader expects to reserve', request: { method: 'POST', path: '/mcp/v1', headers: { 'content-type': 'application/json' }, token: reader, body: call(1, 'inventory.reserve') }, expect: { status: 200 } }) + line({ name: 'reader reads stock', request: { method: 'POST', path: '/mcp/v1', headers: { 'content-type': 'application/json' }, token: reader, body: call(2, 'inventory.get_stock') }, backend: { status: 200, headers: {}, body: { jsonrpc: '2.0', id: 2, result: {} } }, expect: { status: 200, forwarded: true } }));
    const junit = join(dir, 'results.xml');
    const r = await runCli(['test', example, traffic, '--junit', junit]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✗ reader expects to reserve \(403\)/);
    assert.match(r.stdout, /status: expected 200, got 403/);
    assert.match(r.stdout, /request: POST \/mcp\/v1/);
    assert.match(r.stdout, /validate-azure-ad-token: token accepted/);
    assert.match(r.stdout, /✓ reader reads stock/);
    assert.match(r.stdout, /1 failed, 1 passed/);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuites name="mcp-apim test" tests="2" failures="1">/);
    assert.match(xml, /<failure message="status: expected 200, got 403" type="expectation">/);
  });

  it('refuses malformed traffic with file and line, and runs nothing (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-apim-test-'));
    const traffic = join(dir, 'bad.jsonl');
    writeFileSync(traffic, `${line({ name: 'ok', request: { method: 'GET', path: '/x', headers: {} }, expect: { status: 404 } })}{"name": "broken"\n`);
    const r = await runCli(['test', example, traffic], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.jsonl:2:\d+: error MA7/);
    assert.equal(r.stdout, '');
  });

  it('needs traffic: none given and no tests: in the config is exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-apim-test-'));
    const config = readFileSync(example, 'utf8').replace(/\ntests:\n( {2}- .*\n)+/, '\n').replace('from: catalog.json', `from: ${resolve('fixtures/example/catalog.json')}`);
    writeFileSync(join(dir, 'gw.yaml'), config);
    const r = await runCli(['test', join(dir, 'gw.yaml')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no traffic to replay/);
  });
});
