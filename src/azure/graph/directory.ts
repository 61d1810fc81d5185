/**
 * The Graph calls mcp-apim makes for app roles (reference/deploy.md §5), typed. Each one names
 * its operation so a 403 can say which permission is missing.
 */
import { GraphError, type GraphHttp } from './http.ts';
import { type Application, type AppRole, type AppRoleAssignment, GUID, type ServicePrincipal } from './types.ts';

/** The appRole members PATCH sends: everything but the read-only `origin`. */
const WRITABLE_ROLE_KEYS = ['id', 'value', 'displayName', 'description', 'allowedMemberTypes', 'isEnabled'] as const;

export class GraphDirectory {
  readonly http: GraphHttp;

  constructor(http: GraphHttp) {
    this.http = http;
  }

  /** The app registration by application (client) id; undefined when Graph does not know it. */
  async application(appId: string): Promise<Application | undefined> {
    const body = await absentOn404(this.http.call('read-application', 'GET', `/applications(appId='${quote(appId)}')?$select=id,appId,displayName,appRoles`));
    if (body === undefined) return undefined;
    const app = body as Partial<Application>;
    if (typeof app.id !== 'string' || !Array.isArray(app.appRoles)) throw unusable('read-application', 'GET', '/applications', 'an application without id or appRoles');
    return { id: app.id, appId: app.appId ?? appId, ...(app.displayName ? { displayName: app.displayName } : {}), appRoles: app.appRoles };
  }

  /** Replaces the app's whole `appRoles` collection (Graph has no per-role write). */
  async patchAppRoles(objectId: string, roles: readonly AppRole[]): Promise<void> {
    const appRoles = roles.map((r) => Object.fromEntries(WRITABLE_ROLE_KEYS.map((k) => [k, r[k]])));
    await this.http.call('update-application', 'PATCH', `/applications/${objectId}`, { appRoles });
  }

  async servicePrincipalByAppId(appId: string): Promise<ServicePrincipal | undefined> {
    return principal(await absentOn404(this.http.call('read-principals', 'GET', `/servicePrincipals(appId='${quote(appId)}')?$select=id,appId,displayName,servicePrincipalType`)));
  }

  async servicePrincipalById(id: string): Promise<ServicePrincipal | undefined> {
    if (!GUID.test(id)) return undefined;
    return principal(await absentOn404(this.http.call('read-principals', 'GET', `/servicePrincipals/${id}?$select=id,appId,displayName,servicePrincipalType`)));
  }

  async servicePrincipalsByDisplayName(name: string): Promise<ServicePrincipal[]> {
    const filter = encodeURIComponent(`displayName eq '${quote(name)}'`);
    const found = await this.http.list<unknown>('read-principals', `/servicePrincipals?$filter=${filter}&$select=id,appId,displayName,servicePrincipalType`);
    return found.map((sp) => principal(sp)!);
  }

  /** Every assignment of the resource service principal's app roles. */
  assignedTo(resourceId: string): Promise<AppRoleAssignment[]> {
    return this.http.list<AppRoleAssignment>('read-assignments', `/servicePrincipals/${resourceId}/appRoleAssignedTo`);
  }

  async assign(resourceId: string, principalId: string, appRoleId: string): Promise<AppRoleAssignment> {
    const { body } = await this.http.call('write-assignments', 'POST', `/servicePrincipals/${resourceId}/appRoleAssignedTo`, { principalId, resourceId, appRoleId });
    const a = body as Partial<AppRoleAssignment> | undefined;
    if (typeof a?.id !== 'string') throw unusable('write-assignments', 'POST', `/servicePrincipals/${resourceId}/appRoleAssignedTo`, 'a created assignment without an id');
    return a as AppRoleAssignment;
  }

  /** Deletes an assignment; false when it was already gone. */
  async unassign(resourceId: string, assignmentId: string): Promise<boolean> {
    const gone = await absentOn404(this.http.call('write-assignments', 'DELETE', `/servicePrincipals/${resourceId}/appRoleAssignedTo/${encodeURIComponent(assignmentId)}`));
    return gone !== undefined;
  }
}

/** Graph's answer to an assignment that already exists (POST is then a success for us). */
export function isAlreadyAssigned(error: unknown): boolean {
  return error instanceof GraphError && error.status === 400 && /already exists/i.test(error.message);
}

/**
 * Errors that mean "not visible yet" while the directory replicates: the principal (404) or the
 * role ("Permission being assigned was not found") of an assignment.
 */
export function isNotYetVisible(error: unknown): boolean {
  return error instanceof GraphError && (error.status === 404 || (error.status === 400 && /was not found/i.test(error.message)));
}

async function absentOn404(call: Promise<{ body: unknown }>): Promise<unknown> {
  try {
    return (await call).body ?? null;
  } catch (error) {
    if (error instanceof GraphError && error.status === 404) return undefined;
    throw error;
  }
}

function principal(body: unknown): ServicePrincipal | undefined {
  if (body === undefined) return undefined;
  const sp = body as Partial<ServicePrincipal>;
  if (typeof sp?.id !== 'string' || typeof sp.appId !== 'string') throw unusable('read-principals', 'GET', '/servicePrincipals', 'a service principal without id or appId');
  return { id: sp.id, appId: sp.appId, displayName: sp.displayName ?? '', ...(sp.servicePrincipalType ? { servicePrincipalType: sp.servicePrincipalType } : {}) };
}

/** OData string literal content: a quote is doubled. */
function quote(text: string): string {
  return text.replace(/'/g, "''");
}

function unusable(operation: 'read-application' | 'read-principals' | 'write-assignments', method: string, path: string, what: string): GraphError {
  return new GraphError({ status: -1, code: 'UnusableResponse', message: `Graph sent ${what}`, method, path, operation });
}
