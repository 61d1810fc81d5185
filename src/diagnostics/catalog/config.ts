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
} as const satisfies CatalogPart;
