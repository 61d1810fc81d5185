/**
 * Test certificates, made with the system's `openssl` at test time in a temporary directory
 * (never checked in, never reused): a CA for agents, a client certificate it issued, a
 * self-signed "rogue" client certificate with the same subject, and a server certificate for
 * 127.0.0.1 / localhost issued by the same CA. EC P-256 keys, so generating them is quick.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  readonly dir: string;
  /** Paths of PEM files. */
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly rogueCert: string;
  readonly rogueKey: string;
  /** PEM text of a file. */
  read(path: string): string;
  cleanup(): void;
}

/** Whether openssl can be run here (the tests that need it say why they skip otherwise). */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-apim-certs-'));
  const p = (name: string) => join(dir, name);
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  writeFileSync(p('client.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n');
  writeFileSync(p('server.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', '/O=Contoso/CN=Contoso Agents CA');
  const issue = (name: string, subject: string, ext: string) => {
    run('req', ...ec, '-keyout', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', subject);
    run('x509', '-req', '-in', p(`${name}.csr`), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-set_serial', `0x${name === 'server' ? '1001' : '2002'}`, '-days', '2', '-extfile', p(ext), '-out', p(`${name}.pem`));
  };
  issue('server', '/CN=localhost', 'server.ext');
  issue('client', '/O=Contoso/CN=agent-prod-001', 'client.ext');
  run('req', '-x509', ...ec, '-keyout', p('rogue.key'), '-out', p('rogue.pem'), '-days', '2', '-subj', '/O=Contoso/CN=agent-prod-001', '-addext', 'basicConstraints=CA:FALSE', '-addext', 'extendedKeyUsage=clientAuth');
  return {
    dir,
    caCert: p('ca.pem'),
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    rogueCert: p('rogue.pem'),
    rogueKey: p('rogue.key'),
    read: (path) => readFileSync(path, 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
