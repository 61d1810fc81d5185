import type { Plan } from '../../plan/types.ts';
import { block, el, expr, serialize, text } from '../xml.ts';
import { DECISION_VAR, field } from './api-policy.ts';
import { csString } from './csharp.ts';
import { csMaskHas, roleMask } from './role-mask.ts';

/**
 * The C# body that answers tools/list from the compiled catalog, filtered to the caller: one
 * JSON fragment per tool group, included when the caller holds any role of the group. Tools
 * nobody may call are never listed. Annotations are the catalog's, never the server's.
 */
export function toolsListBody(plan: Plan): string {
  const byName = new Map(plan.tools.map((t) => [t.name, t]));
  const visible = plan.groups.filter((g) => g.roles.length > 0);
  const masks = visible.map((g) => csString(roleMask(g.roles, plan.roleOrder)));
  const fragments = visible.map((g) => csString(g.tools.map((name) => JSON.stringify(byName.get(name)!.raw)).join(',')));
  return [
    `var d = (JObject)context.Variables[${csString(DECISION_VAR)}];`,
    'var roleIndexes = ((JArray)d["roleIndexes"]).Values<int>().ToList();',
    `string[] masks = new string[] { ${masks.join(', ')} };`,
    `string[] fragments = new string[] {\n${fragments.join(',\n')}\n};`,
    'var parts = new List<string>();',
    'for (int g = 0; g < masks.Length; g++) {',
    '  foreach (int k in roleIndexes) {',
    `    if (${csMaskHas('masks[g]', 'k')}) { parts.Add(fragments[g]); break; }`,
    '  }',
    '}',
    'return "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":" + (string)d["id"] + ",\\"result\\":{\\"tools\\":[" + string.Join(",", parts) + "]}}";',
  ].join('\n');
}

/**
 * The POST operation's policy (`policies/tools-list.xml`): after the API policy (`<base />`) has
 * validated, classified and rate-limited the request, a tools/list is answered here. It is a
 * document of its own because APIM's 256 KiB limit applies per policy document, and the embedded
 * catalog is what grows with the number of tools.
 */
export function toolsListPolicy(plan: Plan): string {
  const inbound = el(
    'inbound',
    {},
    el('base'),
    plan.config.api.toolsList === 'gateway' &&
      el(
        'choose',
        {},
        el(
          'when',
          { condition: expr(`${field('method', 'string')} == "tools/list"`) },
          el(
            'return-response',
            {},
            el('set-status', { code: '200', reason: 'OK' }),
            el('set-header', { name: 'Content-Type', 'exists-action': 'override' }, el('value', {}, text('application/json'))),
            el('set-header', { name: 'Cache-Control', 'exists-action': 'override' }, el('value', {}, text('no-store'))),
            el('set-body', {}, text(block(toolsListBody(plan)))),
          ),
        ),
      ),
  );
  return serialize(el('policies', {}, inbound, el('backend', {}, el('base')), el('outbound', {}, el('base')), el('on-error', {}, el('base'))));
}
