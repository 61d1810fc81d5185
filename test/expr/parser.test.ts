import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lex } from '../../src/expr/lexer.ts';
import { parseSource } from '../../src/expr/parser-statements.ts';
import { show } from './show-ast.ts';

function parsed(text: string, kind: 'expression' | 'block' = 'expression'): string {
  const r = parseSource(text, kind);
  if (!r.ok) return `ERROR ${r.problems.map((p) => `${p.code}@${p.start}: ${p.message}`).join('; ')}`;
  return show(r.tree);
}

describe('lexer', () => {
  const cases: [string, string][] = [
    ['42', 'int 42 ""'],
    ['42L', 'int 42 "l"'],
    ['42u', 'int 42 "u"'],
    ['42UL', 'int 42 "ul"'],
    ['42lu', 'int 42 "ul"'],
    ['0xFF', 'int 255 ""'],
    ['0b1010', 'int 10 ""'],
    ['1_000', 'int 1000 ""'],
    ['1.5', 'real 1.5 ""'],
    ['1.5f', 'real 1.5 "f"'],
    ['2m', 'real 2 "m"'],
    ['1e3', 'real 1e3 ""'],
    ['.5', 'real .5 ""'],
    ['2.5E-3d', 'real 2.5e-3 "d"'],
    ['"a\\tb\\u0041\\x41"', 'string "a\\tbAA"'],
    ['@"C:\\x ""q"""', 'string "C:\\\\x \\"q\\""'],
    ["'\\''", 'char "\'"'],
    ["'\\n'", 'char "\\n"'],
    ['@class', 'ident class'],
    ['class', 'keyword class'],
    ['var', 'ident var'],
  ];
  for (const [src, want] of cases) {
    test(src, () => {
      const r = lex(src);
      assert.deepEqual(r.errors, []);
      const t = r.tokens[0]!;
      const got =
        t.kind === 'int' || t.kind === 'real'
          ? `${t.kind} ${t.value} ${JSON.stringify(t.suffix)}`
          : t.kind === 'string' || t.kind === 'char'
            ? `${t.kind} ${JSON.stringify(t.value)}`
            : `${t.kind} ${t.text}`;
      assert.equal(got, want);
      assert.equal(r.tokens[1]!.kind, 'eof');
    });
  }

  test('>> is two tokens so generics can close', () => {
    assert.deepEqual(
      lex('a >> b').tokens.map((t) => t.text),
      ['a', '>', '>', 'b', ''],
    );
  });

  test('interpolated string parts and holes', () => {
    const t = lex('$"a{x,5:0.00}{{b}}{y}"').tokens[0]!;
    assert.equal(t.kind, 'interp');
    assert.deepEqual(
      t.parts!.map((p) => ('text' in p ? p.text : `{${p.exprStart}-${p.exprEnd}${p.align ? ` a${p.align.start}` : ''}${p.format !== undefined ? ` f${p.format}` : ''}}`)),
      ['a', '{4-5 a6 f0.00}', '{b}', '{19-20}'],
    );
  });

  const errors: [string, string][] = [
    ['"abc', 'MA5001'],
    ["'ab'", 'MA5003'],
    ["''", 'MA5003'],
    ['"\\q"', 'MA5003'],
    ['/* x', 'MA5001'],
    ['123abc', 'MA5002'],
    ['99999999999999999999', 'MA5002'],
    ['1.5u', 'MA5002'],
    ['#', 'MA5000'],
    ['$"{x"', 'MA5001'],
  ];
  for (const [src, code] of errors) {
    test(`error ${src}`, () => {
      assert.equal(lex(src).errors[0]?.code, code);
    });
  }
});

describe('parser: expressions', () => {
  const cases: [string, string][] = [
    // precedence and associativity
    ['1 + 2 * 3', '(+ 1:int (* 2:int 3:int))'],
    ['1 - 2 - 3', '(- (- 1:int 2:int) 3:int)'],
    ['a || b && c', '(|| a (&& b c))'],
    ['a ?? b ?? c', '(?? a (?? b c))'],
    ['a ?? b || c', '(?? a (|| b c))'],
    ['a == b | c', '(| (== a b) c)'],
    ['a < b == c > d', '(== (< a b) (> c d))'],
    ['a ? b : c ? d : e', '(? a b (? c d e))'],
    ['x = y = 1', '(= x (= y 1:int))'],
    ['x += 1', '(+= x 1:int)'],
    ['a >> 2 << 1', '(<< (>> a 2:int) 1:int)'],
    ['x >>= 1', '(>>= x 1:int)'],
    ['-x.y', '(- x.y)'],
    ['!a.b()', '(! a.b())'],
    ['i++ + ++j', '(+ (post++ i) (++ j))'],
    // casts vs parenthesised expressions (C# §12.9.7)
    ['(string)x', '(cast string x)'],
    ['(JObject)y["a"]', '(cast JObject y["a"])'],
    ['(int)-1', '(cast int (- 1:int))'],
    ['(x) - 1', '(- x 1:int)'],
    ['(x)(y)', '(cast x y)'],
    ['(a.b)c', '(cast a.b c)'],
    ['(a) + b', '(+ a b)'],
    ['(int?)null', '(cast int? null)'],
    ['(string[])o', '(cast string[] o)'],
    ['(List<string>)o', '(cast List<string> o)'],
    ['((JObject)o)["a"]', '(cast JObject o)["a"]'],
    ['(a < b)', '(< a b)'],
    ['(double)1 / 2', '(/ (cast double 1:int) 2:int)'],
    // generics vs less-than (C# §6.2.5)
    ['a.As<JObject>()', 'a.As<JObject>()'],
    ['a.As<JObject>(preserveContent: true)', 'a.As<JObject>(preserveContent: true:bool)'],
    ['F(a < b, c > d)', 'F((< a b), (> c d))'],
    ['a < b', '(< a b)'],
    ['x.Value<string>()', 'x.Value<string>()'],
    ['x.GetValueOrDefault<Dictionary<string, List<int>>>("a")', 'x.GetValueOrDefault<Dictionary<string,List<int>>>("a")'],
    ['new List<List<int>>()', '(new List<List<int>>())'],
    // member access, null-conditional, indexers
    ['System.Text.Encoding.UTF8.GetBytes(s)', 'System.Text.Encoding.UTF8.GetBytes(s)'],
    ['a?.b?.c', 'a?.b?.c'],
    ['a?["x"]?.ToString()', 'a?["x"]?.ToString()'],
    ['a?[0] ?? b', '(?? a?[0:int] b)'],
    ['c ? d?.e : f', '(? c d?.e f)'],
    ['c ? [1] : 2', 'ERROR'],
    ['int.Parse(s)', 'int.Parse(s)'],
    ['string.IsNullOrEmpty(s)', 'string.IsNullOrEmpty(s)'],
    // out arguments
    ['s.TryParseJwt(out var jwt)', 's.TryParseJwt(out var jwt)'],
    ['int.TryParse(s, out n)', 'int.TryParse(s, out n)'],
    ['d.TryGetValue(k, out string v)', 'd.TryGetValue(k, out string v)'],
    // is / as / typeof
    ['x is string', '(is x string)'],
    ['x is string s && s.Length > 0', '(&& (is x string s) (> s.Length 0:int))'],
    ['x is null', '(is x null)'],
    ['x as JObject', '(as x JObject)'],
    ['typeof(string)', '(typeof string)'],
    ['default(int)', '(default int)'],
    // new
    ['new JObject()', '(new JObject())'],
    ['new JProperty("a", 1)', '(new JProperty("a", 1:int))'],
    ['new JObject { ["a"] = 1 }', '(new JObject() {["a"]=1:int})'],
    ['new List<string> { "a", "b" }', '(new List<string>() {{"a"}, {"b"}})'],
    ['new Dictionary<string, int> { { "a", 1 } }', '(new Dictionary<string,int>() {{"a", 1:int}})'],
    ['new X { A = 1, B = { C = 2 } }', '(new X() {A=1:int, B={…}})'],
    ['new[] { 1, 2 }', '(new [] {1:int, 2:int})'],
    ['new string[] { "a" }', '(new string[] {"a"})'],
    ['new byte[16]', '(new byte[16:int])'],
    ['new { a = 1, b.c }', '(new {a=1:int, c=b.c})'],
    // lambdas
    ['x => x + 1', '(lambda (x) (+ x 1:int))'],
    ['(a, b) => a', '(lambda (a b) a)'],
    ['() => 1', '(lambda () 1:int)'],
    ['(string s) => s', '(lambda (string s) s)'],
    ['xs.Where(x => x.Length > 2).Select((x, i) => x)', 'xs.Where((lambda (x) (> x.Length 2:int))).Select((lambda (x i) x))'],
    ['xs.Select(x => { return x; })', 'xs.Select((lambda (x) {(return x)}))'],
    // interpolation
    ['$"a{b}c"', '$["a" {b} "c"]'],
    ['$"{x:yyyy-MM-dd}"', '$[{x:yyyy-MM-dd}]'],
    ['$"{x,-5}|"', '$[{x,(- 5:int)} "|"]'],
    ['$"{(a ? 1 : 2)}"', '$[{(? a 1:int 2:int)}]'],
    ['$"{d["k"]}"', '$[{d["k"]}]'],
    ['$@"a\\{b}"""', '$["a\\\\" {b} "\\""]'],
    ['@$"x{1}"', '$["x" {1:int}]'],
    // literals
    ['2147483648', '2147483648:uint'],
    ['4294967296', '4294967296:long'],
    ['9223372036854775808', '9223372036854775808:ulong'],
    ['1L', '1:long'],
    ['1u', '1:uint'],
    ['1.0', '1.0:double'],
    ['1.5m', '1.5:decimal'],
    ["'x'", "'x'"],
    ['true', 'true:bool'],
  ];
  for (const [src, want] of cases) {
    test(src, () => {
      const got = parsed(src);
      if (want === 'ERROR') assert.match(got, /^ERROR/);
      else assert.equal(got, want);
    });
  }
});

describe('parser: statements', () => {
  const cases: [string, string][] = [
    ['return 1;', '{(return 1:int)}'],
    ['var a = 1; return a;', '{(local var a=1:int) (return a)}'],
    ['int a = 1, b; b = a; return b;', '{(local int a=1:int b) (= b a); (return b)}'],
    ['string[] xs = { "a" }; return xs;', '{(local string[] xs={"a"}) (return xs)}'],
    ['if (a) return 1; else if (b) return 2; else return 3;', '{(if a (return 1:int) else (if b (return 2:int) else (return 3:int)))}'],
    ['foreach (var x in xs) { s += x; } return s;', '{(foreach var x xs {(+= s x);}) (return s)}'],
    ['foreach (JProperty p in o.Properties()) {} return 1;', '{(foreach JProperty p o.Properties() {}) (return 1:int)}'],
    ['for (int i = 0; i < 3; i++) {} return 1;', '{(for (local int i=0:int); (< i 3:int); (post++ i) {}) (return 1:int)}'],
    ['while (x) { break; } return 1;', '{(while x {(break)}) (return 1:int)}'],
    ['do { x++; } while (x < 3); return x;', '{(do {(post++ x);} (< x 3:int)) (return x)}'],
    ['switch (s) { case "a": case "b": return 1; default: return 2; }', '{(switch s ["a" "b": (return 1:int)] [default: (return 2:int)])}'],
    ['try { return 1; } catch (Exception e) { return 2; } finally { }', '{(try {(return 1:int)} catch(Exception e) {(return 2:int)} finally {})}'],
    ['try { return 1; } catch { throw; }', '{(try {(return 1:int)} catch() {(throw)})}'],
    ['throw new Exception("x");', '{(throw (new Exception("x")))}'],
    ['using (var h = SHA256.Create()) { return 1; }', '{(using (local var h=SHA256.Create()) {(return 1:int)})}'],
    ['unchecked { x = 1; } return x;', '{(unchecked {(= x 1:int);}) (return x)}'],
    ['int F(int a) { return a; } return F(1);', '{(function int F(int a) {(return a)}) (return F(1:int))}'],
    ['int G(int a) => a * 2; return G(1);', '{(function int G(int a) (* a 2:int)) (return G(1:int))}'],
    ['List<string> l = new List<string>(); return l;', '{(local List<string> l=(new List<string>())) (return l)}'],
    ['x.y = 1; return x;', '{(= x.y 1:int); (return x)}'],
    ['a < b; return 1;', '{(< a b); (return 1:int)}'],
    ['JObject o = null; return o;', '{(local JObject o=null) (return o)}'],
    ['var x = (string)null; return x;', '{(local var x=(cast string null)) (return x)}'],
    ['const int k = 3; return k;', '{(local int k=3:int) (return k)}'],
  ];
  for (const [src, want] of cases) {
    test(src, () => assert.equal(parsed(src, 'block'), want));
  }

  const errors: [string, 'expression' | 'block', string][] = [
    ['', 'expression', 'MA5005'],
    ['   ', 'block', 'MA5005'],
    ['1 +', 'expression', 'MA5000'],
    ['a b', 'expression', 'MA5000'],
    ['(a', 'expression', 'MA5000'],
    ['return 1', 'block', 'MA5000'],
    ['if (a) var x = 1; return 1;', 'block', 'MA5000'],
    ['goto x;', 'block', 'MA5004'],
    ['lock (x) {} return 1;', 'block', 'MA5004'],
    ['this.x', 'expression', 'MA5004'],
    ['await x', 'expression', 'MA5000'],
    ['"abc', 'expression', 'MA5001'],
    ["'ab'", 'expression', 'MA5003'],
    ['123abc', 'expression', 'MA5002'],
    ['switch (x) { case 1 when y: return 1; }', 'block', 'MA5004'],
    ['new int[2, 3]', 'expression', 'MA5004'],
    ['x is var y', 'expression', 'MA5004'],
  ];
  for (const [src, kind, code] of errors) {
    test(`error: ${JSON.stringify(src)}`, () => {
      const r = parseSource(src, kind);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.problems[0]!.code, code, r.problems[0]!.message);
    });
  }

  test('spans are offsets into the source text', () => {
    const r = parseSource('  a.b(c)  ', 'expression');
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual([r.tree.start, r.tree.end], [2, 8]);
  });
});
