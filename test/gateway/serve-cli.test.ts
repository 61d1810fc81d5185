import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';
import { NOTES_CONFIG } from './support.ts';

const upstream = 'http://127.0.0.1:9/mcp';

describe('mcp-apim serve (command line)', () => {
  it('runs until SIGINT, printing where it listens, then stops with exit 0', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mcp-apim-serve-cli-'));
    const child = spawn(process.execPath, [resolve('src/cli/main.ts'), 'serve', NOTES_CONFIG, '--upstream', upstream, '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    const banner = new Promise<string | undefined>((resolve) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('agent method tool decision status time')) resolve(/on (http:\/\/127\.0\.0\.1:\d+\/mcp) → /.exec(out)?.[1]);
      });
      child.on('exit', () => resolve(undefined));
    });
    const url = await banner;
    assert.ok(url, out);
    assert.match(out, /--authority http:\/\/127\.0\.0\.1:\d+\)/, 'tells how to mint a token for it');
    const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    assert.equal(answer.status, 401);
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 0);
    assert.match(out, /- ping - unauthenticated 401 [\d.]+ms\n/);
    assert.match(out, /mcp-apim serve: stopped\n$/);
  });

  it('refuses bad arguments with exit 2 and a code, before listening', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mcp-apim-serve-cli-'));
    const cases: [string[], RegExp][] = [
      [['--upstream', 'ftp://x/mcp'], /MA9100/],
      [['--upstream', upstream, '--port', 'eighty'], /MA9101/],
      [['--upstream', upstream, '--port', '0', '--record', join(cwd, 'no', 'such', 'dir', 'f.jsonl')], /MA9102/],
    ];
    for (const [args, code] of cases) {
      const r = await runCli(['serve', NOTES_CONFIG, ...args], { cwd });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, code);
    }
    writeFileSync(join(cwd, 'bad.yaml'), 'apiVersion: mcp-apim/v1\n');
    assert.equal((await runCli(['serve', join(cwd, 'bad.yaml'), '--upstream', upstream], { cwd })).code, 2);
  });

  it('reports a port that is taken (MA9101)', async () => {
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    try {
      const port = String((taken.address() as AddressInfo).port);
      const r = await runCli(['serve', NOTES_CONFIG, '--upstream', upstream, '--port', port], { cwd: mkdtempSync(join(tmpdir(), 'mcp-apim-serve-cli-')) });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /MA9101.*EADDRINUSE/s);
    } finally {
      taken.close();
    }
  });

  it('--help teaches: the token command for the gateway, recording and replaying, defaults', async () => {
    const r = await runCli(['serve', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /mcp-apim token mcp-gateway\.yaml --role MCP\.Tools\.Read --agent agent-1 --authority http:\/\/127\.0\.0\.1:8080/);
    assert.match(r.stdout, /mcp-apim test mcp-gateway\.yaml traffic\/session\.jsonl/);
    assert.match(r.stdout, /default:\s+"8080"/);
  });
});
