/**
 * Config diagnostics of REST bridging: each problem has its code and points at the line and
 * column where it was written — in the config for inline tools, in the catalog file for tools
 * read from one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlan } from '../../src/plan/build.ts';
import { assertConfigError, load } from '../support/config.ts';

/** A valid bridged config; the cases edit it textually. Line numbers below refer to it. */
const BRIDGED = `apiVersion: mcp-apim/v1
api:
  name: inv
  path: inv/mcp
  restBackend:
    url: https://rest.example/
identity:
  tenantId: 00000000-0000-0000-0000-000000000001
  audience: api://inv
catalog:
  tools:
    - name: stock.get
      inputSchema:
        type: object
        properties:
          sku: { type: string }
          warehouse: { type: string }
          order: { type: object }
        required: [sku]
      backend:
        method: GET
        path: /api/v2/stock/{sku}
        parameters: { sku: path, warehouse: query }
roles:
  Reader:
    allow:
      - tools: ["*"]
`;

const edit = (from: string, to: string) => {
  if (!BRIDGED.includes(from)) throw new Error(`test setup: ${from} not in BRIDGED`);
  return BRIDGED.replace(from, to);
};
const FILE_CONFIG = edit(BRIDGED.slice(BRIDGED.indexOf('  tools:\n'), BRIDGED.indexOf('roles:')), '  from: tools.json\n');
const fileTool = (backend: unknown) => JSON.stringify({ tools: [{ name: 'stock.get', inputSchema: { type: 'object', properties: { sku: { type: 'string' }, order: { type: 'object' } }, required: ['sku'] }, backend }] }, null, 1);

interface Case {
  readonly note: string;
  readonly text: string;
  readonly files?: Record<string, string>;
  readonly code: string;
  /** file, 1-based line and column. */
  readonly at: readonly [string, number, number];
  readonly message: RegExp;
  readonly hint?: RegExp;
}

const cases: Case[] = [
  { note: 'unknown key in backend, with a suggestion', text: edit('        method: GET', '        method: GET\n        parameter: {}'), code: 'MA1020', at: ['cfg.yaml', 22, 9], message: /unknown key 'parameter'/, hint: /did you mean 'parameters'/ },
  { note: 'backend without a path', text: edit('        path: /api/v2/stock/{sku}\n', '').replace('{ sku: path, warehouse: query }', '{ warehouse: query }'), code: 'MA1020', at: ['cfg.yaml', 20, 7], message: /missing the required key 'path'/ },
  { note: 'unknown HTTP method', text: edit('        method: GET', '        method: FETCH'), code: 'MA1021', at: ['cfg.yaml', 21, 17], message: /"FETCH" is not one of GET, POST, PUT, PATCH, DELETE/ },
  { note: 'unknown HTTP method with a near miss', text: edit('        method: GET', '        method: PUTT'), code: 'MA1021', at: ['cfg.yaml', 21, 17], message: /PUTT/, hint: /did you mean PUT/ },
  { note: 'path without a leading slash', text: edit('        path: /api/v2/stock/{sku}', '        path: api/v2/stock/{sku}'), code: 'MA1022', at: ['cfg.yaml', 22, 15], message: /must start with '\/'/ },
  { note: 'a query string in the path', text: edit('        path: /api/v2/stock/{sku}', '        path: /api/v2/stock/{sku}?all=1'), code: 'MA1022', at: ['cfg.yaml', 22, 15], message: /in: query/ },
  { note: 'an unclosed placeholder', text: edit('        path: /api/v2/stock/{sku}', '        path: /api/v2/stock/{sku'), code: 'MA1022', at: ['cfg.yaml', 22, 15], message: /not closed/ },
  { note: 'a placeholder twice', text: edit('        path: /api/v2/stock/{sku}', '        path: "/api/{sku}/stock/{sku}"'), code: 'MA1022', at: ['cfg.yaml', 22, 15], message: /\{sku\} appears twice/ },
  { note: 'a space in the path', text: edit('        path: /api/v2/stock/{sku}', '        path: "/api/v2/my stock/{sku}"'), code: 'MA1022', at: ['cfg.yaml', 22, 15], message: /percent-encoded/ },
  { note: '{placeholder} with no path parameter', text: edit('        path: /api/v2/stock/{sku}', '        path: /api/v2/{warehouse}/stock/{sku}'), code: 'MA1023', at: ['cfg.yaml', 22, 15], message: /\{warehouse\} in backend.path has no path parameter/, hint: /mapped to query; map it to path/ },
  { note: 'path parameter not in the template', text: edit('{ sku: path, warehouse: query }', '{ sku: path, warehouse: path }'), code: 'MA1024', at: ['cfg.yaml', 23, 34], message: /path parameter "warehouse" does not appear/ },
  { note: 'parameter not in the inputSchema, with a suggestion', text: edit('{ sku: path, warehouse: query }', '{ sku: path, warehous: query }'), code: 'MA1025', at: ['cfg.yaml', 23, 34], message: /"warehous" is not a property of the tool's inputSchema/, hint: /did you mean "warehouse"/ },
  { note: 'two body parameters', text: edit('        method: GET', '        method: POST').replace('{ sku: path, warehouse: query }', '{ sku: path, warehouse: body, order: body }'), code: 'MA1026', at: ['cfg.yaml', 23, 51], message: /more than one body parameter: "warehouse" is already the body/ },
  { note: 'a body parameter on GET', text: edit('{ sku: path, warehouse: query }', '{ sku: path, order: body }'), code: 'MA1026', at: ['cfg.yaml', 23, 34], message: /GET sends no body/ },
  { note: 'an unknown location, with a suggestion', text: edit('{ sku: path, warehouse: query }', '{ sku: path, warehouse: querry }'), code: 'MA1027', at: ['cfg.yaml', 23, 45], message: /"querry" is not a location/, hint: /did you mean query/ },
  { note: 'an object in the query', text: edit('{ sku: path, warehouse: query }', '{ sku: path, order: query }'), code: 'MA1027', at: ['cfg.yaml', 23, 34], message: /typed object in the inputSchema/ },
  { note: 'a path parameter that is not required', text: edit('        required: [sku]', '        required: []'), code: 'MA1027', at: ['cfg.yaml', 23, 23], message: /not in the inputSchema's required list/ },
  { note: 'a bridged tool without api.restBackend', text: edit('  restBackend:\n    url: https://rest.example/\n', '  backend: https://mcp.example/mcp\n'), code: 'MA1028', at: ['cfg.yaml', 19, 7], message: /api.restBackend .* is not set/ },
  { note: 'a tool that is not bridged, and no MCP server', text: edit('    - name: stock.get', '    - name: notes.read\n    - name: stock.get'), code: 'MA1029', at: ['cfg.yaml', 12, 13], message: /"notes.read" has no REST backend and api.backend .* is not set/ },
  { note: 'a tool that is not bridged, in native mode', text: edit('    url: https://rest.example/\n', '    url: https://rest.example/\n    mode: native\n  backend: https://mcp.example/mcp\n').replace('    - name: stock.get', '    - name: notes.read\n    - name: stock.get'), code: 'MA1029', at: ['cfg.yaml', 14, 13], message: /mode native/ },
  // Tools from a catalog file: the same checks, with spans in that file.
  { note: 'catalog file: backend that is not a mapping', text: FILE_CONFIG, files: { 'tools.json': fileTool('GET /x') }, code: 'MA1020', at: ['tools.json', 19, 15], message: /must be a mapping/ },
  { note: 'catalog file: unknown method', text: FILE_CONFIG, files: { 'tools.json': fileTool({ method: 'OPTIONS', path: '/x' }) }, code: 'MA1021', at: ['tools.json', 20, 15], message: /"OPTIONS"/ },
  { note: 'catalog file: unknown key', text: FILE_CONFIG, files: { 'tools.json': fileTool({ method: 'GET', path: '/x', params: {} }) }, code: 'MA1020', at: ['tools.json', 22, 5], message: /unknown key 'params'/, hint: /parameters/ },
  { note: 'catalog file: placeholder without parameter', text: FILE_CONFIG, files: { 'tools.json': fileTool({ method: 'GET', path: '/stock/{sku}' }) }, code: 'MA1023', at: ['tools.json', 21, 13], message: /\{sku\}/ },
  { note: 'catalog file: parameter not in the inputSchema', text: FILE_CONFIG, files: { 'tools.json': fileTool({ method: 'GET', path: '/stock/{sku}', parameters: { sku: 'path', limit: 'query' } }) }, code: 'MA1025', at: ['tools.json', 24, 6], message: /"limit"/ },
];

describe('REST bridging: config diagnostics', () => {
  for (const c of cases) {
    it(`${c.code}: ${c.note}`, () => {
      assertConfigError(load(c.text, c.files), c);
    });
  }

  it('loads the valid config: the tool keeps its mapping, tools/list its listed form, the URL loses its trailing slash', () => {
    const r = load(BRIDGED);
    assert.ok(r.config, JSON.stringify(r.diagnostics));
    assert.deepEqual(r.diagnostics, []);
    const tool = r.config.catalog.tools[0]!;
    assert.equal(tool.backend?.method, 'GET');
    assert.deepEqual(tool.backend?.parts, [{ literal: '/api/v2/stock/' }, { parameter: 'sku' }]);
    assert.deepEqual(tool.backend?.parameters.map((p) => [p.name, p.in]), [['sku', 'path'], ['warehouse', 'query']]);
    assert.equal('backend' in tool.raw, false, 'the mapping is not part of the listed tool');
    assert.equal(r.config.api.restBackend?.url, 'https://rest.example');
    assert.equal(r.config.api.restBackend?.mode, 'policy');
    assert.equal(r.config.api.backend, undefined);
  });

  it('methods are read case-insensitively and literal path characters RFC 3986 allows are kept', () => {
    const r = load(edit('        method: GET', '        method: get').replace('/api/v2/stock/{sku}', "/api/v2/stock;v=1/{sku}.json~%20x"));
    assert.ok(r.config, JSON.stringify(r.diagnostics));
    assert.equal(r.config.catalog.tools[0]!.backend?.method, 'GET');
    assert.deepEqual(r.config.catalog.tools[0]!.backend?.parts, [{ literal: '/api/v2/stock;v=1/' }, { parameter: 'sku' }, { literal: '.json~%20x' }]);
  });

  it('plan warnings: an argument that is never sent (MA2021), a REST service nothing uses (MA2022), an unused MCP server in native mode (MA2023)', () => {
    const codes = (text: string) => {
      const r = load(text);
      assert.ok(r.config, JSON.stringify(r.diagnostics));
      return buildPlan(r.config).diagnostics.map((d) => `${d.code} ${d.severity} ${d.span?.line}:${d.span?.column}`);
    };
    assert.deepEqual(codes(BRIDGED), ['MA2021 warning 20:7'], '"order" is declared but GET sends no body');
    assert.deepEqual(codes(edit('          order: { type: object }\n', '')), []);
    assert.deepEqual(codes(edit('        method: GET', '        method: POST')), [], 'POST sends the remaining arguments as the body');
    const unused = edit(BRIDGED.slice(BRIDGED.indexOf('      backend:'), BRIDGED.indexOf('roles:')), '').replace('  restBackend:', '  backend: https://mcp.example/mcp\n  restBackend:');
    assert.deepEqual(codes(unused), ['MA2022 warning 6:3']);
    assert.ok(codes(edit('    url: https://rest.example/\n', '    url: https://rest.example/\n    mode: native\n  backend: https://mcp.example/mcp\n')).includes('MA2023 warning 8:12'));
  });

  it('toolsList passthrough cannot list bridged tools (MA2020, an error)', () => {
    const r = load(edit('  path: inv/mcp\n', '  path: inv/mcp\n  toolsList: passthrough\n'));
    assert.ok(r.config);
    const d = buildPlan(r.config).diagnostics.find((x) => x.code === 'MA2020');
    assert.equal(d?.severity, 'error');
    assert.deepEqual([d?.span?.line, d?.span?.column], [5, 14]);
  });
});
