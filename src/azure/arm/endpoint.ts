/**
 * Where ARM is: a named cloud or an explicit origin. The origin is the only place the ARM token
 * is ever sent (see transport.ts), so it is parsed strictly: scheme, host and port, nothing else,
 * and plain http only for loopback addresses (a local test server).
 */

export const CLOUDS = {
  AzureCloud: { arm: 'https://management.azure.com', authority: 'https://login.microsoftonline.com' },
  AzureChinaCloud: { arm: 'https://management.chinacloudapi.cn', authority: 'https://login.chinacloudapi.cn' },
  AzureUSGovernment: { arm: 'https://management.usgovcloudapi.net', authority: 'https://login.microsoftonline.us' },
} as const;

export type CloudName = keyof typeof CLOUDS;

export interface ArmEndpoint {
  /** The origin requests are addressed to, as the SDK and token policy see it (always https). */
  readonly publicOrigin: string;
  /** Where requests really go when that differs (plain http on loopback), else undefined. */
  readonly wireOrigin?: string;
  /** OAuth scope for the ARM token. */
  readonly scope: string;
  /** Entra authority host for credentials that need one. */
  readonly authorityHost: string;
}

export type EndpointResult = { readonly endpoint: ArmEndpoint } | { readonly error: string };

export function isCloudName(s: string): s is CloudName {
  return Object.hasOwn(CLOUDS, s);
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Resolves `--cloud` and `--arm-endpoint` (the endpoint wins; the cloud still picks the authority). */
export function resolveEndpoint(options: { cloud?: string; armEndpoint?: string }): EndpointResult {
  const cloudName = options.cloud ?? 'AzureCloud';
  if (!isCloudName(cloudName)) return { error: `--cloud must be one of ${Object.keys(CLOUDS).join(', ')}, not ${JSON.stringify(cloudName)}` };
  const cloud = CLOUDS[cloudName];
  if (options.armEndpoint === undefined) return { endpoint: { publicOrigin: cloud.arm, scope: `${cloud.arm}/.default`, authorityHost: cloud.authority } };
  let url: URL;
  try {
    url = new URL(options.armEndpoint);
  } catch {
    return { error: `--arm-endpoint must be an origin such as https://management.azure.com, not ${JSON.stringify(options.armEndpoint)}` };
  }
  const text = options.armEndpoint.replace(/\/$/, '');
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '') || text.toLowerCase() !== url.origin.toLowerCase()) {
    return { error: `--arm-endpoint takes scheme, host and port only (no path, query or credentials): ${JSON.stringify(options.armEndpoint)}` };
  }
  if (url.protocol === 'https:') return { endpoint: { publicOrigin: url.origin, scope: `${url.origin}/.default`, authorityHost: cloud.authority } };
  if (url.protocol !== 'http:') return { error: `--arm-endpoint must use https (or http for a loopback address), not ${url.protocol.replace(':', '')}` };
  if (!isLoopbackHost(url.hostname)) return { error: `--arm-endpoint may use plain http only for a loopback address (127.0.0.1, ::1, localhost), not ${url.hostname}` };
  // The SDK's bearer-token policy refuses non-https URLs, so requests are addressed to the https
  // form of the origin and the transport carries them to the real http one (reference/deploy.md §3).
  const publicOrigin = url.origin.replace(/^http:/, 'https:');
  return { endpoint: { publicOrigin, wireOrigin: url.origin, scope: `${publicOrigin}/.default`, authorityHost: cloud.authority } };
}
