import type { CatalogPart } from './entry.ts';

/** MA1xxx — the config file: YAML, schema, catalog files (src/config). */
export const configCodes = {
  MA1001: { severity: 'error', summary: 'The file is not valid YAML (syntax error, duplicate key, alias or custom tag).' },
  MA1002: { severity: 'error', summary: 'A key is not part of the config language (often a typo; the hint names the closest known key).' },
  MA1003: { severity: 'error', summary: 'A required key is missing.' },
  MA1004: { severity: 'error', summary: 'A value has the wrong type (e.g. a list where a mapping is expected).' },
  MA1005: { severity: 'error', summary: 'A value is outside what is allowed (enumeration, pattern, range, length, duplicates).' },
  MA1006: { severity: 'error', summary: 'The catalog must have exactly one of `from` and `tools`.' },
  MA1007: { severity: 'error', summary: 'The catalog file named by `catalog.from` cannot be read.' },
  MA1008: { severity: 'error', summary: 'The catalog file is not JSON holding a tools/list result ({"tools": [...]}) or a list of tools.' },
  MA1009: { severity: 'error', summary: 'A catalog tool is malformed (not an object, no string name, or annotations of the wrong type).' },
  MA1010: { severity: 'error', summary: 'A tool name is outside [A-Za-z0-9_.-]{1,128}; set catalog.allowNonStandardNames to accept it.' },
  MA1011: { severity: 'error', summary: 'Two catalog tools have the same name.' },
  // REST bridging (catalog tools with `backend:`, src/config/bridge.ts)
  MA1020: { severity: 'error', summary: "A tool's REST `backend` mapping is malformed (not a mapping, an unknown key, a missing or mistyped method, path or parameters)." },
  MA1021: { severity: 'error', summary: "A tool's REST backend names an HTTP method other than GET, POST, PUT, PATCH or DELETE." },
  MA1022: { severity: 'error', summary: "A tool's REST path template is invalid (no leading '/', a query or fragment, characters outside a URL path, unbalanced or repeated {placeholders})." },
  MA1023: { severity: 'error', summary: 'A {placeholder} in a REST path template has no `path` parameter mapped to it.' },
  MA1024: { severity: 'error', summary: 'A `path` parameter does not appear as a {placeholder} in the REST path template.' },
  MA1025: { severity: 'error', summary: "A mapped parameter is not a property of the tool's inputSchema." },
  MA1026: { severity: 'error', summary: 'More than one `body` parameter, or a `body` parameter on a method that sends no body (GET, DELETE).' },
  MA1027: { severity: 'error', summary: 'A parameter location other than path, query or body; or a path/query parameter the inputSchema types as an object or array; or a path parameter the inputSchema does not require.' },
  MA1028: { severity: 'error', summary: 'A tool is bridged to a REST operation but api.restBackend (the REST service) is not set.' },
  MA1029: { severity: 'error', summary: 'A tool is not bridged but there is no MCP server to forward it to (api.backend absent, or api.restBackend.mode native).' },
} as const satisfies CatalogPart;
