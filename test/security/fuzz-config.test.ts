/**
 * Property: random mutations of valid configs (and of their catalog file) never crash the CLI.
 * `compile` either writes a complete output directory (exit 0) or reports diagnostics and writes
 * nothing at all (exit 2); `validate` exits 0 or 2; never an internal error or a stack trace.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { runCli } from '../support/cli.ts';
import { BASE_CONFIG } from '../support/config.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const work = mkdtempSync(join(tmpdir(), 'mcp-apim-fuzz-config-'));
after(() => rmSync(work, { recursive: true, force: true }));

const SEEDS = [
  { name: 'example', text: readFileSync(resolve('fixtures/example/mcp-gateway.yaml'), 'utf8'), catalog: readFileSync(resolve('fixtures/example/catalog.json'), 'utf8') },
  { name: 'attacks', text: readFileSync(resolve('fixtures/attacks/mcp-gateway.yaml'), 'utf8').replace('from: ../example/catalog.json', 'from: catalog.json'), catalog: readFileSync(resolve('fixtures/example/catalog.json'), 'utf8') },
  { name: 'inline', text: BASE_CONFIG, catalog: undefined },
];

/** A slice of the example's traffic (tokens, shape, decisions, tools/list) replayed on every config that compiles. */
const TRAFFIC = readFileSync(resolve('fixtures/example/traffic/decisions.jsonl'), 'utf8')
  .split('\n')
  .filter((l, i) => l.trim() !== '' && i % 3 === 0)
  .join('\n');

/** Fragments that mean something to YAML, JSON, the schema or the policy emitter. */
const FRAGMENTS = [
  ':', ': ', '- ', '-', '{', '}', '[', ']', ',', '&a ', '*a', '<<: *a', '!!binary ', '!!js/function ', '!custom ', '? ', '|', '>-', '#', '"', "'", '\t', '  ', '\u0000', '\uFEFF', '%YAML 1.1\n',
  '---\n', '...\n', 'null', '~', '1e999', '-1', '0', '0x10', '.inf', '.nan', 'yes', 'on', '😀', '\u202e', '\u200b', '{{x}}', '@(', '@{', '</policies>', '<!--', ']]>', '&amp;', '\\', '\\u0000', '$(', '*', '?',
  'a'.repeat(300), '[[[[[[[[[[', '{a: {a: {a:', '\r\n', '\r', '\n', 'allow:', 'deny:', 'tools: ["*"]', 'rateLimit: { calls: 0, renewalPeriod: 0 }', 'methods: [tools/call]', 'annotations: {}', 'catalog:\n  tools: []', 'per: [agent, agent]',
];

type Mutation =
  | { op: 'delete'; line: number }
  | { op: 'duplicate'; line: number }
  | { op: 'swap'; line: number; other: number }
  | { op: 'insert'; line: number; column: number; text: string }
  | { op: 'replaceValue'; line: number; column: number; text: string }
  | { op: 'indent'; line: number; by: number }
  | { op: 'truncate'; at: number };

/** Values that keep the YAML well-formed and often valid, so mutations reach the planner and emitter. */
const PLAUSIBLE = [
  '"*"', 'inventory.*', '["*"]', '["inventory.get_stock"]', '["database.*", "files.*"]', '["no.such_tool"]', '["*.read_*"]', '["?nventory.adjust"]', '[]', '{}', 'true', 'false', '0', '1', '300', '301', '100000', '-5',
  'MCP.Tools.Read', 'MCP.Other', '"Role:With:Colons"', 'validate-jwt', 'appid', 'oid', 'Consumption', 'passthrough', 'v1', '[agent, tool]', '[tool]', '[resources/read, "prompts/*"]', '{ readOnlyHint: false }',
  '{ calls: 1, renewalPeriod: 1 }', 'https://example.org/mcp', 'a-b', '"{{named}}"', '"@(context.Request)"', '"</policies>"', '"x\\u0000y"', '"😀"', 'null', '~', '"$("', '[ "$(", "`" ]',
];
const text = fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
/** Mutations that keep the YAML well-formed: they reach the schema, the planner and the emitter. */
const semantic: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('replaceValue' as const), line: fc.nat(), column: fc.nat(), text: fc.constantFrom(...PLAUSIBLE) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), line: fc.nat() }) },
);
/** Anything, down to the YAML and JSON syntax. */
const anyMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('replaceValue' as const), line: fc.nat(), column: fc.nat(), text: fc.constantFrom(...PLAUSIBLE) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), line: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), line: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swap' as const), line: fc.nat(), other: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('insert' as const), line: fc.nat(), column: fc.nat(), text }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('replaceValue' as const), line: fc.nat(), column: fc.nat(), text }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('indent' as const), line: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
);

const mutations = fc.oneof(fc.array(semantic, { minLength: 1, maxLength: 3 }), fc.array(anyMutation, { minLength: 1, maxLength: 3 }));

/** A scalar after `key: `, `- `, `[`, `{ ` or `, `, ending at a flow delimiter, a comment or the line's end. */
const SCALAR = /(?:: |- |\[|, |\{ )("[^"\n]*"|(?:[^,{}[\]\n#"' :]|:(?! ))(?:[^,{}[\]\n#":]|:(?! ))*?)(?=\s*(?:[,}\]]|$|#|: ))/g;

function mutate(source: string, mutations: readonly Mutation[]): string {
  let lines = source.split('\n');
  for (const m of mutations) {
    const n = lines.length;
    if (n === 0) break;
    if (m.op === 'truncate') {
      const joined = lines.join('\n');
      lines = joined.slice(0, m.at % (joined.length + 1)).split('\n');
      continue;
    }
    const i = m.line % n;
    const line = lines[i]!;
    if (m.op === 'delete') lines.splice(i, 1);
    else if (m.op === 'duplicate') lines.splice(i, 0, line);
    else if (m.op === 'swap') [lines[i], lines[m.other % n]] = [lines[m.other % n]!, line];
    else if (m.op === 'insert') {
      const c = m.column % (line.length + 1);
      lines[i] = line.slice(0, c) + m.text + line.slice(c);
    } else if (m.op === 'replaceValue') {
      // One scalar value of the line (not a key), so flow mappings and sequences stay closed.
      const scalars = [...line.matchAll(SCALAR)].filter((h) => !/^\s*: /.test(line.slice(h.index + h[0].length)));
      const hit = scalars[m.column % Math.max(1, scalars.length)];
      if (hit) {
        const start = hit.index + hit[0].length - hit[1]!.length;
        lines[i] = line.slice(0, start) + m.text + line.slice(start + hit[1]!.length);
      }
    } else lines[i] = m.by >= 0 ? ' '.repeat(m.by) + line : line.replace(new RegExp(`^ {0,${-m.by}}`), '');
  }
  return lines.join('\n');
}

const STACK = /\n\s+at .+:\d+:\d+\)?/;

function assertNoCrash(run: { code: number; stdout: string; stderr: string }, what: string): void {
  const all = run.stdout + run.stderr;
  assert.ok(!all.includes('internal error'), `${what}: internal error\n${all.slice(0, 3000)}`);
  assert.ok(!STACK.test(all), `${what}: stack trace\n${all.slice(0, 3000)}`);
  assert.ok(run.code === 0 || run.code === 2, `${what}: exit ${run.code}\n${all.slice(0, 3000)}`);
  if (run.code === 2) assert.match(run.stderr, /error MA\d{4}/, `${what}: exit 2 without a diagnostic\n${all.slice(0, 3000)}`);
}

let runs = 0;
let compiled = 0;
/** The first diagnostic code of each refused config: the mutations must reach past the YAML parser. */
const codes = new Set<string>();

describe('mutated configs never crash the CLI (property)', () => {
  it(`${RUNS} mutations of the bundled configs and catalog: a diagnostic and exit 2, or a complete output`, async () => {
    const details = await fc.check(
      fc.asyncProperty(fc.nat(SEEDS.length - 1), mutations, fc.option(fc.array(anyMutation, { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 4 }), async (seedIndex, configMutations, catalogMutations) => {
        const seed = SEEDS[seedIndex]!;
        const dir = join(work, `run-${runs++}`);
        const cfgText = mutate(seed.text, configMutations);
        const catalogText = seed.catalog === undefined ? undefined : catalogMutations ? mutate(seed.catalog, catalogMutations) : seed.catalog;
        const files = { cfg: join(dir, 'gateway.yaml'), out: join(dir, 'out') };
        // a fresh directory per run, with the catalog beside the config
        mkdirSync(dir, { recursive: true });
        writeFileSync(files.cfg, cfgText);
        if (catalogText !== undefined) writeFileSync(join(dir, 'catalog.json'), catalogText);
        const what = `${seed.name} config:\n${cfgText.slice(0, 1500)}${catalogMutations && catalogText !== undefined ? `\ncatalog:\n${catalogText.slice(0, 500)}` : ''}`;

        const validate = await runCli(['validate', files.cfg], { cwd: dir });
        assertNoCrash(validate, `validate ${what}`);
        const compile = await runCli(['compile', files.cfg, '-o', files.out], { cwd: dir });
        assertNoCrash(compile, `compile ${what}`);
        assert.equal(compile.code === 0, validate.code === 0, `validate and compile disagree on ${what}\n${validate.stderr}\n${compile.stderr}`);
        if (compile.code !== 0) codes.add(/error (MA\d{4})/.exec(compile.stderr)![1]!);
        if (compile.code === 0) {
          compiled++;
          for (const f of ['plan.json', 'policies/api.xml', 'policies/tools-list.xml', 'policies/prm.xml', 'access-matrix.md', 'bicep/main.bicep']) assert.ok(existsSync(join(files.out, f)), `${f} missing after exit 0`);
          // Every fourth mutated policy runs in the emulator too (each run makes fresh RSA keys, so
          // not all): expectations may fail (exit 1), nothing may crash.
          if (compiled % 4 === 1) {
            writeFileSync(join(dir, 'traffic.jsonl'), TRAFFIC);
            const test = await runCli(['test', files.cfg, join(dir, 'traffic.jsonl'), '--json', '--now', '2026-03-01T00:00:00Z'], { cwd: dir });
            assertNoCrash({ ...test, code: test.code === 1 ? 0 : test.code }, `test ${what}`);
            const report = JSON.parse(test.stdout) as { results: { status: number }[] };
            assert.ok(report.results.every((r) => r.status !== 500), `a 500 from the emulator on ${what}\n${test.stdout.slice(0, 2000)}`);
          }
        } else {
          assert.equal(existsSync(files.out), false, `exit 2 left an output directory: ${what}`);
        }
        assert.deepEqual(
          readdirSync(dir).filter((f) => f.includes('mcp-apim-tmp') || f.includes('mcp-apim-old')),
          [],
          'no temporary output directory is left behind',
        );
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    if (details.failed) throw details.errorInstance;
    // The mutations must not all be fatal at the first layer, or the test would prove little
    // about the schema checks, the planner and the emitter.
    assert.ok(compiled >= RUNS / 10, `only ${compiled} of ${runs} mutated configs compiled`);
    assert.ok(codes.size >= 5, `refusals only with ${[...codes].join(', ')}`);
  });

  it('the seeds themselves compile (so mutations start from valid configs)', async () => {
    for (const seed of SEEDS) {
      const dir = join(work, `seed-${seed.name}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'gateway.yaml'), seed.text);
      if (seed.catalog) copyFileSync(resolve('fixtures/example/catalog.json'), join(dir, 'catalog.json'));
      const r = await runCli(['compile', join(dir, 'gateway.yaml'), '-o', join(dir, 'out')], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
    }
  });
});
