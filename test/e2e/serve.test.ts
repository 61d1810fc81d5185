/**
 * End to end, real parts only (DESIGN §9): the SDK's McpServer over Streamable HTTP, `mcp-apim
 * serve` in front of it on loopback, and the SDK's Client with dev tokens from the gateway's
 * own identity provider. The whole session is recorded and then replayed by `mcp-apim test`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type RunningGateway, startGateway } from '../../src/gateway/server.ts';
import { generateDevKeys } from '../../src/runtime/identity/keys.ts';
import { devToken, NOTES_CONFIG, notesConfig } from '../gateway/support.ts';
import { runCli } from '../support/cli.ts';
import { type NotesServer, startNotesServer } from './support/notes-server.ts';

const keys = generateDevKeys();

async function connect(gateway: RunningGateway, roles: string[] | undefined, agent: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const headers: Record<string, string> = roles ? { authorization: `Bearer ${devToken(keys, gateway.issuer, { claims: { roles, azp: agent } })}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers } });
  const client = new Client({ name: `e2e-${agent}`, version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

/** The HTTP status a refused call surfaced with in the SDK client. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof StreamableHTTPError, `expected an HTTP refusal, got ${String(error)}`);
    return { status: error.code ?? 0, message: error.message };
  }
  return assert.fail('the call succeeded');
}

describe('a real MCP client through mcp-apim serve to a real MCP server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-apim-e2e-'));
  const record = join(dir, 'session.jsonl');
  const logs: string[] = [];
  let server: NotesServer;
  let gateway: RunningGateway;
  const sessions: { client: Client; transport: StreamableHTTPClientTransport }[] = [];
  const session = async (roles: string[] | undefined, agent: string) => {
    const s = await connect(gateway, roles, agent);
    sessions.push(s);
    return s.client;
  };

  before(async () => {
    server = await startNotesServer();
    const started = await startGateway({ config: notesConfig(), upstream: server.url, keys, port: 0, record, log: (l) => logs.push(l) });
    assert.ok(started.gateway, JSON.stringify(started.diagnostics));
    gateway = started.gateway;
  });
  after(async () => {
    for (const s of sessions) await s.client.close();
    await gateway.close();
    await server.close();
  });

  it('an allowed tools/call succeeds, and the session and protocol headers reach the server', async () => {
    const reader = await session(['Notes.Read'], 'reader-1');
    const result = await reader.callTool({ name: 'notes.search', arguments: { query: 'milk' } });
    assert.deepEqual(result.content, [{ type: 'text', text: '["n1"]' }]);
    const sessionId = sessions.at(-1)!.transport.sessionId;
    assert.ok(sessionId, 'the server issued a session id through the gateway');
    const call = server.seen.filter((s) => s.headers['mcp-session-id'] === sessionId && s.method === 'POST').at(-1)!;
    assert.ok(call.headers['mcp-protocol-version'], 'MCP-Protocol-Version passed through');
    assert.equal(call.headers['x-mcp-apim-agent'], 'reader-1', 'the agent identity comes from the validated token');
  });

  it('a tool the role does not allow surfaces in the client as an error (403, JSON-RPC -32003), never reaching the server', async () => {
    const reader = await session(['Notes.Read'], 'reader-2');
    const posts = () => server.seen.filter((s) => s.method === 'POST').length;
    const before = posts();
    const refused = await refusal(reader.callTool({ name: 'notes.delete', arguments: { id: 'n1' } }));
    assert.equal(refused.status, 403);
    assert.match(refused.message, /-32003/);
    assert.equal(posts(), before);
  });

  it("tools/list shows only the caller's tools", async () => {
    const names = async (roles: string[], agent: string) => (await (await session(roles, agent)).listTools()).tools.map((t) => t.name).sort();
    assert.deepEqual(await names(['Notes.Read'], 'reader-3'), ['notes.read', 'notes.search']);
    assert.deepEqual(await names(['Notes.Jobs'], 'jobs-1'), ['jobs.run', 'notes.read', 'notes.search']);
    assert.deepEqual(await names(['Notes.Admin'], 'admin-1'), ['jobs.run', 'notes.delete', 'notes.read', 'notes.search']);
  });

  it('without a token the client is refused with 401, and the answer names the resource metadata', async () => {
    const refused = await refusal(connect(gateway, undefined, 'anonymous'));
    assert.equal(refused.status, 401);
    const answer = await fetch(gateway.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    assert.equal(answer.status, 401);
    assert.equal(answer.headers.get('www-authenticate'), `Bearer resource_metadata="${gateway.origin}/.well-known/oauth-protected-resource/mcp"`);
  });

  it('a rate limit is hit and the client sees 429 (three calls per tool per minute for Notes.Read)', async () => {
    const reader = await session(['Notes.Read'], 'reader-4');
    for (let i = 0; i < 3; i++) await reader.callTool({ name: 'notes.read', arguments: { id: 'n2' } });
    const refused = await refusal(reader.callTool({ name: 'notes.read', arguments: { id: 'n2' } }));
    assert.equal(refused.status, 429);
    assert.match(refused.message, /-32029/);
    const other = await reader.callTool({ name: 'notes.search', arguments: { query: 'ship' } });
    assert.deepEqual(other.content, [{ type: 'text', text: '["n2"]' }], 'the limit is per tool');
  });

  it('progress notifications reach the client while the tool is still working (SSE is not buffered)', async () => {
    const jobs = await session(['Notes.Jobs'], 'jobs-2');
    const events: string[] = [];
    const received = new Map<number, () => void>();
    const arrived = (step: number) => new Promise<void>((resolve) => received.set(step, resolve));
    const waits = new Map([1, 2, 3].map((s) => [s, arrived(s)]));
    // The tool takes step k only once the client has seen progress k-1: with a buffering gateway it would never finish.
    server.gate = async (step) => {
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`progress ${step - 1} never reached the client`)), 5000).unref());
      await Promise.race([waits.get(step - 1)!, timeout]);
      events.push(`server step ${step}`);
    };
    try {
      const result = await jobs.callTool({ name: 'jobs.run', arguments: { steps: 3 } }, undefined, {
        onprogress: (p) => {
          events.push(`client progress ${p.progress}`);
          received.get(p.progress)?.();
        },
      });
      events.push('result');
      assert.deepEqual(result.content, [{ type: 'text', text: 'done after 3 steps' }]);
      assert.deepEqual(events, ['client progress 1', 'server step 2', 'client progress 2', 'server step 3', 'client progress 3', 'result']);
    } finally {
      server.gate = async () => {};
    }
  });

  it('ending the session sends DELETE through to the server', async () => {
    const { transport } = sessions.at(-1)!;
    const sessionId = transport.sessionId;
    await transport.terminateSession();
    assert.ok(server.seen.some((s) => s.method === 'DELETE' && s.headers['mcp-session-id'] === sessionId));
    assert.ok(server.seen.some((s) => s.method === 'GET' && s.headers['mcp-session-id'] === sessionId), 'the client opened its GET event stream through the gateway');
  });

  it('the --record output, replayed by mcp-apim test, reproduces every decision', async () => {
    for (const s of sessions.splice(0)) await s.client.close();
    // Give the closed GET streams a moment to be written (they are recorded as they open).
    await new Promise((r) => setTimeout(r, 50));
    const lines = readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { expect: { status: number; forwarded: boolean } });
    const statuses = new Set(lines.map((l) => l.expect.status));
    for (const s of [200, 401, 403, 429]) assert.ok(statuses.has(s), `the recording holds a ${s}`);
    const replay = await runCli(['test', NOTES_CONFIG, record, '--json']);
    const report = JSON.parse(replay.stdout) as { passed: number; failed: number; results: { name: string; failures: string[] }[] };
    assert.deepEqual(report.results.filter((r) => r.failures.length > 0), []);
    assert.equal(report.passed, lines.length);
    assert.equal(replay.code, 0);
    assert.ok(logs.some((l) => /^reader-4 tools\/call notes\.read rate-limited 429 /.test(l)), logs.join('\n'));
  });
});
