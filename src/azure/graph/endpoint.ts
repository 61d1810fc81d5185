/** Where Microsoft Graph is: the public cloud, a national cloud, or a loopback server in tests. */
export interface GraphEndpoint {
  /** Scheme, host and port, e.g. `https://graph.microsoft.com`. */
  readonly origin: string;
  /** The v1.0 service root every call is made under. */
  readonly base: string;
  /** The token scope for this Graph (`<origin>/.default`). */
  readonly scope: string;
}

/** Graph's origin per Azure cloud (the names `--cloud` takes, as for deploy). */
export const GRAPH_CLOUDS: Readonly<Record<string, string>> = {
  AzureCloud: 'https://graph.microsoft.com',
  AzureUSGovernment: 'https://graph.microsoft.us',
  AzureChinaCloud: 'https://microsoftgraph.chinacloudapi.cn',
};

export const DEFAULT_GRAPH_ORIGIN = GRAPH_CLOUDS.AzureCloud!;

/**
 * Parses `--graph-endpoint`: an origin only (no path, query or credentials), https anywhere and
 * plain http only on a loopback address, so a bearer token never crosses a network in clear text.
 * Returns the reason as a string when the text is refused.
 */
export function parseGraphEndpoint(text: string): GraphEndpoint | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${JSON.stringify(text)} is not a URL; give an origin such as https://graph.microsoft.com`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${text} must use https`;
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) return `${text} uses plain http, which is accepted only for loopback addresses (127.0.0.1, ::1, localhost); use https`;
  if (url.username || url.password) return `${text} must not contain credentials`;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return `${text} must be an origin only (scheme, host and port); mcp-apim appends /v1.0 itself`;
  }
  const origin = url.origin;
  return { origin, base: `${origin}/v1.0`, scope: `${origin}/.default` };
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
