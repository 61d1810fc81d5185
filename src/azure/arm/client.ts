/**
 * One ARM connection: the typed `@azure/arm-apimanagement` client and raw requests through the
 * very same pipeline (auth, same-origin transport), for the two places the typed client cannot
 * be used (reference/deploy.md §3: `apiPolicy.get` drops the XML; typed models strip the preview
 * MCP API fields).
 */
import { ApiManagementClient } from '@azure/arm-apimanagement';
import type { TokenCredential } from '@azure/identity';
import { createHttpHeaders, createPipelineRequest, type HttpClient } from '@azure/core-rest-pipeline';
import type { ArmEndpoint } from './endpoint.ts';
import { armHttpClient } from './transport.ts';

/** The SDK's own api-version (10.0.0); resources written with another one go through raw requests. */
export const SDK_API_VERSION = '2024-05-01';

export interface ArmTarget {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly serviceName: string;
}

export interface RawRequest {
  readonly method: 'GET' | 'PUT' | 'DELETE' | 'POST' | 'HEAD';
  /** A path below the service (`apis/x`), a full ARM id (`/subscriptions/…`), or an absolute URL (LRO polls). */
  readonly path: string;
  readonly apiVersion?: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly ifMatch?: string;
}

export interface RawResponse {
  readonly status: number;
  header(name: string): string | undefined;
  /** Parsed JSON, or undefined for an empty body. */
  readonly body: unknown;
}

export interface ArmConnection {
  readonly sdk: ApiManagementClient;
  readonly target: ArmTarget;
  readonly endpoint: ArmEndpoint;
  /** `/subscriptions/<id>/resourceGroups/<g>/providers/Microsoft.ApiManagement/service/<name>` */
  readonly serviceId: string;
  raw(request: RawRequest): Promise<RawResponse>;
}

export function serviceId(target: ArmTarget): string {
  return `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}/providers/Microsoft.ApiManagement/service/${target.serviceName}`;
}

export interface ConnectionOptions {
  readonly credential: TokenCredential;
  readonly endpoint: ArmEndpoint;
  readonly target: ArmTarget;
  /** The HTTP client below the same-origin transport (tests may wrap it); default: the SDK's. */
  readonly httpClient?: HttpClient;
}

export function createArmConnection(options: ConnectionOptions): ArmConnection {
  const { endpoint, target } = options;
  const sdk = new ApiManagementClient(options.credential, target.subscriptionId, {
    endpoint: endpoint.publicOrigin,
    credentialScopes: [endpoint.scope],
    httpClient: armHttpClient(endpoint, options.httpClient),
    // One retry layer, ours (retry.ts): it knows 409/422/412 and takes an injectable sleep.
    retryOptions: { maxRetries: 0 },
    userAgentOptions: { userAgentPrefix: 'mcp-apim' },
  });
  const base = serviceId(target);
  return {
    sdk,
    target,
    endpoint,
    serviceId: base,
    async raw(request) {
      let url: URL;
      if (/^https?:\/\//.test(request.path)) {
        url = new URL(request.path);
      } else if (request.path.startsWith('/subscriptions/')) {
        // A resource beside the service (an alert rule in its resource group): a full ARM id.
        url = new URL(`${endpoint.publicOrigin}${request.path}`);
        url.searchParams.set('api-version', request.apiVersion ?? SDK_API_VERSION);
      } else {
        url = new URL(`${endpoint.publicOrigin}${base}/${request.path}`);
        url.searchParams.set('api-version', request.apiVersion ?? SDK_API_VERSION);
      }
      for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, v);
      const headers = createHttpHeaders({ accept: 'application/json' });
      if (request.ifMatch !== undefined) headers.set('if-match', request.ifMatch);
      if (request.body !== undefined) headers.set('content-type', 'application/json; charset=utf-8');
      const response = await sdk.sendRequest(
        createPipelineRequest({ url: url.toString(), method: request.method, headers, ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}) }),
      );
      let body: unknown;
      if (response.bodyAsText) {
        try {
          body = JSON.parse(response.bodyAsText);
        } catch {
          body = response.bodyAsText;
        }
      }
      return { status: response.status, header: (name) => response.headers.get(name), body };
    },
  };
}
