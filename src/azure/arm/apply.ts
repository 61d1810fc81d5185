/**
 * The writing half of the deploy: carries out a plan in order (creates and updates by
 * dependency rank, then deletes in reverse), one resource at a time, `If-Match` with the planned
 * ETag on updates and deletes, no request at all for unchanged resources. Retries come from
 * retry.ts; a 412 means the resource moved since the plan: it is read again, and if it now holds
 * what we wanted (our own earlier attempt landed) that is success, otherwise the deploy stops
 * without overwriting someone else's change.
 */
import { type Diagnostic, diagnostic } from '../../diagnostics/index.ts';
import { changedMembers } from './compare.ts';
import { DeployError, failureDiagnostic } from './errors.ts';
import { deleteResource, readResource, writeResource } from './kinds.ts';
import { armCall, type DeployContext, type DeployPlan, type PlannedChange, retryOptions } from './plan.ts';
import { classify, RetriesExhausted, withRetries } from './retry.ts';

export interface ApplyEvents {
  readonly onStart?: (change: PlannedChange) => void;
  readonly onDone?: (change: PlannedChange, attempts: number) => void;
}

export interface ApplyResult {
  readonly ok: boolean;
  /** Write requests that succeeded (a retried write counts once). */
  readonly writes: number;
  readonly done: readonly PlannedChange[];
  readonly failed?: { readonly change: PlannedChange; readonly diagnostic: Diagnostic };
}

const verb = { create: 'create', update: 'update', delete: 'delete', unchanged: 'keep' } as const;

async function attempt(ctx: DeployContext, change: PlannedChange): Promise<number> {
  const io = ctx.io;
  const what = `${verb[change.action]} ${change.path}`;
  const result = await withRetries(async () => {
    if (change.action === 'delete') await deleteResource(ctx.conn, change, change.etag ?? '*', io);
    else await writeResource(ctx.conn, change, { ...change.properties }, change.action === 'update' ? change.etag : undefined, io);
  }, retryOptions(ctx, what));
  return result.attempts;
}

/** After a 412: did the resource end up as we wanted anyway? */
async function converged(ctx: DeployContext, change: PlannedChange): Promise<{ yes: boolean; etag?: string }> {
  const live = await armCall(ctx, `read ${change.path}`, () => readResource(ctx.conn, change));
  if (change.action === 'delete') return { yes: live === undefined };
  if (!live) return { yes: false };
  return { yes: changedMembers(change.kind, change.properties ?? {}, live.properties).length === 0, ...(live.etag !== undefined ? { etag: live.etag } : {}) };
}

export async function applyPlan(ctx: DeployContext, plan: DeployPlan, events: ApplyEvents = {}): Promise<ApplyResult> {
  const done: PlannedChange[] = [];
  let writes = 0;
  for (const change of plan.changes) {
    if (change.action === 'unchanged') continue;
    events.onStart?.(change);
    const what = `${verb[change.action]} ${change.path}`;
    try {
      let attempts: number;
      try {
        attempts = await attempt(ctx, change);
      } catch (error) {
        const failure = error instanceof RetriesExhausted ? error.failure : classify(error);
        if (failure.status !== 412) throw error;
        const check = await converged(ctx, change);
        if (!check.yes) {
          throw new DeployError(
            diagnostic(
              'MA8030',
              `${what}: someone else changed it since it was read (planned ETag ${change.etag ?? 'none'}, now ${check.etag ?? 'gone'}); it was not overwritten`,
              undefined,
              'look at the change in the portal or activity log, then run the deploy again to see a fresh plan',
            ),
          );
        }
        attempts = 1;
      }
      writes++;
      done.push(change);
      events.onDone?.(change, attempts);
    } catch (error) {
      const d = error instanceof DeployError ? error.diagnostic : failureDiagnostic(error, what, ctx.secrets);
      // APIM refuses to delete what something else still uses (a foreign policy including our fragment).
      const refused = change.action === 'delete' && d.code === 'MA8040' && /is used by|ValidationError/i.test(d.message);
      return { ok: false, writes, done, failed: { change, diagnostic: refused ? diagnostic('MA8050', d.message, undefined, 'remove the reference outside mcp-apim first, or run without --prune') : d } };
    }
  }
  return { ok: true, writes, done };
}
