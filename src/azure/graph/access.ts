/**
 * `roles grant`, `roles revoke` and `roles list`: one principal's assignments of config roles,
 * idempotent both ways (granting twice is one assignment, revoking what is absent succeeds).
 */
import { diagnostic } from '../../diagnostics/index.ts';
import { roleId } from '../../plan/uuid.ts';
import { isAlreadyAssigned, isNotYetVisible } from './directory.ts';
import { formatSeconds, GraphError } from './http.ts';
import { resolvePrincipal } from './principals.ts';
import { type AssignmentChange, isManaged } from './role-plan.ts';
import { ambiguous, graphStep, missing, readTarget, type RolesContext, RolesFailure } from './session.ts';
import type { AppRole, ServicePrincipal } from './types.ts';
import { waitFor } from './wait.ts';

export async function grantRoles(ctx: RolesContext, appId: string, principalText: string, values: readonly string[]): Promise<AssignmentChange[]> {
  const target = await readTarget(ctx, appId);
  const sp = target.sp;
  if (!sp) throw new RolesFailure([diagnostic('MA8405', `app ${appId} has no service principal (enterprise application) in this tenant, so its roles cannot be assigned`, undefined, `create it, e.g. \`az ad sp create --id ${appId}\``)]);
  const principal = await resolveOne(ctx, principalText);
  const changes: AssignmentChange[] = [];
  for (const value of values) {
    const id = roleId(value);
    await assignableRole(ctx, appId, target.app.appRoles, value, id);
    const base = { kind: 'assignment', role: value, roleId: id, principal: principalText, principalId: principal.id } as const;
    const held = (await graphStep(() => ctx.directory.assignedTo(sp.id))).find((a) => a.principalId.toLowerCase() === principal.id.toLowerCase() && a.appRoleId.toLowerCase() === id);
    if (held) {
      changes.push({ ...base, action: 'unchanged', assignmentId: held.id });
      continue;
    }
    let last: unknown;
    const result = await graphStep(() =>
      waitFor(ctx.waiter, `role ${value} to be assignable to ${principalText}`, async () => {
        try {
          return { created: await ctx.directory.assign(sp.id, principal.id, id) };
        } catch (error) {
          if (isAlreadyAssigned(error)) return { created: undefined };
          if (!isNotYetVisible(error)) throw error;
          last = error;
          return undefined;
        }
      }),
    );
    if (!result.ok) {
      throw new RolesFailure([diagnostic(last instanceof GraphError && last.status === 404 ? 'MA8406' : 'MA8415', `${value} could not be assigned to ${principalText} after ${formatSeconds(result.waitedMs)}: ${last instanceof Error ? last.message : 'not visible yet'}`, undefined, 'allow a longer wait with --max-wait, or run again later')]);
    }
    const created = result.value.created;
    changes.push(created ? { ...base, action: 'assign', assignmentId: created.id } : { ...base, action: 'unchanged' });
    ctx.progress(created ? `assigned ${value} to ${principalText}` : `${principalText} already held ${value}`);
  }
  return changes;
}

export async function revokeRoles(ctx: RolesContext, appId: string, principalText: string, values: readonly string[]): Promise<AssignmentChange[]> {
  const target = await readTarget(ctx, appId);
  const principal = await resolveOne(ctx, principalText);
  const sp = target.sp;
  const assignments = sp ? await graphStep(() => ctx.directory.assignedTo(sp.id)) : [];
  const changes: AssignmentChange[] = [];
  for (const value of values) {
    const id = roleId(value);
    const base = { kind: 'assignment', role: value, roleId: id, principal: principalText, principalId: principal.id } as const;
    const held = assignments.filter((a) => a.principalId.toLowerCase() === principal.id.toLowerCase() && a.appRoleId.toLowerCase() === id);
    if (held.length === 0) changes.push({ ...base, action: 'unchanged' });
    for (const a of held) {
      await graphStep(() => ctx.directory.unassign(sp!.id, a.id));
      changes.push({ ...base, action: 'unassign', assignmentId: a.id });
      ctx.progress(`removed ${value} from ${principalText}`);
    }
  }
  return changes;
}

export interface RoleListing {
  readonly app: { readonly id: string; readonly appId: string; readonly displayName: string | null };
  readonly roles: readonly { value: string; id: string; displayName: string; description: string; isEnabled: boolean; managed: boolean; inConfig: boolean }[];
  readonly assignments: readonly { id: string; role: string | null; roleId: string; principal: string; principalId: string; principalType: string | null }[];
}

export async function listRoles(ctx: RolesContext, appId: string, configValues: readonly string[]): Promise<RoleListing> {
  const target = await readTarget(ctx, appId);
  const sp = target.sp;
  const assignments = sp ? await graphStep(() => ctx.directory.assignedTo(sp.id)) : [];
  const roles = [...target.app.appRoles].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return {
    app: { id: target.app.id, appId: target.app.appId, displayName: target.app.displayName ?? null },
    roles: roles.map((r) => ({ value: r.value, id: r.id, displayName: r.displayName, description: r.description, isEnabled: r.isEnabled, managed: isManaged(r), inConfig: isManaged(r) && configValues.includes(r.value) })),
    assignments: assignments
      .map((a) => ({ id: a.id, role: roles.find((r) => r.id.toLowerCase() === a.appRoleId.toLowerCase())?.value ?? null, roleId: a.appRoleId, principal: a.principalDisplayName || a.principalId, principalId: a.principalId, principalType: a.principalType ?? null }))
      .sort((a, b) => (a.role ?? '').localeCompare(b.role ?? '') || a.principal.localeCompare(b.principal) || a.principalId.localeCompare(b.principalId)),
  };
}

async function resolveOne(ctx: RolesContext, text: string): Promise<ServicePrincipal> {
  const r = await graphStep(() => resolvePrincipal(ctx.directory, ctx.waiter, text));
  if (r.kind === 'ambiguous') throw new RolesFailure([ambiguous(text, r.candidates)]);
  if (r.kind === 'missing') throw new RolesFailure([missing(text, r.waitedMs)]);
  return r.principal;
}

/** Waits until the app shows the managed role `id` enabled; a clear error otherwise. */
async function assignableRole(ctx: RolesContext, appId: string, first: readonly AppRole[], value: string, id: string): Promise<void> {
  let roles: readonly AppRole[] | undefined = first;
  const waited = await graphStep(() =>
    waitFor(ctx.waiter, `role ${value} to show on the app`, async () => {
      roles ??= (await ctx.directory.application(appId))?.appRoles ?? [];
      const role: AppRole | undefined = roles.find((r) => r.id.toLowerCase() === id);
      roles = undefined;
      return role?.isEnabled ? role : undefined;
    }),
  );
  if (waited.ok) return;
  const latest = (await graphStep(() => ctx.directory.application(appId)))?.appRoles ?? [];
  const role = latest.find((r) => r.id.toLowerCase() === id);
  const holder = latest.find((r) => r.value === value);
  const why = role ? 'is disabled' : holder ? `is held by a role mcp-apim does not manage (id ${holder.id})` : `is not on it (waited ${formatSeconds(waited.waitedMs)})`;
  throw new RolesFailure([diagnostic('MA8415', `role ${value} of the config cannot be assigned: on app ${appId} it ${why}`, undefined, role || !holder ? 'run `mcp-apim roles sync` first' : undefined)]);
}
