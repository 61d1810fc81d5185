import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseTraffic } from '../../src/traffic/parse.ts';
import { runCli } from '../support/cli.ts';

describe('mcp-apim init', () => {
  it('scaffolds a config that validates and compiles, a catalog, traffic and the pipeline', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mcp-apim-init-'));
    const r = await runCli(['init', 'gw'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    for (const f of ['mcp-gateway.yaml', 'catalog.json', 'traffic/smoke.jsonl', 'azure-pipelines.yml', '.gitignore']) assert.ok(existsSync(join(cwd, 'gw', f)), f);
    const validate = await runCli(['validate', 'gw/mcp-gateway.yaml'], { cwd });
    assert.equal(validate.code, 0, validate.stderr);
    assert.equal(validate.stderr, '', 'the starter config has no warnings');
    assert.equal((await runCli(['compile', 'gw/mcp-gateway.yaml', '-o', 'gw/out'], { cwd })).code, 0);
    const traffic = parseTraffic('smoke.jsonl', readFileSync(join(cwd, 'gw/traffic/smoke.jsonl'), 'utf8'));
    assert.deepEqual(traffic.diagnostics, []);
    assert.equal(traffic.exchanges.length, 4);
  });

  it('writes nothing when a file exists, unless --force', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mcp-apim-init-'));
    mkdirSync(join(cwd, 'gw'));
    writeFileSync(join(cwd, 'gw', 'catalog.json'), 'mine');
    const r = await runCli(['init', 'gw'], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /catalog\.json[\s\S]*Nothing was written/);
    assert.equal(existsSync(join(cwd, 'gw', 'mcp-gateway.yaml')), false);
    assert.equal((await runCli(['init', 'gw', '--force'], { cwd })).code, 0);
    assert.notEqual(readFileSync(join(cwd, 'gw', 'catalog.json'), 'utf8'), 'mine');
  });

  it('scaffolds the same pipeline as the repository\'s own azure-pipelines.yml', () => {
    assert.equal(readFileSync('templates/init/azure-pipelines.yml', 'utf8'), readFileSync('azure-pipelines.yml', 'utf8'));
  });
});
