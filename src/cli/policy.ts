import type { Command } from 'commander';
import { type CliIo, ExitCode } from './io.ts';

// Placeholder until the policy command lands; it refuses rather than pretending to work.
export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('policy')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      io.stderr('mcp-apim policy: not implemented yet\n');
      setExit(ExitCode.usage);
    });
}
