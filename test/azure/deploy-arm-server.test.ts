/**
 * The loopback ARM server itself, driven with plain fetch: it must speak the ARM REST shape the
 * deploy relies on, or the deploy tests prove nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ArmServer, DEFAULT_SERVICE, FAULTS } from '../support/arm-server/index.ts';
import { useArmServer } from '../support/arm-server/lifecycle.ts';

const SVC = `/subscriptions/${DEFAULT_SERVICE.subscription}/resourceGroups/${DEFAULT_SERVICE.resourceGroup}/providers/Microsoft.ApiManagement/service/${DEFAULT_SERVICE.service}`;

interface Reply {
  status: number;
  etag: string | null;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function call(server: ArmServer, method: string, relative: string, options: { body?: unknown; ifMatch?: string; apiVersion?: string | null; query?: string; auth?: string | null; absolute?: string } = {}): Promise<Reply> {
  const version = options.apiVersion === undefined ? '2024-05-01' : options.apiVersion;
  const url = options.absolute ?? `${server.origin}${SVC}${relative ? `/${relative}` : ''}?${version ? `api-version=${version}` : ''}${options.query ? `&${options.query}` : ''}`;
  const headers: Record<string, string> = {};
  if (options.auth !== null) headers.authorization = options.auth ?? 'Bearer test-token';
  if (options.ifMatch) headers['if-match'] = options.ifMatch;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get('etag'), headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const put = (server: ArmServer, relative: string, properties: Record<string, unknown>, extra: Parameters<typeof call>[3] = {}) => call(server, 'PUT', relative, { body: { properties }, ...extra });
const policy = (inner: string) => `<policies>\n  <inbound>\n    <base/>\n    ${inner}\n  </inbound>\n  <backend><base/></backend>\n  <outbound><base/></outbound>\n  <on-error><base/></on-error>\n</policies>`;
const API = { displayName: 'Tools', path: 'tools', protocols: ['https'], apiType: 'http', type: 'http', serviceUrl: 'https://backend.example/mcp' };

describe('loopback ARM server', () => {
  let server: ArmServer;
  useArmServer(undefined, (s) => (server = s));

  it('requires api-version and a bearer token, and answers unknown services with ResourceNotFound', async () => {
    const noVersion = await call(server, 'GET', 'apis/x', { apiVersion: null });
    assert.equal(noVersion.status, 400);
    assert.equal(noVersion.body.error.code, 'MissingApiVersionParameter');
    const noToken = await call(server, 'GET', 'apis/x', { auth: null });
    assert.equal(noToken.status, 401);
    assert.equal(noToken.body.error.code, 'InvalidAuthenticationToken');
    const other = await call(server, 'GET', '', { absolute: `${server.origin}${SVC.replace(DEFAULT_SERVICE.service, 'nope')}?api-version=2024-05-01` });
    assert.equal(other.status, 404);
    assert.match(other.body.error.message, /Microsoft\.ApiManagement\/service\/nope/);
    const svc = await call(server, 'GET', '');
    assert.equal(svc.status, 200);
    assert.equal(svc.body.sku.name, 'Premium');
  });

  it('creates with 201, updates with 200, bumps the ETag on every write and enforces If-Match', async () => {
    const created = await put(server, 'backends/b1', { url: 'https://a.example', protocol: 'http' });
    assert.equal(created.status, 201);
    assert.match(created.etag ?? '', /^".+"$/);
    const got = await call(server, 'GET', 'backends/b1');
    assert.deepEqual(Object.keys(got.body).sort(), ['id', 'name', 'properties', 'type']);
    assert.equal(got.body.id, `${SVC}/backends/b1`);
    assert.equal(got.body.type, 'Microsoft.ApiManagement/service/backends');
    assert.equal(got.etag, created.etag);
    const updated = await put(server, 'BACKENDS/b1', { url: 'https://b.example', protocol: 'http' }, { ifMatch: created.etag! });
    assert.equal(updated.status, 200, 'segments are case-insensitive');
    assert.notEqual(updated.etag, created.etag);
    const stale = await put(server, 'backends/b1', { url: 'https://c.example', protocol: 'http' }, { ifMatch: created.etag! });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.error.code, 'PreconditionFailed');
    assert.equal((await put(server, 'backends/missing', { url: 'https://c.example', protocol: 'http' }, { ifMatch: '*' })).status, 412, 'If-Match * needs an existing entity');
    const head = await call(server, 'HEAD', 'backends/b1');
    assert.equal(head.etag, updated.etag);
    assert.equal((await call(server, 'DELETE', 'backends/b1', { ifMatch: created.etag! })).status, 412);
    assert.equal((await call(server, 'DELETE', 'backends/b1', { ifMatch: '*' })).status, 200);
    const gone = await call(server, 'GET', 'backends/b1');
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'ResourceNotFound');
    assert.equal((await call(server, 'DELETE', 'backends/b1', { ifMatch: '*' })).status, 404);
  });

  it('pages lists with nextLink on its public origin', async () => {
    for (let i = 0; i < 5; i++) await put(server, `backends/b${i}`, { url: `https://${i}.example`, protocol: 'http' });
    const names: string[] = [];
    let page = await call(server, 'GET', 'backends');
    let pages = 1;
    for (;;) {
      assert.ok(page.body.value.length <= 2);
      names.push(...page.body.value.map((v: { name: string }) => v.name));
      if (!page.body.nextLink) break;
      assert.ok(page.body.nextLink.startsWith(server.publicOrigin));
      page = await call(server, 'GET', '', { absolute: page.body.nextLink });
      pages++;
    }
    assert.deepEqual(names, ['b0', 'b1', 'b2', 'b3', 'b4']);
    assert.equal(pages, 3);
  });

  it('returns policies as rawxml only when asked, re-serialised the way APIM does', async () => {
    await put(server, 'apis/tools', API);
    const xml = policy('<set-variable name="x" value="@(context.Request.Headers.GetValueOrDefault("a", "") == "b" && true)" />');
    assert.equal((await put(server, 'apis/tools/policies/policy', { format: 'rawxml', value: xml })).status, 201);
    const raw = await call(server, 'GET', 'apis/tools/policies/policy', { query: 'format=rawxml' });
    assert.equal(raw.body.properties.format, 'rawxml');
    assert.equal(raw.body.properties.value, xml.replace(/<base\/>/g, '<base />').replace(/\n/g, '\r\n'));
    const escaped = await call(server, 'GET', 'apis/tools/policies/policy');
    assert.equal(escaped.body.properties.format, 'xml');
    assert.match(escaped.body.properties.value, /&quot;a&quot;/);
    assert.match(escaped.body.properties.value, /&amp;&amp;/);
    assert.equal((await put(server, 'apis/tools/policies/other', { format: 'rawxml', value: xml })).status, 400);
  });

  it('validates references like APIM: missing named values and fragments are 400, deleting a used one is 400', async () => {
    await put(server, 'apis/tools', API);
    const uses = policy('<include-fragment fragment-id="auth" /><set-header name="k" exists-action="override"><value>{{backend-key}}</value></set-header>');
    const missingFragment = await put(server, 'apis/tools/policies/policy', { format: 'rawxml', value: uses });
    assert.equal(missingFragment.status, 400);
    assert.equal(missingFragment.body.error.code, 'ValidationError');
    assert.equal(missingFragment.body.error.details[0].target, 'representation');
    assert.match(missingFragment.body.error.details[0].message, /Cannot find a property 'backend-key'|fragment with id 'auth'/);
    assert.equal((await put(server, 'namedValues/backend-key', { displayName: 'backend-key', value: 's3cret', secret: true })).status, 201);
    assert.equal((await put(server, 'policyFragments/auth', { format: 'rawxml', value: '<fragment><base /></fragment>' })).status, 201);
    assert.equal((await put(server, 'apis/tools/policies/policy', { format: 'rawxml', value: uses })).status, 201);
    const delFragment = await call(server, 'DELETE', 'policyFragments/auth', { ifMatch: '*' });
    assert.equal(delFragment.status, 400);
    assert.match(delFragment.body.error.details[0].message, /is used by the following entities/);
    assert.equal((await call(server, 'DELETE', 'namedValues/backend-key', { ifMatch: '*' })).status, 400);
    assert.equal((await call(server, 'DELETE', 'apis/tools/policies/policy', { ifMatch: '*' })).status, 200);
    assert.equal((await call(server, 'DELETE', 'policyFragments/auth', { ifMatch: '*' })).status, 200);
    assert.equal((await put(server, 'namedValues/bad', { displayName: 'has space', value: 'x' })).status, 400);
  });

  it('hides secret named values (listValue shows them) and turns logger credentials into a named value reference', async () => {
    await put(server, 'namedValues/nv', { displayName: 'nv', value: 's3cret', secret: true });
    const nv = await call(server, 'GET', 'namedValues/nv');
    assert.equal(nv.body.properties.value, undefined);
    assert.equal(nv.body.properties.secret, true);
    assert.deepEqual((await call(server, 'POST', 'namedValues/nv/listValue')).body, { value: 's3cret' });
    await put(server, 'loggers/ai', { loggerType: 'applicationInsights', credentials: { instrumentationKey: 'ikey-123' } });
    const logger = await call(server, 'GET', 'loggers/ai');
    assert.match(logger.body.properties.credentials.instrumentationKey, /^\{\{Logger-Credentials--[0-9a-f]{24}\}\}$/);
    assert.ok(!JSON.stringify(logger.body).includes('ikey-123'));
  });

  it('knows MCP APIs only at a preview api-version, and refuses product links to missing APIs and duplicates', async () => {
    const mcp = { displayName: 'MCP', path: 'mcp', protocols: ['https'], type: 'mcp', mcpProperties: { transportType: 'streamable' } };
    assert.equal((await put(server, 'apis/m', mcp)).status, 400);
    assert.equal((await put(server, 'apis/m', mcp, { apiVersion: '2025-09-01-preview' })).status, 201);
    assert.equal((await call(server, 'GET', 'apis/m')).status, 404, 'invisible at 2024-05-01');
    assert.equal((await call(server, 'GET', 'apis/m', { apiVersion: '2025-09-01-preview' })).body.properties.mcpProperties.transportType, 'streamable');
    await put(server, 'products/p', { displayName: 'P', state: 'published' });
    assert.equal((await put(server, 'products/p/apiLinks/l1', { apiId: `${SVC}/apis/missing` })).status, 404);
    await put(server, 'apis/tools', API);
    assert.equal((await put(server, 'products/p/apiLinks/l1', { apiId: `${SVC}/apis/tools` })).status, 201);
    assert.equal((await put(server, 'products/p/apiLinks/l2', { apiId: `${SVC}/apis/tools` })).status, 409);
    assert.equal((await put(server, 'apis/nope/operations/o', { displayName: 'o', method: 'GET', urlTemplate: '/' })).status, 404, 'parent must exist');
  });

  it('runs long-running operations through Azure-AsyncOperation and Location, writing only when they end', async () => {
    server.lro.set('apis', { mode: 'async', polls: 2 });
    const accepted = await put(server, 'apis/tools', API);
    assert.equal(accepted.status, 201);
    const op = accepted.headers.get('azure-asyncoperation')!;
    assert.ok(op.startsWith(server.publicOrigin));
    assert.equal((await call(server, 'GET', 'apis/tools')).status, 404, 'not written yet');
    assert.equal((await call(server, 'GET', '', { absolute: op })).body.status, 'InProgress');
    assert.equal((await call(server, 'GET', '', { absolute: op })).body.status, 'InProgress');
    assert.equal((await call(server, 'GET', '', { absolute: op })).body.status, 'Succeeded');
    assert.equal((await call(server, 'GET', 'apis/tools')).status, 200);
    server.lro.set('apis', { mode: 'location', polls: 1 });
    const del = await call(server, 'DELETE', 'apis/tools', { ifMatch: '*' });
    assert.equal(del.status, 202);
    const loc = del.headers.get('location')!;
    assert.equal((await call(server, 'GET', '', { absolute: loc })).status, 202);
    assert.equal((await call(server, 'GET', '', { absolute: loc })).status, 204);
    assert.equal((await call(server, 'GET', 'apis/tools')).status, 404);
  });

  it('injects faults, late visibility and a crash, and logs every request', async () => {
    server.faults.add({ ...FAULTS.throttled(3), writes: true });
    const throttled = await put(server, 'backends/b', { url: 'https://a.example', protocol: 'http' });
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '3');
    server.faults.add({ ...FAULTS.serverError(500), writes: true, afterApplying: true });
    assert.equal((await put(server, 'backends/b', { url: 'https://a.example', protocol: 'http' })).status, 500);
    assert.equal((await call(server, 'GET', 'backends/b')).status, 200, 'the write happened despite the 500');
    server.faults.lateReads = 1;
    const v2 = await put(server, 'backends/b', { url: 'https://late.example', protocol: 'http' });
    assert.equal((await call(server, 'GET', 'backends/b')).body.properties.url, 'https://a.example', 'the first read still sees the old version');
    const fresh = await call(server, 'GET', 'backends/b');
    assert.equal(fresh.body.properties.url, 'https://late.example');
    assert.equal(fresh.etag, v2.etag);
    server.faults.lateReads = 0;
    server.faults.crashAfter(1);
    await put(server, 'backends/c', { url: 'https://c.example', protocol: 'http' }, { ifMatch: undefined });
    await assert.rejects(call(server, 'GET', 'backends/c'), 'the server no longer answers');
    server.faults.clear();
    const writes = server.writes();
    assert.ok(writes.length >= 4);
    assert.deepEqual((writes[0]!.body as { properties: { url: string } }).properties.url, 'https://a.example');
    assert.equal(server.log.at(-1)!.status, -1, 'the crashed request is logged');
  });
});
