/**
 * Mutual TLS in the compiled policy, both ways:
 *
 * - from the callers: `identity.clientCertificates` becomes `validate-client-certificate`, before
 *   the token check (a caller without the right certificate learns nothing about tokens); in
 *   `optional` mode only a request that presents a certificate is checked;
 * - to the MCP server: `api.backendCertificate` becomes `authentication-certificate` naming the
 *   APIM certificate resource that the Bicep creates from Key Vault (src/emit/infra/certificates.ts).
 *
 * A refused certificate is APIM's own 401 (reference/apim-semantics.md; observed bodies
 * "Client certificate missing" / "Invalid client certificate"): on-error only records the
 * metric and, unlike a token failure, adds no `WWW-Authenticate: Bearer` challenge — a token
 * would not help.
 */
import type { Plan } from '../../plan/types.ts';
import { comment, el, expr, type XmlChild, type XmlElement } from '../xml.ts';

/** The APIM certificate resource the backend certificate is stored as (Bicep, ARM, deploy and policy agree). */
export function backendCertificateName(apiName: string): string {
  return `${apiName}-backend-cert`;
}

export const CLIENT_CERTIFICATE_POLICY = 'validate-client-certificate';

/** The `<identity>` elements: one per thumbprint, one for the subject/issuer pair. */
function identities(plan: Plan): XmlElement[] {
  const c = plan.config.identity.clientCertificates!;
  const out = c.thumbprints.map((thumbprint) => el('identity', { thumbprint }));
  if (c.subject !== undefined || c.issuer !== undefined) out.push(el('identity', { subject: c.subject, 'issuer-subject': c.issuer }));
  return out;
}

/** Inbound, before the token: the client certificate check (nothing without `identity.clientCertificates`). */
export function clientCertificateCheck(plan: Plan): XmlChild[] {
  const c = plan.config.identity.clientCertificates;
  if (!c) return [];
  const check = el(
    CLIENT_CERTIFICATE_POLICY,
    { 'validate-revocation': c.validateRevocation, 'validate-trust': c.validateTrust, 'validate-not-before': true, 'validate-not-after': true, 'ignore-error': false },
    el('identities', {}, ...identities(plan)),
  );
  if (c.mode === 'required') return [comment('0b. Client certificate (401): required, and it must be one of the listed identities.'), check];
  return [
    comment('0b. Client certificate (401): optional, but one that is presented must be valid and listed.'),
    el('choose', {}, el('when', { condition: expr('context.Request.Certificate != null') }, check)),
  ];
}

/**
 * The first on-error branch: a refused client certificate keeps APIM's 401 as it is (no Bearer
 * challenge) and is counted like any unauthenticated request, so denial spikes include it.
 */
export function clientCertificateOnError(plan: Plan): XmlElement[] {
  if (!plan.config.identity.clientCertificates) return [];
  const dimension = (name: string, value: string) => el('dimension', { name, value });
  return [
    el(
      'when',
      { condition: expr(`context.LastError.Source == "${CLIENT_CERTIFICATE_POLICY}"`) },
      el('emit-metric', { name: 'mcp-apim-requests', namespace: 'mcp-apim', value: '1' }, dimension('agent', 'unknown'), dimension('method', 'unknown'), dimension('tool', 'unknown'), dimension('decision', 'unauthenticated')),
    ),
  ];
}

/** Inbound, last: the client certificate APIM presents to the MCP server. */
export function backendCertificate(plan: Plan): XmlChild[] {
  if (!plan.config.api.backendCertificate) return [];
  return [
    comment('Mutual TLS to the MCP server: the certificate from Key Vault (APIM certificate resource).'),
    el('authentication-certificate', { 'certificate-id': backendCertificateName(plan.config.api.name) }),
  ];
}
