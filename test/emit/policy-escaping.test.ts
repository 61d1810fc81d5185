import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { apiPolicy } from '../../src/emit/policy/api-policy.ts';
import { csString } from '../../src/emit/policy/csharp.ts';
import { rolesOfMask } from '../../src/emit/policy/role-mask.ts';
import { toolsListPolicy } from '../../src/emit/policy/tools-list.ts';
import { buildPlan } from '../../src/plan/build.ts';
import { parsePolicy } from '../../src/policy/parse.ts';
import { walk } from '../../src/policy/tree.ts';
import { load } from '../support/config.ts';

/** Decodes a C# regular string literal (the escapes csString writes). */
function decodeCs(literal: string): string {
  assert.ok(literal.startsWith('"') && literal.endsWith('"'), literal);
  return literal.slice(1, -1).replace(/\\(u[0-9A-Fa-f]{4}|.)/g, (_, e: string) => (e.length === 5 ? String.fromCharCode(Number.parseInt(e.slice(1), 16)) : e === 'n' ? '\n' : e === 't' ? '\t' : e));
}

const LITERAL = /"(?:[^"\\\n]|\\.)*"/g;

/** The element and attribute names of a parsed policy, in document order (must parse). */
function skeleton(xml: string): string[] {
  const r = parsePolicy('p.xml', xml);
  assert.ok(r.document, `the compiled policy parses: ${JSON.stringify(r.diagnostics)}`);
  return r.document.roots.flatMap((root) => [...walk(root)].map((e) => `${e.name}(${e.attributes.map((a) => `${a.name}:${a.value.kind}`).join(',')})`));
}

/** Reads the tool → roles table back out of the classifier's `switch (name)` and its role masks. */
function readDecisionTable(xml: string, roleOrder: readonly string[]): Map<string, string[]> {
  const start = xml.indexOf('switch (name) {');
  assert.ok(start > 0, 'the tool switch is present');
  const end = xml.indexOf('\n  }\n', start);
  const table = new Map<string, string[]>();
  let pending: string[] = [];
  for (const line of xml.slice(start, end).split('\n').slice(1)) {
    const trimmed = line.trim();
    if (trimmed.startsWith('case ')) pending.push(decodeCs(trimmed.slice(5, -1)));
    else if (trimmed.startsWith('mask = ')) {
      const roles = rolesOfMask(decodeCs(trimmed.match(LITERAL)![0]), roleOrder);
      for (const tool of pending) table.set(tool, roles);
      pending = [];
    }
  }
  return table;
}

const DANGEROUS = ['"', "'", ')', '}', ']]>', '@(', '@{', '{{', '}}', '&', '&amp;', '<', '</set-variable>', '>', '\n', '\r', '\\', '\u0000', 'é', '日本', '\u200b', '😀', 'case ', ':', ';'];
const piece = fc.oneof(fc.constantFrom(...DANGEROUS), fc.string({ minLength: 1, maxLength: 4 }));
// Wrapped in a sentinel so a text can never coincide with the policy's own code (e.g. "& " in "&& ").
const hostileText = fc.array(piece, { minLength: 1, maxLength: 6 }).map((parts) => `Zq${parts.join('')}Zq`);
const roleValue = fc.stringMatching(/^[A-Za-z][A-Za-z0-9._:-]{0,12}$/);

describe('policy emission under hostile names (property)', () => {
  it('config values never change the policy structure, and the decision table reads back equal to the plan', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(hostileText, { minLength: 1, maxLength: 6 }),
        fc.uniqueArray(roleValue, { minLength: 1, maxLength: 4 }),
        hostileText,
        fc.array(fc.boolean(), { minLength: 36, maxLength: 36 }),
        (names, roles, description, bits) => {
          const config = {
            apiVersion: 'mcp-apim/v1',
            api: { name: 'mcp-tools', displayName: description, path: 'mcp/v1', backend: 'https://backend.example/mcp' },
            identity: { tenantId: '00000000-0000-0000-0000-000000000001', audience: 'api://gateway' },
            catalog: {
              allowNonStandardNames: true,
              tools: names.map((name, i) => ({ name, description, annotations: { readOnlyHint: bits[i] ?? false } })),
            },
            roles: Object.fromEntries(roles.map((role, r) => [role, { description, allow: [{ tools: names.filter((_, i) => bits[(r * 6 + i) % 36]) .length > 0 ? names.filter((_, i) => bits[(r * 6 + i) % 36]) : [names[0]!] }] }])),
            security: { blockPatterns: [description] },
          };
          const loaded = load(stringify(config));
          assert.ok(loaded.config, JSON.stringify(loaded.diagnostics));
          const { plan } = buildPlan(loaded.config);
          const xml = apiPolicy(plan);
          const listXml = toolsListPolicy(plan);

          // The output parses, and its element/attribute skeleton is that of the same config with
          // benign names: no name or description can add, remove or reshape a policy element.
          const benign = structuredClone(config);
          const rename = new Map(names.map((n, i) => [n, `tool${i}`]));
          benign.api.displayName = 'd';
          benign.security.blockPatterns = ['p'];
          benign.catalog.tools = benign.catalog.tools.map((t) => ({ ...t, name: rename.get(t.name)!, description: 'd' }));
          for (const role of Object.values(benign.roles)) {
            role.description = 'd';
            role.allow = role.allow.map((rule) => ({ tools: rule.tools.map((n) => rename.get(n)!) }));
          }
          const { plan: benignPlan } = buildPlan(load(stringify(benign)).config!);
          assert.deepEqual(skeleton(xml), skeleton(apiPolicy(benignPlan)));
          assert.deepEqual(skeleton(listXml), skeleton(toolsListPolicy(benignPlan)));

          // No named-value reference can be formed, and no raw hostile text survives.
          assert.ok(!xml.includes('{{') && !listXml.includes('{{'), 'a policy contains "{{"');
          const texts = [...names, description];
          for (const text of texts) {
            // Texts with a character that XML or named values give meaning to never appear raw.
            // Another text's escaped literal may spell this one (the literal of Zq"Zq is
            // "Zq\"Zq", which holds the text Zq\"Zq): those literals are set aside first.
            const others = texts.filter((t) => t !== text).map(csString);
            const without = (policy: string) => others.reduce((rest, literal) => rest.split(literal).join(''), policy);
            if (/[<>&"'\\\u0000-\u001f\u007f-\uffff]|\{\{|\}\}/.test(text)) assert.ok(!without(xml).includes(text) && !without(listXml).includes(text), `raw text ${JSON.stringify(text)} appears in the policy`);
            assert.ok(xml.includes(csString(text)) || !names.includes(text), `${JSON.stringify(text)} appears as its escaped literal`);
          }
          // Every C# literal decodes; the table read back equals the plan.
          const table = readDecisionTable(xml, plan.roleOrder);
          assert.equal(table.size, plan.tools.length);
          for (const tool of plan.tools) {
            const want = plan.roles.filter((r) => plan.decisions[r.value]![tool.name]!.allowed).map((r) => r.value).sort();
            assert.deepEqual([...(table.get(tool.name) ?? ['<missing>'])].sort(), want, `roles for ${JSON.stringify(tool.name)}`);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('role values outside the safe alphabet are refused by the config language', () => {
    const loaded = load(stringify({ apiVersion: 'mcp-apim/v1', api: { name: 'a1', path: 'p', backend: 'https://b' }, identity: { tenantId: '00000000-0000-0000-0000-000000000001', audience: 'x' }, catalog: { tools: [{ name: 't' }] }, roles: { 'a"b': { allow: [{ tools: ['t'] }] } } }));
    assert.equal(loaded.config, undefined);
    assert.ok(loaded.diagnostics.some((d) => d.code === 'MA1005'));
  });
});
