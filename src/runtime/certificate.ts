/**
 * The client certificate of a request, as the gateway saw it in the TLS handshake: what
 * `validate-client-certificate` checks and `context.Request.Certificate` (an X509Certificate2)
 * shows. Names are written the way .NET writes `X500DistinguishedName.Name` ("CN=agent-1,
 * O=Contoso": most specific first, ", " between parts), thumbprints and serial numbers as
 * upper-case hex, so policies written against APIM compare the same strings here.
 *
 * Whether the chain is trusted and whether the certificate is revoked are facts of the
 * handshake (the TLS layer of `serve` checks the chain against `--client-ca`) or of the traffic
 * file; the emulator fetches no revocation lists.
 */
import { X509Certificate } from 'node:crypto';
import type { CertificateFacts } from '../expr/net/x509.ts';

/** The facts the .NET view shows (thumbprint, names, serial, validity, trust), and what the checks need besides. */
export interface ClientCertificate extends CertificateFacts {
  /** DNS names of the subject alternative name extension. */
  readonly dnsNames: readonly string[];
  /** Thumbprint of the issuing certificate, when the chain was presented or is known. */
  readonly issuerThumbprint?: string;
  readonly revoked: boolean;
}

/** Node's multi-line name (`C=US\nO=Contoso\nCN=a`, root-most first) as .NET writes it (`CN=a, O=Contoso, C=US`). */
export function dotNetName(nodeName: string): string {
  return nodeName
    .split('\n')
    .filter((part) => part !== '')
    .reverse()
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq < 0) return part;
      const value = part.slice(eq + 1).replace(/\\(.)/g, '$1');
      // .NET quotes a value holding a separator or a quote (X500DistinguishedName.Name).
      return `${part.slice(0, eq)}=${/[,+=";<>#\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value}`;
    })
    .join(', ');
}

/** Compares distinguished names as APIM's identity check does: case-insensitive, spacing around separators ignored. */
export function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.split(/\s*,\s*/).map((p) => p.replace(/\s*=\s*/, '=').trim().toLowerCase()).join(',');
  return norm(a) === norm(b);
}

/** The common name (CN) of a .NET-style distinguished name, or undefined. */
export function commonName(name: string): string | undefined {
  const m = /(?:^|,\s*)CN=("(?:[^"]|"")*"|[^,]*)/i.exec(name);
  if (!m) return undefined;
  const v = m[1]!.trim();
  return v.startsWith('"') ? v.slice(1, -1).replace(/""/g, '"') : v;
}

const fingerprintHex = (fingerprint: string) => fingerprint.replace(/:/g, '').toUpperCase();

/** A certificate from its X.509 form (the TLS peer certificate, or PEM in a traffic file). */
export function certificateFromX509(x: X509Certificate, facts: { readonly trusted: boolean; readonly revoked?: boolean; readonly issuer?: X509Certificate }): ClientCertificate {
  const dnsNames = (x.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
  const issuer = facts.issuer && facts.issuer.fingerprint !== x.fingerprint ? facts.issuer : undefined;
  return {
    thumbprint: fingerprintHex(x.fingerprint),
    subject: dotNetName(x.subject),
    issuer: dotNetName(x.issuer),
    serialNumber: x.serialNumber.toUpperCase(),
    notBefore: Date.parse(x.validFrom),
    notAfter: Date.parse(x.validTo),
    dnsNames,
    ...(issuer ? { issuerThumbprint: fingerprintHex(issuer.fingerprint) } : {}),
    trusted: facts.trusted,
    revoked: facts.revoked ?? false,
  };
}

/** Parses PEM text (the first certificate in it); throws with a readable message when it is not one. */
export function certificateFromPem(pem: string, facts: { readonly trusted: boolean; readonly revoked?: boolean }): ClientCertificate {
  return certificateFromX509(new X509Certificate(pem), facts);
}
