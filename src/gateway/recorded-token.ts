/**
 * Turns the bearer token of a live request into DESIGN §6's `request.token` (claims, JOSE
 * header overrides, which key signed it), so a recording never holds a live token and its
 * replay through `mcp-apim test` reaches the same decision. Claims the replay mints by default
 * (issuer, audience, tenant, lifetime) are left out when the gateway accepted them, kept when
 * they were wrong, and set to null when the token lacked them.
 */
import { createPublicKey, createVerify } from 'node:crypto';
import type { DevKeys } from '../runtime/identity/keys.ts';
import type { TokenSpec } from '../traffic/types.ts';

export interface TokenContext {
  readonly keys: DevKeys;
  /** The issuer the local gateway trusts (its own identity provider, v2). */
  readonly localIssuer: string;
  /** The issuer a replay mints and trusts (the config's authority, v2). */
  readonly replayIssuer: string;
  readonly audience: string;
  readonly tenantId: string;
  /** Seconds since the epoch when the request arrived. */
  readonly now: number;
}

/** What the recording holds instead of the Authorization header. */
export type RecordedAuthorization = { readonly token: TokenSpec } | { readonly authorization: string } | Record<string, never>;

const DEFAULT_CLAIMS = ['aud', 'iss', 'iat', 'nbf', 'exp', 'tid', 'ver'];

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function signedByDevKey(token: string, keys: DevKeys): boolean {
  const [header, payload, signature] = token.split('.');
  try {
    return createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(createPublicKey({ key: keys.dev.privateJwk, format: 'jwk' }), Buffer.from(signature!, 'base64url'));
  } catch {
    return false;
  }
}

export function recordedAuthorization(value: string | undefined, context: TokenContext): RecordedAuthorization {
  if (value === undefined) return {};
  const m = /^(\S+)\s+(\S+)\s*$/.exec(value.trim());
  if (!m) return { authorization: '[credential not recorded]' };
  if (m[1]!.toLowerCase() !== 'bearer') return { authorization: `${m[1]} [credential not recorded]` };
  const parts = m[2]!.split('.');
  const header = parts.length === 3 ? decodePart(parts[0]!) : undefined;
  const claims = parts.length === 3 ? decodePart(parts[1]!) : undefined;
  // Not a JWT the gateway could read: any unreadable bearer value is refused the same way.
  if (!header || !claims) return { authorization: 'Bearer [unreadable token not recorded]' };

  const unsigned = header.alg === 'none' || parts[2] === '';
  const signWith: TokenSpec['signWith'] = unsigned ? 'none' : header.alg === 'RS256' && signedByDevKey(m[2]!, context.keys) ? 'dev' : 'foreign';
  const recorded: Record<string, unknown> = {};
  for (const [name, claim] of Object.entries(claims)) recorded[name] = claim;
  for (const name of DEFAULT_CLAIMS) if (!(name in claims)) recorded[name] = null;
  if (claims.iss === context.localIssuer) delete recorded.iss;
  // The config's own issuer is not this gateway's: it must stay refused when replayed.
  else if (claims.iss === context.replayIssuer) recorded.iss = `${String(claims.iss)}#not-the-local-gateway`;
  if (claims.aud === context.audience) delete recorded.aud;
  if (claims.tid === context.tenantId) delete recorded.tid;
  if (claims.ver === '2.0') delete recorded.ver;
  const timely = typeof claims.exp === 'number' && context.now < claims.exp && (claims.nbf === undefined || (typeof claims.nbf === 'number' && claims.nbf <= context.now));
  if (timely) {
    for (const name of ['iat', 'nbf', 'exp']) if (recorded[name] !== null) delete recorded[name];
  }

  const minted: Record<string, unknown> = unsigned ? { alg: 'none', typ: 'JWT' } : { alg: 'RS256', typ: 'JWT', kid: signWith === 'dev' ? context.keys.dev.kid : context.keys.foreign.kid };
  const headerOverrides = Object.fromEntries(Object.entries(header).filter(([name, v]) => (signWith !== 'foreign' || name !== 'kid') && JSON.stringify(minted[name]) !== JSON.stringify(v)));
  const token: TokenSpec = { claims: recorded, ...(Object.keys(headerOverrides).length > 0 ? { header: headerOverrides } : {}), ...(signWith === 'dev' ? {} : { signWith }) };
  return { token };
}
