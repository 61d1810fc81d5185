/**
 * A compiled gateway as the emulator serves it: the MCP API (its policy, and the POST
 * operation's tools/list policy) and the protected-resource-metadata API, each composed once
 * into effective policies; `route` picks one per request the way APIM matches API path and
 * operation.
 */
import type { Diagnostic } from '../diagnostics/index.ts';
import { parsePolicy } from '../policy/parse.ts';
import type { PolicyDocument } from '../policy/tree.ts';
import { gatewayError } from './gateway-errors.ts';
import { type EffectivePolicy, composeScopes } from './scopes.ts';

export interface CompiledPolicies {
  readonly api: string;
  readonly toolsList: string;
  readonly prm: string;
}

export interface Deployment {
  /** The effective policy for a request, or the gateway's 404 answer. */
  route(method: string, path: string): { readonly policy: EffectivePolicy; readonly operation: string; readonly forwards: boolean } | { readonly notFound: ReturnType<typeof gatewayError> };
}

/** The compiled `policies/*.xml` of `compileConfig`, keyed like its file map. */
export function policiesFromFiles(files: Readonly<Record<string, string>>): CompiledPolicies {
  return { api: files['policies/api.xml']!, toolsList: files['policies/tools-list.xml']!, prm: files['policies/prm.xml']! };
}

/** One policy for every request (`policy run`): any path and method reaches it. */
export function singlePolicyDeployment(policy: EffectivePolicy): Deployment {
  return { route: () => ({ policy, operation: 'any', forwards: true }) };
}

export function buildDeployment(apiPath: string, policies: CompiledPolicies): { deployment?: Deployment; diagnostics: readonly Diagnostic[] } {
  const parse = (file: string, text: string): PolicyDocument | undefined => {
    const r = parsePolicy(file, text);
    diagnostics.push(...r.diagnostics);
    return r.document;
  };
  const diagnostics: Diagnostic[] = [];
  const api = parse('policies/api.xml', policies.api);
  const toolsList = parse('policies/tools-list.xml', policies.toolsList);
  const prm = parse('policies/prm.xml', policies.prm);
  if (!api || !toolsList || !prm) return { diagnostics };
  const post = composeScopes({ api, operation: toolsList });
  const other = composeScopes({ api });
  const prmPolicy = composeScopes({ operation: prm });
  const base = `/${apiPath.replace(/^\/+|\/+$/g, '')}`;
  const prmPath = `/.well-known/oauth-protected-resource${base}`;
  const notFound = gatewayError(404, 'Resource not found');
  return {
    diagnostics,
    deployment: {
      route(method, path) {
        const p = path.split('?')[0]!.replace(/\/+$/, '') || '/';
        if (p === prmPath && method === 'GET') return { policy: prmPolicy, operation: 'prm-get', forwards: false };
        if (p !== base) return { notFound };
        if (method === 'POST') return { policy: post, operation: 'mcp-post', forwards: true };
        if (method === 'GET') return { policy: other, operation: 'mcp-get', forwards: true };
        if (method === 'DELETE') return { policy: other, operation: 'mcp-delete', forwards: true };
        return { notFound };
      },
    },
  };
}
