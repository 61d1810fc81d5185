import type { CatalogPart } from './entry.ts';

/** MA9xxx — command line and file access. */
export const cliCodes = {
  MA9001: { severity: 'error', summary: 'An input file cannot be read (missing, a directory, or not permitted).' },
  MA9002: { severity: 'error', summary: 'An output location cannot be written.' },
  MA9003: { severity: 'error', summary: 'A command-line argument is invalid.' },
} as const satisfies CatalogPart;
