import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnostic } from '../../src/diagnostics/index.ts';
import { parsePolicy } from '../../src/policy/parse.ts';
import { handle } from '../../src/runtime/pipeline.ts';
import { composeScopes } from '../../src/runtime/scopes.ts';
import { FixedWindowCounters } from '../../src/runtime/stores/fixed-window.ts';
import { SlidingWindowCounters } from '../../src/runtime/stores/sliding-window.ts';
import { type BackendRequest, type BodyStream, headersFrom, type Ports } from '../../src/runtime/types.ts';

const policy = (xml: string) => {
  const r = parsePolicy('p.xml', xml);
  assert.ok(r.document, JSON.stringify(r.diagnostics));
  return composeScopes({ api: r.document });
};

async function* events(): BodyStream {
  yield new TextEncoder().encode('event: message\ndata: {"a":1}\n\n');
  yield new TextEncoder().encode('event: message\ndata: {"b":2}\n\n');
}

/** A backend that answers with a stream whenever the request allows one. */
function ports(stream: BodyStream): Ports & { sent: BackendRequest[] } {
  const sent: BackendRequest[] = [];
  return {
    sent,
    now: () => 1_900_000_000_000,
    backend: async (r) => {
      sent.push(r);
      const headers = headersFrom({ 'content-type': 'text/event-stream' });
      return r.streamResponse ? { status: 200, headers, body: '', stream } : { status: 200, headers, body: 'whole' };
    },
    counters: new SlidingWindowCounters(),
    quotas: new FixedWindowCounters(),
    newId: () => '00000000-0000-0000-0000-000000000001',
    fetchJson: async () => assert.fail('no identity provider here'),
    expressions: { compile: (source) => ({ diagnostics: [diagnostic('MA4001', `no engine for ${source.text}`)] }), evaluate: () => assert.fail('never'), toText: String },
  };
}

const request = { method: 'POST', url: 'https://gw.example/mcp', headers: headersFrom({ 'content-type': 'application/json' }), body: '{}' };

describe('streamed backend answers (forward-request buffer-response="false")', () => {
  it('hands the very stream to the caller, untouched and unread, when no outbound policy runs', async () => {
    const stream = events();
    const p = ports(stream);
    const response = await handle(policy('<policies><inbound /><backend><forward-request buffer-response="false" /></backend><outbound /></policies>'), request, p);
    assert.equal(p.sent[0]!.streamResponse, true);
    assert.equal(response.stream, stream, 'the same iterable: nothing was buffered');
    assert.equal(response.body, '');
    assert.equal(response.forwarded, true);
    assert.match(response.trace.at(-1)!.message, /→ 200 \(streamed\)/);
    let text = '';
    for await (const chunk of response.stream!) text += new TextDecoder().decode(chunk);
    assert.equal(text.split('\n\n').length, 3, 'both events are still there to read');
  });

  it('buffers the stream when outbound policies run, so they see and change the whole body', async () => {
    const p = ports(events());
    const response = await handle(policy('<policies><inbound /><backend><forward-request buffer-response="false" /></backend><outbound><find-and-replace from="{&quot;b&quot;:2}" to="{&quot;b&quot;:3}" /></outbound></policies>'), request, p);
    assert.equal(response.stream, undefined);
    assert.equal(response.body, 'event: message\ndata: {"a":1}\n\nevent: message\ndata: {"b":3}\n\n');
    assert.ok(response.trace.some((t) => /buffered .* because outbound policies run/.test(t.message)));
  });

  it('never asks for a stream by default (buffer-response defaults to true)', async () => {
    const p = ports(events());
    const response = await handle(policy('<policies><inbound /><backend><forward-request /></backend><outbound /></policies>'), request, p);
    assert.equal(p.sent[0]!.streamResponse, undefined);
    assert.equal(response.stream, undefined);
    assert.equal(response.body, 'whole');
  });

  it('a response the policies replace (return-response after the backend) carries no stream', async () => {
    const p = ports(events());
    const response = await handle(policy('<policies><inbound /><backend><forward-request buffer-response="false" /></backend><outbound><return-response><set-status code="202" /></return-response></outbound></policies>'), request, p);
    assert.equal(response.status, 202);
    assert.equal(response.stream, undefined);
  });
});
