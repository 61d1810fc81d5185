import type { Command } from 'commander';
import { hasErrors } from '../diagnostics/index.ts';
import { compileConfig } from '../emit/compile.ts';
import { diagnosticsJson, loadConfigFile, reportDiagnostics } from './common.ts';
import { type CliIo, ExitCode } from './io.ts';
import { OutputError, writeOutputDirectory } from './write-output.ts';

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('compile')
    .description('Compile a config into APIM policy XML, Bicep, ARM JSON, Entra app roles and the access matrix.')
    .argument('<config>', 'the mcp-apim config file (YAML)')
    .requiredOption('-o, --out <dir>', 'output directory (replaced as a whole; must be empty, absent, or an earlier mcp-apim output)')
    .option('--json', 'print {"ok", "out", "files", "diagnostics"} instead of text')
    .addHelpText(
      'after',
      `
Writes:
  policies/api.xml          API policy (rawxml): token, JSON-RPC checks, role gating, rate limits, tools/list
  policies/prm.xml          RFC 9728 protected-resource metadata operation policy
  bicep/main.bicep          APIM resources (+ main.parameters.json); arm/azuredeploy.json is the same as ARM JSON
  entra/app-roles.json      app roles with stable ids (+ entra.bicep for the Microsoft Graph Bicep extension)
  access-matrix.md/.json    every (role, tool) decision and the rule behind it
  plan.json                 the resolved plan

A config with errors writes nothing at all. Exit codes: 0 written, 2 errors in the config or output.
Example:
  mcp-apim compile fixtures/example/mcp-gateway.yaml -o out/example`,
    )
    .action((configPath: string, options: { out: string; json?: boolean }) => {
      const loaded = loadConfigFile(configPath, io);
      const result = loaded.config ? compileConfig(loaded.config) : undefined;
      const diagnostics = [...loaded.diagnostics, ...(result?.diagnostics ?? [])];
      const files = result && !hasErrors(diagnostics) ? result.files : undefined;
      let writeError: string | undefined;
      if (files) {
        try {
          writeOutputDirectory(options.out, files);
        } catch (error) {
          writeError = error instanceof OutputError ? error.message : `cannot write ${options.out}: ${(error as Error).message}`;
        }
      }
      const ok = files !== undefined && writeError === undefined;
      if (options.json) {
        io.stdout(`${JSON.stringify({ ok, out: options.out, files: ok ? Object.keys(files) : [], diagnostics: diagnosticsJson(diagnostics), ...(writeError ? { error: writeError } : {}) }, null, 2)}\n`);
      } else {
        reportDiagnostics(diagnostics, loaded.sources, io);
        if (writeError) io.stderr(`mcp-apim compile: ${writeError}\n`);
        if (ok) io.stdout(`wrote ${Object.keys(files).length} files to ${options.out}\n`);
        else if (!writeError) io.stderr('nothing was written\n');
      }
      setExit(ok ? ExitCode.ok : ExitCode.usage);
    });
}
