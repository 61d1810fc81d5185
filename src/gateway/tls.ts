/**
 * HTTPS for `mcp-apim serve --tls-cert --tls-key [--client-ca]`. With `--client-ca` the server
 * asks every client for a certificate, the way APIM's "negotiate client certificate" does: the
 * handshake never fails over it (rejectUnauthorized is off), the certificate and whether its
 * chain ends at the given CA are handed to the runtime, and the compiled policy's
 * validate-client-certificate decides, answering with APIM's own 401.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { resolve } from 'node:path';
import { type PeerCertificate, type TLSSocket, createSecureContext } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { Config } from '../config/types.ts';
import { type Diagnostic, diagnostic } from '../diagnostics/index.ts';
import { type ClientCertificate, certificateFromX509 } from '../runtime/certificate.ts';

/** PEM texts the HTTPS server runs with. */
export interface GatewayTls {
  readonly cert: string;
  readonly key: string;
  /** CA certificates client certificates must chain to; absent: no client certificate is asked for. */
  readonly clientCa?: string;
}

export interface TlsFileOptions {
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly clientCa?: string;
}

/**
 * Reads and checks the PEM files (relative to `cwd`); `tls` is absent when none was given.
 * Every problem is a usage diagnostic before anything listens.
 */
export function loadTlsFiles(options: TlsFileOptions, cwd: string): { tls?: GatewayTls; diagnostics: Diagnostic[] } {
  const { tlsCert, tlsKey, clientCa } = options;
  if (tlsCert === undefined && tlsKey === undefined) {
    if (clientCa !== undefined) return { diagnostics: [diagnostic('MA9120', '--client-ca needs --tls-cert and --tls-key: client certificates exist only over HTTPS')] };
    return { diagnostics: [] };
  }
  if (tlsCert === undefined || tlsKey === undefined) return { diagnostics: [diagnostic('MA9120', `--tls-cert and --tls-key go together (${tlsCert === undefined ? '--tls-cert' : '--tls-key'} is missing)`)] };
  const diagnostics: Diagnostic[] = [];
  const read = (flag: string, file: string): string | undefined => {
    try {
      return readFileSync(resolve(cwd, file), 'utf8');
    } catch (error) {
      diagnostics.push(diagnostic('MA9121', `${flag} ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`));
      return undefined;
    }
  };
  const cert = read('--tls-cert', tlsCert);
  const key = read('--tls-key', tlsKey);
  const ca = clientCa === undefined ? undefined : read('--client-ca', clientCa);
  if (cert === undefined || key === undefined || (clientCa !== undefined && ca === undefined)) return { diagnostics };
  try {
    // The same check node:https makes when it starts, made here so a bad file is a clear usage error.
    createSecureContext({ cert, key, ...(ca !== undefined ? { ca } : {}) });
    if (ca !== undefined) new X509Certificate(ca);
  } catch (error) {
    return { diagnostics: [diagnostic('MA9122', `the TLS files cannot be used: ${(error as Error).message}`, undefined, '--tls-cert and --client-ca take PEM certificates, --tls-key the PEM private key of --tls-cert')] };
  }
  return { tls: { cert, key, ...(ca !== undefined ? { clientCa: ca } : {}) }, diagnostics };
}

/** An HTTP server, or with `tls` an HTTPS one that asks for client certificates when it has a client CA. */
export function createGatewayServer(tls: GatewayTls | undefined, listener: RequestListener): Server {
  if (!tls) return createHttpServer(listener);
  return createHttpsServer({ cert: tls.cert, key: tls.key, ...(tls.clientCa !== undefined ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: false } : {}) }, listener);
}

export function gatewayScheme(tls: GatewayTls | undefined): 'http' | 'https' {
  return tls ? 'https' : 'http';
}

/** The client certificate of a request's TLS connection, as the runtime models it (none over plain HTTP). */
export function clientCertificateOf(req: IncomingMessage): ClientCertificate | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const peer = socket.getPeerCertificate(true) as PeerCertificate & { issuerCertificate?: PeerCertificate };
  if (!peer || !peer.raw) return undefined;
  const issuer = peer.issuerCertificate?.raw ? new X509Certificate(peer.issuerCertificate.raw) : undefined;
  return certificateFromX509(new X509Certificate(peer.raw), { trusted: socket.authorized === true, ...(issuer ? { issuer } : {}) });
}

/** What the config's client-certificate check will meet when served this way. */
export function tlsWarnings(config: Config, tls: GatewayTls | undefined): Diagnostic[] {
  const certs = config.identity.clientCertificates;
  if (!certs || certs.mode !== 'required' || tls?.clientCa !== undefined) return [];
  return [diagnostic('MA9123', 'identity.clientCertificates is required, but this gateway asks for no client certificate, so it refuses every request (401)', undefined, 'serve over HTTPS with --tls-cert, --tls-key and --client-ca <CA that issued the clients\' certificates>')];
}
