import { stringify } from 'yaml';

/**
 * A large, realistic-shaped config: `tools` tools in 50 families (a third read-only), `roles`
 * roles that each allow two families plus every read-only tool, a deny, and per-role limits.
 * Tool definitions are compact (name, small schema, annotations): at this size the embedded
 * tools/list catalog, not the decision logic, dominates the policy size.
 */
export function largeConfig(tools: number, roles: number): string {
  const families = 50;
  const catalog = Array.from({ length: tools }, (_, i) => ({
    name: `fam${i % families}.tool${i}`,
    inputSchema: { type: 'object' },
    annotations: { readOnlyHint: i % 3 === 0 },
  }));
  const roleEntries = Array.from({ length: roles }, (_, r) => [
    `Role.${r}`,
    {
      allow: [{ annotations: { readOnlyHint: true } }, { tools: [`fam${r % families}.*`, `fam${(r * 7 + 3) % families}.*`] }],
      deny: [{ tools: [`fam${r % families}.tool${r % families}`] }],
      rateLimit: { calls: 100 + r, renewalPeriod: 60, per: ['agent', 'tool'] },
    },
  ]);
  return stringify({
    apiVersion: 'mcp-apim/v1',
    api: { name: 'bench', path: 'mcp', backend: 'https://backend.example/mcp' },
    identity: { tenantId: '00000000-0000-0000-0000-000000000001', audience: 'api://bench' },
    catalog: { tools: catalog },
    roles: Object.fromEntries(roleEntries),
    limits: [{ per: 'agent', calls: 1000, renewalPeriod: 60 }],
  });
}
