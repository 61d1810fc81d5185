/**
 * Reading what `roles plan` and `roles sync` compare: the app registration, its service principal,
 * the assignments of its roles, and the config's principals resolved. Everything here only reads;
 * every problem becomes a diagnostic before any write.
 */
import type { Config } from '../../config/types.ts';
import { type Diagnostic, diagnostic } from '../../diagnostics/index.ts';
import { appRoles } from '../../emit/infra/entra.ts';
import type { Plan } from '../../plan/types.ts';
import type { GraphDirectory } from './directory.ts';
import { formatSeconds, GraphError } from './http.ts';
import { permissionHint } from './permissions.ts';
import { describePrincipal, resolvePrincipal } from './principals.ts';
import { type Change, type DesiredAssignment, isManaged, planRoles, type RolesPlan } from './role-plan.ts';
import type { Application, AppRole, AppRoleAssignment, ServicePrincipal } from './types.ts';
import type { Waiter } from './wait.ts';

export interface RolesContext {
  readonly directory: GraphDirectory;
  readonly waiter: Waiter;
  /** One line of progress for people (stderr). */
  readonly progress: (line: string) => void;
}

/** A roles command that stopped: why, and what it had already changed. */
export class RolesFailure extends Error {
  readonly diagnostics: readonly Diagnostic[];
  readonly applied: readonly Change[];
  constructor(diagnostics: readonly Diagnostic[], applied: readonly Change[] = []) {
    super(diagnostics.map((d) => d.message).join('\n'));
    this.diagnostics = diagnostics;
    this.applied = applied;
  }
}

/** The app registration and its service principal in this tenant (none: nothing can be assigned). */
export interface Target {
  readonly app: Application;
  readonly sp: ServicePrincipal | undefined;
}

/** A Graph failure as the diagnostic people read; a 403 names the permission to grant. */
export function graphDiagnostic(error: GraphError): Diagnostic {
  const what = `${error.call}: ${error.status > 0 ? `${error.status} ` : ''}${error.code}: ${error.message}`;
  switch (error.status) {
    case 403:
      return diagnostic('MA8402', `Microsoft Graph refused ${what}`, undefined, permissionHint(error.operation));
    case 401:
      return diagnostic('MA8403', `Microsoft Graph rejected the access token for ${what}`, undefined, 'the token must be for Microsoft Graph (scope <graph-endpoint>/.default), not for ARM, and unexpired');
    case 429:
      return diagnostic('MA8412', `Microsoft Graph kept throttling ${what}`, undefined, 'run again later, or allow a longer wait with --max-wait');
    case 0:
      return diagnostic('MA8417', `${error.call}: ${error.message}`);
    case -1:
      return diagnostic('MA8418', `${error.call}: ${error.message}`);
    default:
      return diagnostic('MA8413', `Microsoft Graph answered ${what}`);
  }
}

/** Runs `step`, turning a GraphError into a RolesFailure (with the changes made so far). */
export async function graphStep<T>(step: () => Promise<T>, applied: readonly Change[] = []): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof GraphError) throw new RolesFailure([graphDiagnostic(error)], applied);
    throw error;
  }
}

export async function readTarget(ctx: RolesContext, appId: string): Promise<Target> {
  return graphStep(async () => {
    const app = await ctx.directory.application(appId);
    if (!app) throw new RolesFailure([diagnostic('MA8404', `no app registration with application (client) id ${appId} in this tenant`, undefined, 'give the gateway\'s application (client) id, not its object id, with --app')]);
    const sp = await ctx.directory.servicePrincipalByAppId(appId);
    return { app, sp };
  });
}

/** The config's roles in Graph's shape, with the ids compile writes to entra/app-roles.json. */
export function desiredRoles(plan: Plan): AppRole[] {
  return appRoles(plan).map((r) => r as unknown as AppRole);
}

/**
 * Resolves every `assignments:` principal of the config (waiting for ones not visible yet);
 * unknown and ambiguous ones are all reported together, with their place in the config.
 */
export async function resolveAssignments(ctx: RolesContext, config: Config): Promise<DesiredAssignment[]> {
  const resolved: DesiredAssignment[] = [];
  const problems: Diagnostic[] = [];
  for (const [i, a] of config.assignments.entries()) {
    const span = config.locate(`/assignments/${i}/principal`);
    const r = await graphStep(() => resolvePrincipal(ctx.directory, ctx.waiter, a.principal));
    if (r.kind === 'found') resolved.push({ principal: r.principal, label: a.principal, roles: a.roles.map((p) => p.text) });
    else if (r.kind === 'ambiguous') problems.push(ambiguous(a.principal, r.candidates, span));
    else problems.push(missing(a.principal, r.waitedMs, span));
  }
  if (problems.length > 0) throw new RolesFailure(problems);
  return resolved;
}

export function ambiguous(text: string, candidates: readonly ServicePrincipal[], span?: Parameters<typeof diagnostic>[2]): Diagnostic {
  return diagnostic('MA8407', `principal ${JSON.stringify(text)} matches ${candidates.length} service principals: ${candidates.map(describePrincipal).join('; ')}`, span, 'name it by appId or object id instead');
}

export function missing(text: string, waitedMs: number, span?: Parameters<typeof diagnostic>[2]): Diagnostic {
  return diagnostic('MA8406', `no service principal has the appId, object id or display name ${JSON.stringify(text)}${waitedMs > 0 ? ` (waited ${formatSeconds(waitedMs)} for directory replication)` : ''}`, span, 'a new app or managed identity can take a minute to appear; check the name, or allow a longer wait with --max-wait');
}

export interface PrepareOptions {
  readonly appId: string;
  readonly assignments: boolean;
  readonly prune: boolean;
}

/** Everything `plan` shows and `sync` starts from. Reads only. */
export async function prepare(ctx: RolesContext, plan: Plan, options: PrepareOptions): Promise<{ target: Target; rolesPlan: RolesPlan }> {
  const target = await readTarget(ctx, options.appId);
  const desired = desiredRoles(plan);
  const desiredIds = new Set(desired.map((r) => r.id));
  const pruning = options.prune && target.app.appRoles.some((r) => isManaged(r) && !desiredIds.has(r.id.toLowerCase()));
  const wantsAssignments = options.assignments && plan.config.assignments.length > 0;
  if (wantsAssignments && !target.sp) {
    throw new RolesFailure([diagnostic('MA8405', `app ${options.appId} has no service principal (enterprise application) in this tenant, so its roles cannot be assigned`, undefined, `create it, e.g. \`az ad sp create --id ${options.appId}\`, then run again`)]);
  }
  let assignments: AppRoleAssignment[] | undefined;
  if ((options.assignments || pruning) && target.sp) {
    const sp = target.sp;
    assignments = await graphStep(() => ctx.directory.assignedTo(sp.id));
  }
  const desiredAssignments = options.assignments ? await resolveAssignments(ctx, plan.config) : undefined;
  const rolesPlan = planRoles({
    desired,
    current: target.app.appRoles,
    ...(assignments ? { assignments } : {}),
    ...(desiredAssignments ? { desiredAssignments } : {}),
    prune: options.prune,
  });
  return { target, rolesPlan };
}
