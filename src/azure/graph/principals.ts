/**
 * Naming a principal as people do: by application (client) id, object id or display name. A
 * GUID is looked up both ways; a name must match exactly one service principal. A principal
 * that is not visible yet (a managed identity created a minute ago) is waited for; one that
 * matches several is refused with the candidates, before anything is written.
 */
import type { GraphDirectory } from './directory.ts';
import { GUID, type ServicePrincipal } from './types.ts';
import { type Waiter, waitFor } from './wait.ts';

export type Resolution =
  | { readonly kind: 'found'; readonly principal: ServicePrincipal }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly ServicePrincipal[] }
  | { readonly kind: 'missing'; readonly waitedMs: number };

/** Every service principal the text could mean (deduplicated, in a stable order). */
export async function findPrincipals(directory: GraphDirectory, text: string): Promise<ServicePrincipal[]> {
  const found: ServicePrincipal[] = [];
  if (GUID.test(text)) {
    const byAppId = await directory.servicePrincipalByAppId(text);
    if (byAppId) found.push(byAppId);
    const byId = await directory.servicePrincipalById(text);
    if (byId) found.push(byId);
  } else {
    found.push(...(await directory.servicePrincipalsByDisplayName(text)));
  }
  const unique = [...new Map(found.map((sp) => [sp.id.toLowerCase(), sp])).values()];
  return unique.sort((a, b) => (a.appId < b.appId ? -1 : a.appId > b.appId ? 1 : 0));
}

export async function resolvePrincipal(directory: GraphDirectory, waiter: Waiter, text: string): Promise<Resolution> {
  const waited = await waitFor(waiter, `principal ${JSON.stringify(text)} to show in the directory`, async () => {
    const candidates = await findPrincipals(directory, text);
    return candidates.length > 0 ? candidates : undefined;
  });
  if (!waited.ok) return { kind: 'missing', waitedMs: waited.waitedMs };
  if (waited.value.length > 1) return { kind: 'ambiguous', candidates: waited.value };
  return { kind: 'found', principal: waited.value[0]! };
}

/** `name (appId …, object id …, ManagedIdentity)`: enough to tell candidates apart. */
export function describePrincipal(sp: ServicePrincipal): string {
  return `${sp.displayName || '(no display name)'} (appId ${sp.appId}, object id ${sp.id}${sp.servicePrincipalType ? `, ${sp.servicePrincipalType}` : ''})`;
}
