import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { type CliIo, ExitCode } from './io.ts';

/** templates/init in the package (two levels up from src/cli or dist/cli). */
const TEMPLATE_DIR = fileURLToPath(new URL('../../templates/init/', import.meta.url));

function templateFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? templateFiles(full) : [full];
  });
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('init')
    .description('Scaffold a gateway config, a tool catalog, sample traffic and an Azure Pipelines file.')
    .argument('[dir]', 'where to write (created if missing)', '.')
    .option('--force', 'overwrite files that already exist')
    .addHelpText('after', '\nNothing is overwritten without --force; when a file exists, nothing at all is written.\nExample:\n  mcp-apim init my-gateway && cd my-gateway && npx mcp-apim matrix mcp-gateway.yaml')
    .action((dir: string, options: { force?: boolean }) => {
      const target = resolve(io.cwd, dir);
      const files = templateFiles(TEMPLATE_DIR).map((from) => ({ from, path: relative(TEMPLATE_DIR, from).split('\\').join('/') })).sort((a, b) => (a.path < b.path ? -1 : 1));
      const existing = files.filter((f) => existsSync(join(target, f.path)));
      if (existing.length > 0 && !options.force) {
        io.stderr(`mcp-apim init: these files exist in ${dir} and would be overwritten:\n${existing.map((f) => `  ${f.path}`).join('\n')}\nNothing was written. Use --force to overwrite them.\n`);
        return setExit(ExitCode.usage);
      }
      for (const f of files) {
        mkdirSync(dirname(join(target, f.path)), { recursive: true });
        writeFileSync(join(target, f.path), readFileSync(f.from));
      }
      const gitignore = join(target, '.gitignore');
      if (!existsSync(gitignore)) writeFileSync(gitignore, 'out/\n.mcp-apim/\nnode_modules/\n');
      io.stdout(
        [
          `Wrote ${files.map((f) => f.path).join(', ')} to ${dir}.`,
          '',
          'Next:',
          '  1. Set identity.tenantId and identity.audience in mcp-gateway.yaml, and api.backend.',
          '  2. Replace catalog.json with your server\'s tools (a saved tools/list result).',
          '  3. npx mcp-apim validate mcp-gateway.yaml && npx mcp-apim matrix mcp-gateway.yaml',
          '  4. npx mcp-apim test mcp-gateway.yaml          (replays traffic/*.jsonl through the emulator)',
          '  5. npx mcp-apim compile mcp-gateway.yaml -o out',
          '',
        ].join('\n'),
      );
    });
}
