/** Text output of the roles commands: one line per change, then a count line. */
import type { Change, ChangeAction } from './role-plan.ts';

const SIGN: Readonly<Record<ChangeAction, string>> = { create: '+', update: '~', disable: '-', delete: '-', assign: '+', unassign: '-', unchanged: '=' };
const COLOR: Readonly<Record<string, string>> = { '+': '\x1b[32m', '~': '\x1b[33m', '-': '\x1b[31m', '=': '\x1b[2m' };

export function renderChange(c: Change, color: boolean): string {
  const sign = SIGN[c.action];
  const action = (c.kept ? 'kept' : c.action).padEnd(9);
  let what: string;
  if (c.kind === 'role') {
    what = `role ${c.role}`;
    if (c.fields) what += ` (${c.fields.join(', ')})`;
  } else {
    what = `${c.role} → ${c.principal}`;
    if (c.principal !== c.principalId) what += ` (${c.principalId})`;
  }
  if (c.kept) what += ': not in the config; --prune removes it';
  const line = `  ${sign} ${action} ${what}`;
  return color ? `${COLOR[sign]}${line}\x1b[0m` : line;
}

/** "2 to create, 1 to assign; 3 unchanged" (or "no changes; 3 unchanged"). */
export function summarize(changes: readonly Change[], tense: 'plan' | 'done'): string {
  const order: ChangeAction[] = ['create', 'update', 'assign', 'unassign', 'disable', 'delete'];
  const past: Readonly<Record<string, string>> = { create: 'created', update: 'updated', assign: 'assigned', unassign: 'unassigned', disable: 'disabled', delete: 'deleted' };
  const counts = order.map((a) => [a, changes.filter((c) => c.action === a).length] as const).filter(([, n]) => n > 0);
  const unchanged = changes.filter((c) => c.action === 'unchanged').length;
  const parts = counts.map(([a, n]) => (tense === 'plan' ? `${n} to ${a}` : `${n} ${past[a]}`));
  return `${parts.length > 0 ? parts.join(', ') : 'no changes'}; ${unchanged} unchanged`;
}
