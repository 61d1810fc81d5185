/**
 * Property: random policy XML never crashes `policy check`, and random expression text never
 * crashes `expr` — diagnostics (or a .NET exception for `expr`) only, never an internal error or
 * a stack trace. Then targeted hostile documents: deep nesting, entity bombs, huge values.
 *
 * Generated expressions stay small and loop-free: the engine has no step or memory budget (a
 * `while (true)` hangs, `new int[1000000000]` exhausts the heap; see docs/security.md). Very long
 * operator and member chains are tested at the end.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { runCli } from '../support/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'mcp-apim-fuzz-policy-'));
after(() => rmSync(work, { recursive: true, force: true }));

const STACK = /\n\s+at .+:\d+:\d+\)?/;
function assertNoCrash(run: { code: number; stdout: string; stderr: string }, codes: readonly number[], what: string): void {
  const all = run.stdout + run.stderr;
  assert.ok(!all.includes('internal error') && !STACK.test(all), `${what}: crashed\n${all.slice(0, 3000)}`);
  assert.ok(codes.includes(run.code), `${what}: exit ${run.code}\n${all.slice(0, 3000)}`);
}

// ---- expressions

const IDENT = ['context', 'context.Request', 'context.Request.Headers', 'context.Request.Body', 'context.Variables', 'context.Response', 'context.LastError', 'context.User', 'context.Api', 'x', 'value', 'DateTime.UtcNow', 'Math', 'String', 'string', 'JObject', 'JArray', 'JToken', 'Regex', 'Convert', 'Encoding.UTF8', 'Guid', 'TimeSpan', 'int', 'Int32', 'null'];
const MEMBER = ['Length', 'Count', 'Method', 'Url', 'Path', 'Headers', 'Body', 'Value', 'Key', 'Ticks', 'Name', 'Message', 'Source', 'Claims', 'Type', 'Item', 'Keys', 'Values', 'HasValue', 'Nope'];
// The engine does not check argument types and counts when loading (C# would refuse to compile
// `11.ToString(2L)` or `"abc".Any(1)`); it fails them at run time as binder errors (tests below).
// The grammar calls methods with the argument kinds .NET accepts; the receiver is still anything.
const CALL = ['ToString()', 'ToString("N2")', 'ToUpper()', 'ToLowerInvariant()', 'Trim()', "Trim('x')", 'Substring(1)', 'Substring(0, 2)', "Split(',')", 'Contains("a")', 'StartsWith("a")', 'IndexOf("a")', 'Replace("a", "b")', 'As<JObject>()', 'As<string>(preserveContent: true)', 'AsJwt()', 'ToArray()', 'AddDays(1)', 'ToObject<string>()', 'Value<int>("k")', 'GetHashCode()', 'Count()', 'Any()', 'First()', 'GetValueOrDefault("k", "d")', 'ContainsKey("k")', 'SelectToken("$.a")', 'Remove("k")'];
const DELEGATE_CALL = ['Select', 'Where', 'FirstOrDefault', 'Any', 'Count', 'All', 'OrderBy'];
const STATIC_CALL = ['Math.Abs', 'string.Join(",", ', 'string.Format("{0}", ', 'Convert.ToString', 'string.IsNullOrEmpty', 'JsonConvert.SerializeObject'];
const BINARY = ['+', '-', '*', '/', '%', '==', '!=', '<', '>', '<=', '>=', '&&', '||', '??', '&', '|', '^', '<<', '>>'];
const literal = fc.oneof(
  fc.integer({ min: -100, max: 100 }).map(String),
  fc.constantFrom('0.5', '1e3', '1.0m', '2L', '3u', '0x1F', 'double.NaN', 'int.MaxValue', 'long.MinValue', 'true', 'false', 'null', "'a'", "'\\n'", "'\\''", '""'),
  fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
  fc.string({ maxLength: 6 }).map((s) => `@"${s.replace(/"/g, '""')}"`),
  fc.string({ unit: 'grapheme', maxLength: 4 }).map((s) => `$"{1}${s.replace(/[{}"\\]/g, '')}"`),
);

const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'expression', withCrossShrink: true },
    literal,
    fc.constantFrom(...IDENT),
    fc.tuple(tie('e'), fc.constantFrom(...MEMBER)).map(([t, m]) => `${t}.${m}`),
    fc.tuple(tie('e'), fc.constantFrom(...CALL)).map(([t, c]) => `${t}.${c}`),
    fc.tuple(tie('e'), tie('e')).map(([t, a]) => `${t}.Equals(${a})`),
    fc.tuple(fc.constantFrom(...STATIC_CALL), tie('e')).map(([f, a]) => (f.endsWith(', ') ? `${f}${a})` : `${f}(${a})`)),
    fc.tuple(fc.integer({ min: -9, max: 9 }), fc.constantFrom('1', '2L', '0.5', '3u', 'int.MaxValue')).map(([a, b]) => `Math.Max(${a}, ${b})`),
    fc.tuple(tie('e'), fc.constantFrom(...DELEGATE_CALL), fc.constantFrom('x', 'c'), tie('e')).map(([t, m, p, b]) => `${t}.${m}(${p} => ${b})`),
    fc.tuple(tie('e'), fc.constantFrom(...BINARY), tie('e')).map(([a, o, b]) => `${a} ${o} ${b}`),
    fc.tuple(fc.constantFrom('!', '-', '~', '(int)', '(string)', '(JObject)', '(bool)', '(double)'), tie('e')).map(([o, a]) => `${o}${a}`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, a, b]) => `${c} ? ${a} : ${b}`),
    tie('e').map((a) => `(${a})`),
    fc.tuple(tie('e'), fc.string({ maxLength: 6 })).map(([a, k]) => `${a}[${JSON.stringify(k)}]`),
    fc.tuple(fc.constantFrom('"abc"', 'new[] { 1, 2 }', 'new JArray(1, 2)', '"x".Split(\',\')'), fc.integer({ min: -2, max: 3 })).map(([a, i]) => `${a}[${i}]`),
    fc.tuple(fc.constantFrom('x', 'h', '_'), tie('e')).map(([p, b]) => `${p} => ${b}`),
    fc.array(tie('e'), { maxLength: 3 }).map((a) => `new[] { ${a.join(', ')} }`),
    fc.constantFrom('new JObject()', 'new JArray()', 'new List<string>()', 'new Dictionary<string, int>()', 'new StringBuilder()').map(String),
    fc.tuple(tie('e'), fc.constantFrom('is string', 'as string', 'is int', 'is JObject')).map(([a, t]) => `${a} ${t}`),
  ),
})).e;

const statement = fc.oneof(
  expression.map((e) => `var v = ${e};`),
  expression.map((e) => `return ${e};`),
  fc.tuple(expression, expression).map(([c, r]) => `if (${c}) { return ${r}; }`),
  fc.tuple(expression, expression).map(([c, r]) => `try { return ${c}; } catch (Exception ex) { return ${r}; }`),
  expression.map((e) => `string s = ${e}; return s;`),
);

/** Token soup: unbalanced brackets, stray quotes, keywords out of place. */
const soup = fc.array(fc.oneof(fc.constantFrom('(', ')', '{', '}', '[', ']', '"', "'", '@', '@(', '@{', ';', '.', ',', '?', ':', '=>', '<', '>', '/*', '*/', '//', '\\', 'new', 'return', 'var', 'class', 'typeof', 'default', 'checked', 'unchecked', 'await', 'yield', 'goto', 'lock', 'unsafe', 'stackalloc', 'sizeof', 'nameof', '#if', '\u0000', '\uFFFF', '😀'), fc.constantFrom(...IDENT, ...MEMBER, ...BINARY)), { maxLength: 30 }).map((t) => t.join(' '));

const exprText = fc.oneof(
  { weight: 4, arbitrary: expression },
  { weight: 2, arbitrary: expression.map((e) => `@(${e})`) },
  { weight: 2, arbitrary: fc.array(statement, { minLength: 1, maxLength: 4 }).map((s) => `@{ ${s.join(' ')} }`) },
  { weight: 2, arbitrary: soup },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const context = fc.record(
  {
    request: fc.record({ method: fc.constantFrom('GET', 'POST', 'DELETE', 'X'), url: fc.constantFrom('https://a.example/x?y=1', 'http://h:8080/', 'https://gw/p'), headers: fc.dictionary(fc.constantFrom('Authorization', 'X-A', 'Content-Type', 'mcp-name'), fc.string({ maxLength: 20 })), body: jsonValue }, { requiredKeys: [] }),
    variables: fc.dictionary(fc.constantFrom('x', 'y', 'mcp-apim', 'n'), jsonValue),
  },
  { requiredKeys: [] },
);

// ---- policy XML

const CORPUS = '../shared/apim-policy-corpus';
function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.xml')) out.push(p);
    }
  };
  try {
    walk(CORPUS);
  } catch {
    // the shared corpus is optional: generated documents still run
  }
  return out;
}
const corpus = corpusFiles().map((f) => readFileSync(f, 'utf8'));
const fallbackSeed = readFileSync('test/golden/example/policies/api.xml', 'utf8');

const XML_FRAGMENTS = ['<', '>', '/>', '</inbound>', '</policies>', '<base />', '<choose>', '<when condition="@(true)">', '</when>', '@(', '@{', ')', '}', '"', "'", '=', '&', '&amp;', '&#x0;', '&#xFFFF;', '&#99999999;', '&lt;', '&bogus;', '<![CDATA[', ']]>', '<!--', '-->', '<?xml version="1.0"?>', '<!DOCTYPE x [<!ENTITY a "b">]>', '&a;', '{{', '}}', '{{named-value}}', '\uFEFF', '\u0000', '\r\n', '😀', 'context.Request.Body.As<JObject>()', '" value="@(', 'condition="', 'xmlns="urn:x"', 'a:b="1"'];

const policyElement = fc.letrec<{ el: string }>((tie) => ({
  el: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'element' },
    fc.constantFrom('<base />', '<set-header name="a" exists-action="delete" />', '<forward-request />', '<set-variable name="v" value="@(1)" />', '<no-such-policy />'),
    fc.tuple(fc.constantFrom('set-header', 'set-variable', 'set-body', 'rate-limit-by-key', 'validate-jwt', 'return-response', 'set-status', 'trace', 'forward-request', 'choose', 'when', 'otherwise', 'base', 'include-fragment', 'cors', 'no-such-policy', 'ip-filter', 'cache-lookup-value', 'send-request', 'retry', 'wait', 'mock-response', 'validate-content', 'emit-metric', 'llm-token-limit'), fc.array(fc.tuple(fc.constantFrom('name', 'value', 'condition', 'calls', 'renewal-period', 'counter-key', 'exists-action', 'code', 'reason', 'timeout', 'header-name', 'source', 'fragment-id', 'mode', 'bogus'), fc.oneof(fc.string({ maxLength: 8 }), expression.map((e) => `@(${e})`), fc.constantFrom('override', 'delete', '10', '-1', 'true', '{{nv}}'))), { maxLength: 4 }), fc.array(tie('el'), { maxLength: 3 }), fc.option(expression, { nil: undefined })).map(([name, attrs, children, body]) => {
      const attributes = attrs.map(([k, v]) => ` ${k}="${v.replace(/"/g, '&quot;')}"`).join('');
      const content = `${children.join('')}${body === undefined ? '' : `@(${body})`}`;
      return content === '' ? `<${name}${attributes} />` : `<${name}${attributes}>${content}</${name}>`;
    }),
  ),
})).el;

const generatedPolicy = fc.tuple(fc.array(policyElement, { maxLength: 4 }), fc.array(policyElement, { maxLength: 2 }), fc.array(policyElement, { maxLength: 2 })).map(([inbound, outbound, onError]) => `<policies><inbound><base />${inbound.join('')}</inbound><backend><base /></backend><outbound>${outbound.join('')}</outbound><on-error>${onError.join('')}</on-error></policies>`);

type Edit = { at: number; del: number; text: string };
const edit = fc.record({ at: fc.nat(), del: fc.nat(40), text: fc.oneof(fc.constantFrom(...XML_FRAGMENTS), fc.string({ maxLength: 10 })) });
function applyEdits(source: string, edits: readonly Edit[]): string {
  let s = source;
  for (const e of edits) {
    const at = e.at % (s.length + 1);
    s = s.slice(0, at) + e.text + s.slice(at + e.del);
  }
  return s;
}
const mutatedPolicy = fc.tuple(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 5 })).map(([k, edits]) => applyEdits(corpus.length > 0 ? corpus[k % corpus.length]! : fallbackSeed, edits));

const policyText = fc.oneof(mutatedPolicy, generatedPolicy, fc.tuple(generatedPolicy, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([p, e]) => applyEdits(p, e)));

interface CheckJson {
  files: { path: string; parsed: boolean; diagnostics: { code: string; severity: string; message: string; line: number; column: number }[] }[];
}

let batch = 0;
async function checkPolicies(texts: readonly string[], sku?: string): Promise<void> {
  const dir = join(work, `check-${batch++}`);
  const paths = texts.map((t, i) => ({ p: join(dir, `p${i}.xml`), t }));
  mkdirSync(dir, { recursive: true });
  for (const { p, t } of paths) writeFileSync(p, t);
  const r = await runCli(['policy', 'check', ...paths.map((x) => x.p), '--json', ...(sku ? ['--sku', sku] : [])], { cwd: dir });
  assertNoCrash(r, [0, 1], `policy check of ${dir}`);
  const out = JSON.parse(r.stdout) as CheckJson;
  assert.equal(out.files.length, texts.length);
  for (const [i, f] of out.files.entries()) {
    for (const d of f.diagnostics) {
      assert.match(d.code, /^MA\d{4}$/, `${texts[i]!.slice(0, 500)}`);
      assert.ok(Number.isInteger(d.line) && d.line >= 1 && Number.isInteger(d.column) && d.column >= 1, `position of ${JSON.stringify(d)}`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

describe('random policy XML never crashes policy check (property)', () => {
  it('600 mutated corpus files and generated documents, in batches of 20', async () => {
    const details = await fc.check(
      fc.asyncProperty(fc.array(policyText, { minLength: 20, maxLength: 20 }), fc.constantFrom(undefined, 'Consumption', 'Premium'), async (texts, sku) => checkPolicies(texts, sku)),
      { numRuns: 30, endOnFailure: true },
    );
    if (details.failed) throw details.errorInstance;
  });
});

describe('random expression text never crashes expr (property)', () => {
  it('300 expressions one by one: a value, a .NET exception (exit 1) or compile diagnostics (exit 2)', async () => {
    const details = await fc.check(
      fc.asyncProperty(exprText, async (text) => {
        const r = await runCli(['expr', '--json', '--', text]);
        assertNoCrash(r, [0, 1, 2], `expr ${JSON.stringify(text)}`);
        const out = JSON.parse(r.stdout) as Record<string, unknown>;
        assert.ok('type' in out || 'error' in out || 'diagnostics' in out, r.stdout);
      }),
      { numRuns: 300, endOnFailure: true },
    );
    if (details.failed) throw details.errorInstance;
  });

  it('5,000 expressions with random contexts through --batch: one JSON answer per line', async () => {
    const seed = Date.now() % 1_000_000;
    const cases = fc.sample(fc.record({ expr: exprText, context }), { numRuns: 5000, seed });
    const file = join(work, 'batch.jsonl');
    writeFileSync(file, `${cases.map((c) => JSON.stringify(c)).join('\n')}\n`);
    const r = await runCli(['expr', '--batch', file]);
    const lines = r.stdout.trim().split('\n');
    // The batch stops at a crash: the case after the last answer is the one that crashed.
    assertNoCrash(r, [0, 1, 2], `expr --batch (fc.sample seed ${seed}) at ${JSON.stringify(cases[lines.length])}`);
    assert.equal(lines.length, cases.length);
    for (const [i, line] of lines.entries()) {
      const out = JSON.parse(line) as Record<string, unknown>;
      assert.ok('type' in out || 'error' in out, `seed ${seed}: ${JSON.stringify(cases[i])} → ${line}`);
    }
  });
});

describe('hostile policy documents', () => {
  const check = async (name: string, text: string) => {
    const file = join(work, `${name}.xml`);
    writeFileSync(file, text);
    const r = await runCli(['policy', 'check', file, '--json']);
    assertNoCrash(r, [0, 1], name);
    return (JSON.parse(r.stdout) as CheckJson).files[0]!;
  };

  it('100,000 nested elements are a diagnostic, not a stack overflow', async () => {
    const f = await check('deep', `<policies><inbound>${'<choose><when condition="@(true)">'.repeat(50_000)}${'</when></choose>'.repeat(50_000)}</inbound></policies>`);
    assert.ok(f.diagnostics.some((d) => d.message.includes('nested deeper than 256 levels')), JSON.stringify(f.diagnostics.slice(0, 3)));
  });

  it('an entity-expansion bomb is refused without expanding anything', async () => {
    const lol = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + [2, 3, 4, 5, 6, 7, 8, 9].map((k) => `<!ENTITY lol${k} "${`&lol${k === 2 ? '' : k - 1};`.repeat(10)}">`).join('') + ']>';
    const f = await check('lol', `<?xml version="1.0"?>${lol}<policies><inbound><set-variable name="x" value="&lol9;" /></inbound></policies>`);
    assert.equal(f.parsed, false);
  });

  it('100,000 nested parentheses in an expression are a diagnostic', async () => {
    const f = await check('parens', `<policies><inbound><set-variable name="x" value="@(${'('.repeat(100_000)}1${')'.repeat(100_000)})" /></inbound></policies>`);
    assert.ok(f.diagnostics.some((d) => d.code.startsWith('MA5')), JSON.stringify(f.diagnostics.slice(0, 3)));
  });

  it('NUL, BOM, lone surrogates and a 1 MB attribute are diagnostics', async () => {
    for (const [name, text] of [
      ['nul', '<policies>\u0000<inbound><base /></inbound></policies>'],
      ['bom', '\uFEFF<policies><inbound><base /></inbound></policies>'],
      ['surrogate', '<policies><inbound><set-header name="\uD800" exists-action="override"><value>\uDC00</value></set-header></inbound></policies>'],
      ['huge', `<policies><inbound><set-variable name="x" value="${'a'.repeat(1_000_000)}" /></inbound></policies>`],
    ] as const) {
      await check(name, text);
    }
  });

  // Once crashes of the expression engine (JavaScript TypeErrors); now .NET binder errors.
  for (const [text, where] of [
    ['"abc".Any(1)', 'LINQ methods (net/linq.ts, net/collections.ts call) invoke a non-delegate argument: TypeError f.invoke'],
    ['"abc".Select()', 'LINQ Select without its selector (net/linq.ts sel): TypeError reading arity'],
    ['context.Request.Headers.GetValueOrDefault(1, "")', 'header dictionaries with a non-string key (net/context.ts StringValuesDictionary.get): TypeError key.toLowerCase'],
    ['new JObject().SelectToken(1)', 'SelectToken with a non-string path (net/jtoken-navigation.ts selectTokens): TypeError rest.trim'],
    ['11.ToString(2L)', 'a numeric format that is not a string: TypeError format.split'],
    ['new JObject().TryGetValue("a", "b")', 'an out parameter given a value: TypeError creating property value'],
    ['int.TryParse("1")', 'an out parameter missing: TypeError setting value'],
    ['Regex.IsMatch(1, 2)', 'Regex with non-string arguments: TypeError p.replace'],
    ['Convert.ToInt32()', 'a static method without its argument: TypeError reading netType'],
    ['new JArray().Add()', 'an instance method without its argument: TypeError reading netType'],
    ['JsonConvert.SerializeObject(Math.Max("a", "b"))', 'Math.Max of strings returns an untyped object (C#: no overload), which SerializeObject cannot read: TypeError reading anonymous'],
  ] as const) {
    it(`expr ${text} is a compile error or a .NET exception (${where})`, async () => {
      assertNoCrash(await runCli(['expr', '--json', '--', text]), [1, 2], text);
    });
  }
  it('a 20,000-term operator chain in an expression is a diagnostic', async () => {
    await check('chain', `<policies><inbound><set-variable name="x" value="@(1${'+1'.repeat(20_000)})" /></inbound></policies>`);
  });
  it('expr with a 20,000-term member chain is a diagnostic', async () => {
    const r = await runCli(['expr', '--json', '--', `"a"${'.Length.ToString()'.repeat(10_000)}`]);
    assertNoCrash(r, [0, 1, 2], 'long member chain');
  });
});
