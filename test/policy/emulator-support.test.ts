import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { policySchemas } from '../../src/policy/elements/index.ts';
import { emulatorSupportMarkdown } from '../../src/policy/elements/support-doc.ts';
import { updating } from '../support/golden.ts';

const DOC = 'docs/emulator-support.md';

describe('docs/emulator-support.md', () => {
  it('is generated from the element schemas (UPDATE_GOLDEN=1 regenerates it)', () => {
    const generated = emulatorSupportMarkdown();
    if (updating) writeFileSync(DOC, generated);
    assert.ok(existsSync(DOC), `${DOC} is missing (run with UPDATE_GOLDEN=1)`);
    assert.equal(readFileSync(DOC, 'utf8'), generated, `${DOC} is stale: run the test with UPDATE_GOLDEN=1 after changing src/policy/elements`);
  });

  it('lists every policy with its status, and every reason and gap', () => {
    const doc = emulatorSupportMarkdown();
    for (const p of policySchemas) {
      assert.match(doc, new RegExp(`\\| \\[\`${p.name}\`\\]\\(https://learn\\.microsoft\\.com/azure/api-management/${p.reference}\\) \\| ${p.emulator.status} \\|`), p.name);
      if (p.emulator.reason) assert.ok(doc.includes(p.emulator.reason), `${p.name}: reason`);
      for (const g of p.emulator.gaps ?? []) assert.ok(doc.includes(`— ${g.reason}.`), `${p.name}: gap ${g.reason}`);
    }
  });
});
