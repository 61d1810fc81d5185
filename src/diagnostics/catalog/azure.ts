import type { CatalogPart } from './entry.ts';

/** MA8xxx — ARM deploy and Microsoft Graph (src/azure). */
export const azureCodes = {
  // MA8400–MA8799: Entra app roles and assignments through Microsoft Graph (mcp-apim roles).
  MA8400: { severity: 'error', summary: 'The Graph endpoint is not an https origin (plain http is accepted only on loopback addresses).' },
  MA8401: { severity: 'error', summary: 'No Microsoft Graph access token could be obtained with the chosen credential.' },
  MA8402: { severity: 'error', summary: 'Microsoft Graph refused a call for lack of permission; the message names the permissions the identity needs.' },
  MA8403: { severity: 'error', summary: 'Microsoft Graph rejected the access token (expired, or issued for another audience).' },
  MA8404: { severity: 'error', summary: 'The app registration named by --app does not exist in the tenant.' },
  MA8405: { severity: 'error', summary: 'The app registration has no service principal in the tenant, so its roles cannot be assigned.' },
  MA8406: { severity: 'error', summary: 'A principal was not found, even after waiting for directory replication.' },
  MA8407: { severity: 'error', summary: 'A principal display name matches several service principals; nothing was written.' },
  MA8408: { severity: 'error', summary: 'A role value of the config is already used by a role that mcp-apim does not manage.' },
  MA8409: { severity: 'error', summary: "A role id that mcp-apim derives from a value is used by a role with another value." },
  MA8410: { severity: 'error', summary: 'Microsoft Graph refuses to change an enabled role; --allow-disable lets mcp-apim disable, update and re-enable it.' },
  MA8411: { severity: 'error', summary: 'A change did not show in Microsoft Graph within the wait (directory replication is slow); run the command again later.' },
  MA8412: { severity: 'error', summary: 'Microsoft Graph kept throttling (429) beyond the wait.' },
  MA8413: { severity: 'error', summary: 'Microsoft Graph answered a call with an error.' },
  MA8414: { severity: 'error', summary: 'A role named on the command line is not a role of the config.' },
  MA8415: { severity: 'error', summary: 'A role is not (or not yet) an enabled role of the app registration, so it cannot be assigned.' },
  MA8416: { severity: 'warning', summary: 'A managed role or assignment is no longer in the config and is kept; --prune removes it.' },
  MA8417: { severity: 'error', summary: 'Microsoft Graph could not be reached.' },
  MA8418: { severity: 'error', summary: 'Microsoft Graph sent a response mcp-apim cannot use (not JSON, an unexpected shape, or a paging link to another origin).' },
  MA8419: { severity: 'error', summary: 'The app registration is not known: --app takes an application (client) id GUID.' },
} as const satisfies CatalogPart;
