/**
 * Which resources in an APIM instance are mcp-apim's own, for `--prune` (docs/deploy.md
 * "Ownership"). A resource is ours only when BOTH hold:
 *
 * - its name follows the convention derived from `api.name` (`<api>`, `<api>-prm`,
 *   `<api>-backend`, `<api>-appinsights`, `<api>-product`; named values and policy fragments
 *   `<api>--<name>`), or it is a child of one of our APIs or products; and
 * - it carries the mark: the description `MANAGED_MARK`, or for named values the `mcp-apim` tag.
 *
 * A product with the mark but another name is ours when every API it links is ours (a renamed
 * `apim.productName`). Policies have neither name nor description: those on our own APIs and
 * operations are ours. Nothing else in the instance is ever touched.
 */
import { MANAGED_MARK } from '../../emit/infra/model.ts';
import { type ArmConnection, SDK_API_VERSION } from './client.ts';
import { type DesiredResource, type DesiredState, KIND_BY_TYPE, MANAGED_TAG, resourcePath, type ResourceType } from './desired.ts';
import { type ListedResource, listResources, type ResourceRef } from './kinds.ts';

export interface Owner {
  readonly apiName: string;
}

export interface OwnershipResult {
  /** Our resources the config no longer needs (children of a doomed API or product are left to it). */
  readonly doomed: readonly ResourceRef[];
  /** Named like ours but without the mark: left alone, with a warning. */
  readonly unmarked: readonly string[];
}

const T = 'Microsoft.ApiManagement/service';

function ref(type: ResourceType, name: readonly string[], apiVersion = SDK_API_VERSION): ResourceRef & { type: ResourceType } {
  return { kind: KIND_BY_TYPE[type], type, name, path: resourcePath(type, name), apiVersion };
}

const marked = (r: ListedResource) => r.properties.description === MANAGED_MARK;

/** Names the convention reserves for a given api.name (besides `<api>--*` for named values and fragments). */
export function conventionalNames(apiName: string): { apis: string[]; backends: string[]; loggers: string[]; products: string[]; prefix: string } {
  return { apis: [apiName, `${apiName}-prm`], backends: [`${apiName}-backend`], loggers: [`${apiName}-appinsights`], products: [`${apiName}-product`], prefix: `${apiName}--` };
}

/**
 * Lists the instance and returns our resources that the desired state does not contain.
 * `run` wraps each ARM call (retries); reads happen here, writes never.
 */
export async function findDoomed(conn: ArmConnection, state: DesiredState, owner: Owner, run: <T>(fn: () => Promise<T>) => Promise<T>): Promise<OwnershipResult> {
  const names = conventionalNames(owner.apiName);
  const desired = new Set(state.resources.map((r) => r.path.toLowerCase()));
  const isDesired = (path: string) => desired.has(path.toLowerCase());
  const lower = (xs: readonly string[]) => new Set(xs.map((x) => x.toLowerCase()));
  const doomed: ResourceRef[] = [];
  const unmarked: string[] = [];
  const consider = (type: ResourceType, r: ListedResource, conventional: boolean, isMarked: boolean, apiVersion = SDK_API_VERSION) => {
    if (!conventional) return;
    const target = ref(type, [r.name], apiVersion);
    if (isDesired(target.path)) return;
    if (isMarked) doomed.push(target);
    else unmarked.push(target.path);
  };

  // APIs, at every api-version the desired APIs use (an MCP API is invisible to 2024-05-01).
  const apiVersions = [...new Set([SDK_API_VERSION, ...state.resources.filter((r) => r.kind === 'api').map((r) => r.apiVersion)])];
  const apis = new Map<string, { item: ListedResource; apiVersion: string }>();
  for (const v of apiVersions) for (const item of await run(() => listResources(conn, 'api', v))) if (!apis.has(item.name.toLowerCase())) apis.set(item.name.toLowerCase(), { item, apiVersion: v });
  const ourApiNames = lower(names.apis);
  const ourApis: { name: string; apiVersion: string }[] = [];
  for (const { item, apiVersion } of apis.values()) {
    if (!ourApiNames.has(item.name.toLowerCase())) continue;
    const desiredApi = isDesired(resourcePath(`${T}/apis`, [item.name]));
    if (desiredApi || marked(item)) ourApis.push({ name: item.name, apiVersion });
    consider(`${T}/apis`, item, true, marked(item), apiVersion);
  }
  // Children of our APIs that stay: operations with the mark, diagnostics, and policies on them.
  for (const api of ourApis.filter((a) => isDesired(resourcePath(`${T}/apis`, [a.name])))) {
    const operations = await run(() => listResources(conn, 'operation', SDK_API_VERSION, api.name));
    for (const op of operations) {
      const r = ref(`${T}/apis/operations`, [api.name, op.name]);
      if (!isDesired(r.path) && marked(op)) doomed.push(r);
    }
    for (const d of await run(() => listResources(conn, 'apiDiagnostic', SDK_API_VERSION, api.name))) {
      const r = ref(`${T}/apis/diagnostics`, [api.name, d.name]);
      const loggerName = String(d.properties.loggerId ?? '').split('/').pop()?.toLowerCase() ?? '';
      if (!isDesired(r.path) && lower(names.loggers).has(loggerName)) doomed.push(r);
    }
    doomed.push(ref(`${T}/apis/policies`, [api.name, 'policy']));
    for (const op of operations) {
      if (isDesired(resourcePath(`${T}/apis/operations`, [api.name, op.name]))) doomed.push(ref(`${T}/apis/operations/policies`, [api.name, op.name, 'policy']));
    }
  }

  for (const b of await run(() => listResources(conn, 'backend'))) consider(`${T}/backends`, b, lower(names.backends).has(b.name.toLowerCase()), marked(b));
  for (const l of await run(() => listResources(conn, 'logger'))) consider(`${T}/loggers`, l, lower(names.loggers).has(l.name.toLowerCase()), marked(l));
  for (const nv of await run(() => listResources(conn, 'namedValue'))) {
    consider(`${T}/namedValues`, nv, nv.name.toLowerCase().startsWith(names.prefix.toLowerCase()), Array.isArray(nv.properties.tags) && nv.properties.tags.includes(MANAGED_TAG));
  }
  for (const f of await run(() => listResources(conn, 'policyFragment'))) consider(`${T}/policyFragments`, f, f.name.toLowerCase().startsWith(names.prefix.toLowerCase()), marked(f));

  // Products: ours by name, or marked and linking only our APIs. Links of kept products to our APIs that are no longer wanted.
  const ourApiIds = (apiId: unknown) => ourApiNames.has(String(apiId ?? '').split('/').pop()?.toLowerCase() ?? '');
  for (const p of await run(() => listResources(conn, 'product'))) {
    const path = resourcePath(`${T}/products`, [p.name]);
    const byName = lower(names.products).has(p.name.toLowerCase());
    if (isDesired(path)) {
      for (const link of await run(() => listResources(conn, 'productApiLink', SDK_API_VERSION, p.name))) {
        const r = ref(`${T}/products/apiLinks`, [p.name, link.name]);
        if (!isDesired(r.path) && ourApiIds(link.properties.apiId)) doomed.push(r);
      }
      continue;
    }
    if (!marked(p)) {
      if (byName) unmarked.push(path);
      continue;
    }
    if (byName) {
      doomed.push(ref(`${T}/products`, [p.name]));
      continue;
    }
    const links = await run(() => listResources(conn, 'productApiLink', SDK_API_VERSION, p.name));
    if (links.length > 0 && links.every((l) => ourApiIds(l.properties.apiId))) doomed.push(ref(`${T}/products`, [p.name]));
  }
  return { doomed: doomed.filter((r) => !isDesired(r.path)), unmarked };
}

export function isDesiredResource(state: DesiredState, path: string): DesiredResource | undefined {
  return state.resources.find((r) => r.path.toLowerCase() === path.toLowerCase());
}
