import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type DevKeys, generateDevKeys, parseDevKeys } from '../runtime/identity/keys.ts';

/** Where the local identity provider keeps its keys (git-ignored; created on first use). */
export function devKeysPath(cwd: string): string {
  return resolve(cwd, '.mcp-apim', 'keys.json');
}

/**
 * Loads the dev signing keys, creating them on first use. The file is written to a temporary
 * name and renamed, so a crash never leaves a half-written key; a damaged file is an error
 * rather than silently replaced (tokens minted earlier would stop verifying).
 */
export function loadOrCreateDevKeys(cwd: string): DevKeys {
  const path = devKeysPath(cwd);
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const keys = parseDevKeys(parsed);
    if (!keys) throw new Error(`${path} is damaged; delete it to create new dev keys (tokens minted with the old keys will stop verifying)`);
    return keys;
  }
  const keys = generateDevKeys();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(join(dirname(path), '.gitignore'), '*\n');
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
  return keys;
}
