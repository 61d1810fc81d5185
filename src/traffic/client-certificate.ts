/**
 * `request.clientCertificate` in a traffic file (docs/testing.md): the certificate the client
 * presents in the TLS handshake, either as PEM text or as its fields.
 *
 *   {"pem": "-----BEGIN CERTIFICATE-----\n…", "trusted": true}
 *   {"thumbprint": "0A1B…", "subject": "CN=agent-1", "issuer": "CN=Contoso Agents CA",
 *    "notBefore": "2025-01-01T00:00:00Z", "notAfter": "2027-01-01T00:00:00Z", "trusted": false}
 *
 * `trusted` (default true) says whether the chain ends at a CA the gateway trusts, `revoked`
 * (default false) whether the CA revoked it; without dates the certificate is valid from 2000
 * to the end of 2099.
 */
import { type ClientCertificate, certificateFromPem } from '../runtime/certificate.ts';

const FIELDS = ['pem', 'thumbprint', 'subject', 'issuer', 'serialNumber', 'notBefore', 'notAfter', 'dnsNames', 'issuerThumbprint', 'trusted', 'revoked'];
const DEFAULT_NOT_BEFORE = Date.UTC(2000, 0, 1);
const DEFAULT_NOT_AFTER = Date.UTC(2099, 11, 31, 23, 59, 59);
const HEX40 = /^[0-9A-Fa-f]{40}$/;

/** The certificate, or the problems that make it unusable (each a phrase for the line's diagnostic). */
export function readClientCertificate(value: unknown): { certificate?: ClientCertificate; problems: string[] } {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problems: ['request.clientCertificate must be an object (pem, or thumbprint with subject, issuer and dates)'] };
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) if (!FIELDS.includes(key)) problems.push(`unknown member request.clientCertificate.${key}`);
  for (const key of ['trusted', 'revoked']) if (v[key] !== undefined && typeof v[key] !== 'boolean') problems.push(`request.clientCertificate.${key} must be true or false`);
  const facts = { trusted: v.trusted !== false, revoked: v.revoked === true };
  if (v.pem !== undefined) {
    const others = Object.keys(v).filter((k) => !['pem', 'trusted', 'revoked'].includes(k));
    if (others.length > 0) problems.push(`request.clientCertificate gives pem, so ${others.join(', ')} cannot be given too (they are read from the certificate)`);
    if (typeof v.pem !== 'string') return { problems: [...problems, 'request.clientCertificate.pem must be PEM text'] };
    try {
      const certificate = certificateFromPem(v.pem, facts);
      return problems.length > 0 ? { problems } : { certificate, problems };
    } catch (error) {
      return { problems: [...problems, `request.clientCertificate.pem is not a PEM certificate (${(error as Error).message})`] };
    }
  }
  const text = (key: string): string | undefined => {
    if (v[key] === undefined) return undefined;
    if (typeof v[key] !== 'string') problems.push(`request.clientCertificate.${key} must be a string`);
    return typeof v[key] === 'string' ? v[key] : undefined;
  };
  const date = (key: string, fallback: number): number => {
    const s = text(key);
    if (s === undefined) return fallback;
    const ms = Date.parse(s);
    if (!/^\d{4}-\d\d-\d\dT/.test(s) || Number.isNaN(ms)) problems.push(`request.clientCertificate.${key} must be an ISO 8601 time such as "2026-01-01T00:00:00Z"`);
    return ms;
  };
  const thumbprint = text('thumbprint');
  if (thumbprint === undefined || !HEX40.test(thumbprint)) problems.push('request.clientCertificate.thumbprint must be 40 hexadecimal digits (or give pem)');
  const issuerThumbprint = text('issuerThumbprint');
  if (issuerThumbprint !== undefined && !HEX40.test(issuerThumbprint)) problems.push('request.clientCertificate.issuerThumbprint must be 40 hexadecimal digits');
  const dnsNames = v.dnsNames ?? [];
  if (!Array.isArray(dnsNames) || dnsNames.some((d) => typeof d !== 'string')) problems.push('request.clientCertificate.dnsNames must be a list of strings');
  const certificate: ClientCertificate = {
    thumbprint: (thumbprint ?? '').toUpperCase(),
    subject: text('subject') ?? '',
    issuer: text('issuer') ?? '',
    serialNumber: (text('serialNumber') ?? '01').toUpperCase(),
    notBefore: date('notBefore', DEFAULT_NOT_BEFORE),
    notAfter: date('notAfter', DEFAULT_NOT_AFTER),
    dnsNames: Array.isArray(dnsNames) ? (dnsNames as string[]) : [],
    ...(issuerThumbprint ? { issuerThumbprint: issuerThumbprint.toUpperCase() } : {}),
    ...facts,
  };
  return problems.length > 0 ? { problems } : { certificate, problems };
}
