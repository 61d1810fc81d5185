import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export class OutputError extends Error {}

/**
 * Writes a compile output directory all at once: files go to a sibling temporary directory,
 * which then replaces the target. A failure leaves the previous output as it was, and a
 * directory that is not an earlier mcp-apim output (no plan.json of ours) is never replaced.
 */
export function writeOutputDirectory(target: string, files: Readonly<Record<string, string>>): void {
  const dir = resolve(target);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new OutputError(`${target} exists and is not a directory`);
    if (readdirSync(dir).length > 0 && !isOurOutput(dir)) {
      throw new OutputError(`${target} is not empty and is not an mcp-apim output directory (no plan.json written by mcp-apim); choose another -o directory`);
    }
  }
  mkdirSync(dirname(dir), { recursive: true });
  const temp = `${dir}.mcp-apim-tmp-${process.pid}`;
  const old = `${dir}.mcp-apim-old-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  try {
    for (const [path, content] of Object.entries(files)) {
      const full = join(temp, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
    if (existsSync(dir)) renameSync(dir, old);
    try {
      renameSync(temp, dir);
    } catch (error) {
      if (existsSync(old)) renameSync(old, dir);
      throw error;
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

function isOurOutput(dir: string): boolean {
  try {
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as { generator?: unknown };
    return plan.generator === 'mcp-apim';
  } catch {
    return false;
  }
}
