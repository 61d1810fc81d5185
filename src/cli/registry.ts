import type { Command } from 'commander';
import { register as registerCatalog } from './catalog.ts';
import { register as registerCompile } from './compile.ts';
import { register as registerDeploy } from './deploy.ts';
import { register as registerExpr } from './expr.ts';
import { register as registerInit } from './init.ts';
import type { CliIo } from './io.ts';
import { register as registerMatrix } from './matrix.ts';
import { register as registerPolicy } from './policy.ts';
import { register as registerRoles } from './roles.ts';
import { register as registerServe } from './serve.ts';
import { register as registerTest } from './test.ts';
import { register as registerToken } from './token.ts';
import { register as registerValidate } from './validate.ts';

/** Signature of every command module's `register` function. */
export type Register = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/** One module per command (or command group), in the order `--help` lists them. */
const commands: Register[] = [registerInit, registerValidate, registerCompile, registerMatrix, registerTest, registerServe, registerPolicy, registerExpr, registerToken, registerCatalog, registerDeploy, registerRoles];

export function registerCommands(program: Command, io: CliIo, setExit: (code: number) => void): void {
  for (const register of commands) register(program, io, setExit);
}
