import type { CatalogPart } from './entry.ts';

/** MA8xxx — ARM deploy and Microsoft Graph (src/azure). */
export const azureCodes = {
} as const satisfies CatalogPart;
