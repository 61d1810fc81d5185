import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GraphServer, TEST_TOKEN } from '../support/graph-server/server.ts';

/** One call to the loopback Graph, as a client would make it. */
async function call(graph: GraphServer, method: string, path: string, body?: unknown, token: string | null = TEST_TOKEN) {
  const res = await fetch(path.startsWith('http') ? path : `${graph.origin}/v1.0${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Graph bodies are read loosely in these tests
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

const role = (id: string, value: string, extra: Record<string, unknown> = {}) => ({ id, value, displayName: value, description: value, allowedMemberTypes: ['Application'], isEnabled: true, ...extra });
const R1 = '11111111-1111-4111-8111-111111111111';
const R2 = '22222222-2222-4222-8222-222222222222';

describe('loopback Graph server: applications and appRoles', () => {
  let graph: GraphServer;
  before(async () => {
    graph = await GraphServer.start({
      tokens: { [TEST_TOKEN]: { permissions: ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'] }, reader: { permissions: ['Application.Read.All'] } },
    });
  });
  after(() => graph.close());

  it('reads an application by appId with $select, and answers unknown ones with Graph 404 bodies', async () => {
    const { app } = graph.directory.addApplication({ displayName: 'Gateway', appRoles: [role(R1, 'A')] });
    const r = await call(graph, 'GET', `/applications(appId='${app.appId}')?$select=id,appId,appRoles`);
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json!).sort(), ['@odata.context', 'appId', 'appRoles', 'id']);
    assert.equal(r.json!.appRoles[0].origin, 'Application');
    const byId = await call(graph, 'GET', `/applications/${app.id}`);
    assert.equal(byId.json!.displayName, 'Gateway');
    const missing = await call(graph, 'GET', `/applications(appId='99999999-9999-4999-8999-999999999999')`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json!.error.code, 'Request_ResourceNotFound');
    assert.match(missing.json!.error.message, /does not exist/);
    assert.ok(missing.json!.error.innerError['request-id']);
  });

  it('requires a known bearer token (401) and the right permission (403)', async () => {
    const { app } = graph.directory.addApplication({ displayName: 'Auth' });
    assert.equal((await call(graph, 'GET', `/applications/${app.id}`, undefined, null)).json!.error.code, 'InvalidAuthenticationToken');
    assert.equal((await call(graph, 'GET', `/applications/${app.id}`, undefined, 'forged')).status, 401);
    assert.equal((await call(graph, 'GET', `/applications/${app.id}`, undefined, 'reader')).status, 200);
    const patch = await call(graph, 'PATCH', `/applications/${app.id}`, { appRoles: [] }, 'reader');
    assert.equal(patch.status, 403);
    assert.equal(patch.json!.error.code, 'Authorization_RequestDenied');
  });

  it('replaces the whole appRoles collection, refusing duplicate values and ids', async () => {
    const { app } = graph.directory.addApplication({ displayName: 'Dup', appRoles: [role(R1, 'A')] });
    const dupValue = await call(graph, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A'), role(R2, 'a')] });
    assert.equal(dupValue.status, 400);
    assert.equal(dupValue.json!.error.code, 'DuplicateValue');
    assert.equal(dupValue.json!.error.details[0].target, 'appRoles');
    const dupId = await call(graph, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A'), role(R1, 'B')] });
    assert.equal(dupId.json!.error.code, 'DuplicateValue');
    const ok = await call(graph, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A'), role(R2, 'B')] });
    assert.equal(ok.status, 204);
    assert.deepEqual(graph.directory.applicationById(app.id).appRoles.map((r) => r.value), ['A', 'B']);
    const noTypes = await call(graph, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A'), role(R2, 'B', { allowedMemberTypes: [] })] });
    assert.match(noTypes.json!.error.message, /must have at least one value specified for 'allowedMemberTypes'/);
    const spaces = await call(graph, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A'), role(R2, 'has space')] });
    assert.equal(spaces.status, 400);
  });

  it('refuses to remove or change an enabled role (CannotDeleteOrUpdateEnabledEntitlement) until it is disabled on its own', async () => {
    const { app } = graph.directory.addApplication({ displayName: 'Entitlement', appRoles: [role(R1, 'A'), role(R2, 'B')] });
    const remove = await call(graph, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A')] });
    assert.equal(remove.status, 400);
    assert.equal(remove.json!.error.code, 'CannotDeleteOrUpdateEnabledEntitlement');
    assert.equal(remove.json!.error.message, 'Permission (scope or role) cannot be deleted or updated unless disabled first.');
    const edit = await call(graph, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A'), role(R2, 'B', { description: 'new' })] });
    assert.equal(edit.json!.error.code, 'CannotDeleteOrUpdateEnabledEntitlement');
    const disableAndEdit = await call(graph, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A'), role(R2, 'B', { description: 'new', isEnabled: false })] });
    assert.equal(disableAndEdit.json!.error.code, 'CannotDeleteOrUpdateEnabledEntitlement', 'disabling must be a change on its own');
    assert.equal((await call(graph, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A'), role(R2, 'B', { isEnabled: false })] })).status, 204);
    assert.equal((await call(graph, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A'), role(R2, 'B', { description: 'new', isEnabled: true })] })).status, 204, 'a disabled role may change, and be enabled again');
    assert.equal((await call(graph, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A'), role(R2, 'B', { description: 'new', isEnabled: false })] })).status, 204);
    assert.equal((await call(graph, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A')] })).status, 204);
    assert.deepEqual(graph.directory.applicationById(app.id).appRoles.map((r) => r.value), ['A']);
  });

  it('can model tenants that let enabled roles change their texts in place (never their value)', async () => {
    const lenient = await GraphServer.start({ allowEnabledRoleEdits: true });
    try {
      const { app } = lenient.directory.addApplication({ displayName: 'Lenient', appRoles: [role(R1, 'A')] });
      assert.equal((await call(lenient, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A', { description: 'edited' })] })).status, 204);
      assert.equal((await call(lenient, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A2')] })).json!.error.code, 'CannotDeleteOrUpdateEnabledEntitlement');
    } finally {
      await lenient.close();
    }
  });

  it('lets an owner PATCH with Application.ReadWrite.OwnedBy, and nobody else', async () => {
    const owned = await GraphServer.start({ tokens: { owner: { permissions: ['Application.ReadWrite.OwnedBy'], owns: [] } } });
    try {
      const { app } = owned.directory.addApplication({ displayName: 'Owned' });
      assert.equal((await call(owned, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A')] }, 'owner')).status, 403);
      const mine = await GraphServer.start({ tokens: { owner: { permissions: ['Application.ReadWrite.OwnedBy'], owns: [app.appId] } } });
      try {
        const copy = mine.directory.addApplication({ displayName: 'Owned', appId: app.appId }).app;
        assert.equal((await call(mine, 'PATCH', `/applications/${copy.id}`, { appRoles: [role(R1, 'A')] }, 'owner')).status, 204);
      } finally {
        await mine.close();
      }
    } finally {
      await owned.close();
    }
  });
});

describe('loopback Graph server: service principals and appRoleAssignedTo', () => {
  let graph: GraphServer;
  before(async () => {
    graph = await GraphServer.start({ pageSize: 2 });
  });
  after(() => graph.close());

  it('finds service principals by appId, object id and display name (case-insensitive), paging with @odata.nextLink', async () => {
    const sp = graph.directory.addServicePrincipal({ displayName: "o'brien-agent" });
    for (let i = 0; i < 3; i++) graph.directory.addServicePrincipal({ displayName: 'twin' });
    assert.equal((await call(graph, 'GET', `/servicePrincipals(appId='${sp.appId}')`)).json!.id, sp.id);
    assert.equal((await call(graph, 'GET', `/servicePrincipals/${sp.id}`)).json!.appId, sp.appId);
    assert.equal((await call(graph, 'GET', `/servicePrincipals/not-a-guid`)).status, 400);
    const quoted = await call(graph, 'GET', `/servicePrincipals?$filter=${encodeURIComponent("displayName eq 'O''Brien-agent'")}`);
    assert.deepEqual(quoted.json!.value.map((s: { id: string }) => s.id), [sp.id]);
    const first = await call(graph, 'GET', `/servicePrincipals?$filter=${encodeURIComponent("displayName eq 'twin'")}`);
    assert.equal(first.json!.value.length, 2);
    assert.match(first.json!['@odata.nextLink'], new RegExp(`^${graph.origin}/v1\\.0/servicePrincipals\\?\\$top=2&\\$skiptoken=`));
    const second = await call(graph, 'GET', first.json!['@odata.nextLink']);
    assert.equal(second.json!.value.length, 1);
    assert.equal(second.json!['@odata.nextLink'], undefined);
    assert.equal((await call(graph, 'GET', first.json!['@odata.nextLink'])).json!.error.code, 'Directory_ExpiredPageToken');
    assert.equal((await call(graph, 'GET', `/servicePrincipals?$filter=${encodeURIComponent("startswith(displayName,'t')")}`)).json!.error.code, 'Request_UnsupportedQuery');
  });

  it('assigns app roles under Graph rules: 201 with the assignment, no duplicates, no unknown or disabled roles, no unknown principals', async () => {
    const { app, sp: resource } = graph.directory.addApplication({ displayName: 'Res', appRoles: [role(R1, 'A'), role(R2, 'B', { isEnabled: false })] });
    const agent = graph.directory.addServicePrincipal({ displayName: 'agent' });
    const path = `/servicePrincipals/${resource!.id}/appRoleAssignedTo`;
    const created = await call(graph, 'POST', path, { principalId: agent.id, resourceId: resource!.id, appRoleId: R1 });
    assert.equal(created.status, 201);
    assert.equal(created.json!.appRoleId, R1);
    assert.equal(created.json!.principalDisplayName, 'agent');
    assert.equal(created.json!.principalType, 'ServicePrincipal');
    assert.doesNotMatch(created.json!.id, /^[0-9a-f-]{36}$/, 'assignment ids are opaque strings');
    const again = await call(graph, 'POST', path, { principalId: agent.id, resourceId: resource!.id, appRoleId: R1 });
    assert.equal(again.status, 400);
    assert.equal(again.json!.error.message, 'Permission being assigned already exists on the object.');
    const disabled = await call(graph, 'POST', path, { principalId: agent.id, resourceId: resource!.id, appRoleId: R2 });
    assert.equal(disabled.json!.error.message, `Permission being assigned was not found on application '${app.appId}'.`);
    const unknownRole = await call(graph, 'POST', path, { principalId: agent.id, resourceId: resource!.id, appRoleId: '33333333-3333-4333-8333-333333333333' });
    assert.equal(unknownRole.status, 400);
    const unknownPrincipal = await call(graph, 'POST', path, { principalId: '44444444-4444-4444-8444-444444444444', resourceId: resource!.id, appRoleId: R1 });
    assert.equal(unknownPrincipal.status, 404);
    const listed = await call(graph, 'GET', path);
    assert.deepEqual(listed.json!.value.map((a: { id: string }) => a.id), [created.json!.id]);
    assert.equal((await call(graph, 'DELETE', `${path}/${created.json!.id}`)).status, 204);
    assert.equal((await call(graph, 'DELETE', `${path}/${created.json!.id}`)).status, 404);
    assert.deepEqual((await call(graph, 'GET', path)).json!.value, []);
  });

  it('needs AppRoleAssignment.ReadWrite.All together with a read permission to assign', async () => {
    const limited = await GraphServer.start({ tokens: { only: { permissions: ['AppRoleAssignment.ReadWrite.All'] }, both: { permissions: ['AppRoleAssignment.ReadWrite.All', 'Application.Read.All'] } } });
    try {
      const { sp } = limited.directory.addApplication({ displayName: 'Res', appRoles: [role(R1, 'A')] });
      const agent = limited.directory.addServicePrincipal({ displayName: 'agent' });
      const body = { principalId: agent.id, resourceId: sp!.id, appRoleId: R1 };
      assert.equal((await call(limited, 'POST', `/servicePrincipals/${sp!.id}/appRoleAssignedTo`, body, 'only')).status, 403);
      assert.equal((await call(limited, 'POST', `/servicePrincipals/${sp!.id}/appRoleAssignedTo`, body, 'both')).status, 201);
    } finally {
      await limited.close();
    }
  });
});

describe('loopback Graph server: replication lag and faults', () => {
  it('hides a PATCHed collection, a new principal and a new assignment for N reads, and lists a deleted assignment for N reads', async () => {
    const graph = await GraphServer.start({ lag: 2 });
    try {
      const { app, sp } = graph.directory.addApplication({ displayName: 'Lag', appRoles: [role(R1, 'A')] });
      assert.equal((await call(graph, 'PATCH', `/applications/${app.id}`, { appRoles: [role(R1, 'A'), role(R2, 'B')] })).status, 204);
      const reads = [];
      for (let i = 0; i < 3; i++) reads.push((await call(graph, 'GET', `/applications/${app.id}`)).json!.appRoles.length);
      assert.deepEqual(reads, [1, 1, 2]);

      const agent = graph.directory.addServicePrincipal({ displayName: 'late-agent', hiddenReads: 2 });
      const path = `/servicePrincipals/${sp!.id}/appRoleAssignedTo`;
      const body = { principalId: agent.id, resourceId: sp!.id, appRoleId: R2 };
      assert.equal((await call(graph, 'POST', path, body)).status, 404);
      assert.equal((await call(graph, 'GET', `/servicePrincipals?$filter=${encodeURIComponent("displayName eq 'late-agent'")}`)).json!.value.length, 0);
      const created = await call(graph, 'POST', path, body);
      assert.equal(created.status, 201);
      const lists = [];
      for (let i = 0; i < 3; i++) lists.push((await call(graph, 'GET', path)).json!.value.length);
      assert.deepEqual(lists, [0, 0, 1]);
      assert.equal((await call(graph, 'DELETE', `${path}/${created.json!.id}`)).status, 204);
      const after = [];
      for (let i = 0; i < 3; i++) after.push((await call(graph, 'GET', path)).json!.value.length);
      assert.deepEqual(after, [1, 1, 0]);
    } finally {
      await graph.close();
    }
  });

  it('throttles with 429 and Retry-After, then serves; logs every request', async () => {
    const graph = await GraphServer.start();
    try {
      const { app } = graph.directory.addApplication({ displayName: 'Busy' });
      graph.throttle(2, 7);
      const first = await call(graph, 'GET', `/applications/${app.id}`);
      assert.equal(first.status, 429);
      assert.equal(first.headers.get('retry-after'), '7');
      assert.equal(first.json!.error.code, 'TooManyRequests');
      assert.equal((await call(graph, 'GET', `/applications/${app.id}`)).status, 429);
      assert.equal((await call(graph, 'GET', `/applications/${app.id}`)).status, 200);
      graph.fail(1, 503, 'serviceNotAvailable', 'Service unavailable', {}, (method) => method === 'PATCH');
      assert.equal((await call(graph, 'GET', `/applications/${app.id}`)).status, 200, 'a fault only hits requests it matches');
      assert.equal((await call(graph, 'PATCH', `/applications/${app.id}`, { appRoles: [] })).status, 503);
      assert.deepEqual(graph.log.map((r) => r.status), [429, 429, 200, 200, 503]);
      assert.deepEqual(graph.writes(), [`PATCH /v1.0/applications/${app.id}`]);
    } finally {
      await graph.close();
    }
  });
});
