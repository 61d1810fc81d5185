import type { CatalogPart } from './entry.ts';

/** MA7xxx — recorded traffic files and mcp-apim test. */
export const trafficCodes = {
  MA7001: { severity: 'error', summary: 'A traffic line is not valid JSON.' },
  MA7002: { severity: 'error', summary: 'A traffic exchange does not have the shape of DESIGN §6 (a missing or mistyped member).' },
  MA7003: { severity: 'error', summary: 'A traffic exchange has no expect member.' },
  MA7004: { severity: 'error', summary: 'Two exchanges in one traffic file have the same name.' },
  MA7005: { severity: 'error', summary: 'A request gives both headers.authorization and token.' },
  MA7006: { severity: 'error', summary: 'An advance duration is not of the form 61s, 5m, 2h or 500ms.' },
  MA7007: { severity: 'error', summary: 'A request gives both body and bodyText.' },
  MA7020: { severity: 'error', summary: 'A request clientCertificate is not usable: PEM that does not parse, a thumbprint that is not 40 hex digits, a date that is not ISO 8601, or an unknown member.' },
} as const satisfies CatalogPart;
