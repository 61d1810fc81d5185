/**
 * The HTTP client under the ARM SDK's pipeline. Two jobs:
 *
 * 1. Same origin only. Every request — including the long-running-operation polls and `nextLink`
 *    pages the SDK follows on its own, and redirects — must go to the ARM endpoint's origin.
 *    Anything else is refused before a byte is sent, so the bearer token never leaves ARM.
 * 2. Loopback http. The SDK's bearer policy refuses plain-http URLs, so for a local test server
 *    requests are addressed to `https://<host:port>` and rewritten here to the real
 *    `http://<host:port>`; URLs in the answers are rewritten back (reference/deploy.md §3,
 *    approach A).
 */
import { createDefaultHttpClient, type HttpClient, type PipelineRequest, type PipelineResponse, RestError } from '@azure/core-rest-pipeline';
import type { ArmEndpoint } from './endpoint.ts';

/** `RestError.code` of a refused cross-origin request. */
export const CROSS_ORIGIN = 'CrossOriginRequestRefused';

const URL_HEADERS = ['location', 'azure-asyncoperation', 'operation-location'];

export function armHttpClient(endpoint: ArmEndpoint, inner: HttpClient = createDefaultHttpClient()): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const target = new URL(request.url);
      if (target.origin !== endpoint.publicOrigin) {
        throw new RestError(`refused to follow ${target.origin}${target.pathname}: it is not on the ARM endpoint ${endpoint.publicOrigin}, and the request would carry the ARM token there`, { code: CROSS_ORIGIN, request });
      }
      if (endpoint.wireOrigin === undefined) return inner.sendRequest(request);
      const addressed = request.url;
      const wire = endpoint.wireOrigin;
      request.url = `${wire}${target.pathname}${target.search}`;
      request.allowInsecureConnection = true;
      try {
        const response = await inner.sendRequest(request);
        for (const name of URL_HEADERS) {
          const value = response.headers.get(name);
          if (value?.startsWith(wire)) response.headers.set(name, endpoint.publicOrigin + value.slice(wire.length));
        }
        if (response.bodyAsText) response.bodyAsText = response.bodyAsText.split(`"${wire}/`).join(`"${endpoint.publicOrigin}/`);
        return response;
      } finally {
        request.url = addressed;
      }
    },
  };
}
