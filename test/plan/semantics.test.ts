import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlan, compareGenerosity } from '../../src/plan/build.ts';
import { compileGlob } from '../../src/plan/glob.ts';
import { roleId, uuidV5 } from '../../src/plan/uuid.ts';
import { BASE_CONFIG, mustLoad } from '../support/config.ts';

const plan = (text: string) => buildPlan(mustLoad(text));
const allowed = (text: string, role: string, tool: string) => plan(text).plan.decisions[role]![tool]!.allowed;

describe('decisions (DESIGN §3)', () => {
  const rules: Array<[string, string, string, boolean]> = [
    ['annotation rule allows a read-only tool', 'Reader', 'inventory.get_stock', true],
    ['default deny: no rule matches', 'Reader', 'inventory.reserve', false],
    ['absent annotations take the MCP defaults (readOnlyHint false)', 'Reader', 'database.drop_table', false],
    ['glob allows a family', 'Writer', 'inventory.get_stock', true],
    ['deny beats allow within a role', 'Writer', 'inventory.reserve', false],
    ['"*" matches every tool', 'Admin', 'database.drop_table', true],
  ];
  for (const [note, role, tool, want] of rules) {
    it(note, () => assert.equal(allowed(BASE_CONFIG, role, tool), want));
  }

  it('explains each decision with the rule that made it', () => {
    const d = plan(BASE_CONFIG).plan.decisions;
    assert.equal(d.Writer!['inventory.reserve']!.rule, 'deny[0]');
    assert.match(d.Writer!['inventory.reserve']!.reason, /denied by deny\[0\] \(tools inventory.reserve\), which overrides allow\[0\]/);
    assert.equal(d.Reader!['inventory.get_stock']!.reason, 'allowed by allow[0] (annotations readOnlyHint: true)');
    assert.equal(d.Reader!['database.drop_table']!.reason, 'no allow rule matches (default deny)');
  });

  it('a deny never takes away another role\'s grant: groups list every role that allows the tool', () => {
    const { plan: p } = plan(BASE_CONFIG);
    const group = p.groups[p.tools.find((t) => t.name === 'inventory.reserve')!.group]!;
    assert.deepEqual(group.roles, ['Admin']);
  });

  it('a rule with tools and annotations needs both', () => {
    const text = BASE_CONFIG.replace('      - annotations: { readOnlyHint: true }', '      - tools: ["inventory.*"]\n        annotations: { readOnlyHint: true }');
    assert.equal(allowed(text, 'Reader', 'inventory.get_stock'), true);
    assert.equal(allowed(text, 'Reader', 'inventory.reserve'), false);
  });

  it('an explicit annotation overrides the pessimistic default', () => {
    const text = BASE_CONFIG.replace('      - annotations: { readOnlyHint: true }', '      - annotations: { destructiveHint: false }');
    assert.equal(allowed(text, 'Reader', 'inventory.reserve'), true, 'declared destructiveHint: false');
    assert.equal(allowed(text, 'Reader', 'database.drop_table'), false, 'absent destructiveHint defaults to true');
    assert.equal(allowed(text, 'Reader', 'inventory.get_stock'), false, 'readOnlyHint does not imply destructiveHint false');
  });

  it('names match exactly and case-sensitively', () => {
    const match = compileGlob('inventory.get_stock');
    assert.equal(match('inventory.get_stock'), true);
    for (const near of ['Inventory.get_stock', 'inventory.get_stock ', 'inventory.get_stoсk', 'inventoryXget_stock']) assert.equal(match(near), false, near);
    assert.equal(compileGlob('inventory.*')('inventoryXreserve'), false, 'a dot in a glob is literal');
    assert.equal(compileGlob('db.?rop')('db.drop'), true);
    // Regression: characters special to RegExp (and '-', '/', which must not be escaped in u-mode) are literal.
    assert.equal(compileGlob('a-b/*')('a-b/c'), true);
    assert.equal(compileGlob('x(y)[z]+*')('x(y)[z]+1'), true);
    assert.equal(compileGlob('x(y)[z]+*')('xy'), false);
  });
});

describe('plan diagnostics', () => {
  const codes = (text: string) => plan(text).diagnostics.map((d) => d.code);
  const one = (text: string, code: string) => {
    const d = plan(text).diagnostics.find((x) => x.code === code);
    assert.ok(d, `expected ${code}, got ${codes(text).join(', ')}`);
    return d;
  };

  it('the base config has no diagnostics', () => assert.deepEqual(codes(BASE_CONFIG), []));

  it('MA2001: a name matching no tool is an error, with a suggestion and a position', () => {
    const d = one(BASE_CONFIG.replace('tools: ["inventory.reserve"]', 'tools: ["inventory.reserv"]'), 'MA2001');
    assert.equal(d.severity, 'error');
    assert.equal(d.hint, 'did you mean "inventory.reserve"?');
    assert.deepEqual([d.span?.line, d.span?.column], [24, 17]);
  });

  it('MA2002: a glob that matches nothing is a warning', () => {
    const d = one(BASE_CONFIG.replace('tools: ["inventory.*"]', 'tools: ["inventory.*", "billing.*"]'), 'MA2002');
    assert.equal(d.severity, 'warning');
  });

  it('MA2003: a role that grants nothing is a warning', () => {
    const d = one(`${BASE_CONFIG}  Nobody:\n    allow:\n      - tools: ["missing.*"]\n`, 'MA2003');
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /Nobody/);
  });

  it('MA2004: a tool nobody may call is a warning at the tool', () => {
    const d = one(BASE_CONFIG.replace('      - tools: ["*"]', '      - tools: ["inventory.*"]'), 'MA2004');
    assert.match(d.message, /database.drop_table/);
    assert.equal(d.span?.line, 15);
  });

  it('MA2005: an assignment to an undefined role is an error', () => {
    const d = one(`${BASE_CONFIG}assignments:\n  - { principal: agent-1, roles: [Raeder] }\n`, 'MA2005');
    assert.equal(d.hint, 'did you mean "Reader"?');
  });

  it('MA2006: opening an always-open method is a warning', () => {
    one(BASE_CONFIG.replace('      - tools: ["*"]', '      - tools: ["*"]\n        methods: [ping]'), 'MA2006');
  });

  it('MA2007: tools/list passthrough is a warning', () => {
    one(BASE_CONFIG.replace('  path: mcp/v1', '  path: mcp/v1\n  toolsList: passthrough'), 'MA2007');
  });

  it('MA2008 and MA2009: redaction warns about buffering; a bad pattern is an error', () => {
    const text = `${BASE_CONFIG}security:\n  redact:\n    - { name: tokens, pattern: "ghp_[A-Za-z0-9]{36}" }\n    - { name: broken, pattern: "(unclosed" }\n`;
    one(text, 'MA2008');
    const d = one(text, 'MA2009');
    assert.equal(d.span?.line, 31);
  });

  it('MA2010: a deny that removes nothing the role allows is a warning', () => {
    one(BASE_CONFIG.replace('  Admin:\n    allow:\n      - tools: ["*"]\n', '  Admin:\n    allow:\n      - tools: ["*"]\n  Reader2:\n    allow:\n      - annotations: { readOnlyHint: true }\n    deny:\n      - tools: ["database.drop_table"]\n'), 'MA2010');
  });
});

describe('rate-limit generosity and role ids', () => {
  it('orders no limit first, then the highest sustained rate, then more calls', () => {
    const a = { calls: 100, renewalPeriod: 60, per: [] };
    const b = { calls: 300, renewalPeriod: 300, per: [] };
    const c = { calls: 200, renewalPeriod: 120, per: [] };
    assert.ok(compareGenerosity(undefined, a) < 0);
    assert.ok(compareGenerosity(a, b) < 0, '100/60 is more generous than 300/300');
    assert.ok(compareGenerosity(c, a) < 0, 'same rate: more calls first');
  });

  it('groups order their roles most generous first', () => {
    const text = BASE_CONFIG.replace('  Reader:\n', '  Reader:\n    rateLimit: { calls: 10, renewalPeriod: 60 }\n').replace('  Admin:\n', '  Admin:\n    rateLimit: { calls: 1000, renewalPeriod: 60 }\n');
    const { plan: p } = plan(text);
    const group = p.groups[p.tools.find((t) => t.name === 'inventory.get_stock')!.group]!;
    assert.deepEqual(group.roles, ['Writer', 'Admin', 'Reader']);
  });

  it('UUIDv5 matches RFC 9562 and role ids are stable', () => {
    assert.equal(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
    assert.equal(roleId('MCP.Tools.Read'), roleId('MCP.Tools.Read'));
    assert.notEqual(roleId('MCP.Tools.Read'), roleId('mcp.tools.read'));
    assert.match(roleId('MCP.Admin'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
