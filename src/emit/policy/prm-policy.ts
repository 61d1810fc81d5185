import type { Plan } from '../../plan/types.ts';
import { block, el, serialize, text } from '../xml.ts';
import { csString } from './csharp.ts';

/**
 * The operation policy of the protected-resource metadata document (RFC 9728), served at
 * `/.well-known/oauth-protected-resource/<api path>` without a token: it tells MCP clients which
 * authorization server issues tokens for this gateway and which audience to ask for.
 */
export function prmPolicy(plan: Plan): string {
  const { api, identity } = plan.config;
  const audience = identity.audiences[0]!;
  const scope = audience.startsWith('api://') || audience.startsWith('https://') ? `${audience.replace(/\/+$/, '')}/.default` : `api://${audience}/.default`;
  const body = [
    'var u = context.Request.OriginalUrl;',
    'string port = (u.Scheme == "https" && u.Port == 443) || (u.Scheme == "http" && u.Port == 80) ? "" : ":" + u.Port;',
    'var doc = new JObject();',
    `doc["resource"] = u.Scheme + "://" + u.Host + port + ${csString(`/${api.path}`)};`,
    `doc["authorization_servers"] = new JArray(${csString(`${identity.authority}/${identity.tenantId}/v2.0`)});`,
    'doc["bearer_methods_supported"] = new JArray("header");',
    `doc["scopes_supported"] = new JArray(${csString(scope)});`,
    `doc["resource_name"] = ${csString(api.displayName)};`,
    'return doc.ToString(Formatting.None);',
  ].join('\n');
  return serialize(
    el(
      'policies',
      {},
      el(
        'inbound',
        {},
        el('base'),
        el(
          'return-response',
          {},
          el('set-status', { code: '200', reason: 'OK' }),
          el('set-header', { name: 'Content-Type', 'exists-action': 'override' }, el('value', {}, text('application/json'))),
          el('set-header', { name: 'Cache-Control', 'exists-action': 'override' }, el('value', {}, text('public, max-age=3600'))),
          el('set-body', {}, text(block(body))),
        ),
      ),
      el('backend', {}, el('base')),
      el('outbound', {}, el('base')),
      el('on-error', {}, el('base')),
    ),
  );
}
