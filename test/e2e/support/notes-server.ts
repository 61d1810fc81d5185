/**
 * A real MCP server (the SDK's McpServer over its Streamable HTTP transport, stateful sessions)
 * on a loopback port, for the end-to-end tests and the gateway benchmark. Its tools match
 * test/e2e/fixtures/catalog.json. `jobs.run` sends a progress notification per step over the
 * request's SSE stream and waits for `gate` between steps, so a test can prove each notification
 * reached the client before the tool finished. Every HTTP exchange is noted in `seen`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import * as z from 'zod';

export interface SeenRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  /** Set when the response ends: whether it was completed or cut off (the client side hung up). */
  outcome?: 'finished' | 'closed-early';
}

export interface NotesServer {
  readonly url: string;
  readonly seen: SeenRequest[];
  /** jobs.run awaits this before each step after the first; replace it to hold the tool. */
  gate: (step: number) => Promise<void>;
  close(): Promise<void>;
}

function buildServer(server: NotesServer): McpServer {
  const mcp = new McpServer({ name: 'notes', version: '1.0.0' });
  const notes = new Map([
    ['n1', 'Buy milk'],
    ['n2', 'Ship the gateway'],
  ]);
  mcp.registerTool('notes.search', { description: 'Search notes by text.', inputSchema: { query: z.string() }, annotations: { readOnlyHint: true, openWorldHint: false } }, ({ query }) => ({
    content: [{ type: 'text', text: JSON.stringify([...notes].filter(([, text]) => text.toLowerCase().includes(query.toLowerCase())).map(([id]) => id)) }],
  }));
  mcp.registerTool('notes.read', { description: 'Read one note.', inputSchema: { id: z.string() }, annotations: { readOnlyHint: true, openWorldHint: false } }, ({ id }) => ({
    content: [{ type: 'text', text: notes.get(id) ?? '' }],
  }));
  mcp.registerTool('notes.delete', { description: 'Delete a note.', inputSchema: { id: z.string() }, annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: false } }, ({ id }) => ({
    content: [{ type: 'text', text: String(notes.delete(id)) }],
  }));
  mcp.registerTool(
    'jobs.run',
    { description: 'Run a job of several steps, reporting progress.', inputSchema: { steps: z.number().int().min(1).max(10) }, annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false } },
    async ({ steps }, extra) => {
      const token = extra._meta?.progressToken;
      for (let step = 1; step <= steps; step++) {
        if (step > 1) await server.gate(step);
        if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: step, total: steps, message: `step ${step}` } });
      }
      return { content: [{ type: 'text', text: `done after ${steps} steps` }] };
    },
  );
  return mcp;
}

export async function startNotesServer(): Promise<NotesServer> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const server: NotesServer = { url: '', seen: [], gate: async () => {}, close: async () => {} };
  const http = createServer(async (req, res) => {
    const seen: SeenRequest = { method: req.method ?? '', headers: req.headers };
    server.seen.push(seen);
    res.on('close', () => {
      seen.outcome = res.writableFinished ? 'finished' : 'closed-early';
    });
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!transport) {
      if (typeof id === 'string' || req.method !== 'POST') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Session not found"}}');
        return;
      }
      const created = new StreamableHTTPServerTransport({ sessionIdGenerator: randomUUID, onsessioninitialized: (sid) => void sessions.set(sid, created) });
      created.onclose = () => {
        if (created.sessionId) sessions.delete(created.sessionId);
      };
      await buildServer(server).connect(created);
      transport = created;
    }
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return Object.assign(server, {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      for (const t of sessions.values()) await t.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  });
}
