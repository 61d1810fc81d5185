import { Command, CommanderError } from 'commander';
import { type CliIo, ExitCode, processIo } from './io.ts';
import { registerCommands } from './registry.ts';

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = new Command('mcp-apim');
  let exitCode: number = ExitCode.ok;
  const setExit = (code: number) => {
    exitCode = Math.max(exitCode, code);
  };
  program
    .description('Compile an MCP tool catalog and Entra app roles into Azure API Management policies, test them in a local APIM emulator, and deploy them.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  await registerCommands(program, io, setExit, argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    io.stderr(`mcp-apim: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 70;
  }
  return exitCode;
}

const VERSION = '0.1.0';

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
