/**
 * Catalog drift: what a live server's tools/list says against the catalog the config pins
 * (DESIGN §3: annotations come from the catalog, never from the server at request time, so a
 * changed server must be noticed and reviewed). Annotations are compared by their effective
 * values (MCP defaults for absent hints), schemas and texts by value, member order ignored.
 */
import type { CatalogTool } from '../config/types.ts';
import { ANNOTATION_DEFAULTS } from '../plan/build.ts';
import type { ListedTool } from './mcp-tools.ts';

export interface FieldChange {
  /** `annotations.readOnlyHint`, `inputSchema`, `outputSchema`, `description`, `title`. */
  readonly field: string;
  readonly catalog: unknown;
  readonly server: unknown;
}

export interface Drift {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly { readonly name: string; readonly changes: readonly FieldChange[] }[];
}

/** JSON with object members sorted, so equal values compare equal whatever their member order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function catalogDrift(catalog: readonly CatalogTool[], server: readonly ListedTool[]): Drift {
  const pinned = new Map(catalog.map((t) => [t.name, t.raw]));
  const live = new Map(server.map((t) => [t.name, t as Readonly<Record<string, unknown>>]));
  const added = [...live.keys()].filter((n) => !pinned.has(n)).sort(byName);
  const removed = [...pinned.keys()].filter((n) => !live.has(n)).sort(byName);
  const changed: Drift['changed'][number][] = [];
  for (const name of [...pinned.keys()].filter((n) => live.has(n)).sort(byName)) {
    const a = pinned.get(name)!;
    const b = live.get(name)!;
    const changes: FieldChange[] = [];
    const hints = (t: Readonly<Record<string, unknown>>) => (t.annotations ?? {}) as Record<string, unknown>;
    for (const hint of Object.keys(ANNOTATION_DEFAULTS) as (keyof typeof ANNOTATION_DEFAULTS)[]) {
      const before = hints(a)[hint] ?? ANNOTATION_DEFAULTS[hint];
      const after = hints(b)[hint] ?? ANNOTATION_DEFAULTS[hint];
      if (before !== after) changes.push({ field: `annotations.${hint}`, catalog: before, server: after });
    }
    for (const field of ['inputSchema', 'outputSchema', 'description', 'title']) {
      if (canonical(a[field]) !== canonical(b[field])) changes.push({ field, catalog: a[field] ?? null, server: b[field] ?? null });
    }
    if (changes.length > 0) changed.push({ name, changes });
  }
  return { added, removed, changed };
}

export function hasDrift(drift: Drift): boolean {
  return drift.added.length + drift.removed.length + drift.changed.length > 0;
}
