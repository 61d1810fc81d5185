import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadOrCreateDevKeys } from '../../src/cli/dev-keys.ts';
import { type RunningGateway, startGateway } from '../../src/gateway/server.ts';
import { runCli } from '../support/cli.ts';
import { devToken, NOTES_CONFIG, notesConfig, TENANT } from './support.ts';

/**
 * A raw upstream under the test's control: it notes what arrived, answers `tools/call` for
 * `jobs.run` with an SSE stream whose second event waits for `release`, holds GET streams open,
 * and answers everything else with JSON and a session header.
 */
async function rawUpstream() {
  const seen: { method: string; headers: IncomingHttpHeaders; body: string; closedEarly?: boolean }[] = [];
  let release: () => void = () => {};
  const released = () => new Promise<void>((r) => (release = r));
  const server = createServer(async (req, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const entry: (typeof seen)[number] = { method: req.method!, headers: req.headers, body };
    seen.push(entry);
    res.on('close', () => (entry.closedEarly = !res.writableFinished));
    const headers = { 'mcp-session-id': 'session-42' };
    if (req.method === 'GET') {
      res.writeHead(200, { ...headers, 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
      return; // held open until the client goes away
    }
    const message = body ? (JSON.parse(body) as { id?: number; params?: { name?: string } }) : {};
    if (message.params?.name === 'jobs.run') {
      const wait = released();
      res.writeHead(200, { ...headers, 'content-type': 'text/event-stream' });
      res.write('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}}\n\n');
      await wait;
      res.end(`event: message\ndata: {"jsonrpc":"2.0","id":${message.id},"result":{"content":[]}}\n\n`);
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id ?? null, result: { content: [{ type: 'text', text: 'ok' }] } }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, seen, release: () => release(), server };
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function call(url: string, options: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const text = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = httpRequest(url, { method: options.method ?? (text ? 'POST' : 'GET'), headers: { ...(text ? { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } : {}), ...options.headers } }, async (res) => {
      let body = '';
      for await (const chunk of res) body += chunk;
      resolve({ status: res.statusCode!, headers: res.headers, body });
    });
    req.on('error', reject);
    req.end(text);
  });
}

const toolCall = (name: string, id = 1) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: { query: 'x', id: 'n1', steps: 2 } } });

describe('mcp-apim serve: the local gateway over loopback HTTP', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'mcp-apim-serve-'));
  const keys = loadOrCreateDevKeys(cwd);
  const logs: string[] = [];
  const record = join(cwd, 'session.jsonl');
  let upstream: Awaited<ReturnType<typeof rawUpstream>>;
  let gateway: RunningGateway;
  let reader: string;

  before(async () => {
    upstream = await rawUpstream();
    const started = await startGateway({ config: notesConfig(), upstream: upstream.url, keys, port: 0, record, trace: true, log: (l) => logs.push(l) });
    assert.ok(started.gateway, JSON.stringify(started.diagnostics));
    gateway = started.gateway;
    reader = `Bearer ${devToken(keys, gateway.issuer, { claims: { roles: ['Notes.Jobs'], azp: 'agent-7' } })}`;
  });
  after(async () => {
    await gateway?.close();
    upstream.server.closeAllConnections();
    upstream.server.close();
  });

  it('serves its identity provider, and accepts tokens from `mcp-apim token --authority <gateway>`', async () => {
    const config = JSON.parse((await call(`${gateway.origin}/${TENANT}/v2.0/.well-known/openid-configuration`)).body) as { issuer: string; jwks_uri: string };
    assert.equal(config.issuer, `${gateway.origin}/${TENANT}/v2.0`);
    const jwks = JSON.parse((await call(config.jwks_uri)).body) as { keys: { kid: string }[] };
    assert.deepEqual(jwks.keys.map((k) => k.kid), [keys.dev.kid]);

    const minted = await runCli(['token', NOTES_CONFIG, '--role', 'Notes.Read', '--agent', 'cli-agent', '--authority', gateway.origin], { cwd });
    assert.equal(minted.code, 0, minted.stderr);
    const answer = await call(gateway.mcpUrl, { headers: { authorization: `Bearer ${minted.stdout.trim()}` }, body: toolCall('notes.search') });
    assert.equal(answer.status, 200, answer.body);
    assert.equal(upstream.seen.at(-1)!.headers['x-mcp-apim-agent'], 'cli-agent', 'the agent comes from the validated token');

    const entra = await runCli(['token', NOTES_CONFIG, '--role', 'Notes.Read'], { cwd });
    const refused = await call(gateway.mcpUrl, { headers: { authorization: `Bearer ${entra.stdout.trim()}` }, body: toolCall('notes.search') });
    assert.equal(refused.status, 401, 'a token for the real Entra authority is not trusted by the local gateway');
  });

  it('answers 401 without a token, pointing at its protected-resource metadata, which names its identity provider', async () => {
    const before = upstream.seen.length;
    const answer = await call(gateway.mcpUrl, { body: toolCall('notes.search') });
    assert.equal(answer.status, 401);
    const prmUrl = `${gateway.origin}/.well-known/oauth-protected-resource/mcp`;
    assert.equal(answer.headers['www-authenticate'], `Bearer resource_metadata="${prmUrl}"`);
    const prm = JSON.parse((await call(prmUrl)).body) as { resource: string; authorization_servers: string[] };
    assert.equal(prm.resource, gateway.mcpUrl);
    assert.deepEqual(prm.authorization_servers, [gateway.issuer]);
    assert.equal(upstream.seen.length, before, 'never forwarded');
  });

  it('passes Mcp-Session-Id and MCP-Protocol-Version through in both directions', async () => {
    const answer = await call(gateway.mcpUrl, { headers: { authorization: reader, 'mcp-session-id': 'session-42', 'mcp-protocol-version': '2025-11-25' }, body: toolCall('notes.read') });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['mcp-session-id'], 'session-42');
    const sent = upstream.seen.at(-1)!.headers;
    assert.equal(sent['mcp-session-id'], 'session-42');
    assert.equal(sent['mcp-protocol-version'], '2025-11-25');
    assert.equal(sent.host, new URL(upstream.url).host, 'Host names the upstream, not the gateway');
  });

  it('streams server-sent events as they arrive: the first event is read while the upstream still holds the second', async () => {
    const req = httpRequest(gateway.mcpUrl, { method: 'POST', headers: { authorization: reader, 'content-type': 'application/json', accept: 'application/json, text/event-stream' } });
    req.end(JSON.stringify(toolCall('jobs.run', 9)));
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    assert.equal(res.headers['content-type'], 'text/event-stream');
    const iterator = res[Symbol.asyncIterator]();
    const first = String((await iterator.next()).value);
    assert.match(first, /notifications\/progress/, 'the progress event came through before the tool finished');
    upstream.release();
    let rest = '';
    for (let n = await iterator.next(); !n.done; n = await iterator.next()) rest += String(n.value);
    assert.match(rest, /"id":9,"result"/);
  });

  it('propagates a client that hangs up on the GET event stream to the upstream', async () => {
    const req = httpRequest(gateway.mcpUrl, { method: 'GET', headers: { authorization: reader, accept: 'text/event-stream', 'mcp-session-id': 'session-42' } });
    req.end();
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    assert.equal(res.statusCode, 200);
    await once(res, 'data');
    const upstreamGet = upstream.seen.filter((s) => s.method === 'GET').at(-1)!;
    assert.equal(upstreamGet.closedEarly, undefined, 'still open');
    req.destroy();
    for (let i = 0; i < 100 && upstreamGet.closedEarly === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(upstreamGet.closedEarly, true, 'the upstream saw the connection end before its stream did');
  });

  it('answers 404 as APIM does for a path no operation matches', async () => {
    const answer = await call(`${gateway.origin}/elsewhere`, { headers: { authorization: reader }, body: toolCall('notes.read') });
    assert.equal(answer.status, 404);
    assert.equal(answer.body, '{ "statusCode": 404, "message": "Resource not found" }');
  });

  it('logs one line per request: agent, method, tool, decision, status, time (and the trace with --trace)', () => {
    const lines = logs.filter((l) => !l.startsWith(' '));
    assert.ok(lines.some((l) => /^agent-7 tools\/call notes\.read allow 200 [\d.]+ms$/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^- tools\/call notes\.search unauthenticated 401 [\d.]+ms$/.test(l)), lines.join('\n'));
    assert.ok(logs.some((l) => /^ {4}api\/inbound validate-azure-ad-token: token accepted/.test(l)));
  });

  it('records the session in the traffic format without any token, and `mcp-apim test` reproduces every decision', async () => {
    const text = readFileSync(record, 'utf8');
    assert.doesNotMatch(text, /eyJ[\w-]+\.eyJ/, 'no JWT on disk');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { name: string; request: { token?: unknown }; expect: { status: number } });
    assert.ok(lines.length >= 8);
    assert.ok(lines.every((l) => l.name.startsWith('#')));
    const replay = await runCli(['test', NOTES_CONFIG, record, '--json'], { cwd });
    const report = JSON.parse(replay.stdout) as { passed: number; failed: number; results: { name: string; failures: string[] }[] };
    assert.equal(report.failed, 0, JSON.stringify(report.results.filter((r) => r.failures.length > 0), null, 2));
    assert.equal(report.passed, lines.length);
  });
});

describe('mcp-apim serve: an unreachable upstream', () => {
  it('answers 500 with an activityId, as APIM answers a BackendConnectionFailure', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/mcp`;
    closed.close();
    const keys = loadOrCreateDevKeys(mkdtempSync(join(tmpdir(), 'mcp-apim-serve-')));
    const logs: string[] = [];
    const { gateway } = await startGateway({ config: notesConfig(), upstream: deadUrl, keys, port: 0, trace: true, log: (l) => logs.push(l) });
    try {
      const token = devToken(keys, gateway!.issuer, { claims: { roles: ['Notes.Read'], azp: 'a' } });
      const answer = await call(gateway!.mcpUrl, { headers: { authorization: `Bearer ${token}` }, body: toolCall('notes.read') });
      assert.equal(answer.status, 500);
      assert.match(answer.body, /^\{ "statusCode": 500, "message": "Internal server error", "activityId": "[0-9a-f-]{36}" \}$/);
      assert.ok(logs.some((l) => /forward-request: BackendConnectionFailure: POST http:\/\/127\.0\.0\.1:\d+\/mcp: connect ECONNREFUSED/.test(l)), logs.join('\n'));
    } finally {
      await gateway!.close();
    }
  });
});
