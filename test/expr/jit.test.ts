/**
 * The planner's JavaScript (src/expr/jit.ts) against its closures: the same programs, run both
 * ways, give the same value or the same .NET exception. The programs aim at what the generator
 * translates itself (control flow, locals, operators, calls) and at the seams where generated
 * code hands over to a closure (switch, try, foreach, lambdas, out arguments) and back.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resetBudget } from '../../src/expr/budget.ts';
import { setJitEnabled } from '../../src/expr/jit.ts';
import { netLibrary } from '../../src/expr/net/library.ts';
import { parseSource } from '../../src/expr/parser-statements.ts';
import { plan, type Program } from '../../src/expr/planner.ts';
import { compileExpression, contextValue, EvaluationError, evaluateCompiled, netTypeName, stateFromJson, toNetString } from '../../src/expr/compile.ts';
import { corpusExpressions } from './corpus-expressions.ts';

function programOf(text: string, kind: 'block' | 'expression'): Program {
  const parsed = parseSource(text, kind);
  if (!parsed.ok) throw new Error(`parse: ${JSON.stringify(parsed.problems)}`);
  const planned = plan(netLibrary, parsed.tree);
  if (!planned.ok) throw new Error(`plan: ${JSON.stringify(planned.problems)}`);
  return planned.program;
}

function outcome(program: Program): string {
  const now = Date.UTC(2026, 0, 1);
  const state = stateFromJson({ request: { method: 'POST', url: 'https://gw.test/mcp?x=1', headers: { 'content-type': 'application/json' }, bodyText: '{"a":[1,2,3],"b":"x"}' }, variables: { n: 3, s: 'abc' } }, now);
  resetBudget();
  try {
    const v = program.run(contextValue(state, { now: () => now }));
    return v === null ? 'null' : `${netLibrary.typeName(v)} ${netLibrary.toNetString(v)}`;
  } catch (e) {
    const failure = netLibrary.failureOf(e);
    if (failure) return `throws ${failure.type}`;
    throw e;
  }
}

function bothWays(text: string, kind: 'block' | 'expression' = 'block'): { compiled: string; closures: string; wasCompiled: boolean } {
  const p = programOf(text, kind);
  const compiled = outcome(p);
  setJitEnabled(false);
  try {
    const q = programOf(text, kind);
    assert.equal(q.compiled, false);
    return { compiled, closures: outcome(q), wasCompiled: p.compiled };
  } finally {
    setJitEnabled(true);
  }
}

const programs: readonly (readonly [string, string])[] = [
  ['nested loops with break and continue', 'int s = 0; for (int i = 0; i < 10; i++) { if (i % 2 == 0) { continue; } for (int j = 0; j < 10; j++) { if (j > i) { break; } s += j; } } return s;'],
  ['while and do-while', 'int i = 0; int n = 0; while (i < 5) { i++; n = n + i; } do { n--; } while (n > 10); return n;'],
  ['return from inside a loop', 'for (int i = 0; ; i++) { if (i * i > 50) { return i; } }'],
  ['switch inside a loop: break leaves the switch, continue the loop', 'int s = 0; for (int i = 0; i < 6; i++) { switch (i) { case 1: continue; case 2: s += 10; break; default: s += 1; break; } s += 100; } return s;'],
  ['return from a switch inside a loop', 'int i = 0; while (true) { i++; switch (i) { case 3: return "three"; } }'],
  ['try/catch inside a loop with continue and break', 'int s = 0; for (int i = 0; i < 5; i++) { try { if (i == 1) { continue; } if (i == 3) { break; } s += int.Parse("x" + i); } catch (FormatException) { s += 7; } } return s;'],
  ['foreach over a string with chars', 'string t = "a1b2c3"; int d = 0; foreach (char c in t) { if (c >= \'0\' && c <= \'9\') { d += c - \'0\'; } } return d;'],
  ['char scanning with indexes', 'string t = "{\\"k\\": [1, 2]}"; int depth = 0; int max = 0; for (int i = 0; i < t.Length; i++) { char c = t[i]; if (c == \'{\' || c == \'[\') { depth++; if (depth > max) { max = depth; } } else if (c == \'}\' || c == \']\') { depth--; } } return max + ":" + depth;'],
  ['char increments stay chars', "char c = 'a'; c++; c++; return c;"],
  ['int overflow wraps', 'int x = 2147483647; x++; return x;'],
  ['string concatenation with null', 'string a = null; string b = null; return a + b + 1 + true;'],
  ['compound assignment and ternaries', 'int x = 5; x *= 3; x -= 1; string k = x > 10 ? "big" : "small"; return k + x;'],
  ['null coalescing and conditional access', 'string s = null; return (s ?? "none") + (s?.Length ?? -1);'],
  ['out arguments', 'int v; bool ok = int.TryParse("42", out v); return ok + ":" + v;'],
  ['lambdas and LINQ over captured locals', 'int k = 2; var xs = new List<int> { 1, 2, 3, 4 }; return string.Join(",", xs.Where(x => x % k == 0).Select(x => x * k));'],
  ['local functions', 'int Twice(int a) { return a * 2; } int s = 0; for (int i = 0; i < 3; i++) { s += Twice(i); } return s;'],
  ['context reads', 'return context.Request.Method + " " + context.Request.Url.Query + " " + context.Variables["n"] + " " + context.Request.Body.As<JObject>()["a"].Count();'],
  ['casts from object', 'object o = context.Variables["s"]; return ((string)o).ToUpper() + (int)context.Variables["n"];'],
  ['a failing cast throws as in C#', 'object o = context.Variables["s"]; return (int)o;'],
  ['division by zero throws', 'int z = 0; return 10 / z;'],
  ['null member access throws', 'string s = null; return s.Length;'],
  ['the loop budget still stops an endless loop', 'int i = 0; while (true) { i++; } '],
  ['a declaration in a loop starts from its default each time', 'int s = 0; for (int i = 0; i < 3; i++) { int v; if (i == 0) { v = 5; } else { v = 1; } s += v; } return s;'],
  ['equality across types', "return (1 == 1.0) + \" \" + ('a' == 97) + \" \" + (\"a\" == \"a\") + \" \" + ('a' != 'b');"],
  ['string comparisons and ordinals', 'string a = "abc"; return (a == "abc") + " " + a.CompareTo("abd") + " " + (a[0] < a[1]);'],
  ['switch with the default first and a case list with null', 'string s = ""; foreach (string x in new string[] { "a", "b", "zz", null }) { switch (x) { default: s += "d"; break; case "a": s += "A"; break; case "b": case null: s += "B"; break; } } return s;'],
  ['nested switches: the inner break leaves only the inner one', 'int s = 0; for (int i = 0; i < 4; i++) { switch (i % 2) { case 0: switch (i) { case 0: s += 1; break; default: s += 10; break; } s += 100; break; default: s += 1000; break; } } return s;'],
  ['a switch without a matching section or default does nothing', 'int s = 5; switch (s) { case 1: s = 0; break; } return s;'],
  ['foreach with continue, break and return', 'var xs = new List<int> { 1, 2, 3, 4, 5, 6 }; int s = 0; foreach (int x in xs) { if (x == 2) { continue; } if (x == 5) { break; } s += x; } foreach (var x in xs) { if (x > 3) { return s * 100 + x; } } return -1;'],
  ['foreach converts each item to the declared type', 'int s = 0; foreach (int x in JArray.Parse("[1, 2, 3]")) { s += x; } return s;'],
  ['foreach over a dictionary', 'var d = new Dictionary<string, int> { { "a", 1 }, { "b", 2 } }; string s = ""; foreach (KeyValuePair<string, int> kv in d) { s += kv.Key + kv.Value; } return s;'],
  ['foreach over null throws', 'List<int> xs = null; int s = 0; foreach (int x in xs) { s += x; } return s;'],
  ['casts of JSON tokens from object: the token itself, its int and string, and the exceptions C# gives', 'var o = JObject.Parse("{\\"n\\": 1, \\"s\\": \\"x\\", \\"z\\": null}"); object boxed = o; string r = (string)((JObject)boxed)["s"] + (int)((JObject)boxed)["n"] + (string)((JObject)boxed)["n"] + ((string)((JObject)boxed)["z"] == null); try { r += (int)((JObject)boxed)["missing"]; } catch (ArgumentNullException) { r += "|null token"; } try { r += (int)((JObject)boxed)["z"]; } catch (ArgumentException) { r += "|json null"; } try { r += ((JObject)context.Variables["s"]).Count; } catch (InvalidCastException) { r += "|not a JObject"; } return r;'],
  ['arrays of a size are new arrays each time, filled with the default', 'string r = ""; for (int k = 0; k < 3; k++) { var a = new int[4]; r += a[1]; a[1] = 5; var b = new int[4]; var c = new bool[4]; var d = new string[4]; r += a[1] + "," + b[1] + "," + c[0] + "," + (d[0] == null) + "," + new int[0].Length + ";"; } return r;'],
  ['a switch inside a foreach inside a switch', 'string r = ""; switch (r.Length) { case 0: foreach (char c in "ab;c") { switch (c) { case \';\': continue; case \'c\': r += "C"; break; default: r += c; break; } r += "."; } break; } return r;'],
];

describe('generated JavaScript agrees with the closures', () => {
  for (const [name, text] of programs) {
    test(name, () => {
      const r = bothWays(text);
      assert.equal(r.compiled, r.closures);
    });
  }

  test('expressions too, and a program with no statements the generator knows still compiles (as calls of its closures)', () => {
    for (const text of ['1 + 2 * 3', '"a" + context.Request.Method', 'context.Variables.ContainsKey("n") ? (int)context.Variables["n"] + 1 : 0', 'new JObject(new JProperty("k", 1)).ToString(Newtonsoft.Json.Formatting.None)']) {
      const r = bothWays(text, 'expression');
      assert.equal(r.compiled, r.closures, text);
      assert.ok(r.wasCompiled, text);
    }
  });

  test('the values are the ones C# gives (spot checks)', () => {
    assert.equal(bothWays(programs[0]![1]).compiled, 'System.Int32 95');
    assert.equal(bothWays(programs[3]![1]).compiled, 'System.Int32 514');
    assert.equal(bothWays(programs[5]![1]).compiled, 'System.Int32 14');
    assert.equal(bothWays(programs[8]![1]).compiled, 'System.Char c');
    assert.equal(bothWays(programs[9]![1]).compiled, 'System.Int32 -2147483648');
    assert.equal(bothWays(programs[21]![1]).compiled, 'throws System.OperationCanceledException');
    assert.equal(bothWays(programs.find(([n]) => n.startsWith('arrays of a size'))![1]).compiled, 'System.String 05,0,False,True,0;05,0,False,True,0;05,0,False,True,0;');
    assert.equal(bothWays(programs.find(([n]) => n.startsWith('casts of JSON tokens'))![1]).compiled, 'System.String x11True|null token|json null|not a JObject');
  });

  test('block bodies are compiled', () => {
    for (const [name, text] of programs) assert.ok(bothWays(text).wasCompiled, name);
  });

  test('switch and foreach are generated code themselves, not calls of their closures', () => {
    // programs without the constructs that stay closures (object creation, out arguments, lambdas, try)
    const translated = programs.filter(([name, text]) => /switch|foreach/.test(name) && !/\bnew\b|\bout\b|=>|\btry\b/.test(text));
    assert.ok(translated.length >= 5, `${translated.length} programs`);
    for (const [name, text] of translated) assert.equal(programOf(text, 'block').closureCalls, 0, name);
    // casts from object and of JSON tokens, as the compiled policies read their JSON variables
    assert.equal(programOf('return (string)((JObject)context.Variables["v"])["k"] + (int)((JObject)context.Variables["v"])["n"];', 'block').closureCalls, 0);
    // the count sees what stays a closure (here an out argument), and not text inside string literals
    assert.equal(programOf('int v; int.TryParse("1", out v); return "$k[0](f)" + v;', 'block').closureCalls, 1);
  });
});

describe('generated JavaScript agrees with the closures on the real corpora', () => {
  const span = { file: 'corpus', line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, end: 0 };
  const jwt = `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ aud: 'api://x', iss: 'https://login.microsoftonline.com/t/v2.0', roles: ['Reader'], azp: 'agent-1', oid: 'o-1', exp: 1900000000 })).toString('base64url')}.c2ln`;
  const request = {
    method: 'POST',
    url: 'https://gw.test/api/orders/42?tenant=contoso&debug=true',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}`, 'x-tenant': 'contoso', 'ocp-apim-subscription-key': 'k', accept: 'application/json' },
    bodyText: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'orders.get', arguments: { id: 42, tags: ['a', 'b'] } }, model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
  };
  const variables = { tenant: 'contoso', count: 3, flag: true, userId: 'u-1', body: '{"a":1}' };

  function outcomes(text: string, kind: 'expression' | 'block'): string {
    const r = compileExpression({ text, kind, spanOf: () => span });
    if (!r.compiled) return 'does not compile';
    const now = Date.UTC(2026, 0, 1);
    const state = stateFromJson({ request, variables }, now);
    try {
      const v = evaluateCompiled(r.compiled, contextValue(state, { now: () => now }), () => now);
      return v === null ? 'null' : `${netTypeName(v)} ${toNetString(v)}`;
    } catch (e) {
      if (e instanceof EvaluationError) return `throws ${e.netType}`;
      return `crash ${(e as Error).message}`;
    }
  }

  test('every corpus expression gives the same value or exception both ways (nondeterministic ones aside)', () => {
    const all = corpusExpressions('.');
    assert.ok(all.length >= 1000, `${all.length} expressions`);
    const differ: string[] = [];
    let compared = 0;
    for (const e of all) {
      const compiled = outcomes(e.text, e.kind);
      if (compiled === 'does not compile') continue;
      assert.ok(!compiled.startsWith('crash'), `${e.file}: ${compiled}\n${e.text}`);
      // new Random(), Guid.NewGuid(): random by design; anything else that differs run to run too
      if (/\bRandom\b|NewGuid/.test(e.text) || outcomes(e.text, e.kind) !== compiled) continue;
      setJitEnabled(false);
      let closures: string;
      try {
        closures = outcomes(e.text, e.kind);
      } finally {
        setJitEnabled(true);
      }
      compared++;
      if (closures !== compiled) differ.push(`${e.file}\n  ${e.text.slice(0, 200)}\n  compiled: ${compiled}\n  closures: ${closures}`);
    }
    assert.ok(compared >= 1000, `only ${compared} compared`);
    assert.deepEqual(differ, []);
  });
});
