import type { CatalogPart } from './entry.ts';

/** MA7xxx — recorded traffic files and mcp-apim test. */
export const trafficCodes = {
} as const satisfies CatalogPart;
