import type { CatalogPart } from './entry.ts';

/** MA3xxx — checks on emitted policies and templates (src/emit). */
export const emitCodes = {
  MA3001: { severity: 'error', summary: 'The compiled policy is larger than APIM accepts for the SKU (256 KiB; 16 KiB on Consumption).' },
  MA3002: { severity: 'error', summary: 'The compiled policy uses *-by-key rate limiting, which the Consumption tier does not support.' },
  MA3003: { severity: 'warning', summary: 'The compiled policy is close to the SKU size limit (over 80 %).' },
  MA3010: { severity: 'warning', summary: "api.restBackend.mode native uses APIM's preview REST-as-MCP server: APIM translates bridged calls itself, which the local emulator does not reproduce." },
} as const satisfies CatalogPart;
