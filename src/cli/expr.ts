import type { Command } from 'commander';
import { type CliIo, ExitCode } from './io.ts';

// Placeholder until the expr command lands; it refuses rather than pretending to work.
export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('expr')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      io.stderr('mcp-apim expr: not implemented yet\n');
      setExit(ExitCode.usage);
    });
}
