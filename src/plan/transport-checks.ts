/**
 * Semantic checks of the certificate and alerting settings (MA2030–MA2033): what the schema
 * cannot see because it spans several keys or depends on the pricing tier.
 */
import type { Config } from '../config/types.ts';
import { type Diagnostic, diagnostic } from '../diagnostics/index.ts';

/** validate-client-certificate takes at most ten `<identity>` elements (APIM policy reference). */
export const MAX_CERTIFICATE_IDENTITIES = 10;

/**
 * Tiers on which CA certificates cannot be uploaded to the instance, so a chain can never be
 * validated (ronaldbosma/mtls-with-apim docs/demo: "The V2 tiers (BasicV2, StandardV2 and
 * PremiumV2) and Consumption do not support uploading CA certificates").
 */
const NO_CA_UPLOAD = new Set(['Consumption', 'BasicV2', 'StandardV2', 'PremiumV2']);

/** How many `<identity>` elements the compiled policy lists: one per thumbprint, one for subject/issuer. */
export function certificateIdentityCount(config: Config): number {
  const c = config.identity.clientCertificates;
  if (!c) return 0;
  return c.thumbprints.length + (c.subject !== undefined || c.issuer !== undefined ? 1 : 0);
}

export function checkTransportSecurity(config: Config, diagnostics: Diagnostic[]): void {
  const certs = config.identity.clientCertificates;
  if (certs) {
    const at = config.locate('/identity/clientCertificates', 'key');
    const count = certificateIdentityCount(config);
    if (count > MAX_CERTIFICATE_IDENTITIES) {
      diagnostics.push(diagnostic('MA2030', `identity.clientCertificates lists ${count} identities; validate-client-certificate accepts at most ${MAX_CERTIFICATE_IDENTITIES}`, at, 'accept a whole issuer (issuer:) instead of many thumbprints'));
    }
    if (certs.validateTrust && NO_CA_UPLOAD.has(config.apim.sku)) {
      diagnostics.push(diagnostic('MA2031', `the ${config.apim.sku} tier cannot hold CA certificates, so validateTrust refuses every client certificate there`, config.locate('/identity/clientCertificates/validateTrust', 'key'), 'set validateTrust: false and pin thumbprints instead'));
    }
    if (!certs.validateTrust && certs.thumbprints.length === 0) {
      diagnostics.push(diagnostic('MA2033', 'identity.clientCertificates accepts certificates by subject or issuer name without validateTrust: anyone can make a self-signed certificate with those names', at, 'keep validateTrust: true, or list thumbprints'));
    }
  }
  if (config.monitoring.alerts && !config.apim.appInsights) {
    diagnostics.push(diagnostic('MA2032', 'monitoring.alerts query the Application Insights component the gateway logs to, but apim.appInsights is false', config.locate('/monitoring/alerts', 'key'), 'set apim.appInsights: true (the default)'));
  }
}
