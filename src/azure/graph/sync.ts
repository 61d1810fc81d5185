/**
 * `roles sync`: applies a RolesPlan in the order Graph requires (reference/deploy.md §5):
 *
 * 1. one PATCH of the whole appRoles collection with the new and updated managed roles (every
 *    other role sent back as it is); if Graph refuses to change an enabled role, and only with
 *    --allow-disable: a PATCH that disables those roles, then the PATCH with the updates;
 * 2. the config's assignments (retried while a new role or principal replicates);
 * 3. removals: assignments first, then a PATCH disabling the doomed roles, then one without them.
 *
 * Each PATCH is verified by reading the app until it shows the write, so the next step never
 * starts from a stale collection, and a removal is verified before the role is disabled.
 */
import { diagnostic } from '../../diagnostics/index.ts';
import { isAlreadyAssigned, isNotYetVisible } from './directory.ts';
import { formatSeconds, GraphError } from './http.ts';
import type { AssignmentChange, Change, RoleChange, RolesPlan } from './role-plan.ts';
import { graphDiagnostic, graphStep, type RolesContext, RolesFailure, type Target } from './session.ts';
import type { AppRole } from './types.ts';
import { waitFor } from './wait.ts';

export interface SyncOptions {
  /** Allow disable → update → enable for enabled roles Graph refuses to change in place. */
  readonly allowDisable: boolean;
}

/** Applies the plan; returns its changes as applied (an assignment found existing is `unchanged`). */
export async function applyPlan(ctx: RolesContext, target: Target, plan: RolesPlan, options: SyncOptions): Promise<Change[]> {
  const applied: Change[] = [];
  const outcome = new Map<Change, Change>();
  const done = (c: Change, as: Change = c) => {
    applied.push(as);
    outcome.set(c, as);
  };
  const fail = (...args: Parameters<typeof diagnostic>) => new RolesFailure([diagnostic(...args)], [...applied]);
  let roles = target.app.appRoles;
  const appId = target.app.appId;

  const writes = plan.changes.filter((c): c is RoleChange => c.kind === 'role' && (c.action === 'create' || c.action === 'update'));
  if (writes.length > 0) {
    const next = withWrites(roles, writes);
    try {
      await ctx.directory.patchAppRoles(target.app.id, next);
    } catch (error) {
      if (!(error instanceof GraphError && error.code === 'CannotDeleteOrUpdateEnabledEntitlement')) throw asFailure(error, applied);
      const enabled = writes.filter((w) => w.action === 'update' && roles.find((r) => sameId(r, w.id))?.isEnabled);
      const names = enabled.map((w) => w.role).join(', ');
      if (!options.allowDisable) {
        throw fail('MA8410', `Microsoft Graph refuses to update the enabled role${enabled.length === 1 ? '' : 's'} ${names} in place (CannotDeleteOrUpdateEnabledEntitlement); nothing was changed`, undefined, 'rerun with --allow-disable to disable, update and re-enable them: while disabled (seconds), the roles are left out of newly issued tokens');
      }
      ctx.progress(`disabling ${names} to update ${enabled.length === 1 ? 'it' : 'them'} (--allow-disable)`);
      const disabled = roles.map((r) => (enabled.some((w) => sameId(r, w.id)) ? { ...r, isEnabled: false } : r));
      await graphStep(() => ctx.directory.patchAppRoles(target.app.id, disabled), applied);
      roles = await verifyRoles(ctx, appId, disabled, enabled.map((w) => w.id), applied);
      await graphStep(() => ctx.directory.patchAppRoles(target.app.id, withWrites(roles, writes)), applied);
    }
    roles = await verifyRoles(ctx, appId, next, writes.map((w) => w.id), applied);
    for (const w of writes) done(w);
    ctx.progress(`appRoles: ${writes.map((w) => `${w.action === 'create' ? 'created' : 'updated'} ${w.role}`).join(', ')}`);
  }

  const assigns = plan.changes.filter((c): c is AssignmentChange => c.kind === 'assignment' && c.action === 'assign');
  if (assigns.length > 0 && !target.sp) throw fail('MA8405', `app ${appId} has no service principal in this tenant, so its roles cannot be assigned`);
  for (const a of assigns) {
    let last: unknown;
    const result = await graphStep(
      () =>
        waitFor(ctx.waiter, `role ${a.role} to be assignable to ${a.principal}`, async () => {
          try {
            await ctx.directory.assign(target.sp!.id, a.principalId, a.roleId);
            return 'assigned' as const;
          } catch (error) {
            if (isAlreadyAssigned(error)) return 'existed' as const;
            if (!isNotYetVisible(error)) throw error;
            last = error;
            return undefined;
          }
        }),
      applied,
    );
    if (!result.ok) {
      const principalMissing = last instanceof GraphError && last.status === 404;
      throw principalMissing
        ? fail('MA8406', `${a.principal} (${a.principalId}) is still unknown to Graph after ${formatSeconds(result.waitedMs)}; role ${a.role} was not assigned`, undefined, 'allow a longer wait with --max-wait, or run sync again later')
        : fail('MA8415', `role ${a.role} is still not assignable on app ${appId} after ${formatSeconds(result.waitedMs)} (${last instanceof Error ? last.message : 'not found'})`, undefined, 'allow a longer wait with --max-wait, or run sync again later');
    }
    done(a, result.value === 'assigned' ? a : { ...a, action: 'unchanged' });
    ctx.progress(result.value === 'assigned' ? `assigned ${a.role} to ${a.principal}` : `${a.principal} already held ${a.role}`);
  }

  const unassigns = plan.changes.filter((c): c is AssignmentChange => c.kind === 'assignment' && c.action === 'unassign');
  if (unassigns.length > 0) {
    for (const u of unassigns) {
      await graphStep(() => ctx.directory.unassign(target.sp!.id, u.assignmentId!), applied);
      ctx.progress(`removed ${u.role} from ${u.principal}`);
    }
    const gone = new Set(unassigns.map((u) => u.assignmentId!));
    const verified = await graphStep(() => waitFor(ctx.waiter, 'the removed assignments to disappear', async () => ((await ctx.directory.assignedTo(target.sp!.id)).some((a) => gone.has(a.id)) ? undefined : true)), applied);
    if (!verified.ok) throw fail('MA8411', `Graph still lists removed assignments after ${formatSeconds(verified.waitedMs)}; roles were not disabled or removed`, undefined, 'run sync --prune again later');
    for (const u of unassigns) done(u);
  }

  const disables = plan.changes.filter((c): c is RoleChange => c.kind === 'role' && c.action === 'disable');
  if (disables.length > 0) {
    const next = roles.map((r) => (disables.some((d) => sameId(r, d.id)) ? { ...r, isEnabled: false } : r));
    await graphStep(() => ctx.directory.patchAppRoles(target.app.id, next), applied);
    roles = await verifyRoles(ctx, appId, next, disables.map((d) => d.id), applied);
    for (const d of disables) done(d);
    ctx.progress(`disabled ${disables.map((d) => d.role).join(', ')}`);
  }

  const deletes = plan.changes.filter((c): c is RoleChange => c.kind === 'role' && c.action === 'delete');
  if (deletes.length > 0) {
    const next = roles.filter((r) => !deletes.some((d) => sameId(r, d.id)));
    await graphStep(() => ctx.directory.patchAppRoles(target.app.id, next), applied);
    roles = await verifyRoles(ctx, appId, next, deletes.map((d) => d.id), applied);
    for (const d of deletes) done(d);
    ctx.progress(`removed ${deletes.map((d) => d.role).join(', ')}`);
  }

  return plan.changes.map((c) => outcome.get(c) ?? c);
}

/** The collection with created roles appended and updated ones replaced (unmanaged ones as they are). */
function withWrites(roles: readonly AppRole[], writes: readonly RoleChange[]): AppRole[] {
  const updated = roles.map((r) => writes.find((w) => w.action === 'update' && sameId(r, w.id))?.desired ?? r);
  return [...updated, ...writes.filter((w) => w.action === 'create').map((w) => w.desired!)];
}

/**
 * Reads the app until the roles in `ids` are as in `expected` (present with the same members, or
 * absent), and returns what it read.
 */
async function verifyRoles(ctx: RolesContext, appId: string, expected: readonly AppRole[], ids: readonly string[], applied: readonly Change[]): Promise<readonly AppRole[]> {
  const matches = (read: readonly AppRole[]) =>
    ids.every((id) => {
      const want = expected.find((r) => sameId(r, id));
      const got = read.find((r) => sameId(r, id));
      if (!want) return got === undefined;
      return got !== undefined && got.value === want.value && got.displayName === want.displayName && got.description === want.description && got.isEnabled === want.isEnabled && [...got.allowedMemberTypes].sort().join() === [...want.allowedMemberTypes].sort().join();
    });
  const result = await graphStep(
    () =>
      waitFor(ctx.waiter, 'the app registration to show the change', async () => {
        const app = await ctx.directory.application(appId);
        return app && matches(app.appRoles) ? app.appRoles : undefined;
      }),
    applied,
  );
  if (!result.ok) {
    throw new RolesFailure([diagnostic('MA8411', `Graph accepted the change to app ${appId} but does not show it after ${formatSeconds(result.waitedMs)}; the next steps were not run`, undefined, 'run the same command again in a minute: it starts from what Graph shows then')], applied);
  }
  return result.value;
}

function sameId(role: Pick<AppRole, 'id'>, id: string): boolean {
  return role.id.toLowerCase() === id.toLowerCase();
}

function asFailure(error: unknown, applied: readonly Change[]): unknown {
  return error instanceof GraphError ? new RolesFailure([graphDiagnostic(error)], applied) : error;
}

