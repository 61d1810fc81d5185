import type { Command } from 'commander';
import { hasErrors } from '../diagnostics/index.ts';
import { diffMarkdown, diffMatrices } from '../emit/diff.ts';
import { type AccessMatrix, accessMatrix, accessMatrixMarkdown } from '../emit/matrix.ts';
import { buildPlan } from '../plan/build.ts';
import { loadConfigFile, reportDiagnostics } from './common.ts';
import { type CliIo, ExitCode } from './io.ts';

function matrixOf(configPath: string, io: CliIo): AccessMatrix | undefined {
  const loaded = loadConfigFile(configPath, io);
  if (!loaded.config) {
    reportDiagnostics(loaded.diagnostics, loaded.sources, io);
    return undefined;
  }
  const { plan, diagnostics } = buildPlan(loaded.config);
  if (hasErrors(diagnostics)) {
    reportDiagnostics(diagnostics, loaded.sources, io);
    return undefined;
  }
  return accessMatrix(plan);
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('matrix')
    .description('Print who can call what: every (role, tool) decision and the rule behind it.')
    .argument('<config>', 'the mcp-apim config file (YAML)')
    .option('--json', 'print the matrix as JSON (the same as access-matrix.json)')
    .action((configPath: string, options: { json?: boolean }) => {
      const matrix = matrixOf(configPath, io);
      if (!matrix) return setExit(ExitCode.usage);
      io.stdout(options.json ? `${JSON.stringify(matrix, null, 2)}\n` : accessMatrixMarkdown(matrix));
    });
  program
    .command('diff')
    .description('Show what changed in who can call what between two configs, as Markdown for a pull request.')
    .argument('<old-config>', 'the config before the change')
    .argument('<new-config>', 'the config after the change')
    .option('--json', 'print {"changed", "changes": [...]}')
    .addHelpText('after', '\nExit codes: 0 no change, 1 something changed, 2 a config has errors.\nExample (in a pull request):\n  git show main:mcp-gateway.yaml > /tmp/old.yaml && mcp-apim diff /tmp/old.yaml mcp-gateway.yaml')
    .action((oldPath: string, newPath: string, options: { json?: boolean }) => {
      const before = matrixOf(oldPath, io);
      const after = matrixOf(newPath, io);
      if (!before || !after) return setExit(ExitCode.usage);
      const changes = diffMatrices(before, after);
      io.stdout(options.json ? `${JSON.stringify({ changed: changes.length > 0, changes }, null, 2)}\n` : diffMarkdown(changes));
      setExit(changes.length > 0 ? ExitCode.findings : ExitCode.ok);
    });
}
