/**
 * Resource limits of `mcp-apim serve` (issue 8): a 10 MB body, 100,000-deep nesting and 10,000
 * headers are refused cleanly, the gateway keeps answering, and its memory stays bounded.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { loadOrCreateDevKeys } from '../../src/cli/dev-keys.ts';
import { type RunningGateway, startGateway } from '../../src/gateway/server.ts';
import { devToken, notesConfig } from '../gateway/support.ts';

function post(url: string, headers: Record<string, string>, body: string | Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends raw bytes (for a request line with 10,000 headers) and returns the status line. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.on('error', (e) => (answer ? resolve(answer.split('\r\n')[0] ?? '') : reject(e)));
    setTimeout(() => socket.destroy(), 3000);
  });
}

describe('mcp-apim serve under hostile input sizes', () => {
  let gateway: RunningGateway;
  let token: string;
  const upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [] } })));
  });
  const call = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' });

  before(async () => {
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const keys = loadOrCreateDevKeys(mkdtempSync(`${tmpdir()}/mcp-apim-limits-`));
    const started = await startGateway({ config: notesConfig(), upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/mcp`, keys, port: 0 });
    assert.ok(started.gateway, JSON.stringify(started.diagnostics));
    gateway = started.gateway;
    token = `Bearer ${devToken(keys, gateway.issuer, { claims: { roles: ['Notes.Read'], azp: 'agent-1' } })}`;
  });
  after(async () => {
    await gateway?.close();
    upstream.closeAllConnections();
    upstream.close();
  });

  it('answers 413 to a 10 MB body (and 401 first without a token), buffering at most the limit', async () => {
    const before = process.memoryUsage().rss;
    const big = Buffer.alloc(10 * 1024 * 1024, 'a');
    const withToken = await post(gateway.mcpUrl, { authorization: token }, big);
    assert.equal(withToken.status, 413);
    assert.equal((JSON.parse(withToken.body) as { error: { code: number } }).error.code, -32600);
    assert.equal((await post(gateway.mcpUrl, {}, big)).status, 401, 'the token check comes first (DESIGN §4.1)');
    const grown = (process.memoryUsage().rss - before) / 1024 / 1024;
    assert.ok(grown < 200, `memory grew by ${grown.toFixed(0)} MB`);
    assert.equal((await post(gateway.mcpUrl, { authorization: token }, call(2))).status, 200, 'the next request is answered');
  });

  it('refuses 100,000-deep nesting as an invalid request and stays up', async () => {
    const deep = `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const r = await post(gateway.mcpUrl, { authorization: token }, deep);
    assert.equal(r.status, 400);
    assert.equal((await post(gateway.mcpUrl, { authorization: token }, call(3))).status, 200);
  });

  it('refuses 10,000 headers at the HTTP layer (431) and stays up', async () => {
    const headers = Array.from({ length: 10_000 }, (_, i) => `x-h${i}: v`).join('\r\n');
    const status = await raw(Number(new URL(gateway.origin).port), `POST /mcp HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 2\r\n${headers}\r\n\r\n{}`);
    assert.match(status, /^HTTP\/1\.1 431/);
    assert.equal((await post(gateway.mcpUrl, { authorization: token }, call(4))).status, 200);
  });
});
