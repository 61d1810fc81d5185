import { globSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { type Diagnostic, diagnostic, fileSpan, hasErrors } from '../diagnostics/index.ts';
import { compileConfig } from '../emit/compile.ts';
import { buildDeployment, policiesFromFiles } from '../runtime/deployment.ts';
import { generateDevKeys } from '../runtime/identity/keys.ts';
import { junitXml } from '../traffic/junit.ts';
import { parseTraffic } from '../traffic/parse.ts';
import { type ExchangeResult, replayFile } from '../traffic/replay.ts';
import type { Exchange } from '../traffic/types.ts';
import { diagnosticsJson, loadConfigFile, reportDiagnostics } from './common.ts';
import { type CliIo, ExitCode, useColor } from './io.ts';

interface Options {
  readonly json?: boolean;
  readonly junit?: string;
  readonly trace?: boolean;
  readonly now?: string;
}

/** Traffic files from the command line (relative to the working directory) or the config's `tests:` globs (relative to the config). */
function trafficFiles(args: readonly string[], configPath: string, tests: readonly string[], io: CliIo): string[] {
  if (args.length > 0) return args.map((a) => resolve(io.cwd, a));
  const base = dirname(resolve(io.cwd, configPath));
  return [...new Set(tests.flatMap((pattern) => globSync(pattern, { cwd: base }).map((f) => resolve(base, f))))].sort();
}

function report(results: readonly ExchangeResult[], io: CliIo, options: Options): void {
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

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('test')
    .description('Compile a config in memory and replay recorded MCP traffic through the APIM emulator, checking every expectation.')
    .argument('<config>', 'the mcp-apim config file (YAML)')
    .argument('[traffic...]', "traffic files (JSON Lines, DESIGN §6); default: the config's `tests:` globs")
    .option('--json', 'print {"results":[{"name","passed","status","forwarded","headers","body","failures"}],"passed","failed"}')
    .option('--junit <file>', 'also write JUnit XML (for PublishTestResults@2)')
    .option('--trace', 'print the policy trace of every exchange, not only of failures')
    .option('--now <iso-time>', 'start the virtual clock at this instant (default: now)')
    .addHelpText(
      'after',
      `
Each traffic line is one exchange: a request (its token is minted by the local identity
provider from the claims given), the MCP server's answer, and what the client must see.
Exchanges run in order on a virtual clock ("advance": "61s" moves it), so rate limits can be
crossed and recovered without waiting. Each traffic file starts from a fresh clock and counters.

Exit codes: 0 all expectations met, 1 some failed, 2 bad config or traffic (file:line:col).
Examples:
  mcp-apim test fixtures/example/mcp-gateway.yaml
  mcp-apim test mcp-gateway.yaml traffic/smoke.jsonl --junit test-results/mcp-apim.xml`,
    )
    .action(async (configPath: string, args: string[], options: Options) => {
      const loaded = loadConfigFile(configPath, io);
      const compiled = loaded.config ? compileConfig(loaded.config) : undefined;
      const diagnostics: Diagnostic[] = [...loaded.diagnostics, ...(compiled?.diagnostics ?? [])];
      const sources = new Map(loaded.sources);
      const traffic: { file: string; exchanges: Exchange[] }[] = [];
      if (loaded.config && !hasErrors(diagnostics)) {
        const files = trafficFiles(args, configPath, loaded.config.tests, io);
        if (files.length === 0) diagnostics.push(diagnostic('MA9003', args.length === 0 ? "no traffic to replay: give traffic files, or list them under `tests:` in the config" : 'no traffic files matched', fileSpan(configPath)));
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
      }
      const deployment = compiled && !hasErrors(diagnostics) ? buildDeployment(loaded.config!.api.path, policiesFromFiles(compiled.files)) : undefined;
      if (deployment) diagnostics.push(...deployment.diagnostics);
      if (!deployment?.deployment || hasErrors(diagnostics)) {
        if (options.json) io.stdout(`${JSON.stringify({ results: [], passed: 0, failed: 0, diagnostics: diagnosticsJson(diagnostics) }, null, 2)}\n`);
        else reportDiagnostics(diagnostics, sources, io);
        return setExit(ExitCode.usage);
      }
      const startMs = options.now === undefined ? Date.now() : Date.parse(options.now);
      if (Number.isNaN(startMs)) {
        reportDiagnostics([diagnostic('MA9003', `--now: "${options.now}" is not an ISO 8601 time`)], sources, io);
        return setExit(ExitCode.usage);
      }
      const keys = generateDevKeys();
      const results: ExchangeResult[] = [];
      for (const t of traffic) results.push(...(await replayFile(t.file, t.exchanges, { config: loaded.config!, deployment: deployment.deployment, keys, startMs })));
      const failed = results.filter((r) => !r.passed).length;
      if (options.junit) {
        const target = resolve(io.cwd, options.junit);
        try {
          writeFileSync(`${target}.tmp`, junitXml(results));
          renameSync(`${target}.tmp`, target);
        } catch (error) {
          io.stderr(`mcp-apim test: cannot write ${options.junit}: ${(error as Error).message}\n`);
          return setExit(ExitCode.usage);
        }
      }
      if (options.json) {
        const shape = results.map((r) => ({ name: r.name, passed: r.passed, status: r.status, forwarded: r.forwarded, headers: r.headers, body: r.body, failures: r.failures }));
        io.stdout(`${JSON.stringify({ results: shape, passed: results.length - failed, failed }, null, 2)}\n`);
      } else {
        if (diagnostics.length > 0) reportDiagnostics(diagnostics, sources, io);
        report(results, io, options);
      }
      setExit(failed === 0 ? ExitCode.ok : ExitCode.findings);
    });
}
