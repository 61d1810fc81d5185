/** Work limits: runaway expressions fail as .NET exceptions instead of hanging or exhausting memory. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateToJson } from '../../src/expr/compile.ts';

const run = (text: string, kind: 'expression' | 'block' = 'expression') => evaluateToJson({ text, kind, spanOf: (s, e) => ({ file: 't', start: s, end: e }) as never }, {});
const errorType = (r: ReturnType<typeof run>) => ('error' in r ? r.error.type : JSON.stringify(r));

describe('evaluation budget', () => {
  it('stops endless loops of every kind', () => {
    assert.equal(errorType(run(' while (true) { } ', 'block')), 'System.OperationCanceledException');
    assert.equal(errorType(run(' for (;;) { } ', 'block')), 'System.OperationCanceledException');
    assert.equal(errorType(run(' do { } while (true); ', 'block')), 'System.OperationCanceledException');
    assert.equal(errorType(run(' foreach (var x in Enumerable.Repeat(1, 20000000)) { } return 1; ', 'block')), 'System.OperationCanceledException');
  });

  it('refuses huge arrays and sequences as OutOfMemoryException', () => {
    assert.equal(errorType(run('new int[1000000000].Length')), 'System.OutOfMemoryException');
    assert.equal(errorType(run('Enumerable.Range(0, 100000000).Count()')), 'System.OutOfMemoryException');
  });

  it('leaves ordinary work alone, and each evaluation starts with a fresh budget', () => {
    for (let i = 0; i < 3; i++) assert.deepEqual(run(' var s = 0L; for (var i = 0; i < 3000000; i++) { s += i; } return s; ', 'block'), { type: 'System.Int64', text: '4499998500000', value: 4499998500000 });
  });
});
