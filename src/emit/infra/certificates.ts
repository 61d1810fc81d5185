/**
 * Backend mutual TLS in the resource model: `api.backendCertificate` becomes an APIM certificate
 * resource that APIM reads from Key Vault (the instance's managed identity needs `get` on the
 * vault's secrets), named as the policy's `authentication-certificate certificate-id` names it.
 * The backend lists it in `credentials.certificateIds` too, so anything routed through the
 * backend entity (`type: mcp` APIs, `set-backend-service backend-id`) presents the same
 * certificate; the API policy depends on it because it refers to it by name.
 */
import type { Plan } from '../../plan/types.ts';
import { backendCertificateName } from '../policy/certificates.ts';
import { APIM_API_VERSION, type Resource } from './model.ts';

export const CERTIFICATE_TYPE = 'Microsoft.ApiManagement/service/certificates';

export function withBackendCertificate(plan: Plan, resources: readonly Resource[]): Resource[] {
  const cert = plan.config.api.backendCertificate;
  if (!cert) return [...resources];
  const name = backendCertificateName(plan.config.api.name);
  const certificate: Resource = {
    symbol: 'backendCertificate',
    type: CERTIFICATE_TYPE,
    apiVersion: APIM_API_VERSION,
    name: [name],
    parent: 'apim',
    properties: { keyVault: { secretIdentifier: cert.keyVaultSecretId, ...(cert.identityClientId ? { identityClientId: cert.identityClientId } : {}) } },
    dependsOn: [],
  };
  const out = resources.map((r): Resource => {
    if (r.symbol === 'backend') return { ...r, properties: { ...r.properties, credentials: { certificateIds: [`/certificates/${name}`] } }, dependsOn: [...r.dependsOn, certificate.symbol] };
    if (r.symbol === 'apiPolicy') return { ...r, dependsOn: [...r.dependsOn, certificate.symbol] };
    return r;
  });
  return [certificate, ...out];
}
