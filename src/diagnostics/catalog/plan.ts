import type { CatalogPart } from './entry.ts';

/** MA2xxx — access semantics: rules, globs, roles, limits (src/plan). */
export const planCodes = {
  MA2001: { severity: 'error', summary: 'A tool name in allow/deny matches no catalog tool (typo guard).' },
  MA2002: { severity: 'warning', summary: 'A glob in allow/deny matches no catalog tool.' },
  MA2003: { severity: 'warning', summary: 'A role grants no tool and no method.' },
  MA2004: { severity: 'warning', summary: 'A catalog tool cannot be called by any role.' },
  MA2005: { severity: 'error', summary: 'An assignment names a role that the config does not define.' },
  MA2006: { severity: 'warning', summary: 'A method in allow.methods is already open to every caller with a role, or is tools/call (granted through tools).' },
  MA2007: { severity: 'warning', summary: 'tools/list is passed through unfiltered: callers see tools they cannot call.' },
  MA2008: { severity: 'warning', summary: 'Redaction reads the response body, which buffers tools/call results and stops streaming.' },
  MA2009: { severity: 'error', summary: 'A redaction pattern is not a valid regular expression.' },
  MA2010: { severity: 'warning', summary: 'A deny rule removes nothing that the same role allows.' },
  MA2020: { severity: 'error', summary: 'api.toolsList is passthrough but some tools are bridged to REST: the MCP server cannot list them.' },
  MA2021: { severity: 'warning', summary: "An inputSchema property of a bridged tool is never sent to the REST service (not mapped, and the method sends no body of remaining arguments)." },
  MA2022: { severity: 'warning', summary: 'api.restBackend is set but no catalog tool is bridged to it.' },
  MA2023: { severity: 'warning', summary: "api.backend is not used: with api.restBackend.mode native the API is APIM's REST-as-MCP server." },
  MA2030: { severity: 'error', summary: 'identity.clientCertificates lists more than the ten identities validate-client-certificate accepts.' },
  MA2031: { severity: 'warning', summary: 'Client certificate chains are validated on a tier that cannot hold CA certificates, so every certificate is refused.' },
  MA2032: { severity: 'error', summary: 'monitoring.alerts need the Application Insights logger (apim.appInsights), which is switched off.' },
  MA2033: { severity: 'warning', summary: 'Client certificates are accepted by name without chain validation: a self-signed certificate can carry any name.' },
} as const satisfies CatalogPart;
