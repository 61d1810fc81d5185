/**
 * The read-only half of the deploy: GET everything we manage, compare with the desired state,
 * and list create / update / delete / unchanged per resource with the ETag seen
 * (reference/deploy.md §7). Nothing here writes.
 */
import { type Diagnostic, diagnostic } from '../../diagnostics/index.ts';
import type { ArmConnection } from './client.ts';
import { changedMembers } from './compare.ts';
import { APPLY_RANK, type DesiredState, KIND_BY_TYPE, type ResourceType } from './desired.ts';
import { DeployError, failureDiagnostic } from './errors.ts';
import { type IoOptions, readResource, type ResourceRef } from './kinds.ts';
import { findDoomed, type Owner } from './ownership.ts';
import { type ArmFailure, DEFAULT_RETRY, type RetryOptions, withRetries } from './retry.ts';

export type Action = 'create' | 'update' | 'delete' | 'unchanged';

export interface PlannedChange extends ResourceRef {
  readonly action: Action;
  readonly type: ResourceType;
  readonly id: string;
  /** The ETag seen when planning (absent for creates). */
  readonly etag?: string;
  /** Top-level properties that differ (updates). */
  readonly changed: readonly string[];
  /** What to write (creates and updates). */
  readonly properties?: Readonly<Record<string, unknown>>;
}

export interface DeployPlan {
  readonly changes: readonly PlannedChange[];
  readonly warnings: readonly Diagnostic[];
  readonly prune: boolean;
}

export interface Summary {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly unchanged: number;
}

/** Everything the deploy needs to talk to ARM, injected so tests control time. */
export interface DeployContext {
  readonly conn: ArmConnection;
  readonly io: IoOptions;
  readonly random: () => number;
  readonly retry?: Partial<Omit<RetryOptions, 'sleep' | 'random' | 'onRetry'>>;
  /** Values never to print. */
  readonly secrets: readonly string[];
  readonly onRetry?: (what: string, failure: ArmFailure, attempt: number, delayMs: number) => void;
}

export function retryOptions(ctx: DeployContext, what: string): RetryOptions {
  return { ...DEFAULT_RETRY, ...ctx.retry, sleep: ctx.io.sleep, random: ctx.random, onRetry: (f, a, d) => ctx.onRetry?.(what, f, a, d) };
}

/** Runs one ARM call with retries; a failure becomes a DeployError with a clear diagnostic. */
export async function armCall<T>(ctx: DeployContext, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return (await withRetries(fn, retryOptions(ctx, what))).value;
  } catch (error) {
    throw new DeployError(failureDiagnostic(error, what, ctx.secrets));
  }
}

export function summarize(changes: readonly { action: Action }[]): Summary {
  const count = (a: Action) => changes.filter((c) => c.action === a).length;
  return { create: count('create'), update: count('update'), delete: count('delete'), unchanged: count('unchanged') };
}

export function hasChanges(plan: { changes: readonly { action: Action }[] }): boolean {
  return plan.changes.some((c) => c.action !== 'unchanged');
}

/** `Microsoft.ApiManagement/service/apis/operations` → `apis/operations`. */
export function shortType(type: string): string {
  return type.replace(/^Microsoft\.ApiManagement\/service\//, '');
}

export interface PlanOptions {
  readonly prune: boolean;
  readonly owner: Owner;
  /** apim.sku from the config, checked against the instance. */
  readonly expectedSku?: string;
}

export async function planDeployment(ctx: DeployContext, state: DesiredState, options: PlanOptions): Promise<DeployPlan> {
  const { conn } = ctx;
  const warnings: Diagnostic[] = [];
  const service = await (async () => {
    try {
      return await withRetries(() => conn.sdk.apiManagementService.get(conn.target.resourceGroup, conn.target.serviceName), retryOptions(ctx, 'read the service'));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) {
        throw new DeployError(diagnostic('MA8020', `API Management service ${conn.target.serviceName} was not found in resource group ${conn.target.resourceGroup} of subscription ${conn.target.subscriptionId}`));
      }
      throw new DeployError(failureDiagnostic(error, `read service ${conn.target.serviceName}`, ctx.secrets));
    }
  })();
  const sku = service.value.sku?.name;
  if (options.expectedSku && sku && sku.toLowerCase() !== options.expectedSku.toLowerCase()) {
    warnings.push(diagnostic('MA8021', `the instance ${conn.target.serviceName} is ${sku}, but the config says apim.sku: ${options.expectedSku}; the compile-time checks used ${options.expectedSku}'s limits`));
  }

  const ordered = [...state.resources].map((r, i) => ({ r, i })).sort((a, b) => APPLY_RANK[a.r.kind] - APPLY_RANK[b.r.kind] || a.i - b.i).map((x) => x.r);
  const changes: PlannedChange[] = [];
  for (const r of ordered) {
    const live = await armCall(ctx, `read ${r.path}`, () => readResource(conn, r));
    const base = { kind: r.kind, type: r.type, name: r.name, path: r.path, id: r.id, apiVersion: r.apiVersion, properties: r.properties, ...(r.envelope ? { envelope: r.envelope } : {}) };
    if (!live) {
      changes.push({ ...base, action: 'create', changed: [] });
      continue;
    }
    const changed = changedMembers(r.kind, r.properties, live.properties);
    changes.push({ ...base, action: changed.length > 0 ? 'update' : 'unchanged', changed, ...(live.etag !== undefined ? { etag: live.etag } : {}) });
  }

  if (options.prune) {
    const found = await findDoomed(conn, state, options.owner, (fn) => armCall(ctx, 'list resources for --prune', fn));
    for (const path of found.unmarked) warnings.push(diagnostic('MA8051', `${path} is named like an mcp-apim resource but lacks the mcp-apim mark; --prune leaves it alone`));
    const deletes: PlannedChange[] = [];
    for (const d of found.doomed) {
      const live = await armCall(ctx, `read ${d.path}`, () => readResource(conn, d));
      if (!live) continue;
      const type = Object.entries(KIND_BY_TYPE).find(([, k]) => k === d.kind)![0] as ResourceType;
      deletes.push({ ...d, type, id: `${conn.serviceId}/${d.path}`, action: 'delete', changed: [], ...(live.etag !== undefined ? { etag: live.etag } : {}) });
    }
    deletes.sort((a, b) => APPLY_RANK[b.kind] - APPLY_RANK[a.kind]);
    changes.push(...deletes);
  }
  return { changes, warnings, prune: options.prune };
}
