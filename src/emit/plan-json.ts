import type { Plan } from '../plan/types.ts';

/** `plan.json`: the resolved plan as data (for review, tooling and `deploy`), deterministic. */
export function planJson(plan: Plan): string {
  const { config } = plan;
  const doc = {
    generator: 'mcp-apim',
    planVersion: 1,
    api: config.api,
    apim: config.apim,
    identity: config.identity,
    roles: plan.roles.map((r) => ({ value: r.value, id: r.id, displayName: r.displayName, description: r.description, methods: r.methods, rateLimit: r.rateLimit ?? null })),
    tools: plan.tools.map((t) => ({ name: t.name, group: plan.groups[t.group]!.id, annotations: t.annotations })),
    groups: plan.groups,
    limits: config.limits,
    security: config.security,
    assignments: config.assignments.map((a) => ({ principal: a.principal, roles: a.roles.map((r) => r.text) })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
