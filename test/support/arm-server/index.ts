/**
 * A loopback ARM server for the API Management resources `mcp-apim deploy` manages
 * (reference/deploy.md §7): ARM routing and envelopes, api-version required, ETags and If-Match,
 * 404 bodies, paging with nextLink, long-running operations (Azure-AsyncOperation, Location or
 * provisioningState polling), policies read as rawxml or xml, hidden secrets, the validation APIM
 * applies, fault injection and a request log. The real `@azure/arm-apimanagement` client talks
 * to it through the deploy's rewriting HTTP client.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Faults, type FaultRule } from './faults.ts';
import { type KindSpec, route, type ServiceRef, serviceId } from './paths.ts';
import { AlertRuleStore, alertRuleRoute } from './insights.ts';
import { ArmError, ArmStore, type StoredResource } from './store.ts';

export { FAULTS, type FaultRule } from './faults.ts';
export { KINDS } from './paths.ts';
export { MCP_API_VERSIONS } from './store.ts';

export interface LoggedRequest {
  readonly seq: number;
  readonly method: string;
  /** Path below the origin, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly apiVersion: string | null;
  readonly ifMatch: string | undefined;
  readonly authorization: string | undefined;
  readonly body: unknown;
  status: number;
}

export type LroMode = 'async' | 'location' | 'provisioning';

export interface LroSetting {
  readonly mode: LroMode;
  /** Polls that answer "in progress" before the operation ends. */
  readonly polls: number;
  /** End with `Failed` instead of `Succeeded` (nothing is written). */
  readonly fail?: boolean;
}

export interface ArmServerOptions {
  /** Services that exist from the start. Default: one Premium service. */
  readonly services?: readonly { subscription: string; resourceGroup: string; service: string; sku?: string }[];
  /** Origin put into LRO and paging URLs (e.g. `https://fake-arm.test`); default: the server's own. */
  readonly publicOrigin?: string;
  /** The only bearer token accepted; default: any bearer token. */
  readonly token?: string;
  /** Items per list page (small, so nextLink handling is exercised). */
  readonly pageSize?: number;
  /** Refuse DELETE and PATCH without If-Match, as the REST spec says; default lenient, like the real service. */
  readonly strictIfMatch?: boolean;
}

export interface ArmServer {
  /** `http://127.0.0.1:<port>`: where the server really listens. */
  readonly origin: string;
  /** The origin the server writes into the URLs it hands out. */
  readonly publicOrigin: string;
  readonly store: ArmStore;
  /** Alert rules (Microsoft.Insights/scheduledQueryRules) in the services' resource groups. */
  readonly alertRules: AlertRuleStore;
  readonly faults: Faults;
  readonly log: LoggedRequest[];
  /** LRO behaviour per kind key (`apis`, `namedValues`, …); absent = synchronous. */
  readonly lro: Map<string, LroSetting>;
  /** Writes (PUT/PATCH/DELETE) in the log, optionally only those that succeeded. */
  writes(options?: { succeeded?: boolean }): LoggedRequest[];
  /** The live resource at a path below the service (e.g. `apis/mcp-tools`), as a GET shows it. */
  resource(service: { subscription: string; resourceGroup: string; service: string }, relative: string, format?: 'rawxml'): Record<string, unknown> | undefined;
  /** Changes a resource behind the deploy's back (a colleague in the portal): properties merged, ETag bumped. */
  foreignChange(service: { subscription: string; resourceGroup: string; service: string }, relative: string, properties: Record<string, unknown>): void;
  /** Creates or replaces a resource directly (validated like a PUT, not logged): test set-up. */
  seed(service: { subscription: string; resourceGroup: string; service: string }, relative: string, properties: Record<string, unknown>, apiVersion?: string): void;
  /** Clears the log (not the state). */
  resetLog(): void;
  close(): Promise<void>;
}

export const DEFAULT_SERVICE = { subscription: '11111111-2222-3333-4444-555555555555', resourceGroup: 'rg-gateway', service: 'apim-test' } as const;

interface PendingOperation {
  remaining: number;
  readonly setting: LroSetting;
  /** Does the write; returns the final body for Location polling. */
  readonly finish: () => { status: number; body?: unknown };
}

export async function startArmServer(options: ArmServerOptions = {}): Promise<ArmServer> {
  const store = new ArmStore();
  const alertRules = new AlertRuleStore();
  for (const s of options.services ?? [DEFAULT_SERVICE]) store.addService(s.subscription, s.resourceGroup, s.service, 'sku' in s ? s.sku : undefined);
  const faults = new Faults();
  const log: LoggedRequest[] = [];
  const lro = new Map<string, LroSetting>();
  const pending = new Map<string, PendingOperation>();
  /** Resource key → the version GETs still see, and for how many more reads. */
  const stale = new Map<string, { snapshot: StoredResource | undefined; reads: number }>();
  const sockets = new Set<Socket>();
  let origin = '';
  let publicOrigin = '';
  const pageSize = options.pageSize ?? 2;

  const linkOrigin = () => faults.foreignLinkOrigin ?? publicOrigin;

  function send(res: ServerResponse, entry: LoggedRequest, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    entry.status = status;
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'x-ms-request-id': randomUUID(), ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers });
    res.end(text);
  }

  function sendError(res: ServerResponse, entry: LoggedRequest, error: ArmError | { status: number; code: string; message: string }, headers: Record<string, string> = {}): void {
    const details = error instanceof ArmError && error.details.length > 0 ? { details: error.details } : {};
    send(res, entry, error.status, { error: { code: error.code, message: error.message, ...details } }, headers);
  }

  function snapshot(r: StoredResource | undefined): StoredResource | undefined {
    return r ? { ...r, properties: structuredClone(r.properties) } : undefined;
  }

  /** What a GET sees: a recent write may still be invisible (late-visibility fault). */
  function visibleVersion(key: string): StoredResource | undefined {
    const s = stale.get(key);
    if (s && s.reads > 0) {
      s.reads--;
      return s.snapshot;
    }
    stale.delete(key);
    return store.resources.get(key);
  }

  function noteWrite(key: string, before: StoredResource | undefined): void {
    faults.noteWrite();
    if (faults.lateReads > 0) stale.set(key, { snapshot: before, reads: faults.lateReads });
  }

  function startOperation(service: ServiceRef, setting: LroSetting, finish: PendingOperation['finish']): string {
    const id = randomUUID();
    pending.set(id, { remaining: setting.polls, setting, finish });
    return `${linkOrigin()}${service.path}/operationresults/${id}?api-version=2024-05-01`;
  }

  function handleOperationResult(res: ServerResponse, entry: LoggedRequest, operationId: string): void {
    const op = pending.get(operationId);
    if (!op) return sendError(res, entry, { status: 404, code: 'ResourceNotFound', message: `Operation '${operationId}' not found.` });
    const location = op.setting.mode === 'location';
    if (op.remaining > 0) {
      op.remaining--;
      return location ? send(res, entry, 202, undefined, { location: `${linkOrigin()}${entry.path}?${entry.query}`, 'retry-after': '0' }) : send(res, entry, 200, { status: 'InProgress' }, { 'retry-after': '0' });
    }
    pending.delete(operationId);
    if (op.setting.fail) {
      const error = { code: 'ValidationError', message: 'The operation failed.' };
      return location ? send(res, entry, 400, { error }) : send(res, entry, 200, { status: 'Failed', error });
    }
    const result = op.finish();
    if (location) return send(res, entry, result.status, result.body);
    send(res, entry, 200, { status: 'Succeeded' });
  }

  function handleList(res: ServerResponse, entry: LoggedRequest, service: ServiceRef, spec: KindSpec, names: readonly string[], url: URL): void {
    store.service(service);
    const apiVersion = url.searchParams.get('api-version')!;
    const all = store.children(service, spec, names).filter((r) => store.visible(r, apiVersion));
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
    const page = all.slice(skip, skip + pageSize).map((r) => store.present(r, url.searchParams));
    const next = skip + pageSize < all.length ? `${linkOrigin()}${url.pathname}?api-version=${apiVersion}&%24skiptoken=${skip + pageSize}` : undefined;
    send(res, entry, 200, { value: page, count: all.length, ...(next ? { nextLink: next } : {}) });
  }

  function handleItem(req: IncomingMessage, res: ServerResponse, entry: LoggedRequest, service: ServiceRef, spec: KindSpec, names: readonly string[], action: string | undefined, url: URL): void {
    const apiVersion = url.searchParams.get('api-version')!;
    const method = req.method!;
    const existing = store.find(service, spec, names);
    const visibleExisting = existing && store.visible(existing, apiVersion) ? existing : undefined;
    if (action !== undefined) {
      if (method === 'POST' && action === 'listvalue' && spec.key === 'namedValues') {
        if (!visibleExisting) throw new ArmError(404, 'ResourceNotFound', `Named value '${names[0]}' not found.`);
        return send(res, entry, 200, { value: visibleExisting.secret ?? visibleExisting.properties.value });
      }
      throw new ArmError(404, 'NotFound', `No route for action '${action}'.`);
    }
    store.service(service);
    if (method === 'GET' || method === 'HEAD') {
      const seen = existing ? visibleVersion(existing.key) : undefined;
      const shown = seen && store.visible(seen, apiVersion) ? seen : undefined;
      if (!shown) throw new ArmError(404, 'ResourceNotFound', `${spec.type.split('/').pop()} '${names.join('/')}' not found.`);
      if (shown.provisioningReads > 0 && shown === existing) {
        const body = store.present(shown, url.searchParams);
        shown.provisioningReads--;
        return send(res, entry, 200, method === 'HEAD' ? undefined : body, { etag: shown.etag });
      }
      return send(res, entry, 200, method === 'HEAD' ? undefined : store.present(shown, url.searchParams), { etag: shown.etag });
    }
    const ifMatch = entry.ifMatch;
    const precondition = () => {
      if (ifMatch === undefined) return;
      if (!visibleExisting || (ifMatch !== '*' && ifMatch !== visibleExisting.etag)) {
        throw new ArmError(412, 'PreconditionFailed', 'The resource has been modified since it was read (ETag mismatch).');
      }
    };
    if (method === 'PUT' || method === 'PATCH') {
      precondition();
      if (method === 'PATCH') {
        if (!visibleExisting) throw new ArmError(404, 'ResourceNotFound', `${spec.type.split('/').pop()} '${names.join('/')}' not found.`);
        if (options.strictIfMatch && ifMatch === undefined) throw new ArmError(400, 'InvalidRequest', 'If-Match header is required.');
      }
      const body = method === 'PATCH' ? { properties: { ...visibleExisting!.properties, ...((entry.body as { properties?: object } | null)?.properties ?? {}) } } : entry.body;
      const prepared = store.prepare(service, spec, names, body, apiVersion);
      const before = snapshot(existing);
      const setting = lro.get(spec.key);
      const created = !visibleExisting;
      const commit = (provisioningReads = 0) => {
        const result = store.commit(service, spec, names, prepared, apiVersion, provisioningReads);
        noteWrite(result.resource.key, before);
        return result.resource;
      };
      if (!setting) {
        const r = commit();
        return send(res, entry, created ? 201 : 200, store.present(r, url.searchParams), { etag: r.etag });
      }
      if (setting.mode === 'provisioning') {
        const r = commit(setting.polls + 1);
        const body = store.present(r, url.searchParams);
        r.provisioningReads--;
        return send(res, entry, created ? 201 : 200, body, { etag: r.etag });
      }
      const opUrl = startOperation(service, setting, () => {
        const r = commit();
        return { status: 200, body: store.present(r, url.searchParams) };
      });
      const accepted = { id: `${serviceId(service)}/${spec.pattern.join('/')}`, properties: { ...prepared.properties, provisioningState: 'InProgress' } };
      if (setting.mode === 'async') return send(res, entry, created ? 201 : 200, accepted, { 'azure-asyncoperation': opUrl, 'retry-after': '0' });
      return send(res, entry, 202, undefined, { location: opUrl, 'retry-after': '0' });
    }
    if (method === 'DELETE') {
      if (!visibleExisting) throw new ArmError(404, 'ResourceNotFound', `${spec.type.split('/').pop()} '${names.join('/')}' not found.`);
      if (options.strictIfMatch && ifMatch === undefined) throw new ArmError(400, 'InvalidRequest', 'If-Match header is required.');
      precondition();
      const target = store.checkDelete(service, spec, names);
      const before = snapshot(target);
      const setting = lro.get(spec.key);
      const remove = () => {
        store.remove(target);
        noteWrite(target.key, before);
      };
      if (!setting || setting.mode === 'provisioning') {
        remove();
        return send(res, entry, 200);
      }
      const opUrl = startOperation(service, setting, () => {
        remove();
        return { status: 204 };
      });
      return send(res, entry, 202, undefined, setting.mode === 'async' ? { 'azure-asyncoperation': opUrl, location: opUrl, 'retry-after': '0' } : { location: opUrl, 'retry-after': '0' });
    }
    throw new ArmError(405, 'MethodNotAllowed', `${method} is not supported here.`);
  }

  function dispatch(req: IncomingMessage, res: ServerResponse, entry: LoggedRequest, url: URL): void {
    const alert = alertRuleRoute(url.pathname);
    if (alert) {
      const apiVersion = url.searchParams.get('api-version');
      if (!apiVersion) throw new ArmError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
      const fault = faults.pick(req.method!, url.pathname);
      if (fault) return sendFault(res, entry, fault);
      const group = [...store.services.values()].some((s) => s.ref.subscription.toLowerCase() === alert.subscription.toLowerCase() && s.ref.resourceGroup.toLowerCase() === alert.resourceGroup.toLowerCase());
      if (!group) throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${alert.resourceGroup}' could not be found.`);
      const out = alertRules.handle(req.method!, alert, apiVersion, entry.body);
      return send(res, entry, out.status, out.body);
    }
    const r = route(url.pathname);
    if (r.kind === 'unknown') throw new ArmError(404, 'NotFound', `No route for ${url.pathname}.`);
    if (r.kind === 'operationResult') return handleOperationResult(res, entry, r.operationId);
    if (!url.searchParams.get('api-version')) throw new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    const fault = faults.pick(req.method!, url.pathname);
    if (fault && !fault.afterApplying) return sendFault(res, entry, fault);
    if (r.kind === 'service') {
      if (req.method !== 'GET') throw new ArmError(405, 'MethodNotAllowed', 'Only GET of the service is supported.');
      const s = store.service(r.service);
      return send(res, entry, 200, { id: serviceId(s.ref), type: 'Microsoft.ApiManagement/service', name: s.ref.service, location: 'West Europe', sku: { name: s.sku, capacity: 1 }, properties: { provisioningState: 'Succeeded', gatewayUrl: `https://${s.ref.service}.azure-api.net` } });
    }
    if (r.kind === 'collection') {
      if (req.method !== 'GET') throw new ArmError(405, 'MethodNotAllowed', 'Only GET of a collection is supported.');
      return handleList(res, entry, r.service, r.spec, r.names, url);
    }
    if (fault?.afterApplying) {
      // Carry the request out on a throwaway response, then answer with the fault.
      const sink = { writeHead: () => sink, end: () => sink } as unknown as ServerResponse;
      try {
        handleItem(req, sink, entry, r.service, r.spec, r.names, r.action, url);
      } catch {
        // The fault is the answer either way.
      }
      return sendFault(res, entry, fault);
    }
    handleItem(req, res, entry, r.service, r.spec, r.names, r.action, url);
  }

  function sendFault(res: ServerResponse, entry: LoggedRequest, fault: FaultRule): void {
    sendError(res, entry, { status: fault.status, code: fault.code ?? 'InjectedFault', message: fault.message ?? 'Injected fault.' }, { ...fault.headers });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', origin);
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const header = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v.join(',') : v;
      };
      const entry: LoggedRequest = {
        seq: log.length + 1,
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        apiVersion: url.searchParams.get('api-version'),
        ifMatch: header('if-match'),
        authorization: header('authorization'),
        body,
        status: 0,
      };
      log.push(entry);
      if (faults.crashed) {
        entry.status = -1;
        req.socket.destroy();
        return;
      }
      const auth = entry.authorization ?? '';
      if (!/^Bearer \S+$/.test(auth) || (options.token !== undefined && auth !== `Bearer ${options.token}`)) {
        return sendError(res, entry, { status: 401, code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' }, { 'www-authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"' });
      }
      try {
        dispatch(req, res, entry, url);
      } catch (error) {
        if (error instanceof ArmError) return sendError(res, entry, error);
        sendError(res, entry, { status: 500, code: 'InternalServerError', message: (error as Error).message });
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  publicOrigin = options.publicOrigin ?? origin;

  const locate = (service: { subscription: string; resourceGroup: string; service: string }, relative: string) => {
    const r = route(`${serviceId(service)}/${relative}`);
    if (r.kind !== 'item') throw new Error(`not a resource path: ${relative}`);
    return store.find(r.service, r.spec, r.names);
  };

  return {
    origin,
    publicOrigin,
    store,
    alertRules,
    faults,
    log,
    lro,
    writes: (o = {}) => log.filter((e) => ['PUT', 'PATCH', 'DELETE'].includes(e.method) && (!o.succeeded || (e.status >= 200 && e.status < 300))),
    resource(service, relative, format) {
      const r = locate(service, relative);
      return r ? store.present(r, new URLSearchParams(format ? { format } : {})) : undefined;
    },
    foreignChange(service, relative, properties) {
      const r = locate(service, relative);
      if (!r) throw new Error(`no resource at ${relative}`);
      r.properties = { ...r.properties, ...properties };
      r.etag = store.nextEtag();
    },
    seed(service, relative, properties, apiVersion = '2024-05-01') {
      const r = route(`${serviceId(service)}/${relative}`);
      if (r.kind !== 'item') throw new Error(`not a resource path: ${relative}`);
      store.commit(r.service, r.spec, r.names, store.prepare(r.service, r.spec, r.names, { properties }, apiVersion), apiVersion);
    },
    resetLog: () => {
      log.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
