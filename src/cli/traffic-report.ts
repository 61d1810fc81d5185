/** What `mcp-apim test` and `mcp-apim policy run` share: reading traffic files and reporting replay results. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { type Diagnostic, diagnostic, fileSpan } from '../diagnostics/index.ts';
import { junitXml } from '../traffic/junit.ts';
import { parseTraffic } from '../traffic/parse.ts';
import type { ExchangeResult } from '../traffic/replay.ts';
import type { Exchange } from '../traffic/types.ts';
import { type CliIo, useColor } from './io.ts';

/** Reads and parses traffic files (absolute paths); names are shown relative to the working directory. */
export function readTraffic(files: readonly string[], io: CliIo): { traffic: { file: string; exchanges: Exchange[] }[]; diagnostics: Diagnostic[]; sources: Map<string, string> } {
  const traffic: { file: string; exchanges: Exchange[] }[] = [];
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  for (const file of files) {
    const shown = relative(io.cwd, file) || file;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      diagnostics.push(diagnostic('MA9001', `cannot read ${shown}: no such file, or not a readable file`, fileSpan(shown)));
      continue;
    }
    sources.set(shown, text);
    const parsed = parseTraffic(shown, text);
    diagnostics.push(...parsed.diagnostics);
    traffic.push({ file: shown, exchanges: parsed.exchanges });
  }
  return { traffic, diagnostics, sources };
}

/** Writes JUnit XML atomically; false (with a message) when it cannot. */
export function writeJunit(path: string, results: readonly ExchangeResult[], io: CliIo, command: string): boolean {
  const target = resolve(io.cwd, path);
  try {
    writeFileSync(`${target}.tmp`, junitXml(results));
    renameSync(`${target}.tmp`, target);
    return true;
  } catch (error) {
    io.stderr(`${command}: cannot write ${path}: ${(error as Error).message}\n`);
    return false;
  }
}

/** Prints the results (DESIGN §7 JSON, or the readable report); returns how many failed. */
export function printResults(results: readonly ExchangeResult[], io: CliIo, options: { readonly json?: boolean; readonly trace?: boolean }): number {
  const failed = results.filter((r) => !r.passed).length;
  if (options.json) {
    const shape = results.map((r) => ({ name: r.name, passed: r.passed, status: r.status, forwarded: r.forwarded, headers: r.headers, body: r.body, failures: r.failures }));
    io.stdout(`${JSON.stringify({ results: shape, passed: results.length - failed, failed }, null, 2)}\n`);
  } else report(results, io, options);
  return failed;
}

function report(results: readonly ExchangeResult[], io: CliIo, options: { readonly trace?: boolean }): void {
  const color = useColor(io);
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  let file = '';
  for (const r of results) {
    if (r.file !== file) {
      file = r.file;
      io.stdout(`${relative(io.cwd, file) || file}\n`);
    }
    io.stdout(`  ${r.passed ? paint('32', '✓') : paint('31', '✗')} ${r.name} ${paint('2', `(${r.status}${r.forwarded ? ', forwarded' : ''})`)}\n`);
    if (!r.passed || options.trace) {
      for (const f of r.failures) io.stdout(`      ${paint('31', f)}\n`);
      if (!r.passed) {
        io.stdout(`      request: ${r.request.method} ${r.request.path}${r.request.bodyText ? ` ${r.request.bodyText.length > 300 ? `${r.request.bodyText.slice(0, 300)}…` : r.request.bodyText}` : ''}\n`);
        io.stdout(`      response: ${r.status} ${typeof r.body === 'string' ? r.body.slice(0, 300) : JSON.stringify(r.body).slice(0, 300)}\n`);
      }
      io.stdout('      trace:\n');
      for (const t of r.trace) io.stdout(`        ${t.scope}/${t.section} ${t.policy}: ${t.message.replace(/\n\s*/g, ' ').slice(0, 240)}\n`);
    }
  }
  const failed = results.filter((r) => !r.passed).length;
  io.stdout(`${failed === 0 ? paint('32', `${results.length} passed`) : paint('31', `${failed} failed`) + `, ${results.length - failed} passed`}\n`);
}

