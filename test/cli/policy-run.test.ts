/** `mcp-apim policy run`: any policy document, with fragments and named values, against traffic. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';

function workspace(policy: string, traffic: readonly unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-apim-run-'));
  writeFileSync(join(dir, 'policy.xml'), policy);
  mkdirSync(join(dir, 'fragments'));
  writeFileSync(join(dir, 'fragments', 'tag.xml'), '<fragment><set-header name="X-Tag" exists-action="override"><value>{{tag}}</value></set-header></fragment>');
  writeFileSync(join(dir, 'nv.json'), JSON.stringify({ tenant: '00000000-0000-0000-0000-000000000000', tag: 'from-named-value' }));
  writeFileSync(join(dir, 't.jsonl'), traffic.map((t) => JSON.stringify(t)).join('\n'));
  return dir;
}

const jwtPolicy = `<policies><inbound><validate-jwt header-name="Authorization"><openid-config url="https://login.microsoftonline.com/{{tenant}}/v2.0/.well-known/openid-configuration" /><audiences><audience>api://mcp-apim</audience></audiences></validate-jwt>
<include-fragment fragment-id="tag" /><set-header name="X-Echo" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("X-Tag", "none"))</value></set-header>
<rate-limit-by-key calls="1" renewal-period="60" counter-key="@(context.Request.IpAddress)" /></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>`;

const get = (name: string, extra: object, expect: object, backend?: object) => ({ name, request: { method: 'GET', path: '/items', headers: {}, ...extra }, ...(backend ? { backend } : {}), expect });

describe('mcp-apim policy run', () => {
  it('runs a third-party policy with fragments, named values, local tokens and a rate limit', async () => {
    const dir = workspace(jwtPolicy, [
      get('no token', {}, { status: 401, forwarded: false }),
      get('a minted token passes', { token: { claims: { sub: 'me' } } }, { status: 200, forwarded: true, body: 'ok' }, { status: 200, headers: {}, bodyText: 'ok' }),
      get('the second call in the minute is limited', { token: { claims: { sub: 'me' } } }, { status: 429, headers: { 'retry-after': '60' } }),
      { ...get('after the window it passes again', { token: { claims: { sub: 'me' } } }, { status: 200 }, { status: 200, headers: {}, bodyText: 'ok' }), advance: '61s' },
    ]);
    const r = await runCli(['policy', 'run', 'policy.xml', '--traffic', 't.jsonl', '--fragments', 'fragments', '--named-values', 'nv.json', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout) as { passed: number; failed: number };
    assert.deepEqual([out.passed, out.failed], [4, 0]);
  });

  it('refuses a document with an element the emulator does not run before replaying anything (exit 2)', async () => {
    const dir = workspace('<policies><inbound><json-to-xml apply="always" consider-accept-header="false" /></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>', [get('x', {}, { status: 200 })]);
    const r = await runCli(['policy', 'run', 'policy.xml', '--traffic', 't.jsonl'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /policy\.xml:1:\d+: error MA6001: the emulator does not run <json-to-xml>/);
    assert.equal(r.stdout, '');
  });

  it('reports a missing fragment at load time, and a failed expectation with its trace (exit 1)', async () => {
    const missing = workspace(jwtPolicy, [get('x', {}, { status: 401 })]);
    const r1 = await runCli(['policy', 'run', 'policy.xml', '--traffic', 't.jsonl', '--named-values', 'nv.json'], { cwd: missing });
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /MA6002: fragment tag is not defined/);
    const wrong = workspace(jwtPolicy, [get('expects 200 without a token', {}, { status: 200 })]);
    const r2 = await runCli(['policy', 'run', 'policy.xml', '--traffic', 't.jsonl', '--fragments', 'fragments', '--named-values', 'nv.json'], { cwd: wrong });
    assert.equal(r2.code, 1);
    assert.match(r2.stdout, /✗ expects 200 without a token \(401\)/);
    assert.match(r2.stdout, /validate-jwt: TokenNotPresent/);
  });
});
