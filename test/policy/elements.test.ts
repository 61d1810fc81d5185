import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { literalProblem } from '../../src/policy/check-values.ts';
import { CATEGORY_ORDER, partsOf, policyIndex, policySchemas, structureIndex } from '../../src/policy/elements/index.ts';
import type { ElementSchema } from '../../src/policy/elements/schema.ts';
import { parsePolicy } from '../../src/policy/parse.ts';
import { handlers } from '../../src/runtime/handlers/index.ts';
import type { PolicyElement } from '../../src/policy/tree.ts';

const CORPORA = ['../shared/apim-policy-corpus', '../shared/mcp-apim-policies'];
const xmlFiles = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? xmlFiles(join(d, n)) : n.endsWith('.xml') ? [join(d, n)] : []));

/** Every schema reachable from the index: policies, structure, and their parts. */
function allSchemas(): ElementSchema[] {
  const out: ElementSchema[] = [...policySchemas, ...structureIndex.values()];
  for (const p of policySchemas) for (const { schema } of partsOf(p)) out.push(schema);
  return out;
}

describe('declared policy elements', () => {
  it('are unique by name, each with a category, sections, scopes, a reference page and an emulator status', () => {
    assert.equal(policyIndex.size, policySchemas.length);
    for (const p of policySchemas) {
      assert.ok(CATEGORY_ORDER.includes(p.category), `${p.name}: category ${p.category}`);
      assert.ok(p.sections.length > 0 && p.scopes.length > 0, `${p.name}: sections and scopes`);
      assert.match(p.reference, /^[a-z0-9-]+$/, `${p.name}: reference page`);
      assert.ok(p.attributes.id && !p.attributes.id.required, `${p.name}: every policy takes an optional id`);
      if (p.emulator.status !== 'supported') assert.ok(p.emulator.reason && p.emulator.reason.length > 10, `${p.name}: an unsupported element says why`);
      for (const gap of p.emulator.gaps ?? []) {
        assert.ok(gap.attribute ? p.attributes[gap.attribute] : gap.child ? p.children?.[gap.child] : false, `${p.name}: a gap names a declared attribute or child`);
      }
    }
  });

  it('mark as supported only elements the runtime has a handler for (base and include-fragment are scope composition)', () => {
    const supported = policySchemas.filter((p) => p.emulator.status !== 'unsupported').map((p) => p.name);
    assert.deepEqual(supported.filter((name) => !handlers.has(name) && !['base', 'include-fragment'].includes(name)), []);
    const choose = policyIndex.get('choose')!;
    assert.deepEqual([choose.children!.when!.schema.emulator?.status, choose.children!.otherwise!.schema.emulator?.status], ['supported', 'supported']);
  });

  // The statuses are updated as handlers land (the lead's part); this lists the handlers whose
  // elements are still marked unsupported.
  it('mark every element the runtime has a handler for as supported or partial', () => {
    assert.deepEqual([...handlers.keys()].filter((name) => policyIndex.get(name)?.emulator.status === 'unsupported'), []);
  });

  it('declare defaults and enumerations that their own types accept', () => {
    for (const schema of allSchemas()) {
      for (const [name, a] of Object.entries(schema.attributes)) {
        if (a.default !== undefined) assert.equal(literalProblem(a.default, a.type), undefined, `${schema.name}@${name} default ${a.default}`);
        if (a.type.kind === 'enum') assert.ok(a.type.values.length > 0, `${schema.name}@${name}`);
      }
    }
  });

  it('refuse expressions where APIM resolves the value at save time', () => {
    assert.equal(policyIndex.get('include-fragment')!.attributes['fragment-id']!.expression, false);
    assert.equal(policyIndex.get('set-variable')!.attributes.name!.expression, false);
    const audience = policyIndex.get('validate-azure-ad-token')!.children!.audiences!.schema.children!.audience!.schema;
    assert.equal(audience.text?.expression, false);
    // validate-jwt audiences do take expressions.
    assert.equal(policyIndex.get('validate-jwt')!.children!.audiences!.schema.children!.audience!.schema.text?.expression, true);
    assert.deepEqual(policyIndex.get('rate-limit-by-key')!.unavailableOn, ['Consumption']);
  });

  it('cover every element used in the shared corpora (read from ../shared at test time)', () => {
    assert.ok(CORPORA.every((r) => existsSync(r)), 'the shared corpora are beside the repository');
    // Names that are not APIM policies at all: a toolkit-only construct and two typos of the Dapr
    // policies in the toolkit's decompiler test data. The checker reports them (MA4003).
    const notApim = new Set(['cache-value', 'invoke-darp-binding', 'publish-to-darp']);
    const missing = new Map<string, string>();
    const visit = (e: PolicyElement, schema: ElementSchema | undefined, file: string) => {
      if (!schema || schema.content === 'payload') return;
      for (const c of e.children) {
        if (c.kind !== 'element') continue;
        const child = schema.content === 'policies' ? (policyIndex.get(c.name) ?? structureIndex.get(c.name)) : schema.children?.[c.name]?.schema;
        if (!child && !notApim.has(c.name)) missing.set(`${e.name}/${c.name}`, file);
        visit(c, child, file);
      }
    };
    let documents = 0;
    for (const file of CORPORA.flatMap(xmlFiles)) {
      const doc = parsePolicy(file, readFileSync(file, 'utf8')).document;
      if (!doc) continue;
      documents++;
      for (const root of doc.roots) {
        const schema = structureIndex.get(root.name) ?? policyIndex.get(root.name);
        if (!schema) missing.set(root.name, file);
        visit(root, schema, file);
      }
    }
    assert.ok(documents > 400, `parsed ${documents} documents`);
    assert.deepEqual([...missing], []);
  });
});
