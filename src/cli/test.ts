import { globSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { type Diagnostic, diagnostic, fileSpan, hasErrors } from '../diagnostics/index.ts';
import { compileConfig } from '../emit/compile.ts';
import { buildDeployment, policiesFromFiles } from '../runtime/deployment.ts';
import { generateDevKeys } from '../runtime/identity/keys.ts';
import { type ExchangeResult, replayFile, replayTarget } from '../traffic/replay.ts';
import type { Exchange } from '../traffic/types.ts';
import { diagnosticsJson, loadConfigFile, reportDiagnostics } from './common.ts';
import { type CliIo, ExitCode } from './io.ts';
import { printResults, readTraffic, writeJunit } from './traffic-report.ts';

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
        const read = readTraffic(files, io);
        diagnostics.push(...read.diagnostics);
        for (const [k, v] of read.sources) sources.set(k, v);
        traffic.push(...read.traffic);
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
      for (const t of traffic) results.push(...(await replayFile(t.file, t.exchanges, { ...replayTarget(loaded.config!), deployment: deployment.deployment, keys, startMs })));
      if (options.junit && !writeJunit(options.junit, results, io, 'mcp-apim test')) return setExit(ExitCode.usage);
      if (!options.json && diagnostics.length > 0) reportDiagnostics(diagnostics, sources, io);
      const failed = printResults(results, io, options);
      setExit(failed === 0 ? ExitCode.ok : ExitCode.findings);
    });
}
