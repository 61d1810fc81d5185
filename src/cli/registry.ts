import type { Command } from 'commander';
import type { CliIo } from './io.ts';

/** Signature of every command module's `register` function. */
export type Register = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/**
 * One module per command (or command group), in the order `--help` lists them. Modules are
 * imported only when needed: `mcp-apim compile` need not load the Azure SDK, the MCP SDK or the
 * emulator, which more than halves its start-up time.
 */
const commands: readonly { readonly names: readonly string[]; readonly load: () => Promise<{ register: Register }> }[] = [
  { names: ['init'], load: () => import('./init.ts') },
  { names: ['validate'], load: () => import('./validate.ts') },
  { names: ['compile'], load: () => import('./compile.ts') },
  { names: ['matrix', 'diff'], load: () => import('./matrix.ts') },
  { names: ['test'], load: () => import('./test.ts') },
  { names: ['serve'], load: () => import('./serve.ts') },
  { names: ['policy'], load: () => import('./policy.ts') },
  { names: ['expr'], load: () => import('./expr.ts') },
  { names: ['token'], load: () => import('./token.ts') },
  { names: ['catalog'], load: () => import('./catalog.ts') },
  { names: ['deploy'], load: () => import('./deploy.ts') },
  { names: ['roles'], load: () => import('./roles.ts') },
];

/**
 * Registers the command named in `argv` (or every command when none is named, for `--help` and
 * commander's did-you-mean on a misspelt one). `--version` alone needs none.
 */
export async function registerCommands(program: Command, io: CliIo, setExit: (code: number) => void, argv: readonly string[] = []): Promise<void> {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first === undefined && argv.some((a) => a === '-V' || a === '--version')) return;
  const named = first !== undefined && first !== 'help' && commands.some((c) => c.names.includes(first)) ? first : undefined;
  for (const c of commands) if (named === undefined || c.names.includes(named)) (await c.load()).register(program, io, setExit);
}
