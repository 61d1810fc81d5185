/**
 * The config as the local gateway runs it: tokens are issued by the gateway's own identity
 * provider (its origin is the authority) and requests go to `--upstream` instead of the
 * config's backend. Everything else — roles, catalog, limits, security — is exactly what is
 * deployed.
 */
import type { Config } from '../config/types.ts';
import type { CompiledPolicies } from '../runtime/deployment.ts';

export function localConfig(config: Config, authority: string, upstream: string): Config {
  return { ...config, api: { ...config.api, backend: upstream }, identity: { ...config.identity, authority } };
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * validate-azure-ad-token trusts Entra's public authority unless its `authentication-endpoint`
 * names another one (how sovereign clouds use it); the compiled element relies on the default,
 * so the local gateway names its own identity provider. validate-jwt needs nothing: its
 * OpenID configuration URL and issuers already come from `identity.authority`.
 */
export function trustLocalAuthority(policies: CompiledPolicies, authority: string): CompiledPolicies {
  const point = (xml: string) => xml.replace(/<validate-azure-ad-token(?![^>]*\sauthentication-endpoint=)(?=[\s/>])/g, `<validate-azure-ad-token authentication-endpoint="${escapeAttribute(authority)}"`);
  return { api: point(policies.api), toolsList: point(policies.toolsList), prm: point(policies.prm) };
}
