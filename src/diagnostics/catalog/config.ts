import type { CatalogPart } from './entry.ts';

/** MA1xxx — the config file: YAML, schema, references (src/config). */
export const configCodes = {
} as const satisfies CatalogPart;
