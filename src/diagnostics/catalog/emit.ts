import type { CatalogPart } from './entry.ts';

/** MA3xxx — checks on emitted policies and templates (src/emit). */
export const emitCodes = {
} as const satisfies CatalogPart;
