/** Entra ID's URL shapes, so the local identity provider stands in for a tenant. */
export interface TenantUrls {
  readonly issuerV2: string;
  readonly issuerV1: string;
  readonly openIdConfiguration: string;
  readonly jwksUri: string;
}

/**
 * `authority` is `https://login.microsoftonline.com` for Entra, or the local identity provider's
 * origin (`http://127.0.0.1:<port>`) when the gateway runs locally.
 */
export function tenantUrls(authority: string, tenantId: string): TenantUrls {
  const base = `${authority.replace(/\/+$/, '')}/${tenantId}`;
  return {
    issuerV2: `${base}/v2.0`,
    issuerV1: `https://sts.windows.net/${tenantId}/`,
    openIdConfiguration: `${base}/v2.0/.well-known/openid-configuration`,
    jwksUri: `${base}/discovery/v2.0/keys`,
  };
}

/** The OpenID configuration document Entra serves for a tenant (the members validators read). */
export function openIdConfiguration(authority: string, tenantId: string): Record<string, unknown> {
  const urls = tenantUrls(authority, tenantId);
  const base = `${authority.replace(/\/+$/, '')}/${tenantId}`;
  return {
    issuer: urls.issuerV2,
    jwks_uri: urls.jwksUri,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/oauth2/v2.0/token`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    tenant_region_scope: 'NA',
  };
}
