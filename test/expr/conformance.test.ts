/**
 * The expression conformance table (issue 3): every case of test/expr/conformance.jsonl, whose
 * expectations come from real C# (scripts/conformance/generate.ts), runs through
 * `evaluateToJson` — the `mcp-apim expr --json` path — and must give the same .NET type and
 * ToString(), the same exception type, or (for what C# rejects at compile time) a load-time
 * diagnostic. A case marked `gap` must still differ: when the emulator catches up, the gap goes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { TABLE_PATH, type TableRow, policySource } from '../../scripts/conformance/table.ts';
import { evaluateToJson } from '../../src/expr/compile.ts';
import { setJitEnabled } from '../../src/expr/jit.ts';

const rows = readFileSync(TABLE_PATH, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as TableRow);

const span = { file: 'conformance', line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, end: 0 };

/** What the emulator does with a case, in the table's terms. */
function actual(row: TableRow): string {
  const { text, kind } = policySource(row.expr);
  let r: ReturnType<typeof evaluateToJson>;
  try {
    r = evaluateToJson({ text, kind, spanOf: () => span }, row.context ?? {});
  } catch (e) {
    return `crash ${e instanceof Error ? e.stack?.split('\n').slice(0, 3).join(' | ') : String(e)}`;
  }
  if ('diagnostics' in r) return `compile error ${r.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`;
  if ('error' in r) return `throws ${r.error.type}`;
  return `${r.type} ${JSON.stringify(r.text)}`;
}

function expected(row: TableRow): string {
  if ('compileError' in row) return 'compile error';
  if ('error' in row) return `throws ${row.error}`;
  return `${row.type} ${JSON.stringify(row.text)}`;
}

const matches = (row: TableRow, got: string): boolean => ('compileError' in row ? got.startsWith('compile error') : got === expected(row));

const groups = new Map<string, TableRow[]>();
for (const row of rows) {
  const g = row.id.slice(0, row.id.lastIndexOf('.'));
  groups.set(g, [...(groups.get(g) ?? []), row]);
}

describe('expression conformance with .NET', () => {
  test('the table is the one the generator writes (at least 500 cases, unique ids)', () => {
    assert.ok(rows.length >= 500, `${rows.length} cases`);
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
  });

  test('every gap is listed in docs/expressions.md with its reason', () => {
    const doc = readFileSync('docs/expressions.md', 'utf8').replace(/\s+/g, ' ');
    for (const gap of new Set(rows.map((r) => r.gap).filter((g) => g !== undefined))) assert.ok(doc.includes(gap), `docs/expressions.md does not list: ${gap}`);
  });

  test('the planner\'s closures and the JavaScript compiled from them agree on every case', () => {
    const compiled = rows.map(actual);
    setJitEnabled(false);
    try {
      const differ = rows.filter((row, i) => actual(row) !== compiled[i]).map((row) => `${row.id}  ${row.expr}`);
      assert.deepEqual(differ, []);
    } finally {
      setJitEnabled(true);
    }
  });

  for (const [group, members] of groups) {
    test(group, () => {
      const failures: string[] = [];
      for (const row of members) {
        const got = actual(row);
        const ok = matches(row, got);
        if (row.gap && ok) failures.push(`${row.id} is marked gap (${row.gap}) but now matches .NET: remove the gap\n    ${row.expr}`);
        if (!row.gap && !ok) failures.push(`${row.id}  ${row.expr}\n    expected ${expected(row)}\n    got      ${got}`);
      }
      assert.equal(failures.length, 0, `\n${failures.join('\n')}`);
    });
  }
});
