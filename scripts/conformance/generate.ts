// Writes test/expr/conformance.jsonl from scripts/conformance/cases.ts with real C# as the oracle:
// one C# file (a static method per case), compiled once with Mono's mcs against Newtonsoft.Json,
// run once with mono; each case's GetType() and Convert.ToString(x, InvariantCulture), or the
// exception's type, becomes its expectation. Needs the Debian packages mono-mcs and
// libnewtonsoft-json5.0-cil (reference/csharp-oracle.md); not part of `npm test`.
//   node scripts/conformance/generate.ts [--keep]      (--keep leaves the C# build directory)
//
// Where Mono (≈ .NET Framework) and Newtonsoft 6 differ from the modern .NET and Newtonsoft 13
// that APIM runs, the table records modern .NET and says why in a "note", keeping Mono's output in
// "mono". There are two kinds of such overrides, both below and nowhere else:
// - one rule: a Double or Single result is printed as .NET Core 3.0+/5+ prints it (see
//   `modernFloatText`), from the exact bits Mono reports;
// - MODERN: individual cases, each with its reason.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExprContextJson } from '../../src/expr/api.ts';
import { type ConformanceCase, allCases } from './cases.ts';
import { type Expected, TABLE_PATH, type TableRow, policySource } from './table.ts';

const NEWTONSOFT = '/usr/lib/cli/Newtonsoft.Json-5.0/Newtonsoft.Json.dll';
const here = dirname(fileURLToPath(import.meta.url));

/** Cases whose modern-.NET result differs from Mono's, keyed by the case's expression. */
const MODERN: Readonly<Record<string, { readonly expected: Expected; readonly note: string }>> = {
  '1_000_000': {
    expected: { type: 'System.Int32', text: '1000000' },
    note: 'C# 7 digit separators; mcs 6.8 mis-reads the literal as 100000000',
  },
  'Math.Round(2.5)': {
    expected: { type: 'System.Double', text: '2' },
    note: 'mcs constant-folds Math.Round on a literal rounding half away from zero; .NET rounds half to even (as math.1 shows at run time)',
  },
  'Math.Min(-0.0, 0.0)': {
    expected: { type: 'System.Double', text: '-0' },
    note: '.NET Core 3.0+ Math.Min orders -0.0 below +0.0 (IEEE 754:2019 minimum) and prints it as -0; Mono returns +0',
  },
  '2.5.ToString("F0")': {
    expected: { type: 'System.String', text: '2' },
    note: 'standard numeric formats round a double exactly and half to even since .NET Core 2.1 (docs: standard numeric format strings); Mono, like .NET Framework, rounds half away from zero',
  },
  '0.125.ToString("F2")': {
    expected: { type: 'System.String', text: '0.12' },
    note: '0.125 is exactly representable, so the tie rounds to even on .NET Core 2.1+; Mono, like .NET Framework, rounds half away from zero',
  },
  '1.005.ToString("F2")': {
    expected: { type: 'System.String', text: '1.00' },
    note: '.NET Core 3.0+ rounds the exact binary value (1.00499999999999989…); Mono, like .NET Framework, first rounds to 15 digits (1.005) and gives 1.01',
  },
  '(0.1 + 0.2).ToString("F20")': {
    expected: { type: 'System.String', text: '0.30000000000000004441' },
    note: '.NET Core 3.0+ prints the exact digits of the double; Mono, like .NET Framework, stops after 15 significant digits',
  },
  '(-0.001).ToString("F2")': {
    expected: { type: 'System.String', text: '-0.00' },
    note: '.NET Core 3.0+ keeps the sign of a negative double that rounds to zero; Mono, like .NET Framework, prints 0.00',
  },
  '$"{null}|"': {
    expected: { type: 'System.String', text: '|' },
    note: 'Roslyn passes the null hole as one object argument (an empty string); mcs binds it to the params object[] overload, which throws ArgumentNullException',
  },
  '$"{0.1 + 0.2}"': {
    expected: { type: 'System.String', text: '0.30000000000000004' },
    note: 'double.ToString() in a string: .NET Core 3.0+ prints the shortest round-trippable form; Mono prints 15 significant digits (0.3)',
  },
  'JObject.Parse("{\\"x\\":-0.0}").ToString(Formatting.None)': {
    expected: { type: 'System.String', text: '{"x":-0.0}' },
    note: 'Newtonsoft writes doubles with ToString("R"): -0 on .NET Core 3.0+, 0 on Mono',
  },
  'JsonConvert.DeserializeObject<JObject>("[1]")': {
    expected: { error: 'Newtonsoft.Json.JsonSerializationException' },
    note: "Newtonsoft 13 checks the token type (\"Deserialized JSON type 'JArray' is not compatible with expected type 'JObject'\"); Newtonsoft 6 returns the JArray and the generic cast fails",
  },
};

// ---- the modern double/float rule

/**
 * `double.ToString()` / `float.ToString()` on .NET 5+: the shortest string that round-trips
 * (Mono and .NET Framework print 15 / 7 significant digits instead), in fixed notation unless
 * the decimal exponent is beyond max(digits, 17) (9 for float) or below -4
 * (dotnet/runtime Number.Formatting.cs: FormatDouble sets nMaxDigits = Math.Max(number.DigitsCount,
 * DoublePrecision = 17); FormatGeneral switches to "E" when digPos > nMaxDigits || digPos < -3).
 */
export function modernFloatText(bits: bigint, single: boolean): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigInt64(0, bits);
  const x = view.getFloat64(0);
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let exponential = x.toExponential();
  if (single) {
    for (let p = 1; p <= 9; p++) {
      exponential = x.toExponential(p - 1);
      if (Math.fround(Number(exponential)) === x) break;
    }
  }
  const [mantissa, exp] = exponential.split('e') as [string, string];
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '').replace(/0+$/, '') || '0';
  const scale = Number(exp) + 1;
  const maxDigits = Math.max(digits.length, single ? 9 : 17);
  let text: string;
  if (scale > maxDigits || scale < -3) {
    const e = scale - 1;
    text = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  } else if (scale <= 0) {
    text = `0.${'0'.repeat(-scale)}${digits}`;
  } else if (digits.length > scale) {
    text = `${digits.slice(0, scale)}.${digits.slice(scale)}`;
  } else {
    text = digits + '0'.repeat(scale - digits.length);
  }
  return negative ? `-${text}` : text;
}

// ---- C# source

const USINGS = [
  'System', 'System.Collections.Generic', 'System.Globalization', 'System.Linq', 'System.Net', 'System.Security.Cryptography', 'System.Text',
  'System.Text.RegularExpressions', 'Newtonsoft.Json', 'Newtonsoft.Json.Linq',
];

interface Source {
  readonly text: string;
  /** 1-based [first, last] line of each case's method. */
  readonly lines: readonly (readonly [number, number])[];
}

function csharp(cases: readonly ConformanceCase[], stubbed: ReadonlySet<number>): Source {
  const out: string[] = [...USINGS.map((u) => `using ${u};`), 'public static class Cases {'];
  const lines: [number, number][] = [];
  cases.forEach((c, i) => {
    const first = out.length + 1;
    const { text, kind } = policySource(c.expr);
    out.push(`static object C${i}(Context context) {`);
    if (stubbed.has(i)) out.push('return null;');
    else if (kind === 'block') out.push(...text.split('\n'));
    else out.push('return (object)(', ...text.split('\n'), ');');
    out.push('}');
    lines.push([first, out.length]);
  });
  out.push(`public static readonly Func<Context, object>[] All = { ${cases.map((_, i) => `C${i}`).join(', ')} };`, '}', '');
  return { text: out.join('\n'), lines };
}

/** DESIGN §7 context → what Harness.cs builds the stand-in from (the same reading as stateFromJson). */
function harnessInput(ctx: ExprContextJson | undefined): string {
  const headers: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(ctx?.request?.headers ?? {})) headers[k] = typeof v === 'string' ? [v] : [...v];
  const body = ctx?.request?.bodyText ?? (ctx?.request?.body === undefined ? null : JSON.stringify(ctx.request.body));
  const variables = Object.entries(ctx?.variables ?? {}).map(([name, v]) => {
    if (v === null) return { name, kind: 'null', text: '' };
    if (typeof v === 'string') return { name, kind: 'string', text: v };
    if (typeof v === 'boolean') return { name, kind: 'bool', text: String(v) };
    if (typeof v === 'number') return { name, kind: Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? 'int' : 'double', text: String(v) };
    return { name, kind: 'json', text: JSON.stringify(v) };
  });
  return JSON.stringify({ method: ctx?.request?.method ?? 'GET', url: ctx?.request?.url ?? 'https://gateway.local/', headers, body, variables });
}

// ---- compile and run

interface CompileError {
  readonly caseIndex: number;
  readonly code: string;
  readonly message: string;
}

function compile(dir: string, source: Source): CompileError[] {
  writeFileSync(join(dir, 'Cases.cs'), source.text);
  const args = ['-langversion:7', '-warn:0', `-r:${NEWTONSOFT}`, `-out:${join(dir, 'cases.exe')}`, join(here, 'Context.cs'), join(here, 'Harness.cs'), join(dir, 'Cases.cs')];
  try {
    execFileSync('mcs', args, { stdio: 'pipe' });
    return [];
  } catch (e) {
    const output = String((e as { stdout?: Buffer }).stdout ?? '') + String((e as { stderr?: Buffer }).stderr ?? '');
    const errors: CompileError[] = [];
    for (const m of output.matchAll(/Cases\.cs\((\d+),\d+\): error (CS\d+): (.*)/g)) {
      const line = Number(m[1]);
      const caseIndex = source.lines.findIndex(([a, b]) => line >= a && line <= b);
      errors.push({ caseIndex, code: m[2]!, message: m[3]! });
    }
    if (errors.length === 0 || errors.some((x) => x.caseIndex < 0)) throw new Error(`mcs failed outside the cases:\n${output}`, { cause: e });
    return errors;
  }
}

interface MonoResult {
  readonly type?: string;
  readonly text?: string;
  readonly bits?: string;
  readonly error?: string;
  readonly message?: string;
}

function run(dir: string, cases: readonly ConformanceCase[]): MonoResult[] {
  writeFileSync(join(dir, 'inputs.jsonl'), `${cases.map((c) => harnessInput(c.context)).join('\n')}\n`);
  const stdout = execFileSync('mono', [join(dir, 'cases.exe'), join(dir, 'inputs.jsonl')], {
    env: { ...process.env, MONO_PATH: dirname(NEWTONSOFT), TZ: 'UTC', LANG: 'C.UTF-8' },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  }).toString('utf8');
  const lines = stdout.split('\n').filter((l) => l !== '');
  if (lines.length !== cases.length) throw new Error(`mono printed ${lines.length} results for ${cases.length} cases`);
  return lines.map((l) => JSON.parse(l) as MonoResult);
}

// ---- expectations

const LAZY = /Iterator|\+|Enumerable|Grouping|Lookup/;

function expectation(c: ConformanceCase, r: MonoResult, overridesUsed: Set<string>): { expected: Expected; note?: string; mono?: Expected } {
  const mono: Expected = r.error !== undefined ? { error: r.error } : { type: r.type!, text: r.text! };
  if (r.type !== undefined && LAZY.test(r.type)) throw new Error(`${c.id} returns a lazy ${r.type}; materialise it (ToList, string.Join)`);
  const override = MODERN[c.expr];
  if (override) {
    overridesUsed.add(c.expr);
    return { expected: override.expected, note: override.note, mono };
  }
  if (r.bits !== undefined && (r.type === 'System.Double' || r.type === 'System.Single')) {
    const modern = modernFloatText(BigInt(r.bits), r.type === 'System.Single');
    if (modern !== r.text) {
      return {
        expected: { type: r.type, text: modern },
        note: `.NET Core 3.0+ prints the shortest round-trippable ${r.type === 'System.Single' ? 'float' : 'double'} (E notation only beyond 17 digits since .NET 5); Mono, like .NET Framework, prints ${r.type === 'System.Single' ? 7 : 15} significant digits`,
        mono,
      };
    }
  }
  return { expected: mono };
}

function main(): void {
  const keep = process.argv.includes('--keep');
  const cases = allCases();
  const keys = new Map<string, number>();
  for (const c of cases) keys.set(c.expr, (keys.get(c.expr) ?? 0) + 1);
  for (const k of Object.keys(MODERN)) if (keys.get(k) !== 1) throw new Error(`MODERN override must match exactly one case: ${k}`);

  const dir = mkdtempSync(join(tmpdir(), 'mcp-apim-conformance-'));
  try {
    // C# rejects some cases on purpose (compileError). mcs stops at the first phase that fails,
    // so compile, stub the rejected cases, and repeat until the rest compiles.
    const rejected = new Map<number, CompileError>();
    for (let round = 0; ; round++) {
      const errors = compile(dir, csharp(cases, new Set(rejected.keys())));
      if (errors.length === 0) break;
      if (round > 10) throw new Error(`mcs keeps failing: ${JSON.stringify(errors.slice(0, 5))}`);
      for (const e of errors) if (!rejected.has(e.caseIndex)) rejected.set(e.caseIndex, e);
    }
    const problems: string[] = [];
    cases.forEach((c, i) => {
      if (rejected.has(i) && !c.compileError) problems.push(`${c.id} does not compile: ${rejected.get(i)!.code} ${rejected.get(i)!.message}\n    ${c.expr}`);
      if (!rejected.has(i) && c.compileError) problems.push(`${c.id} is marked compileError but C# accepts it\n    ${c.expr}`);
    });
    if (problems.length > 0) throw new Error(`C# compilation:\n${problems.join('\n')}`);

    const results = run(dir, cases);
    const used = new Set<string>();
    const rows: TableRow[] = cases.map((c, i) => {
      const base = { id: c.id, expr: c.expr, ...(c.context ? { context: c.context } : {}) };
      const gap = c.gap ? { gap: c.gap } : {};
      const compileError = rejected.get(i);
      if (compileError) return { ...base, compileError: compileError.code, ...gap };
      const { expected, note, mono } = expectation(c, results[i]!, used);
      return { ...base, ...expected, ...(note ? { note, mono } : {}), ...gap } as TableRow;
    });
    const unused = Object.keys(MODERN).filter((k) => !used.has(k));
    if (unused.length > 0) throw new Error(`MODERN overrides not applied: ${unused.join(', ')}`);
    writeFileSync(TABLE_PATH, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const notes = rows.filter((r) => r.note).length;
    console.log(`${TABLE_PATH}: ${rows.length} cases (${rejected.size} rejected by the compiler, ${notes} with modern-.NET notes, ${rows.filter((r) => r.gap).length} gaps)`);
  } finally {
    if (keep) console.log(`C# build kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
