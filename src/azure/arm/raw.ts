/**
 * Raw ARM requests through the SDK client's pipeline, with our own long-running-operation poller
 * (the SDK's `sendRequest` does auth but no LRO and does not throw on error answers). Poll URLs
 * are followed only on the endpoint's origin: the transport refuses anything else.
 */
import type { ArmConnection, RawResponse } from './client.ts';
import type { IoOptions, ListedResource, LiveResource } from './kinds.ts';
import { ArmRequestError, OperationFailedError, retryAfterMs, withDetails } from './retry.ts';

/** Polls before a long-running operation is given up on (at the default interval, about 20 min). */
const MAX_POLLS = 600;
const DEFAULT_POLL_MS = 2000;

function failure(response: RawResponse): ArmRequestError {
  const body = response.body as { error?: { code?: string; message?: string } } | undefined;
  const message = withDetails(body?.error?.message ?? `ARM answered ${response.status}`, JSON.stringify(body ?? {}));
  return new ArmRequestError(response.status, body?.error?.code ?? `Http${response.status}`, message, retryAfterMs((n) => response.header(n)));
}

export async function rawRead(conn: ArmConnection, path: string, apiVersion: string, query: Readonly<Record<string, string>> = {}): Promise<LiveResource | undefined> {
  const response = await conn.raw({ method: 'GET', path, apiVersion, query });
  if (response.status === 404) return undefined;
  if (response.status >= 400) throw failure(response);
  const body = response.body as { properties?: Record<string, unknown> } | undefined;
  return { etag: response.header('etag'), properties: body?.properties ?? {} };
}

export async function rawList(conn: ArmConnection, collection: string, apiVersion: string): Promise<ListedResource[]> {
  const out: ListedResource[] = [];
  let response = await conn.raw({ method: 'GET', path: collection, apiVersion });
  for (;;) {
    if (response.status >= 400) throw failure(response);
    const body = response.body as { value?: { name: string; properties?: Record<string, unknown> }[]; nextLink?: string };
    for (const item of body.value ?? []) out.push({ name: item.name, properties: item.properties ?? {} });
    if (!body.nextLink) return out;
    response = await conn.raw({ method: 'GET', path: body.nextLink });
  }
}

export async function rawWrite(conn: ArmConnection, path: string, apiVersion: string, properties: Record<string, unknown>, ifMatch: string | undefined, io: IoOptions, envelope: Readonly<Record<string, unknown>> = {}): Promise<void> {
  const response = await conn.raw({ method: 'PUT', path, apiVersion, body: { ...envelope, properties }, ...(ifMatch !== undefined ? { ifMatch } : {}) });
  if (response.status >= 400) throw failure(response);
  await awaitOperation(conn, response, io, async () => {
    const current = await conn.raw({ method: 'GET', path, apiVersion });
    if (current.status >= 400) throw failure(current);
    return (current.body as { properties?: { provisioningState?: string } } | undefined)?.properties?.provisioningState;
  });
}

export async function rawDelete(conn: ArmConnection, path: string, apiVersion: string, ifMatch: string, io: IoOptions): Promise<void> {
  const response = await conn.raw({ method: 'DELETE', path, apiVersion, ifMatch });
  if (response.status === 404) return;
  if (response.status >= 400) throw failure(response);
  await awaitOperation(conn, response, io);
}

/**
 * Follows an accepted write to its end, the way core-lro does (reference/deploy.md §3):
 * Azure-AsyncOperation / Operation-Location until a terminal `status`; else Location until the
 * answer is no longer 202; else the resource's `provisioningState`.
 */
async function awaitOperation(conn: ArmConnection, first: RawResponse, io: IoOptions, provisioningState?: () => Promise<string | undefined>): Promise<void> {
  const wait = (r: RawResponse) => io.sleep(retryAfterMs((n) => r.header(n)) ?? io.pollIntervalMs ?? DEFAULT_POLL_MS);
  const statusUrl = first.header('azure-asyncoperation') ?? first.header('operation-location');
  const locationUrl = first.header('location');
  if (statusUrl) {
    let last = first;
    for (let i = 0; i < MAX_POLLS; i++) {
      await wait(last);
      last = await conn.raw({ method: 'GET', path: statusUrl });
      if (last.status >= 400) throw failure(last);
      const body = last.body as { status?: string; error?: { code?: string; message?: string } } | undefined;
      const status = (body?.status ?? '').toLowerCase();
      if (status === 'succeeded') return;
      if (status === 'failed' || status === 'canceled' || status === 'cancelled') throw new OperationFailedError(body?.error?.code ?? 'OperationFailed', body?.error?.message ?? `the operation ended as ${body?.status}`);
    }
    throw new OperationFailedError('OperationTimedOut', `the operation did not finish after ${MAX_POLLS} polls`);
  }
  if (first.status === 202 && locationUrl) {
    let last = first;
    for (let i = 0; i < MAX_POLLS; i++) {
      await wait(last);
      last = await conn.raw({ method: 'GET', path: locationUrl });
      if (last.status === 202) continue;
      if (last.status >= 400) throw failure(last);
      return;
    }
    throw new OperationFailedError('OperationTimedOut', `the operation did not finish after ${MAX_POLLS} polls`);
  }
  const state = (first.body as { properties?: { provisioningState?: string } } | undefined)?.properties?.provisioningState;
  if (!provisioningState || state === undefined || !/^(inprogress|accepted|creating|updating|deleting)$/i.test(state)) return;
  let last = first;
  for (let i = 0; i < MAX_POLLS; i++) {
    await wait(last);
    const current = await provisioningState();
    if (current === undefined || /^succeeded$/i.test(current)) return;
    if (/^(failed|canceled|cancelled)$/i.test(current)) throw new OperationFailedError('OperationFailed', `provisioning ended as ${current}`);
    last = { status: 200, header: () => undefined, body: undefined };
  }
  throw new OperationFailedError('OperationTimedOut', `the operation did not finish after ${MAX_POLLS} polls`);
}
