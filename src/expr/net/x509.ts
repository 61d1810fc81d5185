/**
 * `X509Certificate2`, as `context.Request.Certificate` exposes the client certificate to policy
 * expressions: Thumbprint, Subject/SubjectName, Issuer/IssuerName, SerialNumber, NotBefore,
 * NotAfter (local time, as .NET returns them), and `VerifyNoRevocation()` (APIM's extension: the
 * chain is valid, revocation not checked). The runtime owns the data; this is the .NET view.
 */
import { NetObject, type NetType } from './core.ts';
import { OBJECT } from './primitives.ts';
import { register } from './registry.ts';
import { NetDateTime } from './time.ts';

/** What the view reads; the runtime's ClientCertificate extends it. */
export interface CertificateFacts {
  /** SHA-1 of the DER encoding, upper-case hex. */
  readonly thumbprint: string;
  readonly subject: string;
  readonly issuer: string;
  /** Upper-case hex, as X509Certificate2.SerialNumber. */
  readonly serialNumber: string;
  /** Validity, in milliseconds since the epoch. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** The chain ends at a CA the gateway trusts. */
  readonly trusted: boolean;
}

export class NetCertificate extends NetObject {
  readonly facts: CertificateFacts;
  constructor(facts: CertificateFacts) {
    super();
    this.facts = facts;
  }
  get netType(): NetType {
    return CERTIFICATE;
  }
}

export class NetDistinguishedName extends NetObject {
  readonly name: string;
  constructor(name: string) {
    super();
    this.name = name;
  }
  get netType(): NetType {
    return DISTINGUISHED_NAME;
  }
}

/** DateTimeKind.Local (the gateway's local time is UTC). */
const LOCAL = 2;

const DISTINGUISHED_NAME: NetType = register({
  name: 'System.Security.Cryptography.X509Certificates.X500DistinguishedName',
  base: OBJECT,
  props: { Name: (t: NetDistinguishedName) => t.name },
  methods: { ToString: (t: NetDistinguishedName) => t.name },
});

/** .NET's X509Certificate.ToString(): labelled blocks, two-space indented values. */
function describe(f: CertificateFacts): string {
  const date = (ms: number) => {
    const d = new Date(ms);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${d.getUTCHours() % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
  };
  return ['[Subject]', `  ${f.subject}`, '', '[Issuer]', `  ${f.issuer}`, '', '[Serial Number]', `  ${f.serialNumber}`, '', '[Not Before]', `  ${date(f.notBefore)}`, '', '[Not After]', `  ${date(f.notAfter)}`, '', '[Thumbprint]', `  ${f.thumbprint}`, ''].join('\n');
}

const CERTIFICATE: NetType = register(
  {
    name: 'System.Security.Cryptography.X509Certificates.X509Certificate2',
    base: OBJECT,
    props: {
      Thumbprint: (t: NetCertificate) => t.facts.thumbprint,
      Subject: (t: NetCertificate) => t.facts.subject,
      SubjectName: (t: NetCertificate) => new NetDistinguishedName(t.facts.subject),
      Issuer: (t: NetCertificate) => t.facts.issuer,
      IssuerName: (t: NetCertificate) => new NetDistinguishedName(t.facts.issuer),
      SerialNumber: (t: NetCertificate) => t.facts.serialNumber,
      NotBefore: (t: NetCertificate) => NetDateTime.fromMs(t.facts.notBefore, LOCAL),
      NotAfter: (t: NetCertificate) => NetDateTime.fromMs(t.facts.notAfter, LOCAL),
      HasPrivateKey: () => false,
      Version: () => 3,
    },
    methods: {
      VerifyNoRevocation: (t: NetCertificate) => t.facts.trusted,
      ToString: (t: NetCertificate) => describe(t.facts),
    },
  },
  'X509Certificate2',
);

/** `context.Request.Certificate`: the view, or null when no certificate was presented. */
export function certificateValue(facts: CertificateFacts | undefined): NetCertificate | null {
  return facts ? new NetCertificate(facts) : null;
}
