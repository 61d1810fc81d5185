import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type LoadResult, loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';

/** A small valid config with an inline catalog; tests edit it textually. */
export const BASE_CONFIG = `apiVersion: mcp-apim/v1
api:
  name: mcp-tools
  path: mcp/v1
  backend: https://backend.example/mcp
identity:
  tenantId: 00000000-0000-0000-0000-000000000001
  audience: api://gateway
catalog:
  tools:
    - name: inventory.get_stock
      annotations: { readOnlyHint: true }
    - name: inventory.reserve
      annotations: { readOnlyHint: false, destructiveHint: false }
    - name: database.drop_table
roles:
  Reader:
    allow:
      - annotations: { readOnlyHint: true }
  Writer:
    allow:
      - tools: ["inventory.*"]
    deny:
      - tools: ["inventory.reserve"]
  Admin:
    allow:
      - tools: ["*"]
`;

export function load(text: string, files: Record<string, string> = {}, file = 'cfg.yaml'): LoadResult {
  return loadConfig(file, text, { readFile: (p) => files[p] });
}

export function mustLoad(text: string, files: Record<string, string> = {}): Config {
  const r = load(text, files);
  if (!r.config) throw new Error(`config did not load: ${JSON.stringify(r.diagnostics, null, 2)}`);
  return r.config;
}

/** Loads a config from disk the way the CLI does (paths relative to the process). */
export function loadFromDisk(file: string): Config {
  const r = loadConfig(file, readFileSync(file, 'utf8'), {
    readFile: (p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  if (!r.config) throw new Error(`config did not load: ${JSON.stringify(r.diagnostics, null, 2)}`);
  return r.config;
}

/** A config that must not load, and the error it must report: `at` is [line, column] or [file, line, column]. */
export interface ConfigErrorCase {
  readonly code: string;
  readonly at: readonly [number, number] | readonly [string, number, number];
  readonly message?: RegExp;
  readonly hint?: RegExp;
}

export function assertConfigError(r: LoadResult, c: ConfigErrorCase): void {
  assert.equal(r.config, undefined, 'a config with errors must not load');
  const d = r.diagnostics.find((x) => x.code === c.code);
  assert.ok(d, `expected ${c.code}, got ${r.diagnostics.map((x) => `${x.code} ${x.message}`).join('; ')}`);
  assert.equal(d.severity, 'error');
  const where = c.at.length === 3 ? [d.span?.file, d.span?.line, d.span?.column] : [d.span?.line, d.span?.column];
  assert.deepEqual(where, [...c.at], `position of ${d.message}`);
  if (c.message) assert.match(d.message, c.message);
  if (c.hint) assert.match(d.hint ?? '', c.hint);
}
