import type { Command } from 'commander';
import { hasErrors } from '../diagnostics/index.ts';
import { compileConfig } from '../emit/compile.ts';
import { diagnosticsJson, loadConfigFile, reportDiagnostics } from './common.ts';
import { type CliIo, ExitCode } from './io.ts';

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('Check a config and report its diagnostics; writes nothing.')
    .argument('<config>', 'the mcp-apim config file (YAML)')
    .option('--json', 'print {"valid", "diagnostics": [...]} instead of text')
    .addHelpText('after', '\nExit codes: 0 valid (warnings allowed), 2 errors in the config.\nExample:\n  mcp-apim validate mcp-gateway.yaml')
    .action((configPath: string, options: { json?: boolean }) => {
      const loaded = loadConfigFile(configPath, io);
      // Validation runs the whole compile in memory, so size and SKU checks are included.
      const diagnostics = loaded.config ? compileConfig(loaded.config).diagnostics : loaded.diagnostics;
      const all = loaded.config ? [...loaded.diagnostics, ...diagnostics] : diagnostics;
      const valid = !hasErrors(all);
      if (options.json) io.stdout(`${JSON.stringify({ valid, diagnostics: diagnosticsJson(all) }, null, 2)}\n`);
      else {
        reportDiagnostics(all, loaded.sources, io);
        if (valid) io.stdout(`${configPath}: valid${all.length > 0 ? ' (with warnings)' : ''}\n`);
      }
      setExit(valid ? ExitCode.ok : ExitCode.usage);
    });
}
