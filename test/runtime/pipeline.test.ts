import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnostic } from '../../src/diagnostics/index.ts';
import { parsePolicy } from '../../src/policy/parse.ts';
import type { PolicyDocument } from '../../src/policy/tree.ts';
import { handle, UnsupportedFeature } from '../../src/runtime/pipeline.ts';
import { composeScopes, expandFragments } from '../../src/runtime/scopes.ts';
import { FixedWindowCounters } from '../../src/runtime/stores/fixed-window.ts';
import { SlidingWindowCounters } from '../../src/runtime/stores/sliding-window.ts';
import { type BackendRequest, headersFrom, type Ports } from '../../src/runtime/types.ts';

const doc = (xml: string): PolicyDocument => {
  const r = parsePolicy('p.xml', xml);
  assert.ok(r.document, JSON.stringify(r.diagnostics));
  return r.document;
};

/** Ports with a recording backend and an expression port that compiles nothing (literal policies only). */
function ports(): Ports & { sent: BackendRequest[] } {
  const sent: BackendRequest[] = [];
  let id = 0;
  return {
    sent,
    now: () => 1_900_000_000_000,
    backend: async (r) => {
      sent.push(r);
      return { status: 200, reason: 'OK', headers: headersFrom({ 'content-type': 'application/json', 'x-backend': 'yes' }), body: '{"ok":true}' };
    },
    counters: new SlidingWindowCounters(),
    quotas: new FixedWindowCounters(),
    newId: () => `00000000-0000-0000-0000-${String(++id).padStart(12, '0')}`,
    fetchJson: async (url) => assert.fail(`no identity provider in these tests (${url})`),
    expressions: { compile: (source) => ({ diagnostics: [diagnostic('MA4001', `no engine for ${source.text}`)] }), evaluate: () => assert.fail('never'), toText: String },
  };
}

const request = { method: 'POST', url: 'https://gw.example/mcp', headers: headersFrom({ 'content-type': 'application/json' }), body: '{"a":1}' };
const names = (steps: readonly { element: { attributes: readonly { name: string; value: { kind: string } }[] } }[]) => steps.map((s) => (s.element.attributes.find((a) => a.name === 'name')?.value as { text?: string } | undefined)?.text);

describe('scope composition (<base /> splicing)', () => {
  const global = doc('<policies><inbound><set-header name="g" /></inbound><outbound><set-header name="g-out" /></outbound></policies>');
  it('splices the parent at the exact position of <base />', () => {
    const api = doc('<policies><inbound><set-header name="a1" /><base /><set-header name="a2" /></inbound></policies>');
    const op = doc('<policies><inbound><set-header name="o" /><base /></inbound></policies>');
    assert.deepEqual(names(composeScopes({ global, api, operation: op }).inbound), ['o', 'a1', 'g', 'a2']);
  });
  it('a section without <base /> drops its parents; a missing section or scope passes them through', () => {
    const api = doc('<policies><inbound><set-header name="a" /></inbound></policies>');
    const composed = composeScopes({ global, api });
    assert.deepEqual(names(composed.inbound), ['a']);
    assert.deepEqual(names(composed.outbound), ['g-out']);
  });
  it('records which scope each step came from', () => {
    const composed = composeScopes({ global, api: doc('<policies><inbound><base /><set-header name="a" /></inbound></policies>') });
    assert.deepEqual(composed.inbound.map((s) => s.scope), ['global', 'api']);
  });
  it('inlines fragments in place and reports missing ones and cycles', () => {
    const api = doc('<policies><inbound><include-fragment fragment-id="f1" /><include-fragment fragment-id="nope" /></inbound></policies>');
    const fragments = new Map([
      ['f1', doc('<fragment><set-header name="f1" /><include-fragment fragment-id="f2" /></fragment>')],
      ['f2', doc('<fragment><set-header name="f2" /><include-fragment fragment-id="f1" /></fragment>')],
    ]);
    const problems: string[] = [];
    const steps = expandFragments(composeScopes({ api }).inbound, fragments, (m) => problems.push(m));
    assert.deepEqual(names(steps), ['f1', 'f2']);
    assert.deepEqual(problems, ['fragment f1 includes itself (f1 → f2 → f1)', 'fragment nope is not defined']);
  });
});

describe('pipeline', () => {
  it('runs inbound, forwards what the policies left, and runs outbound on the response', async () => {
    const p = ports();
    const policy = composeScopes({ api: doc('<policies><inbound><set-header name="x-in" exists-action="override"><value>1</value><value>2</value></set-header><set-header name="content-type" exists-action="delete" /><set-body>{"b":2}</set-body></inbound><backend><forward-request /></backend><outbound><set-header name="x-out"><value>o</value></set-header></outbound></policies>') });
    const r = await handle(policy, request, p);
    assert.equal(r.forwarded, true);
    assert.deepEqual([...p.sent[0]!.headers], [['x-in', ['1,2']]]);
    assert.equal(p.sent[0]!.body, '{"b":2}');
    assert.deepEqual([r.status, r.headers.get('x-out'), r.headers.get('x-backend'), r.body], [200, ['o'], ['yes'], '{"ok":true}']);
  });

  it("leaves the caller's request as it was, so a caller may send the same request again", async () => {
    const p = ports();
    const mine = { method: 'POST', url: 'https://gw.example/mcp', headers: headersFrom({ 'content-type': 'application/json', 'x-keep': ['a', 'b'] }), body: '{"a":1}' };
    const before = JSON.stringify([...mine.headers]);
    const policy = composeScopes({ api: doc('<policies><inbound><set-header name="x-keep" exists-action="append"><value>c</value></set-header><set-header name="content-type" exists-action="delete" /><set-header name="x-new"><value>n</value></set-header><set-body>{"b":2}</set-body><set-method>PUT</set-method></inbound><backend><forward-request /></backend></policies>') });
    for (let i = 0; i < 2; i++) {
      await handle(policy, mine, p);
      assert.equal(JSON.stringify([...mine.headers]), before);
      assert.deepEqual([mine.method, mine.body], ['POST', '{"a":1}']);
      assert.deepEqual([...p.sent[i]!.headers], [['x-keep', ['a', 'b', 'c']], ['x-new', ['n']]]);
    }
  });

  it('forwards through the global default when no scope has a backend section', async () => {
    const p = ports();
    const r = await handle(composeScopes({ api: doc('<policies><inbound /></policies>') }), request, p);
    assert.equal(r.forwarded, true);
    assert.equal(p.sent[0]!.body, '{"a":1}');
  });

  it('return-response ends the pipeline: nothing forwarded, no outbound', async () => {
    const p = ports();
    const policy = composeScopes({ api: doc('<policies><inbound><choose><when condition="true"><return-response><set-status code="403" reason="Forbidden" /><set-header name="content-type"><value>application/json</value></set-header><set-body>{"x":1}</set-body></return-response></when></choose><set-header name="never" /></inbound><outbound><set-header name="x-out"><value>o</value></set-header></outbound></policies>') });
    const r = await handle(policy, request, p);
    assert.deepEqual([r.status, r.reason, r.forwarded, r.body, r.headers.get('x-out'), p.sent.length], [403, 'Forbidden', false, '{"x":1}', undefined, 0]);
  });

  it('a failing step runs on-error with context.LastError filled; unhandled, APIM answers 500 with an activity id', async () => {
    const policy = composeScopes({ api: doc('<policies><inbound><set-status code="abc" /></inbound><on-error><set-header name="x-error"><value>seen</value></set-header></on-error></policies>') });
    const r = await handle(policy, request, ports());
    assert.equal(r.status, 500);
    assert.deepEqual(r.headers.get('x-error'), ['seen']);
    assert.equal(r.body, '{ "statusCode": 500, "message": "Internal server error", "activityId": "00000000-0000-0000-0000-000000000001" }');
    assert.ok(r.trace.some((t) => t.section === 'inbound' && /ExpressionValueEvaluationFailure/.test(t.message)));
  });

  it('never invents an answer for what it cannot run', async () => {
    await assert.rejects(handle(composeScopes({ api: doc('<policies><inbound><xsl-transform /></inbound></policies>') }), request, ports()), (e) => e instanceof UnsupportedFeature && /no handler for <xsl-transform>/.test(e.message));
    await assert.rejects(handle(composeScopes({ api: doc('<policies><inbound><set-variable name="a" value="@(1 + 1)" /></inbound></policies>') }), request, ports()), (e) => e instanceof UnsupportedFeature && /@\(1 \+ 1\)/.test(e.message));
  });
});
