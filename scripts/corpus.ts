import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expressionChecker } from '../src/cli/policy.ts';
import type { Diagnostic } from '../src/diagnostics/index.ts';
import { type CheckOptions, checkPolicy, isUnsupportedConstruct } from '../src/policy/check.ts';
import { runCorpusDocument } from './corpus-run.ts';

/**
 * `npm run corpus`: runs `policy check` over the shared corpora of real APIM policy files (beside
 * the repository, in ../shared; never copied into it) and prints how many parse, how many the
 * emulator could run in full, and what stops the rest, most frequent first.
 * `--strict` exits 1 when a target is missed.
 */
export const CORPORA = ['../shared/apim-policy-corpus', '../shared/mcp-apim-policies'];
export const TARGETS = { parsed: 0.98, clean: 0.9, ran: 0.85 };

/** The run column: documents that run to a response in the emulator, and what stops the others. */
export interface RunTally {
  readonly files: number;
  readonly ran: number;
  readonly reasons: readonly { readonly reason: string; readonly files: number }[];
}

export async function runCorpora(roots: readonly string[]): Promise<RunTally> {
  let files = 0;
  let ran = 0;
  const reasons = new Map<string, number>();
  for (const root of roots) {
    for (const path of corpusFiles(root)) {
      files++;
      const r = await runCorpusDocument(path, readFileSync(path, 'utf8'));
      if (r.ran) ran++;
      else {
        const key = r.reason.replace(/^the emulator has no handler for (<[^>]+>).*/, 'no handler for $1');
        reasons.set(key, (reasons.get(key) ?? 0) + 1);
      }
    }
  }
  return { files, ran, reasons: [...reasons].map(([reason, n]) => ({ reason, files: n })).sort((a, b) => b.files - a.files || a.reason.localeCompare(b.reason)) };
}

export function formatRun(run: RunTally): string {
  const lines = [`run: ${run.ran} of ${run.files} files run to a response in the emulator (${percent(run.ran, run.files)}; target ≥ ${TARGETS.ran * 100} % ${run.ran / run.files >= TARGETS.ran ? 'met' : 'NOT met'})`];
  for (const r of run.reasons.slice(0, 25)) lines.push(`  ${String(r.files).padStart(4)}  ${r.reason}`);
  return `${lines.join('\n')}\n`;
}

export interface CorpusTally {
  readonly name: string;
  readonly files: number;
  readonly parsed: number;
  /** Parsed, and without any unsupported-construct diagnostic. */
  readonly clean: number;
}

export interface CorpusReport {
  readonly corpora: readonly CorpusTally[];
  readonly total: CorpusTally;
  readonly unparsed: readonly { readonly path: string; readonly message: string }[];
  /** Unsupported constructs, most files first. */
  readonly constructs: readonly { readonly construct: string; readonly files: number; readonly occurrences: number }[];
}

export function corpusFiles(root: string): string[] {
  return readdirSync(root)
    .sort()
    .flatMap((name) => {
      const path = join(root, name);
      return statSync(path).isDirectory() ? corpusFiles(path) : name.endsWith('.xml') ? [path] : [];
    });
}

/** The construct a diagnostic is about: `<element>`, `<element attribute="value">`, or the message. */
export function constructOf(d: Diagnostic): string {
  const element = /does not run <([^>]+)>/.exec(d.message);
  if (element) return `<${element[1]}>`;
  const attribute = /does not honour ([^ ]+) on <([^>]+)>/.exec(d.message);
  if (attribute) return `<${attribute[2]} ${attribute[1]}>`;
  const child = /does not honour <([^>]+)> in <([^>]+)>/.exec(d.message);
  if (child) return `<${child[2]}><${child[1]}>`;
  return `${d.code} ${d.message.replace(/;? see docs\/emulator-support\.md\.?$/, '')}`;
}

export function scanCorpora(roots: readonly string[], options: CheckOptions = {}): CorpusReport {
  const corpora: CorpusTally[] = [];
  const unparsed: { path: string; message: string }[] = [];
  const constructs = new Map<string, { files: Set<string>; occurrences: number }>();
  for (const root of roots) {
    const tally = { name: root, files: 0, parsed: 0, clean: 0 };
    for (const path of corpusFiles(root)) {
      const result = checkPolicy(path, readFileSync(path, 'utf8'), options);
      const unsupported = result.diagnostics.filter(isUnsupportedConstruct);
      tally.files++;
      if (result.parsed) tally.parsed++;
      else unparsed.push({ path, message: result.diagnostics.find((d) => d.code === 'MA4001')?.message ?? 'not parsed' });
      if (result.parsed && unsupported.length === 0) tally.clean++;
      for (const d of unsupported) {
        const key = constructOf(d);
        const entry = constructs.get(key) ?? { files: new Set<string>(), occurrences: 0 };
        entry.files.add(path);
        entry.occurrences++;
        constructs.set(key, entry);
      }
    }
    corpora.push(tally);
  }
  const total = corpora.reduce((t, c) => ({ name: 'all', files: t.files + c.files, parsed: t.parsed + c.parsed, clean: t.clean + c.clean }), { name: 'all', files: 0, parsed: 0, clean: 0 });
  return {
    corpora,
    total,
    unparsed,
    constructs: [...constructs]
      .map(([construct, e]) => ({ construct, files: e.files.size, occurrences: e.occurrences }))
      .sort((a, b) => b.files - a.files || b.occurrences - a.occurrences || a.construct.localeCompare(b.construct)),
  };
}

const percent = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)} %`;

export function formatReport(report: CorpusReport): string {
  const lines: string[] = [];
  const width = Math.max(...report.corpora.map((c) => c.name.length), 3);
  for (const c of [...report.corpora, report.total]) {
    lines.push(`${c.name.padEnd(width)}  ${String(c.files).padStart(4)} files  ${String(c.parsed).padStart(4)} parsed (${percent(c.parsed, c.files)})  ${String(c.clean).padStart(4)} without unsupported constructs (${percent(c.clean, c.files)})`);
  }
  const { total } = report;
  const met = (ratio: number, target: number) => (ratio >= target ? 'met' : 'NOT met');
  lines.push('', `targets: parsed ≥ ${TARGETS.parsed * 100} % ${met(total.parsed / total.files, TARGETS.parsed)}; without unsupported constructs ≥ ${TARGETS.clean * 100} % ${met(total.clean / total.files, TARGETS.clean)}`);
  if (report.unparsed.length > 0) {
    lines.push('', 'not parsed:');
    for (const u of report.unparsed) lines.push(`  ${u.path}: ${u.message}`);
  }
  lines.push('', 'unsupported constructs (files, occurrences):');
  const cw = Math.min(60, Math.max(...report.constructs.map((c) => c.construct.length), 10));
  for (const c of report.constructs) lines.push(`  ${c.construct.padEnd(cw)}  ${String(c.files).padStart(4)}  ${String(c.occurrences).padStart(5)}`);
  return `${lines.join('\n')}\n`;
}

if (import.meta.main) {
  const missing = CORPORA.filter((root) => !existsSync(root));
  if (missing.length > 0) {
    console.error(`npm run corpus: ${missing.join(', ')} not found; the shared corpora live beside the repository (run from the repository root)`);
    process.exit(2);
  }
  const report = scanCorpora(CORPORA, { checkExpression: expressionChecker() });
  process.stdout.write(formatReport(report));
  const run = await runCorpora(CORPORA);
  process.stdout.write(`\n${formatRun(run)}`);
  const { total } = report;
  if (process.argv.includes('--strict') && (total.parsed / total.files < TARGETS.parsed || total.clean / total.files < TARGETS.clean || run.ran / run.files < TARGETS.ran)) process.exit(1);
}
