import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { CORPORA, corpusFiles } from '../scripts/corpus.ts';
import { expressionChecker } from '../src/cli/policy.ts';
import { loadConfig } from '../src/config/load.ts';
import { compileConfig } from '../src/emit/compile.ts';
import { checkPolicy } from '../src/policy/check.ts';
import { parsePolicy } from '../src/policy/parse.ts';
import { largeConfig } from './generate.ts';

function best(runs: number, fn: () => void): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return fastest;
}

/**
 * `policy check` benchmarks (issue 3): every file of both shared corpora, in process and through
 * the CLI (a fresh Node process, as a user runs it), and the policy mcp-apim compiles for 2,000
 * tools × 100 roles. The same-run baseline is parsing the same text with the parser alone, so
 * the ratio is what the schema walk and the checks cost on top of reading the document.
 */
export default async function run(): Promise<Record<string, unknown>> {
  const results: Record<string, unknown>[] = [];
  const measure = (name: string, inputs: readonly { path: string; text: string }[], extra: Record<string, unknown> = {}) => {
    const bytes = inputs.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
    const parseMs = best(3, () => {
      for (const f of inputs) parsePolicy(f.path, f.text);
    });
    const checkMs = best(3, () => {
      for (const f of inputs) checkPolicy(f.path, f.text, { sku: 'Premium', apiType: 'mcp', checkExpression: expressionChecker() });
    });
    const row = {
      case: name,
      files: inputs.length,
      kib: +(bytes / 1024).toFixed(1),
      checkMs: +checkMs.toFixed(1),
      parseBaselineMs: +parseMs.toFixed(1),
      ratioToBaseline: +(checkMs / parseMs).toFixed(2),
      mibPerSecond: +(bytes / 1024 / 1024 / (checkMs / 1000)).toFixed(1),
      ...extra,
    };
    results.push(row);
    console.log(`policy check ${name}: ${row.files} files, ${row.kib} KiB in ${row.checkMs} ms (${row.ratioToBaseline}x parsing alone, ${row.mibPerSecond} MiB/s)${'cliMs' in extra ? `; CLI end to end ${extra.cliMs} ms` : ''}`);
  };

  const paths = CORPORA.filter((root) => existsSync(root)).flatMap(corpusFiles);
  if (paths.length > 0) {
    const cliStart = process.hrtime.bigint();
    try {
      execFileSync(process.execPath, ['src/cli/main.ts', 'policy', 'check', '--sku', 'Premium', '--json', ...paths], { stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 });
    } catch {
      // Exit 1 means the corpora have findings, which they do; the time is what counts here.
    }
    const cliMs = Math.round(Number(process.hrtime.bigint() - cliStart) / 1e6);
    measure('both shared corpora', paths.map((path) => ({ path, text: readFileSync(path, 'utf8') })), { cliMs });
  } else console.log('policy check: the shared corpora are not beside the repository; corpus case skipped');

  const configText = largeConfig(2000, 100);
  const loaded = loadConfig('bench.yaml', configText, { readFile: () => undefined });
  const compiled = compileConfig(loaded.config!);
  const policies = Object.entries(compiled.files)
    .filter(([name]) => name.endsWith('.xml'))
    .map(([path, text]) => ({ path, text }));
  measure('compiled 2000 tools x 100 roles', policies);
  return { policyCheck: results };
}
