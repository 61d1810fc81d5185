import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { expressionChecker } from '../../src/cli/policy.ts';
import { loadConfig } from '../../src/config/load.ts';
import { type Diagnostic, diagnostic } from '../../src/diagnostics/index.ts';
import { compileConfig } from '../../src/emit/compile.ts';
import type { ExpressionSource } from '../../src/expr/api.ts';
import { type CheckOptions, checkPolicy, isUnsupportedConstruct } from '../../src/policy/check.ts';
import { blankStringsAndComments } from '../../src/policy/check-values.ts';

const inbound = (xml: string) => `<policies>\n<inbound>\n${xml}\n</inbound>\n<backend><forward-request /></backend>\n</policies>`;
const check = (text: string, options: CheckOptions = {}) => checkPolicy('p.xml', text, options);
/** [code, message] of every diagnostic except the emulator's notes, for exact comparisons. */
const findings = (text: string, options: CheckOptions = {}) =>
  check(text, options)
    .diagnostics.filter((d) => !['MA4016', 'MA4017'].includes(d.code))
    .map((d) => [d.code, d.message]);
const codes = (text: string, options: CheckOptions = {}) => check(text, options).diagnostics.map((d) => d.code);
const at = (d: Diagnostic | undefined) => [d?.span?.line, d?.span?.column];

describe('policy check: elements and attributes', () => {
  it('reports an unknown policy with the closest known name, where it is written', () => {
    const r = check(inbound('<set-heder name="a" />'));
    assert.deepEqual(findings(inbound('<set-heder name="a" />')), [['MA4003', '<set-heder> is not an APIM policy (did you mean <set-header>?)']]);
    assert.deepEqual(at(r.diagnostics[0]), [3, 2]);
  });

  it('names the parent when a part is used as a policy, and unknown children of a part', () => {
    assert.deepEqual(findings(inbound('<when condition="true" />')), [['MA4003', '<when> is not a policy: it belongs inside <choose>']]);
    assert.deepEqual(findings(inbound('<set-header name="a"><valeu>x</valeu></set-header>')), [['MA4003', '<set-header> has no child element <valeu> (did you mean <value>?)']]);
    assert.deepEqual(findings(inbound('<set-header name="a"><set-variable name="x" value="y" /></set-header>')), [['MA4003', '<set-header> has no child element <set-variable> (<set-variable> is a policy; <set-header> is not a place for policies)']]);
  });

  it('reports unknown attributes with the closest known one, and missing required attributes', () => {
    assert.deepEqual(findings(inbound('<set-header nme="a" exists-action="delete" />')), [
      ['MA4005', '<set-header> needs the attribute name'],
      ['MA4004', '<set-header> has no attribute nme (did you mean name?)'],
    ]);
    assert.deepEqual(findings(inbound('<validate-jwt failed-validation-httpcode="401" />')), [['MA4005', '<validate-jwt> needs one of the attributes header-name, query-parameter-name, token-value']]);
    assert.deepEqual(findings(inbound('<base id="x" />')), [], 'every policy takes an id');
    assert.deepEqual(findings(inbound('<send-service-bus-message queue-name="q" topic-name="t"><payload>x</payload></send-service-bus-message>')), [['MA4010', '<send-service-bus-message> takes only one of queue-name, topic-name']]);
    assert.deepEqual(findings(inbound('<x:custom xmlns:x="urn:x" />')).map((f) => f[0]), ['MA4003']);
    assert.deepEqual(findings(inbound('<set-header xmlns="urn:x" name="a" />')), [], 'namespace declarations are not attributes');
  });

  it('checks literal values against their declared type, range and allowed values', () => {
    const xml = inbound(`<set-header name="a" exists-action="Override" />
<set-header name="b" exists-action="replace" />
<set-status code="abc" />
<rate-limit-by-key calls="10" renewal-period="301" counter-key="k" increment-condition="yes" />`);
    assert.deepEqual(findings(xml), [
      ['MA4006', 'attribute exists-action of <set-header>: "Override" is not one of override, skip, append, delete (values are case-sensitive: write override)'],
      ['MA4006', 'attribute exists-action of <set-header>: "replace" is not one of override, skip, append, delete'],
      ['MA4006', 'attribute code of <set-status>: "abc" is not an integer'],
      ['MA4006', 'attribute renewal-period of <rate-limit-by-key>: "301" is outside 1–300'],
      ['MA4006', 'attribute increment-condition of <rate-limit-by-key>: "yes" is not a Boolean (true or false)'],
    ]);
  });

  it('does not type-check a literal that holds an unresolved {{named value}}, but does once it is substituted', () => {
    const xml = inbound('<rate-limit-by-key calls="{{calls}}" renewal-period="60" counter-key="k" />');
    assert.deepEqual(findings(xml), []);
    const substituted = check(xml, { namedValues: { calls: 'ten' } });
    const bad = substituted.diagnostics.find((d) => d.code === 'MA4006')!;
    assert.equal(bad.message, 'attribute calls of <rate-limit-by-key>: "ten" is not an integer');
    assert.deepEqual(at(bad), [3, 27], 'the span points into the file as written');
    assert.deepEqual(findings(xml, { namedValues: {} }).map((f) => f[0]), ['MA4002'], 'an undefined named value is reported once');
  });

  it('refuses expressions where APIM resolves the value at save time, saying why', () => {
    const xml = inbound(`<set-variable name="@("x")" value="@(1)" />
<include-fragment fragment-id="@("f")" />
<validate-azure-ad-token tenant-id="t"><audiences><audience>@(context.Request.OriginalUrl.Host)</audience></audiences></validate-azure-ad-token>`);
    assert.deepEqual(findings(xml), [
      ['MA4007', 'attribute name of <set-variable> does not accept a policy expression'],
      ['MA4007', 'attribute fragment-id of <include-fragment> does not accept a policy expression: APIM resolves the fragment when the policy is saved, so fragment-id cannot be an expression (MicrosoftDocs/azure-docs#103799)'],
      ['MA4007', 'the text of <audience> does not accept a policy expression: APIM accepts named values but not expressions in validate-azure-ad-token audiences (MicrosoftDocs/azure-docs#123314)'],
    ]);
  });
});

describe('policy check: placement and structure', () => {
  it('reports a policy in a section where APIM does not allow it, also when nested', () => {
    const xml = '<policies><inbound><forward-request /><choose><when condition="true"><forward-request /></when></choose></inbound><outbound><rewrite-uri template="/x" /></outbound></policies>';
    assert.deepEqual(findings(xml), [
      ['MA4008', '<forward-request> is not allowed in <inbound>; it may appear in backend'],
      ['MA4008', '<forward-request> is not allowed in <inbound>; it may appear in backend'],
      ['MA4008', '<rewrite-uri> is not allowed in <outbound>; it may appear in inbound'],
    ]);
  });

  it('warns instead when deployed samples use a section the reference does not list', () => {
    const r = check('<policies><outbound><authentication-managed-identity resource="r" output-token-variable-name="t" /></outbound></policies>');
    assert.deepEqual(
      r.diagnostics.filter((d) => d.code === 'MA4019').map((d) => d.severity),
      ['warning'],
    );
  });

  it('checks the children a policy declares: required, at most once, no text', () => {
    assert.deepEqual(findings(inbound('<choose />')), [['MA4009', '<choose> needs a <when> child element']]);
    assert.deepEqual(findings(inbound('<return-response><set-status code="200" /><set-status code="201" /></return-response>')), [['MA4009', '<return-response> takes <set-status> at most once']]);
    assert.deepEqual(findings(inbound('<set-variable name="a" value="b">text</set-variable>')), [['MA4009', '<set-variable> takes no text']]);
    assert.deepEqual(findings(inbound('<set-method />')), [['MA4009', '<set-method> needs text content: The HTTP method, e.g. POST.']]);
    assert.deepEqual(findings(inbound('<wait for="all"><set-variable name="a" value="b" /></wait>')), [['MA4009', '<wait> may hold only send-request, cache-lookup-value, choose, forward-request, cache-store-value, authentication-managed-identity, not <set-variable>']]);
  });

  it('enforces the fragment and <base/> rules', () => {
    assert.deepEqual(findings('<fragment><base /><include-fragment fragment-id="other" /><inbound /></fragment>'), [
      ['MA4014', 'a fragment cannot hold <base/>'],
      ['MA4014', 'a fragment cannot include another fragment'],
      ['MA4014', '<inbound> cannot appear here: a fragment holds policies only'],
    ]);
    assert.deepEqual(findings(inbound('<choose><when condition="true"><base /></when></choose>')), [['MA4014', '<base/> must sit directly in <inbound>, not inside another policy']]);
    assert.deepEqual(findings('<policies><inbound /><inbound /><outbund /></policies>'), [
      ['MA4009', '<policies> takes <inbound> at most once'],
      ['MA4003', '<policies> holds only the sections inbound, backend, outbound and on-error, not <outbund> (did you mean <outbound>?)'],
    ]);
  });

  it('checks snippets (a bare policy, or several roots) without a section', () => {
    assert.deepEqual(findings('<set-variable name="a" />\n<forward-request />'), [['MA4005', '<set-variable> needs the attribute value']]);
  });

  it('reports a document that cannot be parsed, and still measures it', () => {
    const r = check('<policies><inbound></policies>');
    assert.equal(r.parsed, false);
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['MA4001']);
  });
});

describe('policy check: deploy-time rules', () => {
  const sized = (bytes: number, root = 'policies') => `<${root}>${' '.repeat(bytes - 2 * root.length - 5)}</${root}>`;

  it('applies the size limit of the SKU: 256 KiB, 16 KiB on Consumption, 512 KiB for a fragment', () => {
    assert.equal(sized(1000).length, 1000);
    assert.deepEqual(codes(sized(17 * 1024), { sku: 'Consumption' }), ['MA4011']);
    assert.match(check(sized(17 * 1024), { sku: 'Consumption' }).diagnostics[0]!.message, /^the document is 17\.0 KiB \(17408 bytes\); APIM accepts at most 16\.0 KiB on Consumption$/);
    assert.deepEqual(codes(sized(17 * 1024), { sku: 'Premium' }), []);
    assert.deepEqual(codes(sized(14 * 1024), { sku: 'Consumption' }), ['MA4012']);
    assert.deepEqual(codes(sized(257 * 1024)), ['MA4011']);
    assert.deepEqual(codes(sized(300 * 1024, 'fragment')), []);
    assert.deepEqual(codes(sized(513 * 1024, 'fragment')), ['MA4011']);
    assert.deepEqual(codes(`<policies><!--${'é'.repeat(9000)}--></policies>`, { sku: 'Consumption' }), ['MA4011'], 'bytes, not characters');
  });

  it('rejects *-by-key policies on Consumption (and quota-by-key on the v2 tiers)', () => {
    const xml = inbound('<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Request.IpAddress)" />\n<quota-by-key calls="5" renewal-period="3600" counter-key="k" />');
    assert.deepEqual(findings(xml, { sku: 'Consumption' }), [
      ['MA4013', '<rate-limit-by-key> is not available on the Consumption tier; APIM rejects the deployment'],
      ['MA4013', '<quota-by-key> is not available on the Consumption tier; APIM rejects the deployment'],
    ]);
    assert.deepEqual(findings(xml, { sku: 'StandardV2' }), [['MA4013', '<quota-by-key> is not available on the StandardV2 tier; APIM rejects the deployment']]);
    assert.deepEqual(findings(xml, { sku: 'Premium' }), []);
    assert.deepEqual(findings(xml), [], 'no SKU, no availability check');
  });

  it('accepts the policies mcp-apim compiles, on the SKU of their config, expressions included', () => {
    const file = 'fixtures/example/mcp-gateway.yaml';
    const loaded = loadConfig(file, readFileSync(file, 'utf8'), { readFile: (p) => readFileSync(p, 'utf8') });
    const compiled = compileConfig(loaded.config!);
    const xmls = Object.entries(compiled.files).filter(([name]) => name.endsWith('.xml'));
    assert.equal(xmls.length, 3);
    for (const [name, text] of xmls) {
      const r = checkPolicy(name, text, { sku: loaded.config!.apim.sku, apiType: 'mcp', checkExpression: expressionChecker() });
      assert.equal(r.parsed, true, name);
      assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'warning' || d.code !== 'MA4016'), [], name);
    }
  });
});

describe('policy check: MCP lint and expressions', () => {
  it('warns when a policy of an MCP API reads context.Response.Body, pointing at the read', () => {
    const xml = '<policies>\n<outbound>\n<set-variable name="b" value="@(context.Response\n  .Body.As<string>(preserveContent: true))" />\n</outbound>\n</policies>';
    const r = check(xml, { apiType: 'mcp' });
    const lint = r.diagnostics.filter((d) => d.code === 'MA4015');
    assert.equal(lint.length, 1);
    assert.equal(lint[0]!.severity, 'warning');
    assert.deepEqual([lint[0]!.span!.line, lint[0]!.span!.column, lint[0]!.span!.endLine], [3, 33, 4]);
    assert.deepEqual(codes(xml, { apiType: 'http' }), []);
    assert.deepEqual(codes(xml), []);
  });

  it('does not take a string, a comment or a send-request response for the response body', () => {
    const xml = inbound(`<set-variable name="a" value="@("context.Response.Body" + $"{1}")" />
<set-variable name="b" value="@{ /* context.Response.Body */ return ((IResponse)context.Variables["r"]).Body.As<string>(); }" />
<set-variable name="c" value="@($"x{context.Response.Body.As<string>()}y")" />`);
    const lint = check(xml, { apiType: 'mcp' }).diagnostics.filter((d) => d.code === 'MA4015');
    assert.deepEqual(lint.map((d) => d.span!.line), [5], 'only the read inside an interpolation hole');
  });

  it('warns about outbound policies that buffer the body of an MCP response', () => {
    const xml = '<policies><outbound><find-and-replace from="a" to="b" /></outbound></policies>';
    assert.deepEqual(findings(xml, { apiType: 'mcp' }), [['MA4015', '<find-and-replace> in the outbound section of an MCP API buffers the response body, which breaks streaming']]);
  });

  it('hands every expression in an allowed place to the injected checker, once, with its source', () => {
    const seen: ExpressionSource[] = [];
    const checkExpression = (source: ExpressionSource) => {
      seen.push(source);
      return source.text.includes('bogus') ? [diagnostic('MA5010', 'The name bogus does not exist', source.spanOf(source.text.indexOf('bogus'), source.text.indexOf('bogus') + 5))] : [];
    };
    const xml = inbound(`<set-variable name="@(no)" value="@(bogus + 1)" />
<set-header name="h"><value>@{ return "x"; }</value></set-header>`);
    const r = check(xml, { checkExpression });
    assert.deepEqual(seen.map((s) => [s.kind, s.text]), [
      ['expression', 'bogus + 1'],
      ['block', ' return "x"; '],
    ]);
    const bogus = r.diagnostics.find((d) => d.code === 'MA5010')!;
    assert.deepEqual(at(bogus), [3, 37]);
  });

  it('skips an expression that uses a named value as code unless named values are given', () => {
    const seen: string[] = [];
    const checkExpression = (source: ExpressionSource) => (seen.push(source.text), []);
    const xml = inbound('<set-variable name="a" value="@({{flag}} && true)" />\n<set-variable name="b" value="@(&quot;{{in-string}}&quot;)" />');
    assert.deepEqual(codes(xml, { checkExpression }), ['MA4018']);
    assert.deepEqual(seen, ['"{{in-string}}"']);
    seen.length = 0;
    assert.deepEqual(codes(xml, { checkExpression, namedValues: { flag: 'false', 'in-string': 'v' } }), []);
    assert.deepEqual(seen, ['false && true', '"v"']);
  });

  it('reports what the emulator does not run, as warnings that count as unsupported constructs', () => {
    const xml = inbound('<json-to-xml apply="always" consider-accept-header="false" />\n<set-body template="liquid">{{body.a}}</set-body>');
    const r = check(xml);
    const notes = r.diagnostics.filter(isUnsupportedConstruct);
    assert.deepEqual(notes.map((d) => [d.code, d.severity, d.message]), [
      ['MA4016', 'warning', 'the local emulator does not run <json-to-xml>: the XML APIM produces (root element, arrays, attribute blocks, date parsing) is not documented precisely enough to reproduce; the emulator refuses rather than guess'],
      ['MA4016', 'warning', 'the local emulator does not honour template="liquid" on <set-body>: Liquid templates are not rendered: the emulator would use the template text itself as the body'],
    ]);
    assert.equal(check(inbound('<set-body>{{body.a}}</set-body>')).diagnostics.filter(isUnsupportedConstruct).length, 0);
  });
});

describe('blanking C# strings and comments', () => {
  const cases: Array<[string, string]> = [
    ['a + "b\\"c" + d', 'a + "    " + d'],
    ['@"x""y" + z', '@"    " + z'],
    ["c == 'x' || c == '\\''", "c == ' ' || c == '  '"],
    ['$"a{b + "c"}d{{e}}"', '$" {b + " "}      "'],
    ['x // c "\ny /* z */ w', 'x       \ny         w'],
    ['$@"p{q}""r"', '$@" {q}   "'],
  ];
  for (const [code, want] of cases) it(JSON.stringify(code), () => assert.equal(blankStringsAndComments(code), want));
});
