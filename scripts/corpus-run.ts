/**
 * The run column of `npm run corpus`: each parsed corpus document is loaded into the runtime and
 * sent one generic request (POST with a JSON body and a bearer token; every named value is "1";
 * the backend answers 200 `{}`). A document "runs" when the pipeline produces a response — any
 * status, including the policy's own refusals — without an unsupported-feature error.
 */
import { LineIndex } from '../src/diagnostics/index.ts';
import { substituteNamedValues } from '../src/policy/named-values.ts';
import { parsePolicy } from '../src/policy/parse.ts';
import type { PolicyDocument } from '../src/policy/tree.ts';
import { expressionPort } from '../src/runtime/expressions.ts';
import { handle, UnsupportedFeature } from '../src/runtime/pipeline.ts';
import { composeScopes, type EffectivePolicy } from '../src/runtime/scopes.ts';
import { FixedWindowCounters } from '../src/runtime/stores/fixed-window.ts';
import { SlidingWindowCounters } from '../src/runtime/stores/sliding-window.ts';
import { headersFrom, type Ports, ValueCache } from '../src/runtime/types.ts';

const NOW = Date.UTC(2026, 0, 1);

function effective(doc: PolicyDocument): EffectivePolicy {
  if (doc.kind === 'policies') return composeScopes({ api: doc });
  // a fragment or a snippet of policies runs as the inbound section
  const steps = doc.roots.flatMap((root) => (doc.kind === 'fragment' ? root.children.filter((c) => c.kind === 'element') : [root])).map((element) => ({ element, scope: 'api' as const }));
  return { inbound: steps, backend: [], outbound: [], 'on-error': [] };
}

export async function runCorpusDocument(path: string, text: string): Promise<{ ran: true } | { ran: false; reason: string }> {
  const index = new LineIndex(path, text);
  const names = Object.fromEntries([...text.matchAll(/\{\{([A-Za-z0-9._-]+)\}\}/g)].map((m) => [m[1]!, '1']));
  const substituted = substituteNamedValues(text, names, index);
  const parsed = parsePolicy(path, substituted.text, substituted.toSource, index);
  if (!parsed.document) return { ran: false, reason: 'not parsed' };
  const ports: Ports = {
    now: () => NOW,
    backend: async () => ({ status: 200, headers: headersFrom({ 'content-type': 'application/json' }), body: '{}' }),
    counters: new SlidingWindowCounters(),
    quotas: new FixedWindowCounters(),
    cache: new ValueCache(),
    newId: () => '00000000-0000-4000-8000-000000000001',
    expressions: expressionPort(() => NOW),
    fetchJson: async (url) => (url.includes('keys') ? { keys: [] } : { issuer: 'https://issuer.test/', jwks_uri: 'https://issuer.test/keys' }),
    managedIdentityToken: () => 'managed-identity-token',
    send: async () => ({ status: 200, headers: headersFrom({ 'content-type': 'application/json' }), body: '{}' }),
  };
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', arguments: {} } });
  try {
    await handle(effective(parsed.document), { method: 'POST', url: 'https://gateway.test/api/op?x=1', headers: headersFrom({ 'content-type': 'application/json', authorization: 'Bearer a.b.c', 'ocp-apim-subscription-key': 'k' }), body }, ports);
    return { ran: true };
  } catch (e) {
    if (e instanceof UnsupportedFeature) return { ran: false, reason: e.message.replace(/\s+/g, ' ').slice(0, 140) };
    return { ran: false, reason: `crash: ${(e as Error).message}` };
  }
}
