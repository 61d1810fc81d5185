/**
 * set-variable's trace line shows a JSON value as it was when it was set, whatever changes it
 * later in the request. These cases change a traced value through every JSON-changing API a
 * policy can call, on the value itself and on tokens inside it. (Rendering the text lazily was
 * tried and measured: no gain the benchmark could see; these cases guard any later attempt.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicy } from '../../src/policy/parse.ts';
import { expressionPort } from '../../src/runtime/expressions.ts';
import { handle } from '../../src/runtime/pipeline.ts';
import { composeScopes } from '../../src/runtime/scopes.ts';
import { FixedWindowCounters } from '../../src/runtime/stores/fixed-window.ts';
import { SlidingWindowCounters } from '../../src/runtime/stores/sliding-window.ts';
import { headersFrom, type Ports } from '../../src/runtime/types.ts';

const now = Date.UTC(2026, 0, 1);
const ports = (): Ports => ({
  now: () => now,
  backend: async () => ({ status: 200, headers: headersFrom({}), body: '' }),
  counters: new SlidingWindowCounters(),
  quotas: new FixedWindowCounters(),
  newId: () => '00000000-0000-0000-0000-000000000001',
  expressions: expressionPort(() => now),
  fetchJson: async () => assert.fail('no identity provider here'),
});

const ORIGINAL = '{"a":1,"b":[1,2],"c":{"d":true}}';

/** Sets `o` to ORIGINAL parsed, runs `change` on it (C# statements with `o` in scope), traces `o` again. */
async function traceOf(change: string): Promise<{ before: string; after: string; json: string }> {
  const xml = `<policies><inbound>
    <set-variable name="o" value='@(JObject.Parse("${ORIGINAL.replace(/"/g, '\\"')}"))' />
    <set-variable name="changed" value='@{ var o = (JObject)context.Variables["o"]; ${change} return true; }' />
    <set-variable name="again" value='@((JObject)context.Variables["o"])' />
    <return-response><set-status code="200" reason="OK" /></return-response>
  </inbound></policies>`;
  const parsed = parsePolicy('p.xml', xml);
  assert.ok(parsed.document, JSON.stringify(parsed.diagnostics));
  const response = await handle(composeScopes({ api: parsed.document }), { method: 'GET', url: 'https://gw.test/', headers: headersFrom({}) }, ports());
  const lines = response.trace.filter((t) => t.policy === 'set-variable').map((t) => t.message);
  assert.equal(lines.length, 3, JSON.stringify(response.trace));
  return { before: lines[0]!, after: lines[2]!, json: JSON.stringify(response.trace) };
}

const indented = (json: string) => `o = ${JSON.stringify(JSON.parse(json), null, 2)}`;
const again = (json: string) => `again = ${JSON.stringify(JSON.parse(json), null, 2)}`;

describe('a traced JSON variable changed later', () => {
  const changes: readonly (readonly [string, string])[] = [
    ['o["a"] = 2;', '{"a":2,"b":[1,2],"c":{"d":true}}'],
    ['o.Add("z", 3);', '{"a":1,"b":[1,2],"c":{"d":true},"z":3}'],
    ['o.Remove("a");', '{"b":[1,2],"c":{"d":true}}'],
    ['((JArray)o["b"]).Add(3);', '{"a":1,"b":[1,2,3],"c":{"d":true}}'],
    ['((JArray)o["b"]).Insert(0, 0);', '{"a":1,"b":[0,1,2],"c":{"d":true}}'],
    ['((JArray)o["b"]).RemoveAt(0);', '{"a":1,"b":[2],"c":{"d":true}}'],
    ['((JArray)o["b"]).Remove(o["b"][1]);', '{"a":1,"b":[1],"c":{"d":true}}'],
    ['((JArray)o["b"]).Clear();', '{"a":1,"b":[],"c":{"d":true}}'],
    ['((JArray)o["b"])[0] = 9;', '{"a":1,"b":[9,2],"c":{"d":true}}'],
    ['((JValue)o["a"]).Value = 5;', '{"a":5,"b":[1,2],"c":{"d":true}}'],
    ['((JProperty)o["c"].Parent).Value = 1;', '{"a":1,"b":[1,2],"c":1}'],
    ['o["c"]["d"].Replace(false);', '{"a":1,"b":[1,2],"c":{"d":false}}'],
    ['o["b"][0].Remove();', '{"a":1,"b":[2],"c":{"d":true}}'],
    ['o["b"][0].AddAfterSelf(7);', '{"a":1,"b":[1,7,2],"c":{"d":true}}'],
    ['((JObject)o["c"])["e"] = "x";', '{"a":1,"b":[1,2],"c":{"d":true,"e":"x"}}'],
    ['o.Merge(JObject.Parse("{\\"a\\": 10}"));', '{"a":10,"b":[1,2],"c":{"d":true}}'],
  ];
  for (const [change, result] of changes) {
    it(`${change} leaves the earlier trace line as the value was set`, async () => {
      const t = await traceOf(change);
      assert.equal(t.before, indented(ORIGINAL));
      assert.equal(t.after, again(result));
      // JSON output of the trace carries the same text
      assert.ok(t.json.includes(JSON.stringify(indented(ORIGINAL))));
    });
  }

  it('an unchanged value is rendered once, whenever the trace is read', async () => {
    const t = await traceOf('');
    assert.equal(t.before, indented(ORIGINAL));
    assert.equal(t.after, again(ORIGINAL));
  });
});
