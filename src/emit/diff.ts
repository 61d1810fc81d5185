import { type AccessMatrix, cell, decisionView } from './matrix.ts';

export interface MatrixChange {
  readonly kind: 'granted' | 'revoked' | 'role-added' | 'role-removed' | 'tool-added' | 'tool-removed' | 'methods-changed' | 'limit-changed' | 'reason-changed';
  readonly role?: string;
  readonly tool?: string;
  readonly before?: string;
  readonly after?: string;
}

/** What changed in who-can-call-what between two configs' matrices, in a stable order. */
export function diffMatrices(before: AccessMatrix, after: AccessMatrix): MatrixChange[] {
  const changes: MatrixChange[] = [];
  const roleNames = (m: AccessMatrix) => new Set(m.roles.map((r) => r.value));
  const toolNames = (m: AccessMatrix) => new Set(m.tools.map((t) => t.name));
  const [oldRoles, newRoles, oldTools, newTools] = [roleNames(before), roleNames(after), toolNames(before), toolNames(after)];
  for (const r of [...oldRoles].filter((r) => !newRoles.has(r))) changes.push({ kind: 'role-removed', role: r });
  for (const r of [...newRoles].filter((r) => !oldRoles.has(r))) changes.push({ kind: 'role-added', role: r });
  for (const t of [...oldTools].filter((t) => !newTools.has(t))) changes.push({ kind: 'tool-removed', tool: t });
  for (const t of [...newTools].filter((t) => !oldTools.has(t))) changes.push({ kind: 'tool-added', tool: t });
  const views = (m: AccessMatrix) => m.roles.flatMap((r) => m.tools.map((t) => decisionView(m, r, t.name)));
  const key = (role: string, tool: string) => `${role}\u0000${tool}`;
  const oldDecisions = new Map(views(before).map((d) => [key(d.role, d.tool), d]));
  for (const d of views(after)) {
    const old = oldDecisions.get(key(d.role, d.tool));
    const wasAllowed = old?.allowed ?? false;
    if (d.allowed && !wasAllowed) changes.push({ kind: 'granted', role: d.role, tool: d.tool, after: d.reason, ...(old ? { before: old.reason } : {}) });
    else if (!d.allowed && wasAllowed) changes.push({ kind: 'revoked', role: d.role, tool: d.tool, before: old!.reason, after: d.reason });
    else if (old && d.allowed && old.reason !== d.reason) changes.push({ kind: 'reason-changed', role: d.role, tool: d.tool, before: old.reason, after: d.reason });
  }
  for (const d of views(before)) {
    if (d.allowed && !newRoles.has(d.role)) changes.push({ kind: 'revoked', role: d.role, tool: d.tool, before: d.reason, after: 'role removed' });
    else if (d.allowed && !newTools.has(d.tool)) changes.push({ kind: 'revoked', role: d.role, tool: d.tool, before: d.reason, after: 'tool removed from the catalog' });
  }
  const oldRoleInfo = new Map(before.roles.map((r) => [r.value, r]));
  for (const r of after.roles) {
    const old = oldRoleInfo.get(r.value);
    if (!old) continue;
    if (old.methods.join(',') !== r.methods.join(',')) changes.push({ kind: 'methods-changed', role: r.value, before: old.methods.join(', ') || 'none', after: r.methods.join(', ') || 'none' });
    if (old.rateLimit !== r.rateLimit) changes.push({ kind: 'limit-changed', role: r.value, before: old.rateLimit ?? 'none', after: r.rateLimit ?? 'none' });
  }
  if (before.limits.join(',') !== after.limits.join(',')) changes.push({ kind: 'limit-changed', before: before.limits.join('; ') || 'none', after: after.limits.join('; ') || 'none' });
  return changes;
}

/** Markdown for a pull request comment: grants first (what a reviewer must look at), then the rest. */
export function diffMarkdown(changes: readonly MatrixChange[]): string {
  if (changes.length === 0) return 'No change in who can call what.\n';
  const order: MatrixChange['kind'][] = ['granted', 'role-added', 'tool-added', 'methods-changed', 'limit-changed', 'revoked', 'role-removed', 'tool-removed', 'reason-changed'];
  const titles: Record<MatrixChange['kind'], string> = {
    granted: 'Newly allowed', revoked: 'No longer allowed', 'role-added': 'Roles added', 'role-removed': 'Roles removed', 'tool-added': 'Tools added to the catalog',
    'tool-removed': 'Tools removed from the catalog', 'methods-changed': 'Methods changed', 'limit-changed': 'Rate limits changed', 'reason-changed': 'Still allowed, by a different rule',
  };
  const lines = [`## mcp-apim: ${changes.length} change${changes.length === 1 ? '' : 's'} in who can call what`, ''];
  for (const kind of order) {
    const group = changes.filter((c) => c.kind === kind);
    if (group.length === 0) continue;
    lines.push(`### ${titles[kind]}`, '');
    for (const c of group) {
      const subject = [c.role && `\`${cell(c.role)}\``, c.tool && `\`${cell(c.tool)}\``].filter(Boolean).join(' → ') || 'every agent';
      const detail = c.before !== undefined || c.after !== undefined ? `: ${c.before !== undefined ? `${cell(c.before)} ⇒ ` : ''}${cell(c.after ?? '')}` : '';
      lines.push(`- ${subject}${detail}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
