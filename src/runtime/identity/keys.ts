import { createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject, createPrivateKey } from 'node:crypto';

/** An RSA signing key as stored in `.mcp-apim/keys.json`: private JWK plus its key id. */
export interface SigningKey {
  readonly kid: string;
  readonly privateJwk: JsonWebKey;
}

/**
 * The local identity provider's keys: `dev` is trusted by the emulator (its JWKS is served as
 * the tenant's), `foreign` is a key nobody trusts, for tokens that must fail signature checks.
 */
export interface DevKeys {
  readonly dev: SigningKey;
  readonly foreign: SigningKey;
}

export function generateSigningKey(kid: string): SigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateJwk: privateKey.export({ format: 'jwk' }) };
}

export function generateDevKeys(): DevKeys {
  return { dev: generateSigningKey('mcp-apim-dev-1'), foreign: generateSigningKey('mcp-apim-foreign-1') };
}

export function privateKeyOf(key: SigningKey): KeyObject {
  return createPrivateKey({ key: key.privateJwk, format: 'jwk' });
}

/** The public JWK as Entra publishes it in its JWKS (kty, use, kid, n, e, alg). */
export function publicJwk(key: SigningKey): JsonWebKey & { kid: string; use: string; alg: string } {
  const pub = createPublicKey({ key: key.privateJwk, format: 'jwk' }).export({ format: 'jwk' });
  return { kty: pub.kty, use: 'sig', kid: key.kid, alg: 'RS256', n: pub.n, e: pub.e };
}

/** The JWKS document of the trusted dev key. */
export function jwks(keys: DevKeys): { keys: ReturnType<typeof publicJwk>[] } {
  return { keys: [publicJwk(keys.dev)] };
}

/** Checks the shape of keys read from disk; returns undefined when they are not usable. */
export function parseDevKeys(value: unknown): DevKeys | undefined {
  const ok = (k: unknown): k is SigningKey => typeof k === 'object' && k !== null && typeof (k as SigningKey).kid === 'string' && typeof (k as SigningKey).privateJwk === 'object';
  if (typeof value !== 'object' || value === null) return undefined;
  const { dev, foreign } = value as Record<string, unknown>;
  if (!ok(dev) || !ok(foreign)) return undefined;
  try {
    privateKeyOf(dev);
    privateKeyOf(foreign);
  } catch {
    return undefined;
  }
  return { dev, foreign };
}
