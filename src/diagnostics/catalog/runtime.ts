import type { CatalogPart } from './entry.ts';

/** MA6xxx — the policy runtime (src/runtime). */
export const runtimeCodes = {
  MA6001: { severity: 'error', summary: 'A policy element the emulator does not run: the document is refused before any request is replayed.' },
  MA6002: { severity: 'error', summary: 'An include-fragment names a fragment that was not given, or fragments include each other in a cycle.' },
} as const satisfies CatalogPart;
