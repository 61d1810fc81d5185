import type { CatalogPart } from './entry.ts';

/** MA8xxx — ARM deploy and Microsoft Graph (src/azure). */
export const azureCodes = {
  // MA8000–MA8399: `mcp-apim deploy` through ARM (src/azure/arm).
  MA8000: { severity: 'error', summary: 'The deploy target is invalid: the subscription must be a GUID and resource group and service names must be given.' },
  MA8001: { severity: 'error', summary: 'The ARM endpoint is invalid: give an origin (scheme, host, port) over https, or http only for a loopback address.' },
  MA8002: { severity: 'error', summary: 'A deploy parameter the resources need has no value (give it with --parameter or MCP_APIM_PARAM_<name>).' },
  MA8003: { severity: 'error', summary: 'A deploy parameter was given that the compiled resources do not use.' },
  MA8004: { severity: 'error', summary: 'Deploy options that cannot be combined, or an option value that is not allowed.' },
  MA8010: { severity: 'error', summary: 'No Azure credential could get an ARM token (not signed in, or the chosen credential is unavailable).' },
  MA8011: { severity: 'error', summary: '--credential token was chosen but AZURE_ACCESS_TOKEN is empty or not set.' },
  MA8012: { severity: 'error', summary: 'ARM refused the credential (401 or 403): the token is invalid, expired, or lacks permission on the instance.' },
  MA8020: { severity: 'error', summary: 'The API Management service was not found in that subscription and resource group.' },
  MA8021: { severity: 'warning', summary: "The instance's pricing tier differs from apim.sku in the config, so the compile-time limit checks used the wrong tier." },
  MA8030: { severity: 'error', summary: 'Someone else changed a resource since it was read (412 or a moved ETag); the deploy stopped without overwriting it.' },
  MA8031: { severity: 'error', summary: 'The saved plan no longer matches the live instance; make a new plan.' },
  MA8032: { severity: 'error', summary: 'The saved plan was made for another target or another config than the one given.' },
  MA8033: { severity: 'error', summary: 'The plan file cannot be read or is not an mcp-apim deploy plan.' },
  MA8040: { severity: 'error', summary: 'An ARM request failed with an error that retrying does not fix.' },
  MA8041: { severity: 'error', summary: 'An ARM request still failed after every retry (throttling, conflicts or server errors).' },
  MA8042: { severity: 'error', summary: 'ARM answered with a long-running-operation or paging URL on another origin; it was not followed, so the token stays with ARM.' },
  MA8043: { severity: 'error', summary: 'A long-running ARM operation ended as Failed or Canceled.' },
  MA8044: { severity: 'error', summary: 'The ARM endpoint could not be reached (connection refused, reset or timed out).' },
  MA8050: { severity: 'error', summary: 'A resource to prune is still used by something mcp-apim does not manage, so APIM refused to delete it.' },
  MA8051: { severity: 'warning', summary: 'A resource is named like one of ours but lacks the mcp-apim mark, so prune leaves it alone.' },
} as const satisfies CatalogPart;
