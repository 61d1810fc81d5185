/**
 * Read, write, delete and list for each kind of APIM resource, through the typed
 * `@azure/arm-apimanagement` client — except where it is known to lose data (reference/deploy.md
 * §3): the API policy is read raw (`apiPolicy.get` drops the XML in 10.0.0), and a resource written
 * with another api-version than the SDK's (the preview MCP API type) goes raw both ways, so the
 * plan reads with the api-version it writes with.
 */
import { SDK_API_VERSION, type ArmConnection } from './client.ts';
import type { KindName } from './desired.ts';
import { rawDelete, rawList, rawRead, rawWrite } from './raw.ts';

export interface LiveResource {
  readonly etag: string | undefined;
  /** ARM REST `properties` as read (secret named values: the value from listValue). */
  readonly properties: Record<string, unknown>;
}

export interface ListedResource {
  readonly name: string;
  readonly properties: Record<string, unknown>;
}

/** How long-running operations are polled, and how the deploy waits. */
export interface IoOptions {
  readonly sleep: (ms: number) => Promise<void>;
  /** Poll interval when ARM gives no Retry-After; undefined = the SDK's default. */
  readonly pollIntervalMs?: number;
}

export interface ResourceRef {
  readonly kind: KindName;
  readonly name: readonly string[];
  readonly path: string;
  readonly apiVersion: string;
  /** Envelope members a write sends beside `properties` (location, kind). */
  readonly envelope?: Readonly<Record<string, unknown>>;
}

type Props = Record<string, unknown>;
type SdkModel = Record<string, unknown>;

/**
 * The typed models flatten `properties` and rename a few members that clash with the envelope:
 * an API's `properties.type` is `apiType` and its `properties.apiType` is `soapApiType`; a
 * backend's `properties.type` is `typePropertiesType`.
 */
const RENAMES: Partial<Record<KindName, Readonly<Record<string, string>>>> = {
  api: { type: 'apiType', apiType: 'soapApiType' },
  backend: { type: 'typePropertiesType' },
};
const ENVELOPE = new Set(['id', 'name', 'type', 'eTag']);

export function toSdk(kind: KindName, properties: Props): SdkModel {
  const renames = RENAMES[kind] ?? {};
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [renames[k] ?? k, v]));
}

export function fromSdk(kind: KindName, model: SdkModel): Props {
  const back = Object.fromEntries(Object.entries(RENAMES[kind] ?? {}).map(([rest, sdk]) => [sdk, rest]));
  const out: Props = {};
  for (const [k, v] of Object.entries(model)) {
    if (ENVELOPE.has(k) || v === undefined) continue;
    out[back[k] ?? k] = v;
  }
  return out;
}

function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

async function typedRead(kind: KindName, get: () => Promise<SdkModel & { eTag?: string }>): Promise<LiveResource | undefined> {
  try {
    const model = await get();
    return { etag: model.eTag, properties: fromSdk(kind, model) };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function collect<T>(pager: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of pager) out.push(item);
  return out;
}

const listed = (kind: KindName, models: readonly SdkModel[]): ListedResource[] => models.map((m) => ({ name: String(m.name), properties: fromSdk(kind, m) }));

export async function readResource(conn: ArmConnection, ref: ResourceRef): Promise<LiveResource | undefined> {
  const { resourceGroup: rg, serviceName: svc } = conn.target;
  const sdk = conn.sdk;
  const n = ref.name;
  if (ref.apiVersion !== SDK_API_VERSION) return rawRead(conn, ref.path, ref.apiVersion, ref.kind.endsWith('olicy') || ref.kind === 'policyFragment' ? { format: 'rawxml' } : {});
  switch (ref.kind) {
    case 'namedValue': {
      const live = await typedRead(ref.kind, () => sdk.namedValue.get(rg, svc, n[0]!) as never);
      // A secret's value is not in the GET; compare against listValue (never printed).
      if (live && live.properties.secret === true && live.properties.keyVault === undefined) {
        const { value } = await sdk.namedValue.listValue(rg, svc, n[0]!);
        return { etag: live.etag, properties: { ...live.properties, value } };
      }
      return live;
    }
    case 'policyFragment':
      return typedRead(ref.kind, () => sdk.policyFragment.get(rg, svc, n[0]!, { format: 'rawxml' }) as never);
    case 'backend':
      return typedRead(ref.kind, () => sdk.backend.get(rg, svc, n[0]!) as never);
    case 'logger':
      return typedRead(ref.kind, () => sdk.logger.get(rg, svc, n[0]!) as never);
    case 'api':
      return typedRead(ref.kind, () => sdk.api.get(rg, svc, n[0]!) as never);
    case 'operation':
      return typedRead(ref.kind, () => sdk.apiOperation.get(rg, svc, n[0]!, n[1]!) as never);
    case 'apiPolicy':
      // apiPolicy.get in SDK 10.0.0 parses the answer as XML and loses the policy: read it raw.
      return rawRead(conn, ref.path, ref.apiVersion, { format: 'rawxml' });
    case 'operationPolicy':
      return typedRead(ref.kind, () => sdk.apiOperationPolicy.get(rg, svc, n[0]!, n[1]!, 'policy', { format: 'rawxml' }) as never);
    case 'apiDiagnostic':
      return typedRead(ref.kind, () => sdk.apiDiagnostic.get(rg, svc, n[0]!, n[1]!) as never);
    case 'product':
      return typedRead(ref.kind, () => sdk.product.get(rg, svc, n[0]!) as never);
    case 'productApiLink':
      return typedRead(ref.kind, () => sdk.productApiLink.get(rg, svc, n[0]!, n[1]!) as never);
    case 'certificate':
      return typedRead(ref.kind, () => sdk.certificate.get(rg, svc, n[0]!) as never);
    case 'alertRule':
      return rawRead(conn, ref.path, ref.apiVersion);
  }
}

/** PUT (create or replace); `ifMatch` is the planned ETag for updates, absent for creates. */
export async function writeResource(conn: ArmConnection, ref: ResourceRef, properties: Props, ifMatch: string | undefined, io: IoOptions): Promise<void> {
  const { resourceGroup: rg, serviceName: svc } = conn.target;
  const sdk = conn.sdk;
  const n = ref.name;
  if (ref.apiVersion !== SDK_API_VERSION || ref.kind === 'alertRule') return rawWrite(conn, ref.path, ref.apiVersion, properties, ifMatch, io, ref.envelope);
  const p = toSdk(ref.kind, properties) as never;
  const options = { ...(ifMatch !== undefined ? { ifMatch } : {}) };
  const lro = { ...options, ...(io.pollIntervalMs !== undefined ? { updateIntervalInMs: io.pollIntervalMs } : {}) };
  switch (ref.kind) {
    case 'namedValue':
      await sdk.namedValue.beginCreateOrUpdateAndWait(rg, svc, n[0]!, p, lro);
      return;
    case 'policyFragment':
      await sdk.policyFragment.beginCreateOrUpdateAndWait(rg, svc, n[0]!, p, lro);
      return;
    case 'backend':
      await sdk.backend.createOrUpdate(rg, svc, n[0]!, p, options);
      return;
    case 'logger':
      await sdk.logger.createOrUpdate(rg, svc, n[0]!, p, options);
      return;
    case 'api':
      await sdk.api.beginCreateOrUpdateAndWait(rg, svc, n[0]!, p, lro);
      return;
    case 'operation':
      await sdk.apiOperation.createOrUpdate(rg, svc, n[0]!, n[1]!, p, options);
      return;
    case 'apiPolicy':
      await sdk.apiPolicy.createOrUpdate(rg, svc, n[0]!, 'policy', p, options);
      return;
    case 'operationPolicy':
      await sdk.apiOperationPolicy.createOrUpdate(rg, svc, n[0]!, n[1]!, 'policy', p, options);
      return;
    case 'apiDiagnostic':
      await sdk.apiDiagnostic.createOrUpdate(rg, svc, n[0]!, n[1]!, p, options);
      return;
    case 'product':
      await sdk.product.createOrUpdate(rg, svc, n[0]!, p, options);
      return;
    case 'productApiLink':
      // A link holds nothing but the API id; the SDK takes no If-Match for it.
      await sdk.productApiLink.createOrUpdate(rg, svc, n[0]!, n[1]!, p);
      return;
    case 'certificate':
      await sdk.certificate.createOrUpdate(rg, svc, n[0]!, p, options);
      return;
  }
}

/** DELETE with If-Match; a resource that is already gone counts as deleted. */
export async function deleteResource(conn: ArmConnection, ref: ResourceRef, ifMatch: string, io: IoOptions): Promise<void> {
  const { resourceGroup: rg, serviceName: svc } = conn.target;
  const sdk = conn.sdk;
  const n = ref.name;
  try {
    if (ref.apiVersion !== SDK_API_VERSION) return await rawDelete(conn, ref.path, ref.apiVersion, ifMatch, io);
    const lro = io.pollIntervalMs !== undefined ? { updateIntervalInMs: io.pollIntervalMs } : {};
    switch (ref.kind) {
      case 'namedValue':
        return await sdk.namedValue.delete(rg, svc, n[0]!, ifMatch);
      case 'policyFragment':
        return await sdk.policyFragment.delete(rg, svc, n[0]!, ifMatch);
      case 'backend':
        return await sdk.backend.delete(rg, svc, n[0]!, ifMatch);
      case 'logger':
        return await sdk.logger.delete(rg, svc, n[0]!, ifMatch);
      case 'api':
        await sdk.api.beginDeleteAndWait(rg, svc, n[0]!, ifMatch, { deleteRevisions: true, ...lro });
        return;
      case 'operation':
        return await sdk.apiOperation.delete(rg, svc, n[0]!, n[1]!, ifMatch);
      case 'apiPolicy':
        return await sdk.apiPolicy.delete(rg, svc, n[0]!, 'policy', ifMatch);
      case 'operationPolicy':
        return await sdk.apiOperationPolicy.delete(rg, svc, n[0]!, n[1]!, 'policy', ifMatch);
      case 'apiDiagnostic':
        return await sdk.apiDiagnostic.delete(rg, svc, n[0]!, n[1]!, ifMatch);
      case 'product':
        // Subscriptions to the product belong to its users: APIM refuses rather than delete them.
        return await sdk.product.delete(rg, svc, n[0]!, ifMatch);
      case 'productApiLink':
        return await sdk.productApiLink.delete(rg, svc, n[0]!, n[1]!);
      case 'certificate':
        return await sdk.certificate.delete(rg, svc, n[0]!, ifMatch);
      case 'alertRule':
        return await rawDelete(conn, ref.path, ref.apiVersion, ifMatch, io);
    }
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
}

/** Lists a collection for prune (the typed pagers follow nextLink through the same-origin transport). */
export async function listResources(conn: ArmConnection, kind: 'api' | 'backend' | 'logger' | 'product' | 'namedValue' | 'policyFragment', apiVersion?: string): Promise<ListedResource[]>;
export async function listResources(conn: ArmConnection, kind: 'operation' | 'apiDiagnostic' | 'productApiLink', apiVersion: string, parent: string): Promise<ListedResource[]>;
export async function listResources(conn: ArmConnection, kind: KindName, apiVersion = SDK_API_VERSION, parent?: string): Promise<ListedResource[]> {
  const { resourceGroup: rg, serviceName: svc } = conn.target;
  const sdk = conn.sdk;
  if (apiVersion !== SDK_API_VERSION) {
    const collection = { api: 'apis', operation: `apis/${encodeURIComponent(parent ?? '')}/operations` }[kind as 'api'];
    if (!collection) throw new Error(`raw listing of ${kind} is not supported`);
    return rawList(conn, collection, apiVersion);
  }
  const p = parent ?? '';
  const models = await (async (): Promise<SdkModel[]> => {
    switch (kind) {
      case 'api':
        return (await collect(sdk.api.listByService(rg, svc))) as never;
      case 'backend':
        return (await collect(sdk.backend.listByService(rg, svc))) as never;
      case 'logger':
        return (await collect(sdk.logger.listByService(rg, svc))) as never;
      case 'product':
        return (await collect(sdk.product.listByService(rg, svc))) as never;
      case 'namedValue':
        return (await collect(sdk.namedValue.listByService(rg, svc))) as never;
      case 'policyFragment':
        return (await collect(sdk.policyFragment.listByService(rg, svc))) as never;
      case 'operation':
        return (await collect(sdk.apiOperation.listByApi(rg, svc, p))) as never;
      case 'apiDiagnostic':
        return (await collect(sdk.apiDiagnostic.listByService(rg, svc, p))) as never;
      case 'productApiLink':
        return (await collect(sdk.productApiLink.listByProduct(rg, svc, p))) as never;
      default:
        throw new Error(`listing ${kind} is not supported`);
    }
  })();
  return listed(kind, models);
}
