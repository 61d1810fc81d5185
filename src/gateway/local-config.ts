/**
 * The config as the local gateway runs it: tokens are issued by the gateway's own identity
 * provider (its origin is the authority) and requests go to `--upstream` instead of the
 * config's backend. Everything else — roles, catalog, limits, security — is exactly what is
 * deployed. (With an authority other than Entra's public one, the compiler names it in
 * validate-azure-ad-token's authentication-endpoint, so the compiled policy trusts the gateway.)
 */
import type { Config } from '../config/types.ts';

export function localConfig(config: Config, authority: string, upstream: string): Config {
  // A config without an MCP server (every tool bridged to REST) keeps having none.
  return { ...config, api: { ...config.api, ...(config.api.backend === undefined ? {} : { backend: upstream }) }, identity: { ...config.identity, authority } };
}
