import type { Severity } from '../diagnostic.ts';

/** A catalog entry: the stable code, its default severity, and when it is raised. */
export interface CatalogEntry {
  readonly severity: Severity;
  /** One line: what the code means. Shown by `mcp-apim explain` and in docs/diagnostics.md. */
  readonly summary: string;
}

export type CatalogPart = Readonly<Record<string, CatalogEntry>>;
