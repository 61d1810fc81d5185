/**
 * Runs `mcp-apim roles …` in process against the loopback Graph, like test/support/cli.ts does
 * for the whole CLI, but with an injected sleep: waits are recorded, never slept.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import type { CliIo } from '../../../src/cli/io.ts';
import { registerRoles } from '../../../src/cli/roles.ts';
import { BASE_CONFIG } from '../config.ts';
import { type GraphServer, TEST_TOKEN } from './server.ts';

export interface RolesRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Every wait the command asked for, in milliseconds. */
  readonly slept: readonly number[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- --json output, read loosely by tests
  readonly json: any;
}

export async function runRoles(argv: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<RolesRun> {
  let stdout = '';
  let stderr = '';
  const slept: number[] = [];
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd: options.cwd,
    env: options.env ?? { GRAPH_ACCESS_TOKEN: TEST_TOKEN },
    isTty: false,
  };
  let code = 0;
  const program = new Command('mcp-apim').exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerRoles(program, io, (c) => (code = Math.max(code, c)), {
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
  try {
    await program.parseAsync(['roles', ...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = error.exitCode === 0 ? 0 : 2;
  }
  let json: unknown;
  if (argv.includes('--json')) {
    try {
      json = JSON.parse(stdout);
    } catch {
      json = undefined;
    }
  }
  return { code, stdout, stderr, slept, json };
}

/**
 * A config for the roles tests: BASE_CONFIG's roles (Reader, Writer, Admin, plus `extraRoles`
 * YAML), the given assignments, written to a fresh folder. Returns the folder and file name.
 */
export function writeConfig(options: { roles?: string; assignments?: string; audience?: string } = {}): { cwd: string; file: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'mcp-apim-roles-'));
  let text = BASE_CONFIG;
  if (options.audience) text = text.replace('audience: api://gateway', `audience: ${options.audience}`);
  if (options.roles !== undefined) text = text.slice(0, text.indexOf('roles:\n')) + `roles:\n${options.roles}`;
  if (options.assignments) text += `assignments:\n${options.assignments}`;
  writeFileSync(join(cwd, 'mcp-gateway.yaml'), text);
  return { cwd, file: 'mcp-gateway.yaml' };
}

/** The arguments every run against `graph` needs. */
export function graphArgs(graph: GraphServer, appId: string): string[] {
  return ['--app', appId, '--graph-endpoint', graph.origin, '--credential', 'token'];
}
