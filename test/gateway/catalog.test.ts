import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { type NotesServer, startNotesServer } from '../e2e/support/notes-server.ts';
import { runCli } from '../support/cli.ts';
import { NOTES_CONFIG } from './support.ts';

const SECRET = 'Bearer s3cret-value';

/**
 * A real SDK server (the low-level Server, stateless Streamable HTTP) that pages tools/list two
 * tools at a time and wants a bearer token; `circular` makes its cursor loop back.
 */
async function pagedServer(tools: Record<string, unknown>[], options: { circular?: boolean } = {}) {
  const http = createServer(async (req, res) => {
    if (req.headers.authorization !== SECRET) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    const server = new Server({ name: 'paged', version: '1.0.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async (request) => {
      const start = Number(request.params?.cursor ?? 0);
      const next = start + 2;
      return { tools: tools.slice(start, next) as never, ...(next < tools.length ? { nextCursor: String(options.circular ? 0 : next) } : {}) };
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`, close: () => (http.closeAllConnections(), http.close()) };
}

const tool = (name: string, extra: Record<string, unknown> = {}) => ({ name, description: `${name} tool`, inputSchema: { type: 'object', properties: { q: { type: 'string' } } }, ...extra });
const serverTools = [
  tool('a.read', { annotations: { readOnlyHint: true } }),
  tool('b.write', { annotations: { readOnlyHint: false, destructiveHint: false } }),
  tool('c.new'),
  tool('d.schema', { inputSchema: { properties: { q: { type: 'integer' } }, type: 'object' } }),
  tool('e.same', { annotations: { destructiveHint: true } }),
];

describe('mcp-apim catalog pull and check (real SDK client and servers over loopback)', () => {
  let notes: NotesServer;
  before(async () => {
    notes = await startNotesServer();
  });
  after(() => notes.close());

  it('pull writes the catalog the e2e config pins, and check finds no drift against the same server', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mcp-apim-catalog-'));
    const pulled = await runCli(['catalog', 'pull', '--url', notes.url, '-o', 'out/catalog.json'], { cwd });
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.equal(pulled.stderr, 'wrote 4 tools to out/catalog.json\n');
    assert.equal(readFileSync(join(cwd, 'out/catalog.json'), 'utf8'), readFileSync(resolve('test/e2e/fixtures/catalog.json'), 'utf8'));
    const check = await runCli(['catalog', 'check', NOTES_CONFIG, '--url', notes.url], { cwd: resolve('.') });
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(check.stdout, `✓ test/e2e/fixtures/catalog.json matches ${notes.url}\n`);
  });

  it('pull follows every page, sends -H headers, and never prints them', async () => {
    const paged = await pagedServer(serverTools);
    try {
      const refused = await runCli(['catalog', 'pull', '--url', paged.url]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /MA9111.*HTTP 401.*-H "Authorization: Bearer <token>"/s);
      const r = await runCli(['catalog', 'pull', '--url', paged.url, '-H', `Authorization: ${SECRET}`]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual((JSON.parse(r.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name), ['a.read', 'b.write', 'c.new', 'd.schema', 'e.same']);
      assert.doesNotMatch(r.stdout + r.stderr + refused.stderr, /s3cret/);
    } finally {
      paged.close();
    }
  });

  it('check reports tools added, removed, and changed annotations and schemas, exit 1 (--json and text)', async () => {
    const paged = await pagedServer(serverTools);
    const cwd = mkdtempSync(join(tmpdir(), 'mcp-apim-catalog-'));
    const catalog = [
      tool('a.read', { annotations: { readOnlyHint: true } }),
      tool('b.write', { annotations: { readOnlyHint: true } }),
      tool('d.schema'),
      tool('e.same'), // destructiveHint absent means true: the same as the server's explicit true
      tool('z.gone'),
    ];
    writeFileSync(join(cwd, 'catalog.json'), JSON.stringify({ tools: catalog }));
    writeFileSync(join(cwd, 'gw.yaml'), readFileSync(NOTES_CONFIG, 'utf8').replace(/roles:[\s\S]*?\nlimits:/, 'roles:\n  R:\n    allow:\n      - tools: ["*"]\nlimits:'));
    try {
      const json = await runCli(['catalog', 'check', 'gw.yaml', '--url', paged.url, '-H', `Authorization: ${SECRET}`, '--json'], { cwd });
      assert.equal(json.code, 1, json.stderr);
      assert.deepEqual(JSON.parse(json.stdout), {
        drift: true,
        added: ['c.new'],
        removed: ['z.gone'],
        changed: [
          { name: 'b.write', changes: [{ field: 'annotations.readOnlyHint', catalog: true, server: false }, { field: 'annotations.destructiveHint', catalog: true, server: false }] },
          { name: 'd.schema', changes: [{ field: 'inputSchema', catalog: { type: 'object', properties: { q: { type: 'string' } } }, server: { properties: { q: { type: 'integer' } }, type: 'object' } }] },
        ],
      });
      const text = await runCli(['catalog', 'check', 'gw.yaml', '--url', paged.url, '-H', `Authorization: ${SECRET}`], { cwd });
      assert.equal(text.code, 1);
      assert.match(text.stdout, /^catalog\.json differs from http:\/\/127\.0\.0\.1:\d+\/mcp:\n/);
      assert.match(text.stdout, /\+ c\.new {2}new on the server/);
      assert.match(text.stdout, /- z\.gone {2}gone from the server/);
      assert.match(text.stdout, /~ b\.write\n {6}annotations\.readOnlyHint: true → false\n/);
      assert.match(text.stdout, /~ d\.schema\n {6}inputSchema: changed\n/);
      assert.match(text.stdout, /4 differences; review them, then update the catalog: mcp-apim catalog pull --url \S+ -o catalog\.json\n$/);
    } finally {
      paged.close();
    }
  });

  it('refuses what it cannot use with exit 2: an unreachable server, a circular listing, a bad -H', async () => {
    const dead = createServer();
    dead.listen(0, '127.0.0.1');
    await once(dead, 'listening');
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/mcp`;
    dead.close();
    const unreachable = await runCli(['catalog', 'pull', '--url', deadUrl]);
    assert.equal(unreachable.code, 2);
    assert.match(unreachable.stderr, /MA9110.*cannot open an MCP session/s);

    const circular = await pagedServer(serverTools, { circular: true });
    try {
      const r = await runCli(['catalog', 'pull', '--url', circular.url, '-H', `Authorization: ${SECRET}`]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /MA9112.*pages in a circle/s);
    } finally {
      circular.close();
    }
    const badHeader = await runCli(['catalog', 'pull', '--url', notes.url, '-H', 'no-colon-here']);
    assert.equal(badHeader.code, 2);
    assert.match(badHeader.stderr, /MA9113/);
  });
});
