/**
 * REST bridging in Bicep and ARM (docs/infrastructure.md, "Bridged REST tools"), as a change to
 * the resource model so Bicep, ARM JSON and the deploy stay one description:
 *
 * - policy mode (default): the REST service is an APIM backend entity (`<api>-rest`), which the
 *   API policy's set-backend-service names; the API keeps its single MCP endpoint, so bridged
 *   tools need no operations of their own. Without an MCP server the API has no service URL.
 * - native mode: APIM's preview REST-as-MCP server. A REST API (`<api>-rest`, one operation per
 *   bridged tool, subscription required and in no product, so callers cannot go around the
 *   gateway) and the MCP API itself as `type: 'mcp'` with one `apis/tools` resource per tool,
 *   bound to its operation.
 */
import { restBackendId } from '../../config/bridge-types.ts';
import { type Diagnostic, diagnostic } from '../../diagnostics/index.ts';
import { inputProperties, schemaTypes } from '../../config/bridge.ts';
import type { Plan, PlanTool } from '../../plan/types.ts';
import { restApiPolicy } from '../policy/bridge.ts';
import { APIM_API_VERSION, APIM_MCP_API_VERSION, type InfraModel, MANAGED_MARK, type Parameter, type Resource, type Value } from './model.ts';

const T = 'Microsoft.ApiManagement/service';

/** Operation names of the REST API: the tool name with anything but letters, digits and '-' as '-'. */
export function restOperationNames(tools: readonly PlanTool[]): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const tool of tools) {
    const base = `tool-${tool.name.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase()}`.slice(0, 70);
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    names.set(tool.name, name);
  }
  return names;
}

/** APIM parameter type for a JSON Schema property (APIM knows string, number, integer, boolean). */
function apimType(property: unknown): string {
  const types = schemaTypes(property).filter((t) => t !== 'null');
  return types.length === 1 && ['number', 'integer', 'boolean'].includes(types[0]!) ? types[0]! : 'string';
}

function describe(property: unknown): Record<string, Value> {
  const d = (property as { description?: unknown } | undefined)?.description;
  return typeof d === 'string' ? { description: d } : {};
}

function restOperation(plan: Plan, tool: PlanTool, apiName: string, operationName: string, symbol: string): Resource {
  const backend = tool.backend!;
  const { properties, required } = inputProperties(tool.raw);
  const parameter = (name: string, inPath: boolean): Value => ({ name, type: apimType(properties[name]), required: inPath || required.includes(name), values: [], ...describe(properties[name]) });
  const query = backend.parameters.filter((p) => p.in === 'query').map((p) => parameter(p.name, false));
  const hasBody = backend.parameters.some((p) => p.in === 'body') || ['POST', 'PUT', 'PATCH'].includes(backend.method);
  const description = typeof tool.raw.description === 'string' ? tool.raw.description : MANAGED_MARK;
  return {
    symbol,
    type: `${T}/apis/operations`,
    apiVersion: APIM_API_VERSION,
    name: [apiName, operationName],
    parent: 'restApi',
    properties: {
      displayName: tool.name,
      description,
      method: backend.method,
      urlTemplate: backend.path,
      templateParameters: backend.parameters.filter((p) => p.in === 'path').map((p) => parameter(p.name, true)),
      request: { queryParameters: query, headers: [], representations: hasBody ? [{ contentType: 'application/json' }] : [] },
      responses: [],
    },
    dependsOn: [],
  };
}

/** The model with the REST backend (policy mode) or the REST-as-MCP server (native mode). */
export function bridgeInfra(plan: Plan, model: InfraModel): InfraModel {
  const { api } = plan.config;
  const rest = api.restBackend;
  const tools = plan.tools.filter((t) => t.backend);
  if (!rest || tools.length === 0) return model;
  const native = rest.mode === 'native';
  const noMcpServer = api.backend === undefined || native;
  const parameters: Parameter[] = model.parameters.filter((p) => !(noMcpServer && p.name === 'backendUrl'));
  parameters.push({ name: 'restBackendUrl', type: 'string', description: 'Base URL of the REST service that bridged tools call.', default: rest.url });
  const restUrl: Value = { ref: 'param', name: 'restBackendUrl' };
  let resources: Resource[] = model.resources.filter((r) => !(noMcpServer && r.symbol === 'backend'));
  // Without an MCP server the API forwards nowhere on its own: no service URL, no backend.
  resources = resources.map((r) => {
    if (r.symbol !== 'api' || !noMcpServer) return r;
    const { serviceUrl: _s, backendId: _b, type: _t, apiType: _a, mcpProperties: _m, ...properties } = r.properties;
    const typed: Record<string, Value> = native ? { ...properties, type: 'mcp', mcpProperties: { transportType: 'streamable' } } : { ...properties, apiType: 'http', type: 'http' };
    return { ...r, properties: typed, dependsOn: r.dependsOn.filter((d) => d !== 'backend') };
  });
  const restName = restBackendId(api.name);
  if (!native) {
    resources.splice(resources.findIndex((r) => r.symbol === 'api'), 0, { symbol: 'restBackend', type: `${T}/backends`, apiVersion: APIM_API_VERSION, name: [restName], parent: 'apim', properties: { title: `${api.displayName} REST service`, description: MANAGED_MARK, protocol: 'http', url: restUrl }, dependsOn: [] });
    // set-backend-service backend-id names it inside policy text: Bicep cannot infer that.
    return { parameters, resources: resources.map((r) => (r.symbol === 'apiPolicy' ? { ...r, dependsOn: [...r.dependsOn, 'restBackend'] } : r)) };
  }
  // Native: the MCP API is APIM's REST-as-MCP server. Its operations are the tools, so the
  // passthrough operations (and their tools/list policy: api.xml answers tools/list) go.
  const passthrough = new Set(['mcpPost', 'mcpGet', 'mcpDelete', 'toolsListPolicy']);
  // (model.ts writes the MCP API and what hangs on it with the preview api-version.)
  resources = resources.filter((r) => !passthrough.has(r.symbol)).map((r) => (r.symbol === 'apiPolicy' ? { ...r, dependsOn: [] } : r));
  const operations = restOperationNames(tools);
  const restApi: Resource = {
    symbol: 'restApi',
    type: `${T}/apis`,
    apiVersion: APIM_API_VERSION,
    name: [restName],
    parent: 'apim',
    // Subscription required and in no product: only the MCP server (and admins) reach it.
    properties: { displayName: `${api.displayName} REST operations`, description: MANAGED_MARK, path: `${api.path}-rest`, protocols: ['https'], subscriptionRequired: true, apiType: 'http', type: 'http', serviceUrl: restUrl },
    dependsOn: [],
  };
  const restPolicy: Resource = { symbol: 'restApiPolicy', type: `${T}/apis/policies`, apiVersion: APIM_API_VERSION, name: [restName, 'policy'], parent: 'restApi', properties: { format: 'rawxml', value: { ref: 'file', path: '../policies/rest-api.xml', content: restApiPolicy(plan) } }, dependsOn: [] };
  const opResources = tools.map((t, i) => restOperation(plan, t, restName, operations.get(t.name)!, `restOperation${i}`));
  const toolResources: Resource[] = tools.map((t, i) => ({
    symbol: `mcpTool${i}`,
    type: `${T}/apis/tools`,
    apiVersion: APIM_MCP_API_VERSION,
    name: [api.name, t.name],
    parent: 'api',
    properties: { displayName: t.name, description: typeof t.raw.description === 'string' ? t.raw.description : MANAGED_MARK, operationId: `/apis/${restName}/operations/${operations.get(t.name)!}` },
    // The operation is named inside a string: Bicep cannot infer the dependency.
    dependsOn: [`restOperation${i}`],
  }));
  const at = resources.findIndex((r) => r.symbol === 'apiPolicy');
  resources.splice(at, 0, restApi, restPolicy, ...opResources, ...toolResources);
  return { parameters, resources };
}

/** Files of native mode beside the usual ones: the REST API's policy. */
export function bridgeFiles(plan: Plan): Record<string, string> {
  const native = plan.config.api.restBackend?.mode === 'native' && plan.tools.some((t) => t.backend);
  return native ? { 'policies/rest-api.xml': restApiPolicy(plan) } : {};
}

/** Native mode is APIM's preview feature, and the emulator runs the policy only: say so at compile time. */
export function bridgeNotes(plan: Plan): Diagnostic[] {
  if (plan.config.api.restBackend?.mode !== 'native' || !plan.tools.some((t) => t.backend)) return [];
  return [diagnostic('MA3010', "api.restBackend.mode native deploys APIM's preview REST-as-MCP server (api-version 2025-09-01-preview): APIM translates bridged calls itself, so mcp-apim test and serve check tokens, roles, limits and arguments but do not reproduce the REST call", plan.config.locate('/api/restBackend/mode'), 'use mode: policy (the default) to run the same translation locally and in APIM')];
}
