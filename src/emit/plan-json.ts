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
    tools: plan.tools.map((t) => ({
      name: t.name,
      group: plan.groups[t.group]!.id,
      annotations: t.annotations,
      // A bridged tool: the REST operation its tools/call becomes.
      ...(t.backend ? { backend: { method: t.backend.method, path: t.backend.path, parameters: Object.fromEntries(t.backend.parameters.map((p) => [p.name, p.in])) } } : {}),
    })),
    groups: plan.groups,
    limits: config.limits,
    security: config.security,
    assignments: config.assignments.map((a) => ({ principal: a.principal, roles: a.roles.map((r) => r.text) })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
