import type { CatalogPart } from './entry.ts';

/** MA9xxx — command line and file access. */
export const cliCodes = {
  MA9001: { severity: 'error', summary: 'An input file cannot be read (missing, a directory, or not permitted).' },
  MA9002: { severity: 'error', summary: 'An output location cannot be written.' },
  MA9003: { severity: 'error', summary: 'A command-line argument is invalid.' },
  MA9100: { severity: 'error', summary: 'serve: --upstream is not an http or https URL.' },
  MA9101: { severity: 'error', summary: 'serve: the gateway cannot listen on the port (taken, not permitted, or not a port number).' },
  MA9102: { severity: 'error', summary: 'serve: the --record traffic file cannot be opened for appending.' },
  MA9120: { severity: 'error', summary: 'serve: the TLS options do not go together (--tls-cert and --tls-key need each other; --client-ca needs both).' },
  MA9121: { severity: 'error', summary: 'serve: a --tls-cert, --tls-key or --client-ca file cannot be read.' },
  MA9122: { severity: 'error', summary: 'serve: the TLS files are not a PEM certificate and its matching private key (or --client-ca is not a PEM certificate).' },
  MA9123: { severity: 'warning', summary: 'serve: the config requires client certificates but serve asks for none (no --client-ca), so every request is refused.' },
  MA9110: { severity: 'error', summary: 'catalog: the MCP server cannot be reached, or it did not complete the MCP initialize handshake.' },
  MA9111: { severity: 'error', summary: 'catalog: the MCP server refused the credentials (HTTP 401 or 403); pass them with -H.' },
  MA9112: { severity: 'error', summary: 'catalog: tools/list failed, or a page of it is not a valid list of tools.' },
  MA9113: { severity: 'error', summary: 'catalog: a -H header is not written as name:value.' },
} as const satisfies CatalogPart;
