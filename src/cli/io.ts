/**
 * What a command may touch of the outside world, injected so tests run commands in process
 * and read exactly what a user would see.
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** True when stdout is a terminal (colour, spinners); never with NO_COLOR. */
  readonly isTty: boolean;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTty: Boolean(process.stdout.isTTY),
  };
}

export function useColor(io: CliIo): boolean {
  return io.isTty && io.env.NO_COLOR === undefined;
}

/** Exit codes (DESIGN §7). */
export const ExitCode = { ok: 0, findings: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
