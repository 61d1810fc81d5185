import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';

describe('mcp-apim policy check', () => {
  let dir: string;
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  const run = (...argv: string[]) => runCli(['policy', 'check', ...argv], { cwd: dir });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-apim-policy-check-'));
    write('clean.xml', '<policies>\n  <inbound>\n    <base />\n    <set-header name="x-a" exists-action="override"><value>1</value></set-header>\n  </inbound>\n  <backend><forward-request /></backend>\n</policies>\n');
    write('typo.xml', '<policies>\n  <inbound>\n    <set-heder name="a" />\n  </inbound>\n</policies>\n');
    write('by-key.xml', '<policies>\n  <inbound>\n    <rate-limit-by-key calls="{{calls}}" renewal-period="60" counter-key="@(context.Request.IpAddress)" />\n  </inbound>\n</policies>\n');
    write('mcp.xml', '<policies>\n  <outbound>\n    <set-variable name="b" value="@(context.Response.Body.As<string>(preserveContent: true))" />\n  </outbound>\n</policies>\n');
    write('expr.xml', '<policies>\n  <inbound>\n    <set-variable name="a" value="@(context.Request.Headerz.Count)" />\n  </inbound>\n</policies>\n');
    write('named-values.json', '{"calls": "many"}');
    write('broken.json', '{"calls": ');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 on a clean file and says what it checked', async () => {
    const r = await run('clean.xml');
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'checked 1 file: 0 errors, 0 warnings, 0 notes\n', '']);
  });

  it('exits 1 on errors, rendered with file:line:column, code frame and did-you-mean', async () => {
    const r = await run('typo.xml', 'clean.xml');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^typo\.xml:3:6: error MA4003: <set-heder> is not an APIM policy \(did you mean <set-header>\?\)\n2 \| {3}<inbound>\n3 \| {5}<set-heder name="a" \/>\n {2}\| {6}\^{9}\n/);
    assert.equal(r.stdout, 'checked 2 files: 1 error, 0 warnings, 0 notes\n');
  });

  it('prints exactly the DESIGN §7 JSON shape with --json', async () => {
    const r = await run('typo.xml', 'clean.xml', '--json');
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), {
      files: [
        { path: 'typo.xml', parsed: true, diagnostics: [{ code: 'MA4003', severity: 'error', message: '<set-heder> is not an APIM policy (did you mean <set-header>?)', line: 3, column: 6 }] },
        { path: 'clean.xml', parsed: true, diagnostics: [] },
      ],
    });
    assert.equal(r.stderr, '');
  });

  it('applies the SKU (case-insensitively) and refuses an unknown one', async () => {
    const consumption = await run('by-key.xml', '--sku', 'consumption', '--json');
    assert.equal(consumption.code, 1);
    const codes = (JSON.parse(consumption.stdout) as { files: { diagnostics: { code: string }[] }[] }).files[0]!.diagnostics.map((d) => d.code);
    assert.deepEqual(codes, ['MA4013'], 'a *-by-key policy is refused on Consumption (the emulator runs it, so no MA4016)');
    assert.equal((await run('by-key.xml', '--sku', 'Premium')).code, 0);
    const bad = await run('by-key.xml', '--sku', 'Gold');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--sku must be one of Developer, Basic, Standard, Premium, Consumption, BasicV2, StandardV2, PremiumV2, not "Gold"/);
  });

  it('substitutes --named-values before checking, and refuses a file that is not a JSON object', async () => {
    const r = await run('by-key.xml', '--named-values', 'named-values.json', '--json');
    assert.equal(r.code, 1);
    const diagnostics = (JSON.parse(r.stdout) as { files: { diagnostics: { code: string; message: string; line: number; column: number }[] }[] }).files[0]!.diagnostics;
    assert.deepEqual(diagnostics.find((d) => d.code === 'MA4006'), { code: 'MA4006', severity: 'error', message: 'attribute calls of <rate-limit-by-key>: "many" is not an integer', line: 3, column: 31 });
    const broken = await run('by-key.xml', '--named-values', 'broken.json');
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /--named-values broken\.json: not JSON/);
    assert.equal((await run('by-key.xml', '--named-values', 'nowhere.json')).code, 2);
  });

  it('warns about response-body reads with --api-type mcp, without failing', async () => {
    const r = await run('mcp.xml', '--api-type', 'mcp');
    assert.equal(r.code, 0);
    assert.match(r.stderr, /mcp\.xml:3:37: warning MA4015: this policy of an MCP API reads context\.Response\.Body/);
    assert.equal((await run('mcp.xml')).stderr, '');
    assert.equal((await run('mcp.xml', '--api-type', 'graphql')).code, 2);
  });

  it('compiles every expression with the expression engine, errors at the expression', async () => {
    const r = await run('expr.xml', '--json');
    assert.equal(r.code, 1);
    const [d] = (JSON.parse(r.stdout) as { files: { diagnostics: { code: string; line: number; column: number; severity: string }[] }[] }).files[0]!.diagnostics;
    assert.deepEqual([d!.code, d!.severity, d!.line, d!.column], ['MA5500', 'error', 3, 53], 'at the unknown member Headerz');
  });

  it('reports an unreadable file as not parsed and exits 2', async () => {
    const r = await run('clean.xml', 'missing.xml', '--json');
    assert.equal(r.code, 2);
    assert.deepEqual((JSON.parse(r.stdout) as { files: unknown[] }).files[1], {
      path: 'missing.xml',
      parsed: false,
      diagnostics: [{ code: 'MA9001', severity: 'error', message: 'cannot read missing.xml: no such file, or not a readable file', line: 1, column: 1 }],
    });
  });

  it('is a command group whose help teaches check', async () => {
    const help = await runCli(['policy', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /check \[options\] <file\.xml\.\.\.>/);
    const checkHelp = await runCli(['policy', 'check', '--help']);
    assert.match(checkHelp.stdout, /Exit codes: 0 no errors \(warnings allowed\), 1 errors found, 2 a file or an option cannot be used\./);
    assert.match(checkHelp.stdout, /mcp-apim policy check out\/example\/policies\/\*\.xml --sku Premium --api-type mcp/);
  });
});
