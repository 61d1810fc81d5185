import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../src/diagnostics/index.ts';
import { substituteNamedValues } from '../../src/policy/named-values.ts';
import { parsePolicy } from '../../src/policy/parse.ts';
import { scanExpression } from '../../src/policy/scan-expression.ts';
import { type PolicyElement, type PolicyValue, walk } from '../../src/policy/tree.ts';

const parse = (text: string) => {
  const r = parsePolicy('p.xml', text);
  assert.ok(r.document, JSON.stringify(r.diagnostics));
  return r.document;
};
const first = (text: string, name: string): PolicyElement => [...walk(parse(text).roots[0]!)].find((e) => e.name === name)!;
const attr = (e: PolicyElement, name: string): PolicyValue => e.attributes.find((a) => a.name === name)!.value;
const exprText = (v: PolicyValue) => (v.kind === 'expression' ? v.source.text : assert.fail(`literal ${v.text}`));

describe('rawxml expressions (reference: why strict XML fails)', () => {
  const cases: Array<[string, string, string]> = [
    ['raw quotes inside a "-quoted attribute', '<when condition="@(context.Request.Headers.GetValueOrDefault("X","") == "a")" />', 'context.Request.Headers.GetValueOrDefault("X","") == "a"'],
    ['generics and < in an attribute', '<when condition="@(x.As<JObject>() != null && n < 3)" />', 'x.As<JObject>() != null && n < 3'],
    ['XML-escaped expression', '<when condition="@(a == 409 &amp;&amp; h.ContainsKey(&quot;Retry-After&quot;) &amp;&amp; b &lt; 2)" />', 'a == 409 && h.ContainsKey("Retry-After") && b < 2'],
    ['single-quoted attribute with raw "', `<when condition='@(h.ContainsKey("a"))' />`, 'h.ContainsKey("a")'],
    ['a quote char inside a char literal', `<when condition="@(s.Split('"').Length > 1)" />`, `s.Split('"').Length > 1`],
    ['a bracket inside a string', '<when condition="@(s == ")")" />', 's == ")"'],
    ['verbatim string with doubled quotes', '<when condition="@(s == @"a""b)")" />', 's == @"a""b)"'],
    ['interpolated string with nested holes and braces', '<when condition="@($"{a}-{{x}}-{(b ? "}" : c)}" != "")" />', '$"{a}-{{x}}-{(b ? "}" : c)}" != ""'],
    ['comments inside an expression', '<when condition="@(a /* ) */ && b // )\n)" />', 'a /* ) */ && b // )\n'],
  ];
  for (const [note, xml, want] of cases) {
    it(note, () => assert.equal(exprText(attr(first(`<policies><inbound>${xml}</inbound></policies>`, 'when'), 'condition')), want));
  }

  it('block expressions in element text, with As<JObject>() not read as a tag', () => {
    const e = first('<policies><inbound><set-variable name="b" value="x" /><set-header name="h"><value>@{ var o = context.Request.Body.As<JObject>(preserveContent: true); return (string)o["a"]; }</value></set-header></inbound></policies>', 'value');
    const v = e.children[0]!;
    assert.equal(v.kind, 'text');
    assert.equal(v.kind === 'text' && v.value.kind === 'expression' && v.value.source.kind, 'block');
  });

  it('an expression is the whole value or nothing', () => {
    const v = attr(first('<policies><inbound><set-header name="h" value="Bearer @(token)" /></inbound></policies>', 'set-header'), 'value');
    assert.deepEqual([v.kind, v.kind === 'literal' && v.text], ['literal', 'Bearer @(token)']);
    const w = attr(first('<policies><inbound><set-header name="h" value="@(a)x" /></inbound></policies>', 'set-header'), 'value');
    assert.equal(w.kind, 'literal');
  });

  it('set-body content is payload: Liquid and literal XML are kept verbatim', () => {
    const e = first('<policies><inbound><set-body template="liquid"><soap:Envelope><b>{{body.x}}</b></soap:Envelope></set-body></inbound></policies>', 'set-body');
    assert.deepEqual(e.children.map((c) => c.kind), ['raw']);
    const raw = e.children[0]!;
    assert.equal(raw.kind === 'raw' && raw.text, '<soap:Envelope><b>{{body.x}}</b></soap:Envelope>');
  });

  it('decodes entities in literals and keeps spans on the source text', () => {
    const text = '<policies>\n  <inbound>\n    <when condition="@(a &amp;&amp; bogus(1))" x="a &lt; b" />\n  </inbound>\n</policies>';
    const e = first(text, 'when');
    assert.deepEqual(attr(e, 'x').kind === 'literal' && (attr(e, 'x') as { text: string }).text, 'a < b');
    const v = attr(e, 'condition');
    assert.ok(v.kind === 'expression');
    // "bogus" in the decoded C# maps back to line 3 of the file, past the escaped &amp;&amp;.
    const at = v.source.text.indexOf('bogus');
    const s = v.source.spanOf(at, at + 5);
    assert.deepEqual([s.line, s.column, s.endColumn], [3, 37, 42]);
    assert.equal(text.split('\n')[2]!.slice(36, 41), 'bogus');
  });
});

describe('malformed documents', () => {
  const bad: Array<[string, string, RegExp, [number, number]]> = [
    ['mismatched tag', '<policies><inbound></outbound></policies>', /<\/outbound> closes <inbound>/, [1, 20]],
    ['unclosed expression, named by its attribute', '<policies><inbound><when condition="@(a(b)" /></inbound></policies>', /unclosed string literal in expression \(the expression in attribute condition starts at line 1, column 37\)/, [1, 43]],
    ['unclosed string in expression', '<policies><inbound><when condition="@(a == "x)\n" /></inbound></policies>', /unclosed string literal/, [1, 44]],
    ['unclosed block in element text', '<policies><inbound><set-body>@{ return 1; </set-body></inbound></policies>', /unclosed @\{: no matching '\}' \(the expression in <set-body> starts/, [1, 30]],
    ['unquoted attribute', '<policies><inbound><base x=1 /></inbound></policies>', /must be quoted/, [1, 28]],
    ['two roots are a snippet, text outside is an error', '<a/>hello', /text outside the root/, [1, 5]],
  ];
  for (const [note, text, message, at] of bad) {
    it(note, () => {
      const r = parsePolicy('p.xml', text);
      assert.equal(r.document, undefined);
      assert.equal(r.diagnostics[0]!.code, 'MA4001');
      assert.match(r.diagnostics[0]!.message, message);
      assert.deepEqual([r.diagnostics[0]!.span!.line, r.diagnostics[0]!.span!.column], at);
    });
  }

  it('scanning never runs past the limit it is given', () => {
    assert.equal(scanExpression('@(a)', 0, 3).ok, false);
    assert.equal(scanExpression('@(a)', 0).ok, true);
  });

  it('classifies documents, fragments and snippets', () => {
    assert.equal(parse('<policies><inbound /></policies>').kind, 'policies');
    assert.equal(parse('<fragment><set-variable name="a" value="b" /></fragment>').kind, 'fragment');
    assert.equal(parse('<?xml version="1.0"?>\n<!-- c --><a/><b/>').kind, 'snippet');
  });
});

describe('named values', () => {
  it('are substituted before parsing, also inside C# strings, with spans on the original text', () => {
    const text = '<policies><inbound><when condition="@(h == "{{secret-name}}" && {{flag}})" /></inbound></policies>';
    const index = new LineIndex('p.xml', text);
    const s = substituteNamedValues(text, { 'secret-name': 'abc', flag: 'true' }, index);
    assert.deepEqual(s.diagnostics, []);
    const r = parsePolicy('p.xml', s.text, s.toSource, index);
    const v = attr([...walk(r.document!.roots[0]!)].find((e) => e.name === 'when')!, 'condition');
    assert.equal(exprText(v), 'h == "abc" && true');
    assert.equal(s.toSource(s.text.indexOf('&&')), text.indexOf('&&'));
  });

  it('an undefined one is reported where it is written; Liquid blanks are not named values', () => {
    const text = '<policies>{{ body.x }} {{missing}}</policies>';
    const s = substituteNamedValues(text, {}, new LineIndex('p.xml', text));
    assert.deepEqual(s.diagnostics.map((d) => [d.code, d.span?.column]), [['MA4002', 24]]);
  });
});

describe('the shared corpora', () => {
  it('parse at a rate of at least 98 % (read from ../shared at test time)', async () => {
    const { readdirSync, readFileSync, statSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const roots = ['../shared/apim-policy-corpus', '../shared/mcp-apim-policies'];
    assert.ok(roots.every((r) => existsSync(r)), 'the shared corpora are beside the repository');
    const files = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? files(join(d, n)) : n.endsWith('.xml') ? [join(d, n)] : []));
    const all = roots.flatMap(files);
    const parsed = all.filter((f) => parsePolicy(f, readFileSync(f, 'utf8')).document !== undefined);
    assert.ok(all.length >= 400, `found ${all.length} files`);
    assert.ok(parsed.length / all.length >= 0.98, `parsed ${parsed.length} of ${all.length}`);
  });
});
