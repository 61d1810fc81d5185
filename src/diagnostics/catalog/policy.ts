import type { CatalogPart } from './entry.ts';

/** MA4xxx — APIM policy documents: parsing, element schemas, static checks (src/policy). */
export const policyCodes = {
  MA4001: { severity: 'error', summary: 'The policy document cannot be read: a tag, attribute, comment or expression is not closed or is malformed.' },
  MA4002: { severity: 'error', summary: 'A {{named value}} is used that the supplied named values do not define.' },
  MA4003: { severity: 'error', summary: 'An element is not an APIM policy, or not a child element its parent declares (the message names the closest known name).' },
  MA4004: { severity: 'error', summary: 'An attribute is not declared for its element (the message names the closest known attribute).' },
  MA4005: { severity: 'error', summary: 'A required attribute is missing, or none of a group of attributes of which one is required is given.' },
  MA4006: { severity: 'error', summary: 'A literal value has the wrong type or is not one of the allowed values (integer, Boolean, range, enumeration, date).' },
  MA4007: { severity: 'error', summary: 'A policy expression is used where APIM does not allow one (variable and header names, include-fragment@fragment-id, validate-azure-ad-token audiences, …).' },
  MA4008: { severity: 'error', summary: 'A policy is placed in a section (inbound, backend, outbound, on-error) where APIM does not allow it.' },
  MA4009: { severity: 'error', summary: 'The content of an element does not match its schema: a required child or text is missing, a child occurs too often, or text or elements appear where none are allowed.' },
  MA4010: { severity: 'error', summary: 'Attributes that exclude each other are given together.' },
  MA4011: { severity: 'error', summary: 'The policy document is larger than APIM accepts (256 KiB; 16 KiB on Consumption; 512 KiB for a fragment).' },
  MA4012: { severity: 'warning', summary: 'The policy document is over 80 % of the size APIM accepts.' },
  MA4013: { severity: 'error', summary: 'The policy is not available on the target SKU (e.g. rate-limit-by-key and quota-by-key on Consumption), so the deployment is rejected.' },
  MA4014: { severity: 'error', summary: 'The document structure is invalid: <base/> outside a section or in a fragment, a section inside a fragment or a policy, or include-fragment inside a fragment.' },
  MA4015: { severity: 'warning', summary: 'A policy of an MCP API reads or buffers the response body (context.Response.Body or a body-transforming outbound policy), which breaks streaming.' },
  MA4016: { severity: 'warning', summary: 'The local emulator does not run this element or this use of it; policy run and test refuse the document (the message gives the reason).' },
  MA4017: { severity: 'info', summary: 'The local emulator runs this element with known gaps (the message names them).' },
  MA4018: { severity: 'info', summary: 'An expression is not checked because it uses a {{named value}} outside a C# string and no named values were supplied.' },
  MA4019: { severity: 'warning', summary: 'A policy is placed in a section the APIM reference does not list for it, but where deployed public samples use it (APIM evidently accepts it).' },
} as const satisfies CatalogPart;
