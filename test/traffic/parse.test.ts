import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkExpectation, subsetMatches } from '../../src/traffic/expect.ts';
import { parseDuration, parseTraffic } from '../../src/traffic/parse.ts';

const line = (o: unknown) => JSON.stringify(o);
const ok = { name: 'a', request: { method: 'POST', path: '/mcp/v1', body: { jsonrpc: '2.0', id: 1, method: 'ping' } }, expect: { status: 200 } };

describe('traffic files (DESIGN §6)', () => {
  it('reads exchanges with their lines, lower-cased headers and serialised bodies', () => {
    const text = ['', line({ ...ok, advance: '61s', request: { ...ok.request, headers: { 'Content-Type': 'application/json' }, token: { claims: { roles: ['R'] } } } }), line({ name: 'b', request: { method: 'GET', path: '/mcp/v1?x=1' }, expect: { forwarded: true } })].join('\n');
    const { exchanges, diagnostics } = parseTraffic('t.jsonl', text);
    assert.deepEqual(diagnostics, []);
    assert.equal(exchanges.length, 2);
    assert.equal(exchanges[0]!.line, 2);
    assert.equal(exchanges[0]!.advanceMs, 61_000);
    assert.deepEqual(exchanges[0]!.request.headers, { 'content-type': 'application/json' });
    assert.equal(exchanges[0]!.request.bodyText, '{"jsonrpc":"2.0","id":1,"method":"ping"}');
    assert.equal(exchanges[1]!.request.bodyText, undefined);
  });

  const bad: Array<[string, string, string, number]> = [
    ['not JSON', '{"name": ', 'MA7001', 1],
    ['no expect', line({ name: 'x', request: ok.request }), 'MA7003', 1],
    ['missing request path', line({ ...ok, request: { method: 'POST' } }), 'MA7002', 1],
    ['duplicate name', `${line(ok)}\n${line(ok)}`, 'MA7004', 2],
    ['authorization and token', line({ ...ok, request: { ...ok.request, headers: { Authorization: 'Bearer x' }, token: {} } }), 'MA7005', 1],
    ['bad advance', line({ ...ok, advance: 'soon' }), 'MA7006', 1],
    ['body and bodyText', line({ ...ok, request: { ...ok.request, bodyText: '{}' } }), 'MA7007', 1],
    ['empty expect', line({ ...ok, expect: {} }), 'MA7002', 1],
    ['unknown member', line({ ...ok, expected: {} }), 'MA7002', 1],
  ];
  for (const [note, text, code, at] of bad) {
    it(`${code}: ${note} (reported with its line)`, () => {
      const { exchanges, diagnostics } = parseTraffic('t.jsonl', text);
      assert.deepEqual(exchanges, [], 'no exchanges from an invalid file');
      const d = diagnostics.find((x) => x.code === code);
      assert.ok(d, `expected ${code}, got ${diagnostics.map((x) => x.code).join(', ')}`);
      assert.equal(d.span?.line, at);
      assert.equal(d.span?.file, 't.jsonl');
    });
  }

  it('parses durations', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('5 minutes'), undefined);
  });
});

describe('expectations', () => {
  it('subset match: extra object members allowed, arrays exact in length', () => {
    assert.ok(subsetMatches({ a: 1 }, { a: 1, b: 2 }));
    assert.ok(!subsetMatches({ a: [1] }, { a: [1, 2] }));
    assert.ok(subsetMatches({ a: [{ x: 1 }] }, { a: [{ x: 1, y: 2 }] }));
    assert.ok(!subsetMatches({ a: null }, {}));
    assert.ok(!subsetMatches(1, '1'));
  });

  it('reports each unmet part', () => {
    const observed = { status: 403, forwarded: false, headers: { 'content-type': 'application/json' }, bodyText: '{"jsonrpc":"2.0","id":7,"error":{"code":-32003,"message":"x"}}' };
    assert.deepEqual(checkExpectation({ status: 403, forwarded: false, jsonrpcErrorCode: -32003, body: { id: 7 }, headers: { 'Content-Type': true, 'Retry-After': false } }, observed), []);
    assert.deepEqual(checkExpectation({ status: 200, forwarded: true, jsonrpcErrorCode: -32029, headers: { 'retry-after': '5', 'content-type': 'text/plain' } }, observed), [
      'status: expected 200, got 403',
      'forwarded: expected true, got false',
      'header retry-after: expected "5", got nothing',
      'header content-type: expected "text/plain", got "application/json"',
      'jsonrpcErrorCode: expected -32029, got -32003',
    ]);
  });
});
