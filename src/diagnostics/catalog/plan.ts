import type { CatalogPart } from './entry.ts';

/** MA2xxx — access semantics: rules, globs, roles, limits (src/plan). */
export const planCodes = {
} as const satisfies CatalogPart;
