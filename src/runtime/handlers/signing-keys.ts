/**
 * The OpenID configurations and key sets validate-jwt and validate-azure-ad-token verify with,
 * kept as APIM keeps them (reference/apim-semantics.md, validate-jwt): refreshed hourly, and
 * fetched again early, at most every five minutes, when a token names a key they lack.
 *
 * Time is the ports' clock, so tests move it. One cache per identity port (`ports.fetchJson`,
 * which lives as long as a gateway or a replay run), so each run starts empty. A fetch that fails
 * is not kept: the next request asks again.
 */
import type { JWK } from 'jose';
import type { Ports } from '../types.ts';

export interface SigningKeys {
  readonly keys: readonly JWK[];
  /** The issuers the OpenID configurations name (the allowed ones when a policy lists none). */
  readonly issuers: readonly string[];
  readonly fetchedAt: number;
}

export const REFRESH_MS = 60 * 60 * 1000;
export const UNKNOWN_KEY_REFETCH_MS = 5 * 60 * 1000;

const caches = new WeakMap<Ports['fetchJson'], Map<string, SigningKeys>>();

function cacheOf(ports: Ports): Map<string, SigningKeys> {
  let cache = caches.get(ports.fetchJson);
  if (!cache) caches.set(ports.fetchJson, (cache = new Map()));
  return cache;
}

const cacheKey = (urls: readonly string[]): string => urls.join('\n');

/** The keys of these OpenID configurations when they were fetched less than an hour ago. */
export function knownKeys(urls: readonly string[], ports: Ports): SigningKeys | undefined {
  const known = cacheOf(ports).get(cacheKey(urls));
  return known && ports.now() - known.fetchedAt < REFRESH_MS ? known : undefined;
}

/** Whether keys fetched at `fetchedAt` may be fetched again for a token whose key they lack. */
export function mayRefetch(keys: SigningKeys, ports: Ports): boolean {
  return ports.now() - keys.fetchedAt >= UNKNOWN_KEY_REFETCH_MS;
}

/** Fetches every configuration and its key set, and keeps them. */
export async function fetchKeys(urls: readonly string[], ports: Ports): Promise<SigningKeys> {
  const fetchedAt = ports.now();
  const keys: JWK[] = [];
  const issuers: string[] = [];
  for (const url of urls) {
    const config = (await ports.fetchJson(url)) as { jwks_uri?: string; issuer?: string };
    if (config.issuer) issuers.push(config.issuer);
    if (config.jwks_uri) keys.push(...(((await ports.fetchJson(config.jwks_uri)) as { keys?: JWK[] }).keys ?? []));
  }
  const fetched = { keys, issuers, fetchedAt };
  const cache = cacheOf(ports);
  if (cache.size >= 64) cache.clear();
  cache.set(cacheKey(urls), fetched);
  return fetched;
}
