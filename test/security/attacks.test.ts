/**
 * The attack corpus (fixtures/attacks, docs/security.md) replayed through `mcp-apim test`: every
 * exchange must be refused (or answered by the gateway itself) with the status DESIGN §4.1 gives,
 * and none may reach the MCP server. Then the attacks that a static traffic file cannot express
 * exactly, run in process against the same compiled gateway.
 */
import assert from 'node:assert/strict';
import { createHmac, createPublicKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';
import { compileGateway } from './gateway.ts';

const dir = resolve('fixtures/attacks');
const config = join(dir, 'mcp-gateway.yaml');
const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
const exchanges = files.flatMap((f) =>
  readFileSync(join(dir, f), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => ({ file: f, ...(JSON.parse(l) as { name: string; expect: { status?: number; forwarded?: boolean } }) })),
);

interface Result {
  readonly name: string;
  readonly passed: boolean;
  readonly status: number;
  readonly forwarded: boolean;
  readonly failures: readonly string[];
}

describe('attack corpus (fixtures/attacks) through mcp-apim test', () => {
  it('holds at least 100 exchanges in every class, each expecting a status and forwarded: false', () => {
    assert.deepEqual(files, ['headers.jsonl', 'jsonrpc-shape.jsonl', 'methods.jsonl', 'rate-limits.jsonl', 'tokens.jsonl', 'tool-identity.jsonl']);
    assert.ok(exchanges.length >= 100, `${exchanges.length} exchanges`);
    for (const e of exchanges) {
      assert.equal(e.expect.forwarded, false, `${e.file}: ${e.name}`);
      assert.equal(typeof e.expect.status, 'number', `${e.file}: ${e.name}`);
    }
    const statuses = new Set(exchanges.map((e) => e.expect.status));
    for (const s of [200, 400, 401, 403, 413, 429]) assert.ok(statuses.has(s), `no exchange expects ${s}`);
  });

  it('every attack is refused as DESIGN §4.1 says and none reaches the backend', async () => {
    const r = await runCli(['test', config, '--json', '--now', '2026-03-01T00:00:00Z']);
    const out = JSON.parse(r.stdout) as { results: Result[]; passed: number; failed: number };
    const failed = out.results.filter((x) => !x.passed).map((x) => `${x.name}: ${x.failures.join('; ')}`);
    assert.deepEqual(failed, []);
    assert.equal(r.code, 0);
    assert.equal(out.passed, exchanges.length);
    assert.deepEqual(
      out.results.filter((x) => x.forwarded).map((x) => x.name),
      [],
    );
  });

  it('does not depend on the start time of the virtual clock', async () => {
    const r = await runCli(['test', config, join(dir, 'tokens.jsonl'), join(dir, 'rate-limits.jsonl'), '--json', '--now', '2031-07-15T23:59:59.500Z']);
    assert.equal(r.code, 0, r.stdout.slice(0, 2000));
  });
});

describe('attacks that need the run’s own keys or the raw response', () => {
  const gateway = compileGateway(readFileSync(config, 'utf8').replace('from: ../example/catalog.json', `from: ${resolve('fixtures/example/catalog.json')}`));
  const call = (id: string, tool: string) => `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"${tool}","arguments":{}}}`;
  const json = { 'content-type': 'application/json' };

  it('HS256 tokens signed with the trusted RSA public key (every encoding of it) are 401', async () => {
    const valid = gateway.token({ claims: { roles: ['MCP.Admin'], azp: 'agent-forger' } });
    const [, payload] = valid.split('.');
    const publicKey = createPublicKey({ key: gateway.keys.dev.privateJwk, format: 'jwk' });
    const jwk = publicKey.export({ format: 'jwk' });
    const secrets: (string | Buffer)[] = [
      publicKey.export({ type: 'spki', format: 'pem' }) as string,
      publicKey.export({ type: 'pkcs1', format: 'pem' }) as string,
      publicKey.export({ type: 'spki', format: 'der' }),
      JSON.stringify(jwk),
      Buffer.from(jwk.n!, 'base64url'),
      jwk.n!,
    ];
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      for (const secret of secrets) {
        const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT', kid: gateway.keys.dev.kid })).toString('base64url');
        const hmac = createHmac(`sha${alg.slice(2)}`, secret).update(`${header}.${payload}`).digest('base64url');
        const res = await gateway.send({ headers: { ...json, authorization: `Bearer ${header}.${payload}.${hmac}` }, body: call('1', 'database.drop_table') });
        assert.equal(res.status, 401, `${alg} with ${typeof secret === 'string' ? secret.slice(0, 30) : 'bytes'}`);
      }
    }
    // the same claims with the real signature are accepted: the refusals above are about the algorithm
    const ok = await gateway.send({ headers: { ...json, authorization: `Bearer ${valid}` }, body: call('1', 'database.drop_table') });
    assert.equal(ok.status, 200);
    assert.equal(gateway.forwarded.length, 1);
  });

  it('refusals echo the id exactly as the client wrote it', async () => {
    const reader = `Bearer ${gateway.token({ claims: { roles: ['MCP.Tools.Read'], azp: 'agent-ids' } })}`;
    for (const id of ['1e400', '-0.0e-0', '1234567890123456789012345678901234567890', '1.50', '"a\\"b</set-body>"', '"\\ud800"', 'null']) {
      const res = await gateway.send({ headers: { ...json, authorization: reader }, body: call(id, 'database.drop_table') });
      assert.equal(res.status, 403);
      assert.equal(res.body, `{"jsonrpc":"2.0","id":${id},"error":{"code":-32003,"message":"Forbidden: no role of the caller allows tool \\"database.drop_table\\""}}`);
    }
  });

  it('method-override and identity headers never reach the backend; the gateway sets its own', async () => {
    const before = gateway.forwarded.length;
    const reader = `Bearer ${gateway.token({ claims: { roles: ['MCP.Tools.Read'], azp: 'agent-honest' } })}`;
    const forged = { 'x-http-method-override': 'DELETE', 'x-http-method': 'DELETE', 'x-method-override': 'DELETE', 'x-mcp-apim-agent': 'platform-admin-agent', 'x-mcp-apim-role': 'MCP.Admin', 'x-mcp-roles': 'MCP.Admin', 'x-ms-client-principal-id': 'platform-admin-agent' };
    const res = await gateway.send({ headers: { ...json, ...forged, authorization: reader }, body: call('1', 'database.query') });
    assert.equal(res.status, 200);
    const sent = gateway.forwarded[before]!;
    assert.equal(sent.method, 'POST');
    for (const name of ['x-http-method-override', 'x-http-method', 'x-method-override', 'x-mcp-roles', 'x-ms-client-principal-id']) assert.equal(sent.headers.get(name), undefined, name);
    assert.deepEqual(sent.headers.get('x-mcp-apim-agent'), ['agent-honest']);
    assert.deepEqual(sent.headers.get('x-mcp-apim-role'), ['MCP.Tools.Read']);
  });

  it('a header the validator reads differently from a second parse cannot change the roles', async () => {
    // Leading whitespace and a lower-case scheme: validation accepts the token, and the roles
    // come from the token it accepted (the classifier no longer parses the header itself).
    const admin = gateway.token({ claims: { roles: ['MCP.Admin'], azp: 'agent-spaces' } });
    const res = await gateway.send({ headers: { ...json, authorization: `  bearer   ${admin}` }, body: call('1', 'database.drop_table') });
    assert.equal(res.status, 200);
  });
});
