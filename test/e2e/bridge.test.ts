/**
 * REST bridging end to end, real parts only (DESIGN §9): a small node:http REST service on
 * loopback, `mcp-apim serve` (the in-process gateway) in front of it with no MCP server at all,
 * and the MCP SDK's own Client with dev tokens from the gateway's identity provider.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type RunningGateway, startGateway } from '../../src/gateway/server.ts';
import { generateDevKeys } from '../../src/runtime/identity/keys.ts';
import { mintToken } from '../../src/runtime/identity/mint.ts';
import { load } from '../support/config.ts';
import { type InventoryRest, startInventoryRest } from './support/inventory-rest.ts';

const keys = generateDevKeys();
const TENANT = '00000000-0000-0000-0000-000000000001';

describe('a real MCP client through mcp-apim serve to a REST service (bridged tools, no MCP server)', () => {
  let rest: InventoryRest;
  let gateway: RunningGateway;
  const clients: Client[] = [];

  const connect = async (roles: string[], agent: string): Promise<Client> => {
    const token = mintToken(keys, { issuer: gateway.issuer, audience: 'api://inventory-mcp', tenantId: TENANT, now: Math.floor(Date.now() / 1000) }, { claims: { roles, azp: agent } });
    const transport = new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
    const client = new Client({ name: `bridge-${agent}`, version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  };

  before(async () => {
    rest = await startInventoryRest();
    const text = readFileSync('fixtures/bridge/mcp-gateway.yaml', 'utf8').replace('url: https://inventory.internal.contoso.com', `url: ${rest.url}`);
    const loaded = load(text, {}, 'fixtures/bridge/mcp-gateway.yaml');
    assert.ok(loaded.config, JSON.stringify(loaded.diagnostics));
    assert.equal(loaded.config.api.backend, undefined, 'the fixture has no MCP server');
    const started = await startGateway({ config: loaded.config, upstream: '', keys, port: 0 });
    assert.ok(started.gateway, JSON.stringify(started.diagnostics));
    gateway = started.gateway;
  });
  after(async () => {
    for (const c of clients) await c.close();
    await gateway.close();
    await rest.close();
  });

  it('initializes against the gateway itself, which names the API as the server', async () => {
    const client = await connect(['Inventory.Read'], 'reader-1');
    assert.equal(client.getServerVersion()?.name, 'inventory-mcp');
    assert.deepEqual(client.getServerCapabilities()?.tools, { listChanged: false });
    assert.equal(rest.seen.length, 0, 'nothing reached the REST service');
  });

  it("tools/list shows the bridged tools the caller may call, without the backend mapping", async () => {
    const reader = await connect(['Inventory.Read'], 'reader-2');
    const listed = (await reader.listTools()).tools;
    assert.deepEqual(listed.map((t) => t.name), ['inventory.get_stock']);
    assert.equal((listed[0] as Record<string, unknown>).backend, undefined, 'the REST mapping is the gateway\'s business');
    assert.deepEqual(listed[0]!.inputSchema.required, ['sku']);
    const writer = await connect(['Inventory.Write'], 'writer-1');
    assert.deepEqual((await writer.listTools()).tools.map((t) => t.name).sort(), ['inventory.get_stock', 'inventory.reserve', 'inventory.update_item']);
  });

  it('tools/call returns the REST answer as the tool content, the path argument encoded as one segment', async () => {
    const reader = await connect(['Inventory.Read'], 'reader-3');
    const result = await reader.callTool({ name: 'inventory.get_stock', arguments: { sku: 'A/1 x', warehouse: 'W1' } });
    assert.equal(result.isError, false);
    assert.deepEqual(JSON.parse((result.content as { type: string; text: string }[])[0]!.text), { sku: 'A/1 x', warehouse: 'W1', onHand: 12 });
    const request = rest.seen.at(-1)!;
    assert.equal(request.method, 'GET');
    assert.equal(request.rawUrl, '/api/v2/stock/A%2F1%20x?warehouse=W1');
    assert.equal(request.headers['x-mcp-apim-agent'], 'reader-3', 'the agent, from the validated token');
    assert.equal(request.headers['mcp-session-id'], undefined);
    // The caller's token stops at the gateway; the REST service gets the gateway's managed identity.
    const presented = JSON.parse(Buffer.from(String(request.headers.authorization).split('.')[1]!, 'base64url').toString('utf8')) as { aud: string; azp: string };
    assert.deepEqual([presented.aud, presented.azp], ['api://inventory-api', 'mcp-apim-managed-identity']);
  });

  it('POST sends the remaining arguments as the JSON body; a REST 404 is a tool error the agent can read', async () => {
    const writer = await connect(['Inventory.Write'], 'writer-2');
    const reserved = await writer.callTool({ name: 'inventory.reserve', arguments: { sku: 'A-100', quantity: 3 } });
    assert.equal(reserved.isError, false);
    assert.deepEqual(JSON.parse((reserved.content as { text: string }[])[0]!.text), { reservation: 'r-1', sku: 'A-100', quantity: 3 });
    assert.equal(rest.seen.at(-1)!.body, '{"quantity":3}');
    assert.equal(rest.seen.at(-1)!.headers['content-type'], 'application/json');
    const missing = await writer.callTool({ name: 'inventory.get_stock', arguments: { sku: 'NOPE' } });
    assert.equal(missing.isError, true);
    assert.deepEqual(JSON.parse((missing.content as { text: string }[])[0]!.text), { error: 'unknown sku NOPE' });
  });

  it('a denied call errors in the client (403, -32003) and never reaches the REST service', async () => {
    const reader = await connect(['Inventory.Read'], 'reader-4');
    const before = rest.seen.length;
    await assert.rejects(reader.callTool({ name: 'inventory.reserve', arguments: { sku: 'A-100', quantity: 1 } }), (error: unknown) => error instanceof StreamableHTTPError && error.code === 403 && /-32003/.test(error.message));
    assert.equal(rest.seen.length, before);
  });

  it('arguments that do not fit the inputSchema error in the client (-32602) and are never sent', async () => {
    const writer = await connect(['Inventory.Write'], 'writer-3');
    const before = rest.seen.length;
    await assert.rejects(writer.callTool({ name: 'inventory.reserve', arguments: { sku: 'A-100', quantity: 'three' } }), (error: unknown) => error instanceof StreamableHTTPError && error.code === 400 && /-32602/.test(error.message) && /quantity/.test(error.message));
    assert.equal(rest.seen.length, before);
  });
});
