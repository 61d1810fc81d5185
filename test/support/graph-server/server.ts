/**
 * A loopback Microsoft Graph v1.0 server for the roles tests: the application, service-principal
 * and appRoleAssignedTo routes with Graph's JSON shapes (`@odata.context`, `value`,
 * `@odata.nextLink` paging, `{"error":{"code","message","innerError"}}` bodies), bearer tokens that
 * carry application permissions (403 `Authorization_RequestDenied` without them), replication lag
 * (see model.ts) and injected faults such as 429 with `Retry-After`. Every request is logged so
 * tests can assert the order of writes and that a converged sync sends none.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Application, type Assignment, Directory, type DirectoryOptions, GraphFault, isGuid, type ServicePrincipal } from './model.ts';

export { GraphFault } from './model.ts';
export type { AppRole, Application, Assignment, ServicePrincipal } from './model.ts';

/** What a bearer token may do: its application permissions, and the apps (by appId) it owns. */
export interface TokenGrant {
  readonly permissions: readonly string[];
  readonly owns?: readonly string[];
}

export interface GraphServerOptions extends Partial<DirectoryOptions> {
  /** Bearer tokens the server accepts (default: TEST_TOKEN with every permission the tool needs). */
  readonly tokens?: Readonly<Record<string, TokenGrant>>;
  /** Items per page when the client sends no smaller `$top` (default 100, as Graph). */
  readonly pageSize?: number;
  /** Origin written into `@odata.nextLink` (default: the server's own), to test foreign links. */
  readonly nextLinkOrigin?: string;
}

export interface LoggedRequest {
  readonly method: string;
  /** Path and query, e.g. `/v1.0/applications(appId='…')?$select=id`. */
  readonly url: string;
  readonly body: unknown;
  readonly status: number;
}

interface Fault {
  remaining: number;
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly match: (method: string, url: string) => boolean;
}

export const TEST_TOKEN = 'graph-test-token';
export const ALL_PERMISSIONS = ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'] as const;

const READ_APPS = ['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All'];
const PAGE_MAX = 999;

export class GraphServer {
  readonly directory: Directory;
  readonly log: LoggedRequest[] = [];
  private readonly server: Server;
  private readonly tokens: Readonly<Record<string, TokenGrant>>;
  private readonly pageSize: number;
  private readonly nextLinkOrigin: string | undefined;
  private readonly pages = new Map<string, { items: unknown[]; top: number; path: string; context: string }>();
  private readonly faults: Fault[] = [];
  private port = 0;

  private constructor(options: GraphServerOptions) {
    this.directory = new Directory({ lag: options.lag ?? 0, allowEnabledRoleEdits: options.allowEnabledRoleEdits ?? false });
    this.tokens = options.tokens ?? { [TEST_TOKEN]: { permissions: ALL_PERMISSIONS } };
    this.pageSize = options.pageSize ?? 100;
    this.nextLinkOrigin = options.nextLinkOrigin;
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(options: GraphServerOptions = {}): Promise<GraphServer> {
    const graph = new GraphServer(options);
    await new Promise<void>((resolve) => graph.server.listen(0, '127.0.0.1', resolve));
    graph.port = (graph.server.address() as AddressInfo).port;
    return graph;
  }

  /** `http://127.0.0.1:<port>`: what `--graph-endpoint` takes. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The next `count` matching requests get 429 with `Retry-After: <seconds>`. */
  throttle(count: number, retryAfterSeconds: number, match: (method: string, url: string) => boolean = () => true): void {
    this.fail(count, 429, 'TooManyRequests', 'Too many requests, retry after some time.', { 'retry-after': String(retryAfterSeconds) }, match);
  }

  /** The next `count` matching requests fail with this status and error body. */
  fail(count: number, status: number, code: string, message: string, headers: Record<string, string> = {}, match: (method: string, url: string) => boolean = () => true): void {
    this.faults.push({ remaining: count, status, code, message, headers, match });
  }

  /** Writes (PATCH, POST, DELETE) in the log, as `METHOD path` lines. */
  writes(): string[] {
    return this.log.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.url}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', this.origin);
    const text = await readBody(req);
    let body: unknown;
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      this.log.push({ method, url: decodeURIComponent(url.pathname + url.search), body, status });
      const requestId = randomUUID();
      res.writeHead(status, { 'request-id': requestId, 'client-request-id': requestId, ...(payload === undefined ? {} : { 'content-type': 'application/json;odata.metadata=minimal;charset=utf-8' }), ...headers });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    const sendError = (status: number, code: string, message: string, headers: Record<string, string> = {}, target?: string) => {
      const requestId = randomUUID();
      send(status, { error: { code, message, ...(target ? { details: [{ code, message, target }] } : {}), innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': requestId } } }, headers);
    };
    try {
      if (text.length > 0) {
        try {
          body = JSON.parse(text);
        } catch {
          return sendError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
        }
      }
      const fault = this.faults.find((f) => f.remaining > 0 && f.match(method, url.pathname + url.search));
      if (fault) {
        fault.remaining -= 1;
        return sendError(fault.status, fault.code, fault.message, { ...fault.headers });
      }
      const grant = this.authenticate(req.headers.authorization);
      if (typeof grant === 'string') return sendError(401, 'InvalidAuthenticationToken', grant);
      if (!url.pathname.startsWith('/v1.0/')) return sendError(400, 'BadRequest', `Invalid version: ${url.pathname.split('/')[1] ?? ''}`);
      const result = this.route(method, url, body, grant);
      send(result.status, result.payload);
    } catch (error) {
      if (error instanceof GraphFault) return sendError(error.status, error.code, error.message, {}, error.target);
      sendError(500, 'InternalServerError', (error as Error).message);
    }
  }

  private authenticate(header: string | undefined): TokenGrant | string {
    if (!header) return 'Access token is empty.';
    const match = /^Bearer (.+)$/.exec(header);
    const grant = match ? this.tokens[match[1]!] : undefined;
    return grant ?? 'Access token validation failure. Invalid audience.';
  }

  private route(method: string, url: URL, body: unknown, grant: TokenGrant): { status: number; payload?: unknown } {
    const path = decodeURIComponent(url.pathname.slice('/v1.0'.length));
    const dir = this.directory;
    const skip = url.searchParams.get('$skiptoken');
    if (skip !== null && method === 'GET') return this.nextPage(skip);

    let m = /^\/applications(?:\(appId='([^']*)'\)|\/([^/]+))$/i.exec(path);
    if (m) {
      const find = () => (m![1] !== undefined ? dir.applicationByAppId(m![1]) : dir.applicationById(objectId(m![2]!)));
      if (method === 'GET') {
        const app = find();
        authorize(grant, [...READ_APPS.map((p) => [p]), ...(grant.owns?.includes(app.appId) ? [['Application.ReadWrite.OwnedBy']] : [])]);
        return { status: 200, payload: select(url, { '@odata.context': `${this.origin}/v1.0/$metadata#applications/$entity`, ...applicationJson(app, dir.visibleRoles(app)) }) };
      }
      if (method === 'PATCH') {
        const app = find();
        authorize(grant, [['Application.ReadWrite.All'], ...(grant.owns?.includes(app.appId) ? [['Application.ReadWrite.OwnedBy']] : [])]);
        if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new GraphFault(400, 'BadRequest', 'Empty Payload. JSON content expected.');
        for (const key of Object.keys(body)) {
          if (key !== 'appRoles') throw new GraphFault(400, 'Request_BadRequest', `This test server only PATCHes appRoles, not '${key}'.`);
        }
        dir.patchAppRoles(app, (body as Record<string, unknown>).appRoles);
        return { status: 204 };
      }
    }

    m = /^\/servicePrincipals(?:\(appId='([^']*)'\)|\/([^/]+))(\/appRoleAssignedTo(?:\/([^/]+))?)?$/i.exec(path);
    if (m) {
      const [, appId, id, assignedTo, assignmentId] = m;
      const sp = appId !== undefined ? dir.principalByAppId(appId) : dir.principalById(objectId(id!));
      if (!assignedTo) {
        if (method !== 'GET') throw methodNotAllowed(method);
        authorize(grant, READ_APPS.map((p) => [p]));
        return { status: 200, payload: { '@odata.context': `${this.origin}/v1.0/$metadata#servicePrincipals/$entity`, ...this.principalJson(sp) } };
      }
      if (method === 'GET' && assignmentId === undefined) {
        authorize(grant, [...READ_APPS, 'AppRoleAssignment.ReadWrite.All'].map((p) => [p]));
        return this.firstPage(url, path, `servicePrincipals('${sp.id}')/appRoleAssignedTo`, dir.listAssignedTo(sp.id).map(assignmentJson));
      }
      if (method === 'POST' && assignmentId === undefined) {
        authorize(grant, READ_APPS.map((p) => ['AppRoleAssignment.ReadWrite.All', p]));
        if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new GraphFault(400, 'BadRequest', 'Empty Payload. JSON content expected.');
        const created = dir.assign(sp, body as Record<string, unknown>);
        return { status: 201, payload: { '@odata.context': `${this.origin}/v1.0/$metadata#servicePrincipals('${sp.id}')/appRoleAssignedTo/$entity`, ...assignmentJson(created) } };
      }
      if (method === 'DELETE' && assignmentId !== undefined) {
        authorize(grant, READ_APPS.map((p) => ['AppRoleAssignment.ReadWrite.All', p]));
        dir.unassign(sp, assignmentId);
        return { status: 204 };
      }
      throw methodNotAllowed(method);
    }

    if (/^\/servicePrincipals$/i.test(path) && method === 'GET') {
      authorize(grant, READ_APPS.map((p) => [p]));
      const filter = parseFilter(url.searchParams.get('$filter'));
      const found = dir.visiblePrincipals((sp) => filter(sp as unknown as Record<string, unknown>));
      return this.firstPage(url, path, 'servicePrincipals', found.map((sp) => this.principalJson(sp)));
    }
    throw new GraphFault(400, 'BadRequest', `Resource not found for the segment '${path.split('/')[1] ?? ''}'.`);
  }

  private principalJson(sp: ServicePrincipal): Record<string, unknown> {
    const app = this.directory.applications.find((a) => a.appId === sp.appId);
    return { id: sp.id, appId: sp.appId, displayName: sp.displayName, servicePrincipalType: sp.servicePrincipalType, appRoles: app ? app.appRoles.map((r) => ({ ...r })) : [] };
  }

  private firstPage(url: URL, path: string, entitySet: string, items: unknown[]): { status: number; payload: unknown } {
    const topText = url.searchParams.get('$top');
    const top = topText === null ? this.pageSize : Number(topText);
    if (!Number.isInteger(top) || top < 1 || top > PAGE_MAX) throw new GraphFault(400, 'Request_BadRequest', `Invalid page size specified: '${topText}'. Must be between 1 and ${PAGE_MAX} inclusive.`);
    return this.page({ items, top: Math.min(top, this.pageSize), path, context: `${this.origin}/v1.0/$metadata#${entitySet}` });
  }

  private nextPage(token: string): { status: number; payload: unknown } {
    const rest = this.pages.get(token);
    if (!rest) throw new GraphFault(400, 'Directory_ExpiredPageToken', 'The specified page token value has expired and can no longer be included in your request.');
    this.pages.delete(token);
    return this.page(rest);
  }

  private page(rest: { items: unknown[]; top: number; path: string; context: string }): { status: number; payload: unknown } {
    const value = rest.items.slice(0, rest.top);
    const payload: Record<string, unknown> = { '@odata.context': rest.context, value };
    if (rest.items.length > rest.top) {
      const token = randomUUID().replace(/-/g, '');
      this.pages.set(token, { ...rest, items: rest.items.slice(rest.top) });
      payload['@odata.nextLink'] = `${this.nextLinkOrigin ?? this.origin}/v1.0${rest.path}?$top=${rest.top}&$skiptoken=${token}`;
    }
    return { status: 200, payload };
  }
}

/** Allowed when every permission of one alternative is granted. */
function authorize(grant: TokenGrant, alternatives: readonly (readonly string[])[]): void {
  if (alternatives.some((all) => all.every((p) => grant.permissions.includes(p)))) return;
  throw new GraphFault(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

function objectId(text: string): string {
  if (!isGuid(text)) throw new GraphFault(400, 'Request_BadRequest', `Invalid object identifier '${text}'.`);
  return text;
}

function methodNotAllowed(method: string): GraphFault {
  return new GraphFault(405, 'Request_BadRequest', `The HTTP method '${method}' is not supported here.`);
}

function applicationJson(app: Application, appRoles: readonly unknown[]): Record<string, unknown> {
  return { id: app.id, appId: app.appId, displayName: app.displayName, appRoles: appRoles.map((r) => ({ ...(r as object) })) };
}

function assignmentJson(a: Assignment): Record<string, unknown> {
  return {
    id: a.id,
    deletedDateTime: null,
    appRoleId: a.appRoleId,
    createdDateTime: a.createdDateTime,
    principalDisplayName: a.principalDisplayName,
    principalId: a.principalId,
    principalType: a.principalType,
    resourceDisplayName: a.resourceDisplayName,
    resourceId: a.resourceId,
  };
}

/** `$select=a,b`: the listed properties (and the OData annotations) only. */
function select(url: URL, entity: Record<string, unknown>): Record<string, unknown> {
  const list = url.searchParams.get('$select');
  if (!list) return entity;
  const keep = new Set(list.split(',').map((s) => s.trim()));
  return Object.fromEntries(Object.entries(entity).filter(([k]) => k.startsWith('@odata.') || keep.has(k)));
}

/** The `$filter` forms the tool uses: `prop eq 'text'` joined by `or`, with `''` for a quote. */
function parseFilter(text: string | null): (entity: Record<string, unknown>) => boolean {
  if (text === null) return () => true;
  const clauses: { prop: string; value: string }[] = [];
  const clause = /\s*(displayName|appId|id)\s+eq\s+'((?:[^']|'')*)'\s*(?:or\s+|$)/iy;
  let m: RegExpExecArray | null;
  while (clause.lastIndex < text.length && (m = clause.exec(text))) clauses.push({ prop: m[1]!, value: m[2]!.replace(/''/g, "'") });
  if (clauses.length === 0 || clause.lastIndex !== text.length) {
    throw new GraphFault(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified: '${text}'.`);
  }
  return (entity) => clauses.some((c) => {
    const key = Object.keys(entity).find((k) => k.toLowerCase() === c.prop.toLowerCase());
    const v = key ? entity[key] : undefined;
    // Graph compares directory strings case-insensitively.
    return typeof v === 'string' && v.toLowerCase() === c.value.toLowerCase();
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

