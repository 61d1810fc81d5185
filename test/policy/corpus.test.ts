import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CORPORA, constructOf, type CorpusReport, runCorpora, scanCorpora, TARGETS } from '../../scripts/corpus.ts';
import { expressionChecker } from '../../src/cli/policy.ts';
import { policySchemas } from '../../src/policy/elements/index.ts';

// The corpora are read from ../shared at test time (never copied into the repository).
describe('npm run corpus over the shared corpora', () => {
  let report: CorpusReport | undefined;
  const scan = () => (report ??= scanCorpora(CORPORA, { checkExpression: expressionChecker() }));

  it('finds both corpora beside the repository', () => {
    assert.ok(CORPORA.every((root) => existsSync(root)), `${CORPORA.join(', ')} are beside the repository`);
    assert.ok(scan().total.files >= 400, `found ${scan().total.files} files`);
  });

  it(`parses at least ${TARGETS.parsed * 100} % of the files`, () => {
    const { total } = scan();
    assert.ok(total.parsed / total.files >= TARGETS.parsed, `parsed ${total.parsed} of ${total.files}`);
  });

  it('counts as unsupported exactly what the element schemas mark as not run (elements and gaps)', () => {
    const declared = new Set<string>();
    for (const p of policySchemas) {
      if (p.emulator.status === 'unsupported') declared.add(`<${p.name}>`);
      for (const gap of p.emulator.gaps ?? []) declared.add(gap.attribute ? `<${p.name} ${gap.attribute}${gap.value ? `="${gap.value}"` : ''}>` : `<${p.name}><${gap.child}>`);
    }
    // MA5xxx come from the expression engine (constructs and members it does not run), labelled by message.
    const found = scan().constructs.map((c) => c.construct).filter((c) => !c.startsWith('MA5'));
    assert.deepEqual(found.filter((c) => !declared.has(c)), []);
    assert.ok(found.length > 0);
    const { total } = scan();
    assert.ok(total.clean <= total.parsed && scan().constructs.every((c) => c.files <= total.files && c.occurrences >= c.files));
  });

  it('labels a construct by element, attribute or child', () => {
    const d = (message: string) => ({ code: 'MA4016' as const, severity: 'warning' as const, message });
    assert.equal(constructOf(d('the local emulator does not run <retry>: no handler')), '<retry>');
    assert.equal(constructOf(d('the local emulator does not honour template="liquid" on <set-body>: not rendered')), '<set-body template="liquid">');
    assert.equal(constructOf(d('the local emulator does not honour <decryption-keys> in <validate-jwt>: no JWE')), '<validate-jwt><decryption-keys>');
  });

  it(`runs at least ${TARGETS.ran * 100} % of the files to a response in the emulator (the run column)`, async () => {
    const run = await runCorpora(CORPORA);
    assert.equal(run.files, scan().total.files);
    assert.ok(run.ran / run.files >= TARGETS.ran, `${run.ran} of ${run.files} ran; stopped by: ${run.reasons.slice(0, 5).map((r) => `${r.reason} (${r.files})`).join('; ')}`);
    assert.ok(run.reasons.every((r) => !r.reason.startsWith('crash:')), `no document crashes the runtime: ${run.reasons.filter((r) => r.reason.startsWith('crash:')).map((r) => r.reason).join('; ')}`);
  });

  it(`leaves at least ${TARGETS.clean * 100} % of the files without unsupported constructs`, () => {
    const { total } = scan();
    assert.ok(total.clean / total.files >= TARGETS.clean, `${total.clean} of ${total.files} files (${((100 * total.clean) / total.files).toFixed(1)} %) have no unsupported construct`);
  });
});
