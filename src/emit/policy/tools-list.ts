import type { Plan } from '../../plan/types.ts';
import { DECISION_VAR } from './api-policy.ts';
import { csString } from './csharp.ts';

/**
 * The C# body that answers tools/list from the compiled catalog, filtered to the caller: one
 * JSON fragment per tool group, included when the caller holds any role of the group. Tools
 * nobody may call are never listed. Annotations are the catalog's, never the server's.
 */
export function toolsListBody(plan: Plan): string {
  const lines = [
    `var d = (JObject)context.Variables[${csString(DECISION_VAR)}];`,
    'var held = new HashSet<string>(((JArray)d["roles"]).Values<string>());',
    'var parts = new List<string>();',
  ];
  const byName = new Map(plan.tools.map((t) => [t.name, t]));
  for (const group of plan.groups) {
    if (group.roles.length === 0) continue;
    const json = group.tools.map((name) => JSON.stringify(byName.get(name)!.raw)).join(',');
    lines.push(`if (${group.roles.map((r) => `held.Contains(${csString(r)})`).join(' || ')}) { parts.Add(${csString(json)}); }`);
  }
  lines.push('return "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":" + (string)d["id"] + ",\\"result\\":{\\"tools\\":[" + string.Join(",", parts) + "]}}";');
  return lines.join('\n');
}
