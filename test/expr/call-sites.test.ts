/**
 * Call sites (src/expr/net/call-sites.ts) against the general operations they stand for: one
 * site sees receivers of changing types, records, extension methods, delegates and indexes out
 * of range, and answers exactly as invokeMethod / getIndex / setIndex do.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileExpression, contextValue, evaluateCompiled, stateFromJson } from '../../src/expr/compile.ts';
import { netLibrary } from '../../src/expr/net/library.ts';
import type { Value } from '../../src/expr/port.ts';

const lib = netLibrary;
const failure = (f: () => unknown): string => {
  try {
    const v = f();
    return `value ${v === null ? 'null' : `${lib.typeName(v as Value)} ${lib.toNetString(v as Value)}`}`;
  } catch (e) {
    const x = lib.failureOf(e);
    if (!x) throw e;
    return `throws ${x.type}: ${x.message}`;
  }
};

const list = (items: Value[]) => {
  const t = lib.resolveType({ name: 'List', typeArgs: [lib.resolveType({ name: 'string', typeArgs: [], nullable: false, arrayRanks: [] })!], nullable: false, arrayRanks: [] })!;
  const l = lib.construct(t, [], undefined);
  for (const x of items) lib.invokeMethod(l, 'Add', [x], [], undefined);
  return l;
};

describe('call sites', () => {
  test('a method site answers as invokeMethod while the receiver type changes under it', () => {
    const site = lib.methodSite!('Contains', [], undefined);
    const now = Date.UTC(2026, 0, 1);
    const ctx = contextValue(stateFromJson({ variables: { k: 'v' } }, now), { now: () => now });
    const variables = lib.getMember(ctx, 'Variables');
    const receivers: Value[] = ['abc', list(['b']), 'xbz', null, 42, list([]), variables];
    for (const r of receivers) {
      for (const arg of ['b', 'k'] as Value[]) {
        assert.equal(failure(() => site(r, [arg])), failure(() => lib.invokeMethod(r, 'Contains', [arg], [], undefined)), `${String(r)}.Contains(${String(arg)})`);
      }
    }
  });

  test('extension methods and record methods are found as invokeMethod finds them', () => {
    const token = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.';
    const asJwt = lib.methodSite!('AsJwt', [], undefined);
    assert.equal(failure(() => lib.getMember(asJwt(token, []), 'Subject')), 'value System.String a');
    assert.equal(failure(() => asJwt(token, [])), failure(() => lib.invokeMethod(token, 'AsJwt', [], [], undefined)));
    const now = Date.UTC(2026, 0, 1);
    const ctx = contextValue(stateFromJson({}, now), { now: () => now });
    const trace = lib.methodSite!('Trace', [], undefined);
    assert.equal(failure(() => trace(ctx, ['hello'])), 'value null');
    assert.equal(failure(() => trace('text', ['hello'])), failure(() => lib.invokeMethod('text', 'Trace', ['hello'], [], undefined)));
  });

  test('index sites read and write strings and arrays with the exceptions of getIndex and setIndex', () => {
    const read = lib.indexSite!();
    const write = lib.setIndexSite!();
    const chars = lib.invokeMethod('hey', 'ToCharArray', [], [], undefined);
    for (const target of ['hey', chars, list(['a', 'b'])]) {
      for (const i of [0, 2, -1, 3, 'x'] as Value[]) {
        assert.equal(failure(() => read(target, i)), failure(() => lib.getIndex(target, [i])), `${String(target)}[${String(i)}]`);
      }
    }
    const a = lib.invokeMethod('hey', 'ToCharArray', [], [], undefined);
    const b = lib.invokeMethod('hey', 'ToCharArray', [], [], undefined);
    const z = lib.literal('char', 'z');
    for (const i of [1, 5, -1] as Value[]) {
      assert.equal(failure(() => write(a, i, z)), failure(() => lib.setIndex(b, [i], z)), `[${String(i)}] = 'z'`);
    }
    assert.equal(lib.toNetString(lib.construct(lib.resolveType({ name: 'string', typeArgs: [], nullable: false, arrayRanks: [] })!, [a], undefined)), 'hzy');
    assert.equal(failure(() => write('hey', 0, z)), failure(() => lib.setIndex('hey', [0], z)), 'strings are read-only');
    // a write through the site is seen by what is derived from the array (IndexOfAny's matcher)
    const stops = lib.invokeMethod('q', 'ToCharArray', [], [], undefined);
    assert.equal(lib.invokeMethod('abc', 'IndexOfAny', [stops], [], undefined), -1);
    write(stops, 0, lib.literal('char', 'c'));
    assert.equal(lib.invokeMethod('abc', 'IndexOfAny', [stops], [], undefined), 2);
  });

  test('a member site answers as getMember on records, strings, arrays, anonymous objects and null', () => {
    const now = Date.UTC(2026, 0, 1);
    const ctxA = contextValue(stateFromJson({ request: { method: 'GET', headers: { a: '1' } } }, now), { now: () => now });
    const ctxB = contextValue(stateFromJson({ request: { method: 'POST' } }, now), { now: () => now });
    const anonymous = (() => {
      const r = compileExpression({ text: 'new { Length = 7, Method = "anon" }', kind: 'expression', spanOf: () => ({ file: 't', line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, end: 0 }) });
      return evaluateCompiled(r.compiled!, ctxA, () => now);
    })();
    const receivers: Value[] = [ctxA, lib.getMember(ctxA, 'Request'), lib.getMember(ctxB, 'Request'), 'abc', 'de', list(['x']), lib.invokeMethod('hey', 'ToCharArray', [], [], undefined), anonymous, null, 5, lib.getMember(ctxA, 'Api')];
    for (const name of ['Method', 'Length', 'Count', 'Request', 'Headers', 'HasValue', 'Value', 'Missing', 'toString', 'constructor']) {
      const site = lib.memberSite!(name);
      for (const pass of [1, 2]) {
        for (const r of receivers) {
          assert.equal(failure(() => site(r)), failure(() => lib.getMember(r, name)), `pass ${pass}: ${r === null ? 'null' : lib.typeName(r)}.${name}`);
        }
      }
    }
    assert.equal(lib.memberSite!('Method')(lib.getMember(ctxB, 'Request')), 'POST');
  });

  test('index sites read JSON tokens and context.Variables, and write JObjects, as getIndex and setIndex do', () => {
    const read = lib.indexSite!();
    const write = lib.setIndexSite!();
    const parse = (text: string) => lib.invokeStatic(lib.resolveType({ name: 'JToken', typeArgs: [], nullable: false, arrayRanks: [] })!, 'Parse', [text], [], undefined);
    const now = Date.UTC(2026, 0, 1);
    const variables = lib.getMember(contextValue(stateFromJson({ variables: { k: 'v', n: 3 } }, now), { now: () => now }), 'Variables');
    const object = parse('{"a": 1, "b": {"c": [1, 2]}, "n": null}');
    const targets: Value[] = [object, parse('[10, 20]'), parse('"text"'), lib.getIndex(object, ['b']), variables];
    for (const target of targets) {
      for (const i of ['a', 'b', 'k', 'n', 'missing', 0, 1, 5, -1, null] as Value[]) {
        assert.equal(failure(() => read(target, i)), failure(() => lib.getIndex(target, [i])), `${lib.toNetString(target)}[${String(i)}]`);
      }
    }
    const x = parse('{"a": 1}');
    const y = parse('{"a": 1}');
    for (const [k, v] of [['a', 2], ['z', 'new'], ['b', null], ['c', parse('[1]')]] as [Value, Value][]) {
      assert.equal(failure(() => write(x, k, v)), failure(() => lib.setIndex(y, [k], v)), `[${String(k)}] = ${String(v)}`);
    }
    assert.equal(lib.toNetString(x), lib.toNetString(y));
    assert.equal(failure(() => write(variables, 'k', 'w')), failure(() => lib.setIndex(variables, ['k'], 'w')), 'context.Variables is read-only');
  });
});
