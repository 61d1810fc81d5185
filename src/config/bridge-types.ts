/**
 * Types of REST bridging (docs/config.md, "REST tools"): a catalog tool whose `backend` names a
 * REST operation instead of the MCP server, and the REST service those operations live on.
 */
import type { SourceSpan } from '../diagnostics/index.ts';

export const BRIDGE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type BridgeMethod = (typeof BRIDGE_METHODS)[number];
/** Methods that carry a request body. */
export const METHODS_WITH_BODY: readonly BridgeMethod[] = ['POST', 'PUT', 'PATCH'];

export const PARAMETER_LOCATIONS = ['path', 'query', 'body'] as const;
export type ParameterLocation = (typeof PARAMETER_LOCATIONS)[number];

/** One tool argument and where it goes in the REST request. */
export interface BridgeParameter {
  /** The argument's name (an inputSchema property); also the query parameter's name. */
  readonly name: string;
  readonly in: ParameterLocation;
  readonly span: SourceSpan;
}

/** A piece of a parsed path template: literal text (already URL-safe) or a `{placeholder}`. */
export type PathPart = { readonly literal: string } | { readonly parameter: string };

/** `backend:` of a catalog tool: the REST operation a tools/call of it becomes. */
export interface ToolBackend {
  readonly method: BridgeMethod;
  /** The path template as written, e.g. `/api/v2/stock/{sku}`. */
  readonly path: string;
  readonly parts: readonly PathPart[];
  readonly parameters: readonly BridgeParameter[];
  readonly span: SourceSpan;
}

/** `api.restBackend`: the REST service bridged tools call, and how APIM exposes them. */
export interface RestBackend {
  /** Base URL; a tool's path is appended to it. */
  readonly url: string;
  /**
   * policy: the compiled API policy turns a tools/call into the REST request (default; what the
   * emulator runs). native: APIM's preview REST-as-MCP server (`type: 'mcp'` API with tools bound
   * to operations) does the translation.
   */
  readonly mode: 'policy' | 'native';
  /** The gateway's own credential towards the REST service; the caller's token never goes there. */
  readonly auth?: { readonly type: 'managedIdentity'; readonly resource: string; readonly clientId?: string };
}

/** The APIM backend entity that holds the REST service's URL (Bicep `backends`, set-backend-service backend-id). */
export function restBackendId(apiName: string): string {
  return `${apiName}-rest`;
}
