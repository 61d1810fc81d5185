/**
 * `mcp-apim serve` (the real binary) for a config whose every tool is bridged: no --upstream,
 * --rest-upstream pointing at a loopback REST service, and a tools/call that reaches it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadOrCreateDevKeys } from '../../src/cli/dev-keys.ts';
import { tenantUrls } from '../../src/runtime/identity/entra.ts';
import { mintToken } from '../../src/runtime/identity/mint.ts';
import { startInventoryRest } from '../e2e/support/inventory-rest.ts';
import { NOTES_CONFIG } from '../gateway/support.ts';
import { runCli } from '../support/cli.ts';

const BRIDGE_CONFIG = resolve('fixtures/bridge/mcp-gateway.yaml');

describe('mcp-apim serve with REST-bridged tools (command line)', () => {
  it('serves a config without an MCP server, sending bridged calls to --rest-upstream', async () => {
    const rest = await startInventoryRest();
    const cwd = mkdtempSync(join(tmpdir(), 'mcp-apim-bridge-serve-'));
    const child = spawn(process.execPath, [resolve('src/cli/main.ts'), 'serve', BRIDGE_CONFIG, '--rest-upstream', rest.url, '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => (out += chunk));
      const url = await new Promise<string | undefined>((resolve) => {
        child.stdout.on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('agent method tool decision status time')) resolve(/on (http:\/\/127\.0\.0\.1:\d+\/inventory\/mcp) → /.exec(out)?.[1]);
        });
        child.on('exit', () => resolve(undefined));
      });
      assert.ok(url, out);
      assert.match(out, new RegExp(`→ REST ${rest.url.replace(/\./g, '\\.')}\\n`), 'the banner names the REST service');
      const origin = new URL(url).origin;
      const token = mintToken(loadOrCreateDevKeys(cwd), { issuer: tenantUrls(origin, '00000000-0000-0000-0000-000000000001').issuerV2, audience: 'api://inventory-mcp', tenantId: '00000000-0000-0000-0000-000000000001', now: Math.floor(Date.now() / 1000) }, { claims: { roles: ['Inventory.Read'], azp: 'cli-agent' } });
      const call = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'inventory.get_stock', arguments: { sku: 'A-100' } } }) });
      assert.equal(call.status, 200);
      const answer = (await call.json()) as { result: { content: { text: string }[]; isError: boolean } };
      assert.deepEqual(JSON.parse(answer.result.content[0]!.text), { sku: 'A-100', warehouse: null, onHand: 12 });
      assert.equal(rest.seen.at(-1)?.rawUrl, '/api/v2/stock/A-100');
      child.kill('SIGINT');
      const [code] = (await once(child, 'exit')) as [number];
      assert.equal(code, 0);
      assert.match(out, /cli-agent tools\/call inventory\.get_stock allow 200/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rest.close();
    }
  });

  it('--upstream is required only when the config names an MCP server; --rest-upstream only with api.restBackend', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mcp-apim-bridge-serve-'));
    const cases: [string[], RegExp][] = [
      [['serve', NOTES_CONFIG], /MA9100.*--upstream is required/s],
      [['serve', NOTES_CONFIG, '--upstream', 'http://127.0.0.1:9/mcp', '--rest-upstream', 'http://127.0.0.1:9'], /MA9100.*no api\.restBackend/s],
      [['serve', BRIDGE_CONFIG, '--rest-upstream', 'ftp://x'], /MA9100.*--rest-upstream "ftp:\/\/x" is not an http or https URL/s],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { cwd });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
    }
  });
});
