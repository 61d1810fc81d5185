import type { CatalogPart } from './entry.ts';

/** MA6xxx — the policy runtime (src/runtime). */
export const runtimeCodes = {
} as const satisfies CatalogPart;
