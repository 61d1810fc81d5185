/**
 * ARM path routing for the loopback server: which APIM resource kind a path names, case-insensitive
 * as ARM is, with the canonical spelling of each literal segment for the ids the server returns.
 */

export interface KindSpec {
  /** Short key used by LRO settings and tests: `apis`, `operations`, `namedValues` … */
  readonly key: string;
  /** Segments below the service; `*` is a name. */
  readonly pattern: readonly string[];
  /** ARM type, e.g. `Microsoft.ApiManagement/service/apis`. */
  readonly type: string;
}

const T = 'Microsoft.ApiManagement/service';

export const KINDS: readonly KindSpec[] = [
  { key: 'apis', pattern: ['apis', '*'], type: `${T}/apis` },
  { key: 'operations', pattern: ['apis', '*', 'operations', '*'], type: `${T}/apis/operations` },
  { key: 'apiPolicies', pattern: ['apis', '*', 'policies', '*'], type: `${T}/apis/policies` },
  { key: 'operationPolicies', pattern: ['apis', '*', 'operations', '*', 'policies', '*'], type: `${T}/apis/operations/policies` },
  { key: 'apiDiagnostics', pattern: ['apis', '*', 'diagnostics', '*'], type: `${T}/apis/diagnostics` },
  { key: 'mcpTools', pattern: ['apis', '*', 'tools', '*'], type: `${T}/apis/tools` },
  { key: 'namedValues', pattern: ['namedValues', '*'], type: `${T}/namedValues` },
  { key: 'policyFragments', pattern: ['policyFragments', '*'], type: `${T}/policyFragments` },
  { key: 'backends', pattern: ['backends', '*'], type: `${T}/backends` },
  { key: 'products', pattern: ['products', '*'], type: `${T}/products` },
  { key: 'productApiLinks', pattern: ['products', '*', 'apiLinks', '*'], type: `${T}/products/apiLinks` },
  { key: 'loggers', pattern: ['loggers', '*'], type: `${T}/loggers` },
  { key: 'diagnostics', pattern: ['diagnostics', '*'], type: `${T}/diagnostics` },
  { key: 'policies', pattern: ['policies', '*'], type: `${T}/policies` },
  { key: 'certificates', pattern: ['certificates', '*'], type: `${T}/certificates` },
];

export interface ServiceRef {
  readonly subscription: string;
  readonly resourceGroup: string;
  readonly service: string;
  /** `/subscriptions/…/providers/Microsoft.ApiManagement/service/<name>`, as the path spelt it. */
  readonly path: string;
}

export type Route =
  | { readonly kind: 'service'; readonly service: ServiceRef }
  | { readonly kind: 'operationResult'; readonly service: ServiceRef; readonly operationId: string }
  | { readonly kind: 'item'; readonly service: ServiceRef; readonly spec: KindSpec; readonly names: readonly string[]; readonly action?: string }
  | { readonly kind: 'collection'; readonly service: ServiceRef; readonly spec: KindSpec; readonly names: readonly string[] }
  | { readonly kind: 'unknown' };

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Routes a URL path (already percent-decoded per segment). */
export function route(pathname: string): Route {
  const parts = pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  if (parts.length < 8) return { kind: 'unknown' };
  const [s, sub, r, rg, p, ns, svcWord, svc] = parts as [string, string, string, string, string, string, string, string];
  if (!eq(s, 'subscriptions') || !eq(r, 'resourceGroups') || !eq(p, 'providers') || !eq(ns, 'Microsoft.ApiManagement') || !eq(svcWord, 'service')) return { kind: 'unknown' };
  const service: ServiceRef = { subscription: sub, resourceGroup: rg, service: svc, path: `/${parts.slice(0, 8).map(encodeURIComponent).join('/')}` };
  const rest = parts.slice(8);
  if (rest.length === 0) return { kind: 'service', service };
  if (rest.length === 2 && eq(rest[0]!, 'operationresults')) return { kind: 'operationResult', service, operationId: rest[1]! };
  const match = (spec: KindSpec, segments: readonly string[]) => segments.length <= spec.pattern.length && segments.every((seg, i) => spec.pattern[i] === '*' || eq(spec.pattern[i]!, seg));
  const names = (spec: KindSpec, segments: readonly string[]) => segments.filter((_, i) => spec.pattern[i] === '*');
  // Items first, then collections, then actions (`namedValues/x/listValue`): `apis/x/operations` is a collection, not an action on an API.
  for (const spec of KINDS) if (rest.length === spec.pattern.length && match(spec, rest)) return { kind: 'item', service, spec, names: names(spec, rest) };
  for (const spec of KINDS) if (rest.length === spec.pattern.length - 1 && match(spec, rest)) return { kind: 'collection', service, spec, names: names(spec, rest) };
  for (const spec of KINDS) {
    if (rest.length === spec.pattern.length + 1 && match(spec, rest.slice(0, -1))) return { kind: 'item', service, spec, names: names(spec, rest.slice(0, -1)), action: rest.at(-1)!.toLowerCase() };
  }
  return { kind: 'unknown' };
}

/** The path below the service of an item, canonical literals and the names as given. */
export function relativePath(spec: KindSpec, names: readonly string[]): string {
  let i = 0;
  return spec.pattern.map((seg) => (seg === '*' ? encodeURIComponent(names[i++]!) : seg)).join('/');
}

/** The store key of an item: case-insensitive like ARM. */
export function storeKey(service: ServiceRef, spec: KindSpec, names: readonly string[]): string {
  return `${serviceKey(service)}/${relativePath(spec, names)}`.toLowerCase();
}

export function serviceKey(service: ServiceRef): string {
  return `/subscriptions/${service.subscription}/resourcegroups/${service.resourceGroup}/providers/microsoft.apimanagement/service/${service.service}`.toLowerCase();
}

/** The canonical full ARM id of a service. */
export function serviceId(service: { subscription: string; resourceGroup: string; service: string }): string {
  return `/subscriptions/${service.subscription}/resourceGroups/${service.resourceGroup}/providers/Microsoft.ApiManagement/service/${service.service}`;
}
