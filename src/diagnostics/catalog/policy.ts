import type { CatalogPart } from './entry.ts';

/** MA4xxx — APIM policy documents: parsing, element schemas, static checks (src/policy). */
export const policyCodes = {
} as const satisfies CatalogPart;
