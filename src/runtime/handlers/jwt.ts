import { constants, createHmac, createPublicKey, type JsonWebKey, type KeyObject, timingSafeEqual, verify as cryptoVerify } from 'node:crypto';
import type { JWK } from 'jose';
import { jwtValue } from '../../expr/compile.ts';
import { fetchKeys, knownKeys, mayRefetch, type SigningKeys } from './signing-keys.ts';
import { gatewayError } from '../gateway-errors.ts';
import { childElements, type PolicyElement } from '../../policy/tree.ts';
import { type Handler, PolicyFailure, type StepContext, type StepOutcome } from '../types.ts';
import { attrText, perElement, textOf } from '../values.ts';

interface Rules {
  readonly source: string;
  readonly audiences: readonly string[];
  readonly issuers: readonly string[];
  readonly openIdConfigs: readonly string[];
  readonly requireExpiration: boolean;
  readonly requireSigned: boolean;
  readonly clockSkewSeconds: number;
  readonly requiredClaims: readonly { name: string; match: 'all' | 'any'; separator: string | undefined; values: readonly string[] }[];
  readonly clientApplicationIds: readonly string[];
  /** `<issuer-signing-keys>` given inline: symmetric secrets (HS*) and RSA keys (n, e). */
  readonly inlineKeys?: { readonly symmetric: readonly Buffer[]; readonly asymmetric: readonly JWK[] };
  /** Where the token is, what a failure answers, where the accepted token goes. */
  readonly place: TokenPlace;
  readonly failureStatus: number;
  readonly failureMessage: string | undefined;
  readonly outputVariable: string | undefined;
}

interface TokenPlace {
  readonly tokenValue: string | undefined;
  readonly query: string | undefined;
  /** The header's lower-cased name, and the scheme it must carry (lower-cased; undefined: the whole value is the token). */
  readonly header: string | undefined;
  readonly scheme: string | undefined;
}

/** The attributes every validate-jwt and validate-azure-ad-token element reads the same way. */
function commonRules(element: PolicyElement, ctx: StepContext, defaultHeader: string | undefined): Pick<Rules, 'place' | 'failureStatus' | 'failureMessage' | 'outputVariable'> {
  const header = attrText(element, 'header-name', ctx, defaultHeader)?.toLowerCase();
  const scheme = attrText(element, 'require-scheme', ctx, header === 'authorization' ? 'Bearer' : undefined);
  return {
    place: { tokenValue: attrText(element, 'token-value', ctx), query: attrText(element, 'query-parameter-name', ctx), header: header || undefined, scheme: header === 'authorization' && scheme ? scheme.toLowerCase() : undefined },
    failureStatus: Number(attrText(element, 'failed-validation-httpcode', ctx, '401')),
    failureMessage: attrText(element, 'failed-validation-error-message', ctx),
    outputVariable: attrText(element, 'output-token-variable-name', ctx),
  };
}

const NO_KEYS: SigningKeys = { keys: [], issuers: [], fetchedAt: 0 };

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

function texts(element: PolicyElement | undefined, child: string, ctx: StepContext): string[] {
  if (!element) return [];
  return childElements(element)
    .filter((c) => c.name === child)
    .map((c) => (c.children[0]?.kind === 'text' ? textOf(c.children[0].value, ctx) : ''));
}

function requiredClaims(element: PolicyElement, ctx: StepContext): Rules['requiredClaims'] {
  const block = childElements(element).find((c) => c.name === 'required-claims');
  if (!block) return [];
  return childElements(block)
    .filter((c) => c.name === 'claim')
    .map((c) => ({ name: attrText(c, 'name', ctx) ?? '', match: (attrText(c, 'match', ctx, 'all') === 'any' ? 'any' : 'all') as 'all' | 'any', separator: attrText(c, 'separator', ctx), values: texts(c, 'value', ctx) }));
}

/** Reads the token from the configured place; undefined when it is absent. */
function tokenOf(place: TokenPlace, ctx: StepContext): string | undefined {
  if (place.tokenValue !== undefined) return place.tokenValue || undefined;
  if (place.query) return new URL(ctx.state.request.url).searchParams.get(place.query) ?? undefined;
  if (!place.header) return undefined;
  const raw = ctx.state.request.headers.get(place.header)?.join(',');
  if (!raw) return undefined;
  // trim() copies even a value with nothing to trim, and a token header runs to a kilobyte
  const value = isVisibleAscii(raw.charCodeAt(0)) && isVisibleAscii(raw.charCodeAt(raw.length - 1)) ? raw : raw.trim();
  if (!place.scheme) return value;
  // `<scheme> <token>`: the scheme runs to the first white space, the token is everything after
  // the white space that follows, on one line (as /^(\S+)\s+(.+)$/ reads it, without its backtracking)
  const gap = value.search(WHITE_SPACE);
  if (gap <= 0) return undefined;
  WHITE_SPACE_RUN.lastIndex = gap;
  WHITE_SPACE_RUN.test(value);
  const token = value.slice(WHITE_SPACE_RUN.lastIndex);
  if (token === '' || LINE_TERMINATOR.test(token)) return undefined;
  return value.slice(0, gap).toLowerCase() === place.scheme ? token : undefined;
}
const isVisibleAscii = (c: number): boolean => c > 0x20 && c < 0x7f;
const WHITE_SPACE = /\s/;
const WHITE_SPACE_RUN = /\s+/y;
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/**
 * Protected headers by their text: tokens from one issuer share a handful of headers, and
 * decoding one (a buffer, a UTF-8 decode, a JSON parse) cost as much as the payload's. The
 * parsed headers are only read.
 */
const protectedHeaders = new Map<string, Record<string, unknown>>();
function protectedHeader(text: string): Record<string, unknown> {
  let header = protectedHeaders.get(text);
  if (!header) {
    header = jsonSegment(text, 'the protected header');
    if (protectedHeaders.size >= 256) protectedHeaders.clear();
    protectedHeaders.set(text, header);
  }
  return header;
}

/** A JWS segment: base64url of a JSON object. */
function jsonSegment(text: string, what: string): Record<string, unknown> {
  const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} is not an object`);
  return value as Record<string, unknown>;
}

/**
 * Verification keys by algorithm and key material: importing an RSA JWK costs more than verifying
 * with it, and APIM too keeps the keys it fetched (it refreshes them hourly). Keyed by the JWK's
 * own content, so a rotated key is a different entry; bounded so it cannot grow.
 */
const imported = new Map<string, KeyObject>();
/** The same JWK object comes back with every request (the fetched JWKS is kept): no key text to build then. */
const importedByObject = new WeakMap<JWK, KeyObject>();
function publicKeyOf(jwk: JWK): KeyObject {
  const known = importedByObject.get(jwk);
  if (known) return known;
  const key = `${jwk.kty}|${jwk.kid ?? ''}|${jwk.n ?? ''}|${jwk.e ?? ''}|${jwk.x ?? ''}|${jwk.y ?? ''}|${jwk.crv ?? ''}`;
  let k = imported.get(key);
  if (!k) {
    if (imported.size >= 256) imported.clear();
    k = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    imported.set(key, k);
  }
  importedByObject.set(jwk, k);
  return k;
}

const DIGEST: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512', PS256: 'sha256', PS384: 'sha384', PS512: 'sha512', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' };

/**
 * JWS signature check (RFC 7515/7518) with node:crypto, synchronously: RSASSA-PKCS1-v1_5, PSS
 * with the digest-length salt, and ECDSA with the raw r||s encoding JWS uses. The key's type
 * must fit the algorithm (an EC key never verifies an RS256 token, and the reverse).
 */
function verifySignature(alg: string, key: KeyObject, signingInput: string, signature: string): boolean {
  const family = alg.slice(0, 2);
  if ((family === 'ES') !== (key.asymmetricKeyType === 'ec') || ((family === 'RS' || family === 'PS') && key.asymmetricKeyType !== 'rsa')) return false;
  const digest = DIGEST[alg];
  if (!digest) return false;
  const sig = Buffer.from(signature, 'base64url');
  const options = family === 'PS' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : family === 'ES' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  return cryptoVerify(digest, Buffer.from(signingInput), options, sig);
}

/**
 * Validates like APIM: the token must be present, signed by a known key (no `alg: none`, no
 * algorithm switch), unexpired and already valid (with clock-skew), for an allowed audience and
 * issuer, with the required claims. Each failure raises the reason APIM reports.
 */
function validate(ctx: StepContext, rules: Rules, fetchedNow?: SigningKeys): StepOutcome | Promise<StepOutcome> {
  const fail = (reason: string, message: string, publicMessage = 'Invalid JWT.'): never => {
    throw new PolicyFailure(rules.source, reason, message, gatewayError(rules.failureStatus, rules.failureMessage ?? publicMessage));
  };
  const token = tokenOf(rules.place, ctx);
  if (!token) fail('TokenNotPresent', 'JWT not present.', 'JWT not present.');
  const parts = token!.split('.');
  if (parts.length !== 3) fail('JwtInvalid', 'The token is not a JWS in compact form.');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = protectedHeader(parts[0]!);
    claims = jsonSegment(parts[1]!, 'payload');
  } catch (error) {
    return fail('JwtInvalid', `The token cannot be read: ${(error as Error).message}`);
  }
  const alg = String(header.alg);
  let discoveredIssuers: readonly string[] = [];
  if (alg === 'none' || !parts[2]) {
    if (rules.requireSigned) fail('TokenSignatureInvalid', 'The token is not signed. Access denied.');
  } else {
    const symmetric = rules.inlineKeys?.symmetric ?? [];
    // HMAC only against secrets configured as such: a public key fetched from a JWKS is never an HMAC secret
    if (/^HS(256|384|512)$/.test(alg) && symmetric.length > 0) {
      const input = Buffer.from(`${parts[0]}.${parts[1]}`);
      const given = Buffer.from(parts[2]!, 'base64url');
      const ok = symmetric.some((secret) => {
        const mac = createHmac(`sha${alg.slice(2)}`, secret).update(input).digest();
        return mac.length === given.length && timingSafeEqual(mac, given);
      });
      if (!ok) fail('TokenSignatureInvalid', 'The token signature is invalid. Access denied.');
    } else {
      if (!ASYMMETRIC.includes(alg)) fail('TokenSignatureInvalid', `The signature algorithm ${alg} is not allowed with the configured keys. Access denied.`);
      // Keys fetched within the hour are used as they are; otherwise they are fetched first and
      // the token is read again (synchronously then: the common case waits for nothing).
      const urls = rules.openIdConfigs;
      const fetched = urls.length === 0 ? NO_KEYS : (fetchedNow ?? knownKeys(urls, ctx.ports));
      if (!fetched) return fetchKeys(urls, ctx.ports).then((keys) => validate(ctx, rules, keys));
      const keys = [...(rules.inlineKeys?.asymmetric ?? []), ...fetched.keys];
      const issuers = fetched.issuers;
      const candidates = keys.filter((k) => header.kid === undefined || k.kid === undefined || k.kid === header.kid);
      if (candidates.length === 0) {
        // a key the kept set lacks: the set may have rotated since (fetched again at most every 5 minutes)
        if (!fetchedNow && urls.length > 0 && mayRefetch(fetched, ctx.ports)) return fetchKeys(urls, ctx.ports).then((keys) => validate(ctx, rules, keys));
        fail('TokenSignatureKeyNotFound', `No signing key matches kid ${JSON.stringify(header.kid)}. Access denied.`);
      }
      let verified = false;
      for (const jwk of candidates) {
        try {
          if (verifySignature(alg, publicKeyOf(jwk), `${parts[0]}.${parts[1]}`, parts[2]!)) {
            verified = true;
            break;
          }
        } catch {
          // try the next key, as APIM does
        }
      }
      if (!verified) fail('TokenSignatureInvalid', 'The token signature is invalid. Access denied.');
      discoveredIssuers = issuers;
    }
  }
  // Without an <issuers> list, the issuers of the OpenID configurations are the allowed ones.
  const allowedIssuers = rules.issuers.length > 0 ? rules.issuers : discoveredIssuers;
  const now = Math.floor(ctx.ports.now() / 1000);
  const skew = rules.clockSkewSeconds;
  if (typeof claims!.exp !== 'number') {
    if (rules.requireExpiration) fail('TokenExpired', 'The token has no expiration time (exp). Access denied.');
  } else if (now - skew >= claims!.exp) fail('TokenExpired', `The token expired at ${new Date(claims!.exp * 1000).toISOString()}. Access denied.`);
  if (typeof claims!.nbf === 'number' && now + skew < claims!.nbf) fail('JwtInvalid', `The token is not valid before ${new Date(claims!.nbf * 1000).toISOString()}.`);
  const aud = Array.isArray(claims!.aud) ? claims!.aud.map(String) : claims!.aud === undefined ? [] : [String(claims!.aud)];
  if (rules.audiences.length > 0 && !aud.some((a) => rules.audiences.includes(a))) fail('TokenAudienceNotAllowed', `Audience ${aud.join(', ') || '(none)'} is not allowed. Access denied.`);
  if (allowedIssuers.length > 0 && !allowedIssuers.includes(String(claims!.iss))) fail('TokenIssuerNotAllowed', `Issuer ${String(claims!.iss)} is not allowed. Access denied.`);
  if (rules.clientApplicationIds.length > 0) {
    const client = String(claims!.azp ?? claims!.appid ?? '');
    if (!rules.clientApplicationIds.includes(client)) fail('TokenClaimValueNotAllowed', `Client application ${client || '(none)'} is not allowed. Access denied.`);
  }
  const missing = rules.requiredClaims.filter((c) => claims![c.name] === undefined).map((c) => c.name);
  if (missing.length > 0) fail('TokenClaimNotFound', `JWT token is missing the following claims: ${missing.join(', ')}. Access denied.`);
  for (const c of rules.requiredClaims) {
    if (c.values.length === 0) continue;
    const raw = claims![c.name];
    // each value of the claim as text, split by the separator when there is one
    const actual: string[] = [];
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      if (c.separator) actual.push(...String(v).split(c.separator));
      else actual.push(String(v));
    }
    const ok = c.match === 'any' ? c.values.some((v) => actual.includes(v)) : c.values.every((v) => actual.includes(v));
    if (!ok) fail('TokenClaimValueNotAllowed', `Claim ${c.name} value of ${actual.join(', ')} is not allowed. Access denied.`);
  }
  if (rules.outputVariable) ctx.state.variables.set(rules.outputVariable, jwtValue(header!, claims!));
  ctx.trace(rules.source, `token accepted (iss ${String(claims!.iss)}, aud ${aud.join(', ')})`);
  return 'continue';
}

/** `<issuer-signing-keys>`: `<key>` text is a base64 symmetric secret; `n`/`e` attributes an RSA key; certificates need APIM's store. */
function inlineKeys(block: PolicyElement | undefined, ctx: StepContext): Rules['inlineKeys'] {
  if (!block) return undefined;
  const symmetric: Buffer[] = [];
  const asymmetric: JWK[] = [];
  for (const key of childElements(block).filter((c) => c.name === 'key')) {
    const n = attrText(key, 'n', ctx);
    const e = attrText(key, 'e', ctx);
    const id = attrText(key, 'id', ctx);
    if (n && e) asymmetric.push({ kty: 'RSA', n: n.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'), e: e.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'), ...(id ? { kid: id } : {}) });
    else if (attrText(key, 'certificate-id', ctx)) throw new PolicyFailure('validate-jwt', 'SigningKeyNotSupported', 'issuer signing keys from APIM certificates are not available in the emulator');
    else {
      const text = key.children.find((c) => c.kind === 'text');
      if (text?.kind === 'text') symmetric.push(Buffer.from(textOf(text.value, ctx).trim(), 'base64'));
    }
  }
  return { symmetric, asymmetric };
}

/**
 * Rules written without expressions are the same on every request: they are read once per
 * element (the tree is immutable), so a request pays only for the token itself.
 */
const staticRules = new WeakMap<PolicyElement, Rules>();

const isLiteral = perElement((element): boolean => element.attributes.every((a) => a.value.kind === 'literal') && element.children.every((c) => (c.kind === 'element' ? isLiteral(c) : c.kind !== 'text' || c.value.kind === 'literal')));

function rulesOf(element: PolicyElement, read: () => Rules): Rules {
  const cached = staticRules.get(element);
  if (cached) return cached;
  const rules = read();
  if (isLiteral(element)) staticRules.set(element, rules);
  return rules;
}

export const validateJwt: Handler = {
  name: 'validate-jwt',
  run(element, ctx) {
    const block = (name: string) => childElements(element).find((c) => c.name === name);
    return validate(
      ctx,
      rulesOf(element, () => ({
        ...commonRules(element, ctx, undefined),
        source: 'validate-jwt',
        audiences: texts(block('audiences'), 'audience', ctx),
        issuers: texts(block('issuers'), 'issuer', ctx),
        openIdConfigs: childElements(element)
          .filter((c) => c.name === 'openid-config')
          .map((c) => attrText(c, 'url', ctx) ?? ''),
        requireExpiration: attrText(element, 'require-expiration-time', ctx, 'true') !== 'false',
        requireSigned: attrText(element, 'require-signed-tokens', ctx, 'true') !== 'false',
        clockSkewSeconds: Number(attrText(element, 'clock-skew', ctx, '0')),
        requiredClaims: requiredClaims(element, ctx),
        clientApplicationIds: [],
        inlineKeys: inlineKeys(block('issuer-signing-keys'), ctx),
      })),
    );
  },
};

/** Entra's authority; `authentication-endpoint` overrides it (sovereign clouds, the local identity provider). */
export const ENTRA_AUTHORITY = 'https://login.microsoftonline.com';

export const validateAzureAdToken: Handler = {
  name: 'validate-azure-ad-token',
  run(element, ctx) {
    const block = (name: string) => childElements(element).find((c) => c.name === name);
    return validate(
      ctx,
      rulesOf(element, () => {
        const tenant = attrText(element, 'tenant-id', ctx) ?? '';
        const authority = (attrText(element, 'authentication-endpoint', ctx, ENTRA_AUTHORITY) ?? ENTRA_AUTHORITY).replace(/\/+$/, '');
        return {
          ...commonRules(element, ctx, 'Authorization'),
          source: 'validate-azure-ad-token',
          audiences: texts(block('audiences'), 'audience', ctx),
          // Both token versions of this tenant, nothing else: the tenant is pinned by the issuer.
          issuers: [`${authority}/${tenant}/v2.0`, `https://sts.windows.net/${tenant}/`],
          openIdConfigs: [`${authority}/${tenant}/v2.0/.well-known/openid-configuration`],
          requireExpiration: true,
          requireSigned: true,
          clockSkewSeconds: 0,
          requiredClaims: requiredClaims(element, ctx),
          clientApplicationIds: texts(block('client-application-ids'), 'application-id', ctx),
        };
      }),
    );
  },
};
