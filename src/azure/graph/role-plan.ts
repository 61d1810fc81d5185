/**
 * What `roles plan` shows and `roles sync` applies: the config's roles and assignments compared
 * with the app registration's `appRoles` and the resource service principal's
 * `appRoleAssignedTo`. Pure: the Graph reads happen before, the writes after.
 *
 * A role is managed by mcp-apim when its id is UUIDv5(ROLE_ID_NAMESPACE, its own value) — the
 * ids `compile` writes to entra/app-roles.json. Every other role is unmanaged: never changed,
 * never removed, and its assignments are never touched, not even with --prune.
 */
import { type Diagnostic, diagnostic } from '../../diagnostics/index.ts';
import { roleId } from '../../plan/uuid.ts';
import type { AppRole, AppRoleAssignment, ServicePrincipal } from './types.ts';

export type ChangeAction = 'create' | 'update' | 'disable' | 'delete' | 'assign' | 'unassign' | 'unchanged';

export interface RoleChange {
  readonly kind: 'role';
  readonly action: 'create' | 'update' | 'disable' | 'delete' | 'unchanged';
  /** The role value. */
  readonly role: string;
  readonly id: string;
  /** The role as it should be after a create or update. */
  readonly desired?: AppRole;
  /** For an update: the members that differ (`isEnabled` when a disabled role comes back). */
  readonly fields?: readonly string[];
  /** A managed role the config no longer has, left in place because --prune was not given. */
  readonly kept?: boolean;
}

export interface AssignmentChange {
  readonly kind: 'assignment';
  readonly action: 'assign' | 'unassign' | 'unchanged';
  readonly role: string;
  readonly roleId: string;
  /** The principal as the config names it, or Graph's display name for one the config lacks. */
  readonly principal: string;
  readonly principalId: string;
  readonly assignmentId?: string;
  /** An assignment the config does not have, left in place because --prune was not given. */
  readonly kept?: boolean;
}

export type Change = RoleChange | AssignmentChange;

/** A config assignment with its principal resolved to a service principal. */
export interface DesiredAssignment {
  readonly principal: ServicePrincipal;
  /** How the config names the principal. */
  readonly label: string;
  /** Role values. */
  readonly roles: readonly string[];
}

export interface PlanInput {
  /** The config's roles in Graph's shape (emit/infra/entra.ts `appRoles`). */
  readonly desired: readonly AppRole[];
  /** The app registration's roles now. */
  readonly current: readonly AppRole[];
  /** The resource service principal's assignments, when they were read. */
  readonly assignments?: readonly AppRoleAssignment[];
  /** The config's assignments, resolved; undefined without --assignments. */
  readonly desiredAssignments?: readonly DesiredAssignment[];
  readonly prune: boolean;
}

export interface RolesPlan {
  /** In the order sync applies them: roles, assignments, then removals (unassign, disable, delete). */
  readonly changes: readonly Change[];
  /** Roles mcp-apim does not manage (left alone). */
  readonly unmanaged: readonly AppRole[];
  /** Conflicts (errors: nothing may be written) and notes about kept roles and assignments. */
  readonly diagnostics: readonly Diagnostic[];
}

/** True when the role's id is the one mcp-apim derives from its value. */
export function isManaged(role: Pick<AppRole, 'id' | 'value'>): boolean {
  return typeof role.value === 'string' && role.id.toLowerCase() === roleId(role.value);
}

export function planRoles(input: PlanInput): RolesPlan {
  const diagnostics: Diagnostic[] = [];
  const current = input.current;
  const byId = new Map(current.map((r) => [r.id.toLowerCase(), r]));
  const desiredIds = new Set(input.desired.map((d) => d.id.toLowerCase()));
  const roleChanges: RoleChange[] = [];
  for (const d of [...input.desired].sort((a, b) => compare(a.value, b.value))) {
    const now = byId.get(d.id.toLowerCase());
    if (now && now.value !== d.value) {
      diagnostics.push(diagnostic('MA8409', `role ${d.value} cannot be created: its id ${d.id} is already used by the app's role ${JSON.stringify(now.value)}, which mcp-apim does not manage; rename or remove that role in the app registration`));
      continue;
    }
    if (now) {
      const fields = differences(now, d);
      roleChanges.push(fields.length === 0 ? { kind: 'role', action: 'unchanged', role: d.value, id: d.id } : { kind: 'role', action: 'update', role: d.value, id: d.id, desired: d, fields });
      continue;
    }
    const holder = current.find((r) => r.value.toLowerCase() === d.value.toLowerCase());
    if (holder) {
      const how = isManaged(holder) ? `the managed role ${JSON.stringify(holder.value)} (role values are unique regardless of case); remove it from the config and sync with --prune first` : `a role mcp-apim does not manage (id ${holder.id}); mcp-apim never takes over such roles: remove or rename it in the app registration`;
      diagnostics.push(diagnostic('MA8408', `role ${d.value} cannot be created: the value is already used by ${how}`));
      continue;
    }
    roleChanges.push({ kind: 'role', action: 'create', role: d.value, id: d.id, desired: d });
  }

  const doomed = current.filter((r) => isManaged(r) && !desiredIds.has(r.id.toLowerCase())).sort((a, b) => compare(a.value, b.value));
  for (const r of doomed) {
    if (!input.prune) {
      roleChanges.push({ kind: 'role', action: 'unchanged', role: r.value, id: r.id, kept: true });
      diagnostics.push(diagnostic('MA8416', `role ${r.value} was created by mcp-apim and is no longer in the config; it is kept (--prune removes it, with its assignments)`));
    }
  }

  const managedIds = new Set([...desiredIds, ...current.filter(isManaged).map((r) => r.id.toLowerCase())]);
  const valueOf = new Map([...current, ...input.desired].map((r) => [r.id.toLowerCase(), r.value]));
  const doomedIds = new Set(input.prune ? doomed.map((r) => r.id.toLowerCase()) : []);
  const managedAssignments = (input.assignments ?? []).filter((a) => managedIds.has(a.appRoleId.toLowerCase()));
  const label = (a: AppRoleAssignment) => a.principalDisplayName || a.principalId;

  const assignmentChanges: AssignmentChange[] = [];
  const removals: AssignmentChange[] = [];
  const wanted = new Map<string, { principal: ServicePrincipal; label: string; value: string; id: string }>();
  for (const d of input.desiredAssignments ?? []) {
    for (const value of d.roles) {
      const id = roleId(value);
      wanted.set(`${d.principal.id.toLowerCase()}|${id}`, { principal: d.principal, label: d.label, value, id });
    }
  }
  const present = new Set<string>();
  for (const a of managedAssignments) {
    const key = `${a.principalId.toLowerCase()}|${a.appRoleId.toLowerCase()}`;
    const role = valueOf.get(a.appRoleId.toLowerCase())!;
    const base = { kind: 'assignment', role, roleId: a.appRoleId.toLowerCase(), principalId: a.principalId, assignmentId: a.id } as const;
    if (doomedIds.has(a.appRoleId.toLowerCase())) {
      removals.push({ ...base, action: 'unassign', principal: label(a) });
    } else if (wanted.has(key)) {
      present.add(key);
      assignmentChanges.push({ ...base, action: 'unchanged', principal: wanted.get(key)!.label });
    } else if (input.desiredAssignments !== undefined) {
      if (input.prune) removals.push({ ...base, action: 'unassign', principal: label(a) });
      else {
        assignmentChanges.push({ ...base, action: 'unchanged', principal: label(a), kept: true });
        diagnostics.push(diagnostic('MA8416', `${label(a)} holds role ${role} but the config's assignments do not give it; the assignment is kept (--prune removes it)`));
      }
    }
  }
  for (const [key, w] of wanted) {
    if (!present.has(key)) assignmentChanges.push({ kind: 'assignment', action: 'assign', role: w.value, roleId: w.id, principal: w.label, principalId: w.principal.id });
  }

  const disables: RoleChange[] = [];
  const deletes: RoleChange[] = [];
  if (input.prune) {
    for (const r of doomed) {
      if (r.isEnabled) disables.push({ kind: 'role', action: 'disable', role: r.value, id: r.id });
      deletes.push({ kind: 'role', action: 'delete', role: r.value, id: r.id });
    }
  }
  const byRoleThenPrincipal = (a: AssignmentChange, b: AssignmentChange) => compare(a.role, b.role) || compare(a.principal, b.principal) || compare(a.principalId, b.principalId);
  return {
    changes: [...roleChanges, ...assignmentChanges.sort(byRoleThenPrincipal), ...removals.sort(byRoleThenPrincipal), ...disables, ...deletes],
    unmanaged: current.filter((r) => !isManaged(r)),
    diagnostics,
  };
}

/** The `--json` form of a change (the shape the issue fixes). */
export function changeJson(c: Change): { action: ChangeAction; kind: 'role' | 'assignment'; role: string; principal: string | null } {
  return { action: c.action, kind: c.kind, role: c.role, principal: c.kind === 'assignment' ? c.principal : null };
}

export function hasChanges(changes: readonly Change[]): boolean {
  return changes.some((c) => c.action !== 'unchanged');
}

/** The members of `now` that differ from `desired` (allowedMemberTypes compared as a set). */
function differences(now: AppRole, desired: AppRole): string[] {
  const fields: string[] = [];
  if (now.displayName !== desired.displayName) fields.push('displayName');
  if ((now.description ?? '') !== desired.description) fields.push('description');
  const types = (r: AppRole) => [...(r.allowedMemberTypes ?? [])].sort().join(',');
  if (types(now) !== types(desired)) fields.push('allowedMemberTypes');
  if (now.isEnabled !== desired.isEnabled) fields.push('isEnabled');
  return fields;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
