import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.ts';
import { BASE_CONFIG } from '../support/config.ts';

const example = resolve('fixtures/example/mcp-gateway.yaml');
const scratch = () => mkdtempSync(join(tmpdir(), 'mcp-apim-cli-'));

describe('mcp-apim compile', () => {
  it('writes every artefact for the example', async () => {
    const out = join(scratch(), 'out');
    const r = await runCli(['compile', example, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    for (const f of ['policies/api.xml', 'policies/tools-list.xml', 'policies/prm.xml', 'bicep/main.bicep', 'bicep/main.parameters.json', 'arm/azuredeploy.json', 'entra/app-roles.json', 'entra/entra.bicep', 'access-matrix.md', 'access-matrix.json', 'plan.json']) {
      assert.ok(existsSync(join(out, f)), `${f} is written`);
    }
    assert.match(r.stdout, /wrote \d+ files/);
    assert.match(r.stderr, /warning MA2004/, 'warnings are shown');
  });

  it('writes nothing at all, not even the directory, when the config has errors (exit 2)', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'bad.yaml'), BASE_CONFIG.replace('tools: ["inventory.reserve"]', 'tools: ["inventory.reserv"]'));
    const r = await runCli(['compile', 'bad.yaml', '-o', 'out'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.ok(!existsSync(join(dir, 'out')), 'no output directory');
    assert.deepEqual(readdirSync(dir), ['bad.yaml'], 'no temporary leftovers');
    assert.match(r.stderr, /^bad\.yaml:24:17: error MA2001: no catalog tool is named "inventory\.reserv"$/m);
    assert.match(r.stderr, /24 \|\s+- tools: \["inventory\.reserv"\]\n\s+\|\s+\^+/, 'a code frame with a caret');
    assert.match(r.stderr, /hint: did you mean "inventory\.reserve"\?/);
    assert.match(r.stderr, /nothing was written/);
  });

  it('replaces an earlier output as a whole and refuses a directory that is not its own', async () => {
    const dir = scratch();
    const out = join(dir, 'out');
    assert.equal((await runCli(['compile', example, '-o', out])).code, 0);
    writeFileSync(join(out, 'stale.txt'), 'old');
    assert.equal((await runCli(['compile', example, '-o', out])).code, 0);
    assert.ok(!existsSync(join(out, 'stale.txt')), 'the previous output is replaced, not merged');
    const foreign = join(dir, 'mine');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.md'), 'keep me');
    const r = await runCli(['compile', example, '-o', foreign]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not an mcp-apim output directory/);
    assert.equal(readFileSync(join(foreign, 'notes.md'), 'utf8'), 'keep me');
  });

  it('--json reports files and diagnostics as data', async () => {
    const out = join(scratch(), 'out');
    const r = await runCli(['compile', example, '-o', out, '--json']);
    const json = JSON.parse(r.stdout) as { ok: boolean; files: string[]; diagnostics: { code: string; line: number; column: number; file: string }[] };
    assert.equal(json.ok, true);
    assert.ok(json.files.includes('policies/api.xml'));
    const d = json.diagnostics.find((x) => x.code === 'MA2004');
    assert.ok(d && d.line > 0 && d.column > 0 && d.file.endsWith('catalog.json'));
  });

  it('a missing config file is an input error with its name', async () => {
    const r = await runCli(['compile', 'nope.yaml', '-o', join(scratch(), 'o')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error MA9001: cannot read nope\.yaml/);
  });

  it('inside Azure Pipelines, diagnostics are also ##vso logissue lines', async () => {
    const r = await runCli(['validate', example], { env: { TF_BUILD: 'True' } });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^##vso\[task\.logissue type=warning;sourcepath=.*catalog\.json;linenumber=\d+;columnnumber=\d+;code=MA2004\]/m);
  });
});

describe('mcp-apim validate, matrix, diff', () => {
  it('validate: 0 for a valid config, 2 with errors; --json gives the diagnostics', async () => {
    assert.equal((await runCli(['validate', example])).code, 0);
    const dir = scratch();
    writeFileSync(join(dir, 'bad.yaml'), BASE_CONFIG.replace('  backend:', '  backnd:'));
    const r = await runCli(['validate', 'bad.yaml', '--json'], { cwd: dir });
    assert.equal(r.code, 2);
    const json = JSON.parse(r.stdout) as { valid: boolean; diagnostics: { code: string; hint?: string }[] };
    assert.equal(json.valid, false);
    assert.ok(json.diagnostics.some((d) => d.code === 'MA1002' && /backend/.test(d.hint ?? '')));
  });

  it('matrix prints every decision with its reason', async () => {
    const r = await runCli(['matrix', example]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /\| `database\.drop_table` \| no \| yes \| ✅ \| · \| · \|/);
    assert.match(r.stdout, /❌ `database\.export_table`: denied by deny\[0\]/);
    const json = JSON.parse((await runCli(['matrix', example, '--json'])).stdout) as { decisions: Record<string, Record<string, string>>; roles: { value: string; rules: Record<string, string> }[] };
    assert.equal(Object.values(json.decisions).flatMap((row) => Object.keys(row)).length, 3 * 16, 'every (role, tool) pair has a decision');
    assert.equal(json.decisions['MCP.Tools.Read']!['database.export_table'], 'deny[0]');
    assert.equal(json.decisions['MCP.Tools.Read']!['database.drop_table'], 'default');
    assert.equal(json.roles.find((r) => r.value === 'MCP.Tools.Read')!.rules['allow[0]'], 'annotations readOnlyHint: true');
  });

  it('diff: exit 0 without changes, 1 with the grants and revocations listed', async () => {
    assert.equal((await runCli(['diff', example, example])).code, 0);
    const dir = scratch();
    const text = readFileSync(example, 'utf8').replace('      - tools: ["inventory.*", "files.write_file"]', '      - tools: ["inventory.*", "files.delete_file"]').replace('from: catalog.json', `from: ${resolve('fixtures/example/catalog.json')}`);
    writeFileSync(join(dir, 'new.yaml'), text);
    const r = await runCli(['diff', example, join(dir, 'new.yaml')]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /### Newly allowed\n\n- `MCP\.Tools\.Write` → `files\.delete_file`/);
    assert.match(r.stdout, /### No longer allowed\n\n- `MCP\.Tools\.Write` → `files\.write_file`/);
  });
});
