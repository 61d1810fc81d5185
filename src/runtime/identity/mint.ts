import { createSign } from 'node:crypto';
import { type DevKeys, privateKeyOf } from './keys.ts';

/** DESIGN §6 `request.token`: claims over defaults, JOSE header overrides, and the key to sign with. */
export interface TokenRequest {
  /** Merged over `defaults`; a claim set to null removes that default. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Overrides fields of the JOSE header only; the signature is still made with the chosen key. */
  readonly header?: Readonly<Record<string, unknown>>;
  readonly signWith?: 'dev' | 'foreign' | 'none';
}

export interface TokenDefaults {
  readonly issuer: string;
  readonly audience: string;
  readonly tenantId: string;
  /** Seconds since the epoch (the virtual clock). */
  readonly now: number;
  /** Lifetime in seconds (default one hour). */
  readonly lifetime?: number;
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * Mints a JWT the way Entra shapes v2 access tokens (iss, aud, tid, iat, nbf, exp, ver), signed
 * RS256 with the dev key, the foreign key, or not at all (`alg: none`, empty signature).
 */
export function mintToken(keys: DevKeys, defaults: TokenDefaults, request: TokenRequest = {}): string {
  const signWith = request.signWith ?? 'dev';
  const key = signWith === 'foreign' ? keys.foreign : keys.dev;
  const claims: Record<string, unknown> = {
    aud: defaults.audience,
    iss: defaults.issuer,
    iat: defaults.now,
    nbf: defaults.now,
    exp: defaults.now + (defaults.lifetime ?? 3600),
    tid: defaults.tenantId,
    ver: '2.0',
  };
  for (const [name, value] of Object.entries(request.claims ?? {})) {
    if (value === null) delete claims[name];
    else claims[name] = value;
  }
  const header: Record<string, unknown> = signWith === 'none' ? { alg: 'none', typ: 'JWT' } : { alg: 'RS256', typ: 'JWT', kid: key.kid };
  Object.assign(header, request.header ?? {});
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  if (signWith === 'none') return `${signingInput}.`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKeyOf(key));
  return `${signingInput}.${b64url(signature)}`;
}
