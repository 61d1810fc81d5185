/**
 * The deploy's desired state, derived from the same resource model that Bicep and ARM JSON are
 * emitted from (src/emit/infra/model.ts), so deploy and templates can never disagree. References
 * are resolved the way ARM would: parameters to their values, files to their text, symbols to
 * full resource ids.
 */
import { type InfraModel, isRef, type Value } from '../../emit/infra/model.ts';

/** Kinds of APIM resource the deploy manages, by ARM type. */
export const KIND_BY_TYPE = {
  'Microsoft.ApiManagement/service/namedValues': 'namedValue',
  'Microsoft.ApiManagement/service/policyFragments': 'policyFragment',
  'Microsoft.ApiManagement/service/backends': 'backend',
  'Microsoft.ApiManagement/service/loggers': 'logger',
  'Microsoft.ApiManagement/service/apis': 'api',
  'Microsoft.ApiManagement/service/apis/operations': 'operation',
  'Microsoft.ApiManagement/service/apis/policies': 'apiPolicy',
  'Microsoft.ApiManagement/service/apis/operations/policies': 'operationPolicy',
  'Microsoft.ApiManagement/service/apis/tools': 'mcpTool',
  'Microsoft.ApiManagement/service/apis/diagnostics': 'apiDiagnostic',
  'Microsoft.ApiManagement/service/products': 'product',
  'Microsoft.ApiManagement/service/products/apiLinks': 'productApiLink',
  'Microsoft.ApiManagement/service/certificates': 'certificate',
  // Beside the service, in its resource group (raw ARM requests at their own api-version).
  'Microsoft.Insights/scheduledQueryRules': 'alertRule',
} as const;

export type ResourceType = keyof typeof KIND_BY_TYPE;
export type KindName = (typeof KIND_BY_TYPE)[ResourceType];

/**
 * Apply order (reference/deploy.md §7): named values one at a time, fragments (they may use
 * named values), backends and loggers, APIs, operations, policies, diagnostics (they need the
 * logger), products and their API links. Deletes run in the reverse order.
 */
export const APPLY_RANK: Readonly<Record<KindName, number>> = {
  namedValue: 0,
  policyFragment: 1,
  backend: 2,
  logger: 2,
  api: 3,
  operation: 4,
  apiPolicy: 5,
  operationPolicy: 6,
  // REST-as-MCP tools (preview) name operations of another API: after every operation.
  mcpTool: 5,
  apiDiagnostic: 7,
  product: 8,
  productApiLink: 9,
  // Policies and backends name certificates; alert rules only read what the gateway logs.
  certificate: 1,
  alertRule: 10,
};

/** The tag APIM named values carry when mcp-apim manages them. */
export const MANAGED_TAG = 'mcp-apim';

export interface DesiredResource {
  readonly kind: KindName;
  readonly type: ResourceType;
  /** Name segments below the service, e.g. `['mcp-tools', 'mcp-post']`. */
  readonly name: readonly string[];
  /** Path below the service, e.g. `apis/mcp-tools/operations/mcp-post`; for a resource beside the service its full ARM id. */
  readonly path: string;
  /** Full ARM id. */
  readonly id: string;
  readonly apiVersion: string;
  /** ARM REST `properties`, references resolved. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Envelope members written beside `properties` (a tracked resource's `location` and `kind`). */
  readonly envelope?: Readonly<Record<string, unknown>>;
}

export interface DesiredState {
  readonly resources: readonly DesiredResource[];
  /** Values that must never be printed (secure parameters, secret named values). */
  readonly secrets: readonly string[];
}

export type DesiredResult =
  | { readonly state: DesiredState }
  | { readonly missing: readonly string[]; readonly unknown: readonly string[] };

export function isResourceType(type: string): type is ResourceType {
  return Object.hasOwn(KIND_BY_TYPE, type);
}

/** `apis/x/operations/y` from a type and its name segments. */
export function resourcePath(type: string, name: readonly string[]): string {
  const collections = type.split('/').slice(2);
  return collections.map((c, i) => `${c}/${encodeURIComponent(name[i]!)}`).join('/');
}

/**
 * Resolves the model against a service and parameter values. Parameters without a value and
 * without a default are reported, as are values given for parameters the model does not have.
 */
export function desiredState(model: InfraModel, serviceId: string, parameters: Readonly<Record<string, string>>): DesiredResult {
  const missing = model.parameters.filter((p) => p.name !== 'apimName' && parameters[p.name] === undefined && p.default === undefined).map((p) => p.name);
  const unknown = Object.keys(parameters).filter((k) => !model.parameters.some((p) => p.name === k && k !== 'apimName'));
  if (missing.length > 0 || unknown.length > 0) return { missing, unknown };
  const values = Object.fromEntries(model.parameters.filter((p) => p.name !== 'apimName').map((p) => [p.name, parameters[p.name] ?? p.default!]));
  const secrets = model.parameters.filter((p) => p.secure && values[p.name]).map((p) => values[p.name]!);
  // A resource-group resource's id: the resource group's id (the service id up to its provider), its type and name.
  const groupId = serviceId.slice(0, serviceId.toLowerCase().indexOf('/providers/microsoft.apimanagement/'));
  const ids = new Map(model.resources.map((r) => [r.symbol, r.scope === 'resourceGroup' ? `${groupId}/providers/${r.type}/${encodeURIComponent(r.name[0]!)}` : `${serviceId}/${resourcePath(r.type, r.name)}`]));
  const resolve = (v: Value): unknown => {
    if (isRef(v)) {
      if (v.ref === 'param') return values[v.name];
      if (v.ref === 'file') return v.content;
      return ids.get(v.symbol);
    }
    if (Array.isArray(v)) return v.map(resolve);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x as Value)]));
    return v;
  };
  const resources: DesiredResource[] = [];
  for (const r of model.resources) {
    if (!isResourceType(r.type)) throw new Error(`mcp-apim deploy does not know how to deploy ${r.type}`);
    const kind = KIND_BY_TYPE[r.type];
    const properties = resolve(r.properties as Value) as Record<string, unknown>;
    if (kind === 'namedValue') {
      // APIM resolves {{x}} by display name, so the display name is the name; the tag marks it as ours.
      properties.displayName = r.name[0];
      properties.tags = [...new Set([...((properties.tags as string[] | undefined) ?? []), MANAGED_TAG])];
      if (properties.secret === true && typeof properties.value === 'string') secrets.push(properties.value);
    }
    const envelope = { ...(r.location !== undefined ? { location: resolve(r.location) } : {}), ...(r.kind !== undefined ? { kind: r.kind } : {}) };
    const path = r.scope === 'resourceGroup' ? ids.get(r.symbol)! : resourcePath(r.type, r.name);
    resources.push({ kind, type: r.type, name: r.name, path, id: ids.get(r.symbol)!, apiVersion: r.apiVersion, properties, ...(Object.keys(envelope).length > 0 ? { envelope } : {}) });
  }
  return { state: { resources, secrets } };
}

/** Replaces every secret value in a text (error messages, logs) with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s.length > 0) out = out.split(s).join('***');
  return out;
}
