/**
 * Plan-level checks of REST bridging (docs/config.md, "REST tools"): what a bridged config can
 * and cannot do once the whole picture is known.
 */
import { inputProperties } from '../config/bridge.ts';
import { METHODS_WITH_BODY } from '../config/bridge-types.ts';
import type { Config } from '../config/types.ts';
import { type Diagnostic, diagnostic } from '../diagnostics/index.ts';

export function checkBridgePlan(config: Config, diagnostics: Diagnostic[]): void {
  const bridged = config.catalog.tools.filter((t) => t.backend);
  const { restBackend } = config.api;
  if (bridged.length > 0 && config.api.toolsList === 'passthrough') {
    diagnostics.push(diagnostic('MA2020', `api.toolsList is passthrough, but ${bridged.length} tool(s) are bridged to REST: the MCP server does not know them, so no client would see them listed`, config.locate('/api/toolsList'), 'use toolsList: gateway (the default)'));
  }
  if (restBackend && bridged.length === 0) {
    diagnostics.push(diagnostic('MA2022', 'api.restBackend is set but no catalog tool has a `backend:` mapping: nothing is sent to it', config.locate('/api/restBackend', 'key')));
  }
  if (restBackend?.mode === 'native' && config.api.backend !== undefined) {
    diagnostics.push(diagnostic('MA2023', 'api.backend is not used: with api.restBackend.mode native the API is APIM\'s REST-as-MCP server, which answers every tool from the REST service', config.locate('/api/backend')));
  }
  for (const tool of bridged) {
    const backend = tool.backend!;
    const mapped = new Set(backend.parameters.map((p) => p.name));
    // POST, PUT and PATCH without a body parameter send the remaining arguments as the body.
    const restGoesToBody = METHODS_WITH_BODY.includes(backend.method) && !backend.parameters.some((p) => p.in === 'body');
    if (restGoesToBody) continue;
    const unsent = Object.keys(inputProperties(tool.raw).properties).filter((name) => !mapped.has(name));
    if (unsent.length > 0) {
      diagnostics.push(diagnostic('MA2021', `tool ${JSON.stringify(tool.name)}: inputSchema ${unsent.length === 1 ? 'property' : 'properties'} ${unsent.map((n) => JSON.stringify(n)).join(', ')} ${unsent.length === 1 ? 'is' : 'are'} never sent to ${backend.method} ${backend.path}`, backend.span, 'map each argument to path, query or body under backend.parameters'));
    }
  }
}
