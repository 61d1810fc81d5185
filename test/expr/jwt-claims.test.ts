/**
 * `Jwt.Claims` (src/expr/net/jwt.ts) makes a claim's array when it is first read and the whole
 * dictionary only when something needs it all. These cases pin that it still behaves as one
 * Dictionary<string, string[]>: the same array before and after, payload order, missing keys,
 * and no keys from the JavaScript prototype.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileExpression, contextValue, EvaluationError, evaluateCompiled, stateFromJson, toNetString } from '../../src/expr/compile.ts';

const span = { file: 't', line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, end: 0 };

/** `payload` as an object, or as JSON text (a member named __proto__ cannot be written in an object literal). */
function run(payload: Record<string, unknown> | string, body: string): string {
  const json = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const token = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(json).toString('base64url')}.`;
  const compiled = compileExpression({ text: `var claims = context.Request.Headers.GetValueOrDefault("Authorization", "").AsJwt().Claims; ${body}`, kind: 'block', spanOf: () => span }).compiled;
  assert.ok(compiled, body);
  const now = Date.UTC(2026, 0, 1);
  try {
    return toNetString(evaluateCompiled(compiled, contextValue(stateFromJson({ request: { headers: { authorization: token } } }, now), { now: () => now }), () => now));
  } catch (e) {
    if (e instanceof EvaluationError) return `throws ${e.netType}`;
    throw e;
  }
}

const payload = { sub: 'agent-1', roles: ['a', 'b'], exp: 1900000000, nested: { k: 1 }, mixed: ['x', 2, true] };

test('a claim read before the whole dictionary is the same array in it afterwards', () => {
  assert.equal(run(payload, 'var roles = claims["roles"]; roles[0] = "changed"; int n = claims.Count; return string.Join(",", claims["roles"]) + "|" + n;'), 'changed,b|5');
  assert.equal(run(payload, 'string[] r; claims.TryGetValue("roles", out r); r[1] = "z"; string all = ""; foreach (var kv in claims) { all += kv.Key + "=" + string.Join("+", kv.Value) + ";"; } return all;'), 'sub=agent-1;roles=a+z;exp=1900000000;nested={"k":1};mixed=x+2+true;');
});

test('keys come in payload order, values as the claim strings APIM gives', () => {
  assert.equal(run(payload, 'return string.Join(",", claims.Keys);'), 'sub,roles,exp,nested,mixed');
  assert.equal(run(payload, 'return claims["exp"][0] + " " + claims["nested"][0] + " " + claims["mixed"].Length;'), '1900000000 {"k":1} 3');
  assert.equal(run(payload, 'return claims.GetValueOrDefault("roles", "") + "|" + claims.GetValueOrDefault("missing", "none");'), 'a,b|none');
});

test('a missing claim is missing, whatever the JavaScript prototype has', () => {
  for (const name of ['missing', 'toString', 'constructor', 'hasOwnProperty', 'Sub']) {
    assert.equal(run(payload, `string[] v; return claims.ContainsKey("${name}") + " " + claims.TryGetValue("${name}", out v) + " " + (v == null);`), 'False False True', name);
    assert.equal(run(payload, `return claims["${name}"];`), 'throws System.Collections.Generic.KeyNotFoundException', name);
  }
  // a claim really named __proto__ is an ordinary claim
  assert.equal(run('{"__proto__":"p","sub":"s"}', 'return claims.ContainsKey("__proto__") + " " + claims["__proto__"][0] + " " + claims.Count;'), 'True p 2');
  assert.equal(run(payload, 'return claims.ContainsKey(null);'), 'throws System.ArgumentNullException');
});
