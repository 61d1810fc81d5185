/**
 * Saved plans (`--plan-out`, `--plan`): what would change, where, from which desired state, with
 * the ETag seen for each resource. Never any property values, so never a secret: the desired
 * state is pinned by a digest (secret values left out of it), and applying a saved plan
 * recomputes the desired state from the same config and refuses if the digest, the target or
 * the live state (actions, ETags) moved.
 */
import { createHash } from 'node:crypto';
import { type Diagnostic, diagnostic } from '../../diagnostics/index.ts';
import type { ArmTarget } from './client.ts';
import { type DesiredState, redact } from './desired.ts';
import { type Action, type DeployPlan, type Summary, summarize } from './plan.ts';

export const PLAN_FORMAT = 'mcp-apim/deploy-plan@1';

export interface SavedChange {
  readonly action: Action;
  readonly type: string;
  readonly name: string;
  readonly id: string;
  readonly etag?: string;
  readonly changed?: readonly string[];
}

export interface SavedPlan {
  readonly format: typeof PLAN_FORMAT;
  readonly target: { readonly subscriptionId: string; readonly resourceGroup: string; readonly serviceName: string; readonly endpoint: string };
  readonly desiredDigest: string;
  readonly prune: boolean;
  readonly changes: readonly SavedChange[];
  readonly summary: Summary;
}

/** sha256 of the desired state, with secret values replaced before hashing. */
export function desiredDigest(state: DesiredState): string {
  const canonical = JSON.stringify(state.resources.map((r) => ({ path: r.path, apiVersion: r.apiVersion, properties: sortKeys(r.properties) })));
  return `sha256:${createHash('sha256').update(redact(canonical, state.secrets)).digest('hex')}`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

export function savedChanges(plan: DeployPlan): SavedChange[] {
  return plan.changes.map((c) => ({ action: c.action, type: c.type, name: c.name.join('/'), id: c.id, ...(c.etag !== undefined ? { etag: c.etag } : {}), ...(c.changed.length > 0 ? { changed: c.changed } : {}) }));
}

export function savePlan(plan: DeployPlan, target: ArmTarget, endpoint: string, state: DesiredState): string {
  const saved: SavedPlan = {
    format: PLAN_FORMAT,
    target: { subscriptionId: target.subscriptionId, resourceGroup: target.resourceGroup, serviceName: target.serviceName, endpoint },
    desiredDigest: desiredDigest(state),
    prune: plan.prune,
    changes: savedChanges(plan),
    summary: summarize(plan.changes),
  };
  return `${JSON.stringify(saved, null, 2)}\n`;
}

export function parsePlan(text: string, file: string): SavedPlan | { error: Diagnostic } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: diagnostic('MA8033', `${file} is not JSON: ${(error as Error).message}`) };
  }
  const p = value as Partial<SavedPlan> | null;
  if (!p || p.format !== PLAN_FORMAT || !p.target || typeof p.desiredDigest !== 'string' || !Array.isArray(p.changes) || typeof p.prune !== 'boolean') {
    return { error: diagnostic('MA8033', `${file} is not an mcp-apim deploy plan (expected "format": "${PLAN_FORMAT}"; write one with --what-if --plan-out)`) };
  }
  return p as SavedPlan;
}

/** Refuses a saved plan made for another target, config or parameters. */
export function checkPlanOrigin(saved: SavedPlan, target: ArmTarget, endpoint: string, state: DesiredState): Diagnostic | undefined {
  const t = saved.target;
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (!same(t.subscriptionId, target.subscriptionId) || !same(t.resourceGroup, target.resourceGroup) || !same(t.serviceName, target.serviceName) || !same(t.endpoint, endpoint)) {
    return diagnostic('MA8032', `the plan was made for ${t.serviceName} in ${t.resourceGroup} (subscription ${t.subscriptionId}, ${t.endpoint}), not for ${target.serviceName} in ${target.resourceGroup} (subscription ${target.subscriptionId}, ${endpoint})`);
  }
  if (saved.desiredDigest !== desiredDigest(state)) {
    return diagnostic('MA8032', 'the plan was made from another config or other parameter values than the ones given now', undefined, 'apply with the same config and --parameter values the plan was made with, or make a new plan');
  }
  return undefined;
}

/** Differences between the saved plan and a fresh one: any means the live state moved. */
export function planDrift(saved: SavedPlan, fresh: DeployPlan): string[] {
  const key = (c: { id: string }) => c.id.toLowerCase();
  const now = new Map(savedChanges(fresh).map((c) => [key(c), c]));
  const drift: string[] = [];
  for (const s of saved.changes) {
    const f = now.get(key(s));
    now.delete(key(s));
    if (!f) drift.push(`${s.name}: planned ${s.action}, now nothing to do`);
    else if (f.action !== s.action) drift.push(`${s.name}: planned ${s.action}, now ${f.action}`);
    else if ((f.etag ?? '') !== (s.etag ?? '')) drift.push(`${s.name}: ETag was ${s.etag ?? 'none'}, now ${f.etag ?? 'none'}`);
  }
  for (const f of now.values()) drift.push(`${f.name}: not in the plan, now ${f.action}`);
  return drift;
}
