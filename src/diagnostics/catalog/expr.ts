import type { CatalogPart } from './entry.ts';

/** MA5xxx — C# policy expressions (src/expr). */
export const exprCodes = {
} as const satisfies CatalogPart;
