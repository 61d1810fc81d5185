/**
 * The directory behind the loopback Graph server: applications, service principals and app role
 * assignments, with the rules Microsoft Graph v1.0 enforces on them (reference/deploy.md §5):
 * unique role values and ids, `CannotDeleteOrUpdateEnabledEntitlement` when an enabled role is
 * removed or changed, no assignment to an unknown or disabled role, no duplicate assignment.
 *
 * Replication lag is modelled per object: a write is invisible to the next `lag` reads that would
 * show it (a new role, service principal or assignment is missing; a deleted assignment is still
 * listed; an application's roles read as they were before the PATCH).
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface AppRole {
  id: string;
  value: string;
  displayName: string;
  description: string;
  allowedMemberTypes: string[];
  isEnabled: boolean;
  origin: 'Application';
}

export interface Application {
  id: string;
  appId: string;
  displayName: string;
  appRoles: AppRole[];
  /** Tokens (by name) that own the app: `Application.ReadWrite.OwnedBy` lets them PATCH it. */
  owners: string[];
  /** What reads see while a PATCH replicates, and for how many more reads. */
  stale?: { appRoles: AppRole[]; reads: number };
}

export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  servicePrincipalType: 'Application' | 'ManagedIdentity';
  /** Reads that will still miss this principal (replication lag). */
  hiddenReads: number;
}

export interface Assignment {
  id: string;
  appRoleId: string;
  principalId: string;
  principalDisplayName: string;
  principalType: 'ServicePrincipal';
  resourceId: string;
  resourceDisplayName: string;
  createdDateTime: string;
  hiddenReads: number;
}

/** A Graph error: status and the `error.code`/`error.message` of the body. */
export class GraphFault extends Error {
  readonly status: number;
  readonly code: string;
  readonly target: string | undefined;
  constructor(status: number, code: string, message: string, target?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.target = target;
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_ACCESS_ROLE = '00000000-0000-0000-0000-000000000000';

export function isGuid(text: unknown): text is string {
  return typeof text === 'string' && GUID.test(text);
}

export function notFound(key: string): GraphFault {
  return new GraphFault(404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
}

export interface DirectoryOptions {
  /** Reads a write stays invisible for (0: none). */
  lag: number;
  /**
   * Some tenants let an enabled role's displayName and description change in place; by default
   * (as the reports in reference/deploy.md §5 show) any change to an enabled role is refused.
   */
  allowEnabledRoleEdits: boolean;
}

export class Directory {
  readonly applications: Application[] = [];
  readonly servicePrincipals: ServicePrincipal[] = [];
  readonly assignments: Assignment[] = [];
  /** Deleted assignments that lists still show for a few reads. */
  readonly ghosts: Assignment[] = [];
  options: DirectoryOptions;
  private sequence = 0;

  constructor(options: DirectoryOptions) {
    this.options = options;
  }

  // ---- seeding (tests) ----

  addApplication(init: { displayName: string; appId?: string; appRoles?: Partial<AppRole>[]; owners?: string[]; servicePrincipal?: boolean }): { app: Application; sp?: ServicePrincipal } {
    const app: Application = {
      id: randomUUID(),
      appId: init.appId ?? randomUUID(),
      displayName: init.displayName,
      appRoles: (init.appRoles ?? []).map((r) => normalizeRole(r)),
      owners: init.owners ?? [],
    };
    this.applications.push(app);
    const sp = init.servicePrincipal === false ? undefined : this.addServicePrincipal({ appId: app.appId, displayName: app.displayName });
    return sp ? { app, sp } : { app };
  }

  addServicePrincipal(init: { displayName: string; appId?: string; id?: string; type?: 'Application' | 'ManagedIdentity'; hiddenReads?: number }): ServicePrincipal {
    const sp: ServicePrincipal = {
      id: init.id ?? randomUUID(),
      appId: init.appId ?? randomUUID(),
      displayName: init.displayName,
      servicePrincipalType: init.type ?? 'Application',
      hiddenReads: init.hiddenReads ?? 0,
    };
    this.servicePrincipals.push(sp);
    return sp;
  }

  /** Seeds an assignment directly, bypassing the rules (e.g. to a role of another tool). */
  seedAssignment(resource: ServicePrincipal, principal: ServicePrincipal, appRoleId: string): Assignment {
    const a = this.newAssignment(resource, principal, appRoleId);
    a.hiddenReads = 0;
    this.assignments.push(a);
    return a;
  }

  // ---- reads (each call is one "read" for replication lag) ----

  applicationByAppId(appId: string): Application {
    const app = this.applications.find((a) => a.appId.toLowerCase() === appId.toLowerCase());
    if (!app) throw notFound(appId);
    return app;
  }

  applicationById(id: string): Application {
    const app = this.applications.find((a) => a.id.toLowerCase() === id.toLowerCase());
    if (!app) throw notFound(id);
    return app;
  }

  /** The roles a read sees: the pre-PATCH collection while the PATCH replicates. */
  visibleRoles(app: Application): AppRole[] {
    if (app.stale && app.stale.reads > 0) {
      app.stale.reads -= 1;
      const roles = app.stale.appRoles;
      if (app.stale.reads === 0) delete app.stale;
      return roles;
    }
    return app.appRoles;
  }

  /** Service principals a read sees (consumes one read of every hidden one it would have shown). */
  visiblePrincipals(match: (sp: ServicePrincipal) => boolean): ServicePrincipal[] {
    const out: ServicePrincipal[] = [];
    for (const sp of this.servicePrincipals) {
      if (!match(sp)) continue;
      if (sp.hiddenReads > 0) {
        sp.hiddenReads -= 1;
        continue;
      }
      out.push(sp);
    }
    return out;
  }

  principalByAppId(appId: string): ServicePrincipal {
    const [sp] = this.visiblePrincipals((s) => s.appId.toLowerCase() === appId.toLowerCase());
    if (!sp) throw notFound(appId);
    return sp;
  }

  principalById(id: string): ServicePrincipal {
    const [sp] = this.visiblePrincipals((s) => s.id.toLowerCase() === id.toLowerCase());
    if (!sp) throw notFound(id);
    return sp;
  }

  /** The resource's assignments as a list read sees them. */
  listAssignedTo(resourceId: string): Assignment[] {
    this.principalById(resourceId);
    const out: Assignment[] = [];
    for (const a of this.assignments) {
      if (a.resourceId !== resourceId) continue;
      if (a.hiddenReads > 0) a.hiddenReads -= 1;
      else out.push(a);
    }
    for (const ghost of this.ghosts) {
      if (ghost.resourceId !== resourceId) continue;
      ghost.hiddenReads -= 1;
      out.push(ghost);
    }
    this.ghosts.splice(0, this.ghosts.length, ...this.ghosts.filter((g) => g.hiddenReads > 0));
    out.sort((a, b) => a.createdDateTime.localeCompare(b.createdDateTime));
    return out;
  }

  // ---- writes ----

  /** PATCH /applications/{id} with `appRoles`: replaces the whole collection, under Graph's rules. */
  patchAppRoles(app: Application, incoming: unknown): void {
    if (!Array.isArray(incoming)) throw new GraphFault(400, 'Request_BadRequest', "Invalid value specified for property 'appRoles' of resource 'Application'.");
    const next = incoming.map((r, i) => validateRole(r, i));
    const ids = new Set<string>();
    const values = new Set<string>();
    for (const role of next) {
      const value = role.value.toLowerCase();
      if (ids.has(role.id.toLowerCase()) || values.has(value)) {
        throw new GraphFault(400, 'DuplicateValue', 'Request contains a property with duplicate values.', 'appRoles');
      }
      ids.add(role.id.toLowerCase());
      values.add(value);
    }
    for (const old of app.appRoles) {
      if (!old.isEnabled) continue;
      const now = next.find((r) => r.id.toLowerCase() === old.id.toLowerCase());
      if (!now || !this.permittedChange(old, now)) {
        throw new GraphFault(400, 'CannotDeleteOrUpdateEnabledEntitlement', 'Permission (scope or role) cannot be deleted or updated unless disabled first.');
      }
    }
    if (this.options.lag > 0) app.stale = { appRoles: app.appRoles, reads: this.options.lag };
    app.appRoles = next;
  }

  private permittedChange(old: AppRole, now: AppRole): boolean {
    const same = (keys: (keyof AppRole)[]) => keys.every((k) => JSON.stringify(old[k]) === JSON.stringify(now[k]));
    if (same(['value', 'displayName', 'description', 'allowedMemberTypes', 'isEnabled'])) return true;
    // Disabling is the one change an enabled role accepts, and only on its own.
    if (!now.isEnabled) return same(['value', 'displayName', 'description', 'allowedMemberTypes']);
    return this.options.allowEnabledRoleEdits && same(['value', 'allowedMemberTypes']);
  }

  /** POST /servicePrincipals/{id}/appRoleAssignedTo. */
  assign(resource: ServicePrincipal, body: Record<string, unknown>): Assignment {
    const { principalId, resourceId, appRoleId } = body;
    for (const [name, value] of Object.entries({ principalId, resourceId, appRoleId })) {
      if (!isGuid(value)) throw new GraphFault(400, 'Request_BadRequest', `Invalid value specified for property '${name}' of resource 'AppRoleAssignment'.`);
    }
    if ((resourceId as string).toLowerCase() !== resource.id.toLowerCase()) {
      throw new GraphFault(400, 'Request_BadRequest', 'The resourceId of the app role assignment must be the service principal in the request URL.');
    }
    const principal = this.principalById(principalId as string);
    const app = this.applicationByAppId(resource.appId);
    const roleId = (appRoleId as string).toLowerCase();
    if (roleId !== DEFAULT_ACCESS_ROLE) {
      const role = this.visibleRoles(app).find((r) => r.id.toLowerCase() === roleId);
      const current = app.appRoles.find((r) => r.id.toLowerCase() === roleId);
      if (!role || !current || !current.isEnabled) {
        throw new GraphFault(400, 'Request_BadRequest', `Permission being assigned was not found on application '${app.appId}'.`);
      }
      if (!current.allowedMemberTypes.includes('Application')) {
        throw new GraphFault(400, 'Request_BadRequest', 'The app role is not assignable to service principals (allowedMemberTypes does not include Application).');
      }
    }
    const duplicate = this.assignments.some((a) => a.resourceId === resource.id && a.principalId === principal.id && a.appRoleId === roleId);
    if (duplicate) throw new GraphFault(400, 'Request_BadRequest', 'Permission being assigned already exists on the object.');
    const assignment = this.newAssignment(resource, principal, roleId);
    this.assignments.push(assignment);
    return assignment;
  }

  /** DELETE /servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}. */
  unassign(resource: ServicePrincipal, assignmentId: string): void {
    const index = this.assignments.findIndex((a) => a.resourceId === resource.id && a.id === assignmentId);
    if (index < 0) throw notFound(assignmentId);
    const [gone] = this.assignments.splice(index, 1);
    if (this.options.lag > 0) this.ghosts.push({ ...gone!, hiddenReads: this.options.lag });
  }

  private newAssignment(resource: ServicePrincipal, principal: ServicePrincipal, appRoleId: string): Assignment {
    this.sequence += 1;
    return {
      // Graph's assignment ids are opaque base64url strings, not GUIDs.
      id: randomBytes(32).toString('base64url').slice(0, 43),
      appRoleId,
      principalId: principal.id,
      principalDisplayName: principal.displayName,
      principalType: 'ServicePrincipal',
      resourceId: resource.id,
      resourceDisplayName: resource.displayName,
      createdDateTime: new Date(Date.UTC(2025, 0, 1, 0, 0, this.sequence)).toISOString().replace('.000Z', 'Z'),
      hiddenReads: this.options.lag,
    };
  }
}

function normalizeRole(r: Partial<AppRole>): AppRole {
  return {
    id: r.id ?? randomUUID(),
    value: r.value ?? 'Role',
    displayName: r.displayName ?? r.value ?? 'Role',
    description: r.description ?? r.displayName ?? r.value ?? 'Role',
    allowedMemberTypes: r.allowedMemberTypes ?? ['Application'],
    isEnabled: r.isEnabled ?? true,
    origin: 'Application',
  };
}

const ROLE_KEYS = new Set(['id', 'value', 'displayName', 'description', 'allowedMemberTypes', 'isEnabled', 'origin']);

function validateRole(raw: unknown, index: number): AppRole {
  const bad = (why: string) => new GraphFault(400, 'Request_BadRequest', `Invalid value specified for property 'appRoles[${index}]': ${why}`, 'appRoles');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw bad('not an object');
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!ROLE_KEYS.has(key)) throw bad(`unknown property '${key}'`);
  if (!isGuid(r.id)) throw bad('id must be a GUID');
  if (!Array.isArray(r.allowedMemberTypes) || r.allowedMemberTypes.length === 0) {
    throw new GraphFault(400, 'Request_BadRequest', `App role with identifier '${r.id}' must have at least one value specified for 'allowedMemberTypes'.`);
  }
  if (!r.allowedMemberTypes.every((t) => t === 'User' || t === 'Application')) throw bad("allowedMemberTypes takes 'User' and 'Application'");
  if (typeof r.value !== 'string' || r.value.length === 0 || r.value.length > 120 || /\s/.test(r.value) || r.value.startsWith('.')) {
    throw bad('value must be 1–120 characters, without spaces, not starting with a dot');
  }
  if (typeof r.displayName !== 'string' || typeof r.description !== 'string') throw bad('displayName and description are strings');
  if (typeof r.isEnabled !== 'boolean') throw bad('isEnabled is a boolean');
  if (r.origin !== undefined && r.origin !== 'Application') throw bad("origin is read-only ('Application')");
  return {
    id: r.id.toLowerCase(),
    value: r.value,
    displayName: r.displayName,
    description: r.description,
    allowedMemberTypes: [...(r.allowedMemberTypes as string[])],
    isEnabled: r.isEnabled,
    origin: 'Application',
  };
}
