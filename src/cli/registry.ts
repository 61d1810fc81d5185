import type { Command } from 'commander';
import { register as registerExpr } from './expr.ts';
import type { CliIo } from './io.ts';
import { register as registerPolicy } from './policy.ts';

/** Signature of every command module's `register` function. */
export type Register = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/** One module per command (or command group), in the order `--help` lists them. */
const commands: Register[] = [registerPolicy, registerExpr];

export function registerCommands(program: Command, io: CliIo, setExit: (code: number) => void): void {
  for (const register of commands) register(program, io, setExit);
}
