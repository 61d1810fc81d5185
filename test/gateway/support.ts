/** Shared by the gateway tests: the e2e config loaded from disk, and dev tokens for a running gateway. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';
import type { DevKeys } from '../../src/runtime/identity/keys.ts';
import { mintToken, type TokenRequest } from '../../src/runtime/identity/mint.ts';

export const NOTES_CONFIG = resolve('test/e2e/fixtures/notes-gateway.yaml');
export const TENANT = '00000000-0000-0000-0000-0000000000e2';
export const AUDIENCE = 'api://notes-gateway';

export function notesConfig(): Config {
  const base = dirname(NOTES_CONFIG);
  const loaded = loadConfig(NOTES_CONFIG, readFileSync(NOTES_CONFIG, 'utf8'), {
    readFile: (p) => {
      try {
        return readFileSync(resolve(base, p), 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  if (!loaded.config) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.config;
}

/** A token the gateway at `issuer` accepts (unless the request says otherwise). */
export function devToken(keys: DevKeys, issuer: string, request: TokenRequest): string {
  return mintToken(keys, { issuer, audience: AUDIENCE, tenantId: TENANT, now: Math.floor(Date.now() / 1000) }, request);
}
