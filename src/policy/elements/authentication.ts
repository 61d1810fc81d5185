/** Authentication and authorization: token validation, header and IP checks, backend credentials. */
import { ALL_SCOPES, bool, type ElementSchema, exprText, fixedName, int, listPart, literalText, oneOfValues, policy, type PolicySchema, str, textPart } from './schema.ts';

const TOKEN_SOURCE = ['header-name', 'query-parameter-name', 'token-value'];

const claimValue = textPart('value', exprText('An accepted claim value.'));
export const claim: ElementSchema = {
  name: 'claim',
  kind: 'part',
  description: 'A claim the token must carry, with its accepted values.',
  attributes: {
    name: str('Name of the claim as it appears in the token.', { required: true }),
    match: oneOfValues(['all', 'any'], 'Whether every listed value or at least one must be present.', { default: 'all' }),
    separator: str('Separator that splits a multi-valued claim.', { expression: false }),
  },
  content: 'elements',
  children: { value: { schema: claimValue } },
};
const requiredClaims = listPart('required-claims', 'Claims the token must carry.', claim, 0);

const signingKey: ElementSchema = {
  name: 'key',
  kind: 'part',
  description: 'A Base64-encoded symmetric key, a certificate-id, or an RSA modulus and exponent.',
  attributes: {
    id: str('Matched against the kid of the token.', { expression: false }),
    'certificate-id': str('Identifier of a certificate uploaded to API Management.', { expression: false }),
    n: str('RSA modulus (Base64url).', { expression: false }),
    e: str('RSA exponent (Base64url).', { expression: false }),
  },
  content: 'text',
  text: exprText('Base64-encoded key.'),
};
const decryptionKey: ElementSchema = { ...signingKey, description: 'A Base64-encoded key or certificate-id used to decrypt the token.' };
const openIdConfig: ElementSchema = {
  name: 'openid-config',
  kind: 'part',
  description: 'An OpenID configuration endpoint from which signing keys and the issuer are read.',
  attributes: { url: str('Full URL of the OpenID configuration document.', { required: true }), host: str('Host header used for the request.', { expression: false }) },
  content: 'empty',
};

export const validateJwt: PolicySchema = policy({
  name: 'validate-jwt',
  category: 'Authentication and authorization',
  description: 'Enforces the existence and validity of a JWT from a header, a query parameter or a value.',
  reference: 'validate-jwt-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  attributes: {
    'header-name': str('HTTP header holding the token.'),
    'query-parameter-name': str('Query parameter holding the token.'),
    'token-value': str('Expression returning the token (without "Bearer ").'),
    'failed-validation-httpcode': int('Status code when validation fails.', { min: 100, max: 599 }, { default: '401' }),
    'failed-validation-error-message': str('Error message in the body when validation fails.'),
    'require-expiration-time': bool('Whether the token must have an exp claim.', { default: 'true' }),
    'require-scheme': str('Token scheme required in the Authorization header, e.g. Bearer.'),
    'require-signed-tokens': bool('Whether the token must be signed.', { default: 'true' }),
    'clock-skew': int('Allowed clock difference, in seconds.', { min: 0 }, { default: '0' }),
    'output-token-variable-name': fixedName('Variable that receives the validated token as a Jwt.'),
  },
  oneOf: [{ attributes: TOKEN_SOURCE }],
  content: 'elements',
  children: {
    'openid-config': { schema: openIdConfig },
    'issuer-signing-keys': { schema: listPart('issuer-signing-keys', 'Keys that may have signed the token, tried in turn.', signingKey, 0), max: 1 },
    'decryption-keys': { schema: listPart('decryption-keys', 'Keys used to decrypt an encrypted token.', decryptionKey), max: 1 },
    audiences: { schema: listPart('audiences', 'Accepted audiences; one must match.', textPart('audience', exprText('An accepted audience.')), 0), max: 1 },
    issuers: { schema: listPart('issuers', 'Accepted issuers; one must match.', textPart('issuer', exprText('An accepted issuer.')), 0), max: 1 },
    'required-claims': { schema: requiredClaims, max: 1 },
  },
  emulator: {
    status: 'supported',
    reason: 'inline issuer-signing-keys are used (base64 symmetric keys for HS*, n/e RSA keys); a key given by certificate-id needs APIM\'s certificate store and fails the validation (SigningKeyNotSupported); openid-config documents are kept an hour, and fetched again at most every 5 minutes for a key they lack, as APIM does',
    gaps: [{ child: 'decryption-keys', reason: 'encrypted tokens (JWE) are not decrypted' }],
  },
});

const applicationId = textPart('application-id', exprText('An Entra application (client) ID.'));
export const validateAzureAdToken: PolicySchema = policy({
  name: 'validate-azure-ad-token',
  category: 'Authentication and authorization',
  description: 'Enforces the existence and validity of a Microsoft Entra ID token.',
  reference: 'validate-azure-ad-token-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  attributes: {
    'tenant-id': str('Tenant ID or domain of the Entra tenant.', { required: true }),
    'header-name': str('HTTP header holding the token.', { default: 'Authorization' }),
    'query-parameter-name': str('Query parameter holding the token.'),
    'token-value': str('Expression returning the token (without "Bearer ").'),
    'authentication-endpoint': str('Authority for sovereign clouds, e.g. https://login.microsoftonline.us.'),
    'require-scheme': str('Token scheme required in the Authorization header.'),
    'failed-validation-httpcode': int('Status code when validation fails.', { min: 100, max: 599 }, { default: '401' }),
    'failed-validation-error-message': str('Error message in the body when validation fails.'),
    'output-token-variable-name': fixedName('Variable that receives the validated token as a Jwt.'),
    'allow-protected-forwarded-tokens': bool('Accept protected forwarded tokens.'),
    'allow-proof-of-possession-tokens': bool('Accept proof-of-possession tokens.'),
  },
  content: 'elements',
  children: {
    'client-application-ids': { schema: listPart('client-application-ids', 'Accepted client application IDs; one must match.', applicationId), max: 1 },
    'backend-application-ids': { schema: listPart('backend-application-ids', 'Accepted backend application IDs.', applicationId), max: 1 },
    audiences: {
      schema: listPart(
        'audiences',
        'Accepted audiences; one must match.',
        textPart('audience', literalText('An accepted audience (named values allowed).', { expressionNote: 'APIM accepts named values but not expressions in validate-azure-ad-token audiences (MicrosoftDocs/azure-docs#123314)' })),
      ),
      max: 1,
    },
    'required-claims': { schema: requiredClaims, max: 1 },
    'decryption-keys': { schema: listPart('decryption-keys', 'Certificates used to decrypt an encrypted token.', { ...decryptionKey, attributes: { id: decryptionKey.attributes.id!, 'certificate-id': str('Identifier of a certificate uploaded to API Management.', { required: true, expression: false }) } }), max: 1 },
  },
  emulator: {
    status: 'supported',
    reason: 'Entra\'s OpenID configuration and keys come from the identity port (the local identity provider in tests and serve), kept an hour and fetched again at most every 5 minutes for a key they lack, as APIM does',
    gaps: [
      { child: 'decryption-keys', reason: 'encrypted tokens (JWE) are not decrypted' },
      { child: 'backend-application-ids', reason: 'backend application IDs are not checked' },
    ],
  },
});

export const checkHeader: PolicySchema = policy({
  name: 'check-header',
  category: 'Authentication and authorization',
  description: 'Enforces that a request header exists and, optionally, has one of the listed values.',
  reference: 'check-header-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  attributes: {
    name: str('Name of the header to check.', { required: true }),
    'failed-check-httpcode': int('Status code when the check fails.', { min: 100, max: 599 }, { required: true }),
    'failed-check-error-message': str('Error message in the body when the check fails.', { required: true }),
    'ignore-case': bool('Compare values case-insensitively.', { required: true }),
  },
  content: 'elements',
  children: { value: { schema: textPart('value', exprText('An accepted header value.', { required: false })) } },
  emulator: { status: 'supported' },
});

export const getAuthorizationContext: PolicySchema = policy({
  name: 'get-authorization-context',
  category: 'Authentication and authorization',
  description: 'Gets the authorization context of a connection to a credential provider of the API Management instance.',
  reference: 'get-authorization-context-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  attributes: {
    'provider-id': str('Credential provider resource identifier.', { required: true }),
    'authorization-id': str('Connection resource identifier.', { required: true }),
    'context-variable-name': str('Variable that receives the Authorization object.', { required: true }),
    'identity-type': oneOfValues(['managed', 'jwt'], 'Whose identity is checked against the connection access policy.', { default: 'managed' }),
    identity: str('An Entra JWT, with identity-type jwt.'),
    'ignore-error': bool('Continue when the context cannot be acquired.', { default: 'false' }),
  },
  content: 'empty',
  emulator: { status: 'partial', reason: 'the connection\'s access token is minted by the local identity provider (audience credential-manager:<provider>/<connection>); connection access policies are not checked' },
});

export const ipFilter: PolicySchema = policy({
  name: 'ip-filter',
  category: 'Authentication and authorization',
  description: 'Allows or forbids callers by IP address or address range.',
  reference: 'ip-filter-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  attributes: { action: oneOfValues(['allow', 'forbid'], 'Whether listed addresses are allowed or forbidden.', { required: true }) },
  content: 'elements',
  children: {
    address: { schema: textPart('address', exprText('An IP address.')) },
    'address-range': {
      schema: { name: 'address-range', kind: 'part', description: 'An inclusive IP address range.', attributes: { from: str('First address.', { required: true }), to: str('Last address.', { required: true }) }, content: 'empty' },
    },
  },
  emulator: { status: 'partial', reason: 'IPv4 addresses and ranges only; IPv6 callers fail to parse (FailedToParseCallerIP)' },
});

const certificateIdentity: ElementSchema = {
  name: 'identity',
  kind: 'part',
  description: 'Certificate properties that must all match.',
  attributes: Object.fromEntries(['thumbprint', 'serial-number', 'common-name', 'subject', 'dns-name', 'issuer-subject', 'issuer-thumbprint', 'issuer-certificate-id'].map((a) => [a, str(`Certificate ${a.replace(/-/g, ' ')}.`, { expression: false })])),
  content: 'empty',
};
export const validateClientCertificate: PolicySchema = policy({
  name: 'validate-client-certificate',
  category: 'Authentication and authorization',
  description: 'Enforces that the client certificate matches validation rules and identities.',
  reference: 'validate-client-certificate-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  attributes: {
    'validate-revocation': bool('Check the certificate against the revocation list.', { expression: false, default: 'true' }),
    'validate-trust': bool('Check the certificate chain.', { expression: false, default: 'true' }),
    'validate-not-before': bool('Check the start of validity.', { expression: false, default: 'true' }),
    'validate-not-after': bool('Check the end of validity.', { expression: false, default: 'true' }),
    'ignore-error': bool('Continue when validation fails.', { expression: false, default: 'false' }),
  },
  content: 'elements',
  children: { identities: { schema: { ...listPart('identities', 'Identities of which one must match.', certificateIdentity), children: { identity: { schema: certificateIdentity, min: 1, max: 10 } } }, max: 1 } },
  emulator: {
    status: 'supported',
    reason: "checks the request's client certificate (`mcp-apim serve --client-ca`, or `request.clientCertificate` in traffic): trust and revocation are facts of the handshake or the traffic file (no revocation lists are fetched); an identity's issuer-certificate-id never matches (no APIM certificate store)",
  },
});

export const authenticationBasic: PolicySchema = policy({
  name: 'authentication-basic',
  category: 'Authentication and authorization',
  description: 'Authenticates to the backend with Basic authentication.',
  reference: 'authentication-basic-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  attributes: { username: str('User name.', { required: true }), password: str('Password.', { required: true }) },
  content: 'empty',
  emulator: { status: 'supported' },
});

export const authenticationCertificate: PolicySchema = policy({
  name: 'authentication-certificate',
  category: 'Authentication and authorization',
  description: 'Authenticates to the backend with a client certificate.',
  reference: 'authentication-certificate-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  attributes: {
    thumbprint: str('Thumbprint of the client certificate.'),
    'certificate-id': str('Name of a certificate resource.'),
    body: str('Client certificate as a byte array (an expression).'),
    password: str('Password of the certificate in body.'),
  },
  oneOf: [{ attributes: ['thumbprint', 'certificate-id', 'body'] }],
  content: 'empty',
  emulator: { status: 'partial', reason: 'the emulator makes no TLS connections: the policy is recorded in the trace, no certificate is presented' },
});

export const authenticationManagedIdentity: PolicySchema = policy({
  name: 'authentication-managed-identity',
  category: 'Authentication and authorization',
  description: "Gets a token for the backend with the instance's managed identity and sets Authorization.",
  reference: 'authentication-managed-identity-policy',
  sections: ['inbound'],
  alsoSeenIn: [{ section: 'outbound', evidence: 'Azure-Samples/remote-mcp-apim-functions-python infra/app/apim-oauth/token.policy.xml (with output-token-variable-name)' }],
  scopes: ALL_SCOPES,
  attributes: {
    resource: str('Application ID URI of the target resource.', { required: true }),
    'client-id': str('Client ID of a user-assigned identity (default: the system-assigned one).', { expression: false }),
    'authentication-provider': oneOfValues(['WorkloadIdentity'], 'On a self-hosted gateway, use Entra Workload ID instead of a managed identity.', { expression: false }),
    'output-token-variable-name': fixedName('Variable that receives the token as a string.'),
    'ignore-error': bool('Continue when no token can be obtained.', { expression: false, default: 'false' }),
  },
  content: 'empty',
  emulator: { status: 'supported', reason: 'the token is minted by the local identity provider (mcp-apim test) or comes from the identity port' },
});

export const authenticationPolicies: readonly PolicySchema[] = [
  checkHeader,
  getAuthorizationContext,
  ipFilter,
  validateAzureAdToken,
  validateJwt,
  validateClientCertificate,
  authenticationBasic,
  authenticationCertificate,
  authenticationManagedIdentity,
];
