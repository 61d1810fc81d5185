import type { CatalogPart } from './entry.ts';

/** MA4xxx — APIM policy documents: parsing, element schemas, static checks (src/policy). */
export const policyCodes = {
  MA4001: { severity: 'error', summary: 'The policy document cannot be read: a tag, attribute, comment or expression is not closed or is malformed.' },
  MA4002: { severity: 'error', summary: 'A {{named value}} is used that the supplied named values do not define.' },
} as const satisfies CatalogPart;
