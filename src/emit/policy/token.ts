import type { Plan } from '../../plan/types.ts';
import { el, text, type XmlElement } from '../xml.ts';

/** Message of the 401 body (APIM wraps it as {"statusCode":401,"message":…}). */
export const UNAUTHORIZED_MESSAGE = 'Unauthorized. Access token is missing or invalid.';

/** The variable validation stores the accepted token in (a `Jwt`); the classifier reads its claims from it. */
export const TOKEN_VAR = 'mcp-apim-token';

/**
 * Token validation (DESIGN §4.1 step 1): the tenant is pinned, the audience checked, and the
 * token must be signed and unexpired. `validate-azure-ad-token` pins the tenant by its own
 * issuer rules and a required `tid` claim; `validate-jwt` pins it through the tenant's OpenID configuration, the listed
 * issuers (v1 and/or v2 forms) and a required `tid` claim.
 */
const isPublicEntra = (authority: string): boolean => authority.replace(/\/+$/, '').toLowerCase() === 'https://login.microsoftonline.com';

export function tokenValidation(plan: Plan): XmlElement {
  const { identity } = plan.config;
  const audiences = el('audiences', {}, ...identity.audiences.map((a) => el('audience', {}, text(a))));
  const clients = identity.clientApplicationIds.length > 0 ? el('client-application-ids', {}, ...identity.clientApplicationIds.map((id) => el('application-id', {}, text(id)))) : undefined;
  if (identity.validation === 'validate-azure-ad-token') {
    return el(
      'validate-azure-ad-token',
      {
        'tenant-id': identity.tenantId,
        // Entra's public authority is the default; any other (a sovereign cloud, the local
        // gateway's identity provider) must be named, or APIM would trust the public one
        ...(isPublicEntra(identity.authority) ? {} : { 'authentication-endpoint': identity.authority.replace(/\/+$/, '') }),
        'header-name': 'Authorization',
        'failed-validation-httpcode': '401',
        'failed-validation-error-message': UNAUTHORIZED_MESSAGE,
        'output-token-variable-name': TOKEN_VAR,
      },
      clients,
      audiences,
      // The issuer already names the tenant; `tid` is checked as well so that a token whose
      // issuer and tenant disagree is refused, never read as this tenant's.
      el('required-claims', {}, el('claim', { name: 'tid', match: 'all' }, el('value', {}, text(identity.tenantId)))),
    );
  }
  const issuers: string[] = [];
  if (identity.tokenVersion !== 'v1') issuers.push(`${identity.authority}/${identity.tenantId}/v2.0`);
  if (identity.tokenVersion !== 'v2') issuers.push(`https://sts.windows.net/${identity.tenantId}/`);
  return el(
    'validate-jwt',
    {
      'header-name': 'Authorization',
      'require-scheme': 'Bearer',
      'failed-validation-httpcode': '401',
      'failed-validation-error-message': UNAUTHORIZED_MESSAGE,
      'require-expiration-time': 'true',
      'require-signed-tokens': 'true',
      'output-token-variable-name': TOKEN_VAR,
    },
    el('openid-config', { url: `${identity.authority}/${identity.tenantId}/v2.0/.well-known/openid-configuration` }),
    audiences,
    el('issuers', {}, ...issuers.map((i) => el('issuer', {}, text(i)))),
    el(
      'required-claims',
      {},
      el('claim', { name: 'tid', match: 'all' }, el('value', {}, text(identity.tenantId))),
      identity.clientApplicationIds.length > 0 && el('claim', { name: plan.config.identity.agentClaim === 'appid' ? 'appid' : 'azp', match: 'any' }, ...identity.clientApplicationIds.map((id) => el('value', {}, text(id)))),
    ),
  );
}
