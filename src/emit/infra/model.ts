import type { Plan } from '../../plan/types.ts';
import { alertParameters, alertRules } from './alerts.ts';
import { withBackendCertificate } from './certificates.ts';
import { bridgeInfra } from './bridge.ts';

/**
 * The APIM resources a config needs, as plain data. One model drives Bicep, ARM JSON and (later)
 * the ARM deploy's comparison with live state, so all three always describe the same resources.
 */
export interface Resource {
  /** Bicep symbolic name; also the key other resources depend on. */
  readonly symbol: string;
  /** Full ARM type, e.g. `Microsoft.ApiManagement/service/apis`. */
  readonly type: string;
  readonly apiVersion: string;
  /** Name segments below the service: `['mcp-tools']`, `['mcp-tools', 'mcp-post']`. */
  readonly name: readonly string[];
  /** Symbol of the parent resource (`apim` for children of the service; ignored for resource-group scope). */
  readonly parent: string;
  /** `resourceGroup`: a resource beside the service, not below it (alert rules); `name` is then its one name. */
  readonly scope?: 'resourceGroup';
  /** Envelope members of tracked resources (resource-group scope): region and kind. */
  readonly location?: Value;
  readonly kind?: string;
  readonly properties: Readonly<Record<string, Value>>;
  /** Dependencies Bicep cannot infer (references made by name inside policy text). */
  readonly dependsOn: readonly string[];
}

/** A property value: JSON, or a reference that Bicep and ARM spell differently. */
export type Value = string | number | boolean | null | readonly Value[] | { readonly [key: string]: Value } | Ref;

export type Ref =
  | { readonly ref: 'param'; readonly name: string }
  | { readonly ref: 'file'; readonly path: string; readonly content: string }
  | { readonly ref: 'id'; readonly symbol: string };

export function isRef(v: unknown): v is Ref {
  return typeof v === 'object' && v !== null && 'ref' in v;
}

export interface Parameter {
  readonly name: string;
  readonly type: 'string';
  readonly description: string;
  readonly default?: string;
  readonly secure?: boolean;
}

export interface InfraModel {
  readonly parameters: readonly Parameter[];
  readonly resources: readonly Resource[];
}

export const APIM_API_VERSION = '2024-05-01';
/** The preview API version that knows `type: 'mcp'` APIs (reference/deploy.md §4). */
export const APIM_MCP_API_VERSION = '2025-09-01-preview';
const T = 'Microsoft.ApiManagement/service';
/** Every resource says who manages it; deploy and prune rely on this (with the naming convention). */
export const MANAGED_MARK = 'Managed by mcp-apim; changes are overwritten by the next deploy.';

export const param = (name: string): Ref => ({ ref: 'param', name });
const file = (path: string, content: string): Ref => ({ ref: 'file', path, content });
const id = (symbol: string): Ref => ({ ref: 'id', symbol });

/** Names are derived from `api.name` (documented in docs/bicep.md); the API itself keeps that name. */
export function resourceNames(plan: Plan): { api: string; backend: string; prmApi: string; product: string; logger: string } {
  const api = plan.config.api.name;
  return { api, backend: `${api}-backend`, prmApi: `${api}-prm`, product: plan.config.apim.productName, logger: `${api}-appinsights` };
}

export function infraModel(plan: Plan, policies: { api: string; toolsList: string; prm: string }): InfraModel {
  const { config } = plan;
  const names = resourceNames(plan);
  const mcp = config.api.type === 'mcp';
  const parameters: Parameter[] = [
    { name: 'apimName', type: 'string', description: 'Name of the existing API Management service.' },
    { name: 'backendUrl', type: 'string', description: 'URL of the MCP server (Streamable HTTP endpoint).', default: config.api.backend },
  ];
  if (config.apim.appInsights) {
    parameters.push(
      { name: 'appInsightsId', type: 'string', description: 'Resource id of the Application Insights component that receives traces and metrics.' },
      { name: 'appInsightsInstrumentationKey', type: 'string', description: 'Instrumentation key of that component.', secure: true },
    );
  }
  const operation = (symbol: string, apiSymbol: string, apiName: string, name: string, method: string, displayName: string): Resource => ({
    symbol,
    type: `${T}/apis/operations`,
    apiVersion: APIM_API_VERSION,
    name: [apiName, name],
    parent: apiSymbol,
    properties: { displayName, method, urlTemplate: '/', templateParameters: [], responses: [], description: MANAGED_MARK },
    dependsOn: [],
  });
  const apiProperties: Record<string, Value> = {
    displayName: config.api.displayName,
    description: config.api.description ?? MANAGED_MARK,
    path: config.api.path,
    protocols: ['https'],
    subscriptionRequired: config.api.subscriptionRequired,
    ...(mcp ? { type: 'mcp', backendId: names.backend, mcpProperties: { transportType: 'streamable' } } : { apiType: 'http', type: 'http', serviceUrl: param('backendUrl') }),
  };
  const resources: Resource[] = [
    {
      symbol: 'backend',
      type: `${T}/backends`,
      apiVersion: APIM_API_VERSION,
      name: [names.backend],
      parent: 'apim',
      properties: { title: `${config.api.displayName} MCP server`, description: MANAGED_MARK, protocol: 'http', url: param('backendUrl') },
      dependsOn: [],
    },
    { symbol: 'api', type: `${T}/apis`, apiVersion: APIM_API_VERSION, name: [names.api], parent: 'apim', properties: apiProperties, dependsOn: ['backend'] },
    operation('mcpPost', 'api', names.api, 'mcp-post', 'POST', 'MCP request (JSON-RPC)'),
    operation('mcpGet', 'api', names.api, 'mcp-get', 'GET', 'MCP server-sent event stream'),
    operation('mcpDelete', 'api', names.api, 'mcp-delete', 'DELETE', 'End MCP session'),
    { symbol: 'apiPolicy', type: `${T}/apis/policies`, apiVersion: APIM_API_VERSION, name: [names.api, 'policy'], parent: 'api', properties: { format: 'rawxml', value: file('../policies/api.xml', policies.api) }, dependsOn: ['mcpPost', 'mcpGet', 'mcpDelete'] },
    { symbol: 'toolsListPolicy', type: `${T}/apis/operations/policies`, apiVersion: APIM_API_VERSION, name: [names.api, 'mcp-post', 'policy'], parent: 'mcpPost', properties: { format: 'rawxml', value: file('../policies/tools-list.xml', policies.toolsList) }, dependsOn: ['apiPolicy'] },
    {
      symbol: 'prmApi',
      type: `${T}/apis`,
      apiVersion: APIM_API_VERSION,
      name: [names.prmApi],
      parent: 'apim',
      properties: { displayName: `${config.api.displayName} protected-resource metadata`, description: MANAGED_MARK, path: `.well-known/oauth-protected-resource/${config.api.path}`, protocols: ['https'], subscriptionRequired: false, apiType: 'http', type: 'http' },
      dependsOn: [],
    },
    operation('prmGet', 'prmApi', names.prmApi, 'prm-get', 'GET', 'RFC 9728 protected-resource metadata'),
    { symbol: 'prmPolicy', type: `${T}/apis/operations/policies`, apiVersion: APIM_API_VERSION, name: [names.prmApi, 'prm-get', 'policy'], parent: 'prmGet', properties: { format: 'rawxml', value: file('../policies/prm.xml', policies.prm) }, dependsOn: [] },
    {
      symbol: 'product',
      type: `${T}/products`,
      apiVersion: APIM_API_VERSION,
      name: [names.product],
      parent: 'apim',
      properties: { displayName: `${config.api.displayName} agents`, description: MANAGED_MARK, subscriptionRequired: config.api.subscriptionRequired, ...(config.api.subscriptionRequired ? { approvalRequired: true, subscriptionsLimit: 100 } : {}), state: 'published' },
      dependsOn: [],
    },
    { symbol: 'productApiLink', type: `${T}/products/apiLinks`, apiVersion: APIM_API_VERSION, name: [names.product, names.api], parent: 'product', properties: { apiId: id('api') }, dependsOn: [] },
    { symbol: 'productPrmLink', type: `${T}/products/apiLinks`, apiVersion: APIM_API_VERSION, name: [names.product, names.prmApi], parent: 'product', properties: { apiId: id('prmApi') }, dependsOn: [] },
  ];
  if (config.apim.appInsights) {
    const noBytes = { request: { headers: [], body: { bytes: 0 } }, response: { headers: [], body: { bytes: 0 } } };
    resources.push(
      { symbol: 'logger', type: `${T}/loggers`, apiVersion: APIM_API_VERSION, name: [names.logger], parent: 'apim', properties: { loggerType: 'applicationInsights', description: MANAGED_MARK, resourceId: param('appInsightsId'), credentials: { instrumentationKey: param('appInsightsInstrumentationKey') }, isBuffered: true }, dependsOn: [] },
      {
        symbol: 'diagnostics',
        type: `${T}/apis/diagnostics`,
        apiVersion: APIM_API_VERSION,
        name: [names.api, 'applicationinsights'],
        parent: 'api',
        // No payload bytes are logged: MCP bodies carry tool arguments and results.
        properties: { loggerId: id('logger'), alwaysLog: 'allErrors', logClientIp: false, verbosity: 'information', httpCorrelationProtocol: 'W3C', metrics: true, sampling: { samplingType: 'fixed', percentage: 100 }, frontend: noBytes, backend: noBytes },
        dependsOn: [],
      },
    );
  }
  parameters.push(...alertParameters(plan));
  const model = bridgeInfra(plan, { parameters, resources: [...withBackendCertificate(plan, resources), ...alertRules(plan)] });
  return { ...model, resources: withMcpApiVersion(model.resources) };
}

/**
 * An API of type mcp (`api.type: mcp`, or REST-as-MCP in native mode) exists only in the preview
 * api-version, and 2024-05-01 does not see it (reference/deploy.md §4: a GET answers
 * ResourceNotFound): the API, what lives below it (operations, policies, diagnostics) and the
 * product's link to it are all written with the preview version.
 */
function withMcpApiVersion(resources: readonly Resource[]): Resource[] {
  const bySymbol = new Map(resources.map((r) => [r.symbol, r]));
  if (bySymbol.get('api')?.properties.type !== 'mcp') return [...resources];
  const onMcpApi = (r: Resource): boolean => {
    for (let s: string | undefined = r.symbol; s !== undefined && s !== 'apim'; s = bySymbol.get(s)?.parent) if (s === 'api') return true;
    return r.symbol === 'productApiLink';
  };
  return resources.map((r) => (onMcpApi(r) ? { ...r, apiVersion: APIM_MCP_API_VERSION } : r));
}
