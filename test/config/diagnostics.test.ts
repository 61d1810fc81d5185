import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertConfigError, BASE_CONFIG, load } from '../support/config.ts';

interface Case {
  readonly note: string;
  /** The config text (usually BASE_CONFIG with one edit). */
  readonly text: string;
  readonly files?: Record<string, string>;
  readonly code: string;
  /** 1-based line and column the diagnostic must point at. */
  readonly at: readonly [number, number];
  readonly message?: RegExp;
  readonly hint?: RegExp;
}

const replace = (from: string, to: string) => {
  if (!BASE_CONFIG.includes(from)) throw new Error(`test setup: ${from} not in BASE_CONFIG`);
  return BASE_CONFIG.replace(from, to);
};

const cases: Case[] = [
  { note: 'YAML syntax error (reported where the parser gives up)', text: 'apiVersion: mcp-apim/v1\napi: [unclosed\n', code: 'MA1001', at: [3, 1] },
  { note: 'duplicate key', text: replace('  path: mcp/v1\n', '  path: mcp/v1\n  path: other\n'), code: 'MA1001', at: [5, 3], message: /duplicate key/ },
  { note: 'YAML alias refused', text: replace('  audience: api://gateway', '  audience: &a api://gateway\n  validation: *a'), code: 'MA1001', at: [9, 15], message: /aliases/ },
  { note: 'unknown key with suggestion', text: replace('  backend:', '  backnd:'), code: 'MA1002', at: [5, 3], hint: /did you mean 'backend'/ },
  { note: 'unknown key in a rule', text: replace('      - annotations: { readOnlyHint: true }', '      - annotation: { readOnlyHint: true }'), code: 'MA1002', at: [19, 9], hint: /annotations/ },
  { note: 'missing required key', text: replace('  audience: api://gateway\n', ''), code: 'MA1003', at: [6, 1], message: /audience/ },
  { note: 'wrong type', text: replace('      - tools: ["inventory.*"]', '      - tools: "inventory.*"'), code: 'MA1004', at: [22, 16], message: /must be a list/ },
  { note: 'enum with suggestion', text: replace('  audience: api://gateway', '  audience: api://gateway\n  validation: validate-jwtt'), code: 'MA1005', at: [9, 15], hint: /validate-jwt/ },
  { note: 'bad tenant id', text: replace('00000000-0000-0000-0000-000000000001', 'contoso'), code: 'MA1005', at: [7, 13], message: /tenant/ },
  { note: 'renewal period over APIM maximum', text: replace('  Admin:\n', '  Admin:\n    rateLimit: { calls: 10, renewalPeriod: 3600 }\n'), code: 'MA1005', at: [26, 44], message: /300 seconds/ },
  { note: 'role value with a comma', text: replace('  Reader:', '  "Read,er":'), code: 'MA1005', at: [17, 3], message: /role values/ },
  { note: 'methods in a deny rule', text: replace('      - tools: ["inventory.reserve"]', '      - methods: ["resources/read"]'), code: 'MA1005', at: [24, 9], message: /methods/ },
  { note: 'catalog with from and tools', text: replace('catalog:\n', 'catalog:\n  from: c.json\n'), code: 'MA1006', at: [9, 1] },
  { note: 'catalog file missing', text: replace(BASE_CONFIG.slice(BASE_CONFIG.indexOf('  tools:\n    - name: inventory.get_stock'), BASE_CONFIG.indexOf('roles:')), '  from: missing.json\n'), code: 'MA1007', at: [10, 9] },
  { note: 'catalog file not JSON', text: replace(BASE_CONFIG.slice(BASE_CONFIG.indexOf('  tools:\n    - name: inventory.get_stock'), BASE_CONFIG.indexOf('roles:')), '  from: c.json\n'), files: { 'c.json': '{"tools": [' }, code: 'MA1008', at: [1, 12] },
  { note: 'catalog file of the wrong shape', text: replace(BASE_CONFIG.slice(BASE_CONFIG.indexOf('  tools:\n    - name: inventory.get_stock'), BASE_CONFIG.indexOf('roles:')), '  from: c.json\n'), files: { 'c.json': '{"result": 1}' }, code: 'MA1008', at: [1, 1] },
  { note: 'inline tool without a name (schema)', text: replace('    - name: database.drop_table', '    - title: nameless'), code: 'MA1003', at: [15, 7], message: /name/ },
  { note: 'catalog-file tool without a name', text: replace(BASE_CONFIG.slice(BASE_CONFIG.indexOf('  tools:\n    - name: inventory.get_stock'), BASE_CONFIG.indexOf('roles:')), '  from: c.json\n'), files: { 'c.json': '{"tools": [{"title": "x"}]}' }, code: 'MA1009', at: [1, 12] },
  { note: 'annotation of the wrong type (catalog file)', text: replace(BASE_CONFIG.slice(BASE_CONFIG.indexOf('  tools:\n    - name: inventory.get_stock'), BASE_CONFIG.indexOf('roles:')), '  from: c.json\n'), files: { 'c.json': '{"tools": [{"name": "a.b", "annotations": {"readOnlyHint": "yes"}}]}' }, code: 'MA1009', at: [1, 60] },
  { note: 'non-standard tool name (homoglyph)', text: replace('    - name: database.drop_table', '    - name: database.drop_tаble'), code: 'MA1010', at: [15, 13], message: /U\+0430/ },
  { note: 'duplicate tool name', text: replace('    - name: database.drop_table', '    - name: inventory.reserve'), code: 'MA1011', at: [15, 13], message: /first at line 13/ },
];

describe('config diagnostics', () => {
  for (const c of cases) {
    it(`${c.code}: ${c.note}`, () => {
      assertConfigError(load(c.text, c.files), c);
    });
  }

  it('accepts the base config without diagnostics', () => {
    const r = load(BASE_CONFIG);
    assert.ok(r.config);
    assert.deepEqual(r.diagnostics, []);
  });

  it('accepts non-standard tool names when the config opts in', () => {
    const r = load(replace('catalog:\n', 'catalog:\n  allowNonStandardNames: true\n').replace('    - name: database.drop_table', '    - name: "database/drop table"'));
    assert.ok(r.config, JSON.stringify(r.diagnostics));
  });

  it('reads a catalog file holding a tools/list result, relative to the config', () => {
    const text = replace(BASE_CONFIG.slice(BASE_CONFIG.indexOf('  tools:\n    - name: inventory.get_stock'), BASE_CONFIG.indexOf('roles:')), '  from: cat/tools.json\n');
    const r = load(text, { 'dir/cat/tools.json': JSON.stringify({ tools: [{ name: 'inventory.get_stock', inputSchema: { type: 'object' } }, { name: 'inventory.reserve' }, { name: 'database.drop_table' }] }) }, 'dir/cfg.yaml');
    assert.ok(r.config, JSON.stringify(r.diagnostics));
    assert.deepEqual(r.config.catalog.tools.map((t) => t.name), ['inventory.get_stock', 'inventory.reserve', 'database.drop_table']);
    assert.equal(r.config.catalog.from, 'cat/tools.json');
    assert.ok(r.sources.has('dir/cat/tools.json'), 'the catalog text is kept for code frames');
  });
});
