import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { roleId } from '../../src/plan/uuid.ts';
import { graphArgs, runRoles, writeConfig } from '../support/graph-server/cli.ts';
import { type AppRole, GraphServer, type GraphServerOptions, TEST_TOKEN } from '../support/graph-server/server.ts';

const UNMANAGED_ID = '5a5a5a5a-5a5a-4a5a-8a5a-5a5a5a5a5a5a';
const managed = (value: string, extra: Partial<AppRole> = {}): Partial<AppRole> => ({ id: roleId(value), value, displayName: value, description: value, allowedMemberTypes: ['Application'], isEnabled: true, ...extra });
const sum = (list: readonly number[]) => list.reduce((a, b) => a + b, 0);

async function withGraph(options: GraphServerOptions, body: (graph: GraphServer) => Promise<void>): Promise<void> {
  const graph = await GraphServer.start(options);
  try {
    await body(graph);
  } finally {
    await graph.close();
  }
}

describe('roles under Graph eventual consistency', () => {
  it('rides out replication lag: a new managed identity, new roles, new and removed assignments', () =>
    withGraph({ lag: 3, pageSize: 2 }, async (graph) => {
      const { app, sp } = graph.directory.addApplication({ displayName: 'Lag', appRoles: [{ id: UNMANAGED_ID, value: 'Legacy.Role' }, managed('Old')] });
      const old = graph.directory.addServicePrincipal({ displayName: 'old-agent' });
      graph.directory.seedAssignment(sp!, old, roleId('Old'));
      graph.directory.addServicePrincipal({ displayName: 'fresh-identity', type: 'ManagedIdentity', hiddenReads: 4 });
      const { cwd, file } = writeConfig({ assignments: '  - { principal: fresh-identity, roles: [Reader, Admin] }\n' });
      const r = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--assignments', '--prune', '--json'], { cwd });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.json.changes.filter((c: { action: string }) => c.action !== 'unchanged').map((c: { action: string; role: string }) => `${c.action} ${c.role}`), [
        'create Admin', 'create Reader', 'create Writer', 'assign Admin', 'assign Reader', 'unassign Old', 'disable Old', 'delete Old',
      ]);
      assert.deepEqual(graph.directory.applicationById(app.id).appRoles.map((x) => x.value).sort(), ['Admin', 'Legacy.Role', 'Reader', 'Writer']);
      assert.equal(graph.directory.assignments.filter((a) => a.resourceId === sp!.id).length, 2);
      assert.ok(r.slept.length > 0, 'it had to wait');
      assert.ok(r.slept.every((ms) => ms >= 1000 && ms <= 16_000), `backoff delays within 1–16 s: ${r.slept.join(',')}`);
      assert.ok(r.slept.length <= 20, 'a bounded number of waits');
    }));

  it('reports a principal that never shows after --max-wait, with the waits it made', () =>
    withGraph({}, async (graph) => {
      const { app } = graph.directory.addApplication({ displayName: 'Never' });
      graph.directory.addServicePrincipal({ displayName: 'slow-identity', hiddenReads: 1000 });
      const { cwd, file } = writeConfig({ assignments: '  - { principal: slow-identity, roles: [Reader] }\n' });
      const r = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--assignments', '--max-wait', '10'], { cwd });
      assert.equal(r.code, 2);
      assert.deepEqual(r.slept, [1000, 2000, 4000, 3000], 'doubling delays, the last one trimmed to the budget');
      assert.match(r.stderr, /MA8406: no service principal has the appId, object id or display name "slow-identity" \(waited 10 s for directory replication\)/);
      assert.deepEqual(graph.writes(), [], 'nothing was written');
    }));

  it('retries an assignment while Graph says the new role is not on the app yet, and gives up clearly', () =>
    withGraph({}, async (graph) => {
      const { app } = graph.directory.addApplication({ displayName: 'NotYet' });
      graph.directory.addServicePrincipal({ displayName: 'eager-agent' });
      const { cwd, file } = writeConfig({ assignments: '  - { principal: eager-agent, roles: [Reader] }\n' });
      const notFound = `Permission being assigned was not found on application '${app.appId}'.`;
      graph.fail(2, 400, 'Request_BadRequest', notFound, {}, (method) => method === 'POST');
      const r = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--assignments'], { cwd });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.slept, [1000, 2000]);
      assert.deepEqual(graph.log.filter((l) => l.method === 'POST').map((l) => l.status), [400, 400, 201]);

      const other = await GraphServer.start();
      try {
        const again = other.directory.addApplication({ displayName: 'NeverAssignable' }).app;
        other.directory.addServicePrincipal({ displayName: 'eager-agent' });
        other.fail(100, 400, 'Request_BadRequest', notFound, {}, (method) => method === 'POST');
        const stuck = await runRoles(['sync', file, ...graphArgs(other, again.appId), '--assignments', '--max-wait', '5'], { cwd });
        assert.equal(stuck.code, 2);
        assert.match(stuck.stderr, /applied before stopping:\n(.*create.*\n){3}/);
        assert.match(stuck.stderr, /MA8415: role Reader is still not assignable on app [0-9a-f-]+ after 5 s \(Permission being assigned was not found/);
        assert.equal(sum(stuck.slept.slice(-3)), 5000);
      } finally {
        await other.close();
      }
    }));

  it('counts a removal Graph has already forgotten (404 on DELETE) as done', () =>
    withGraph({ lag: 2 }, async (graph) => {
      const { app, sp } = graph.directory.addApplication({ displayName: 'Forgotten', appRoles: [managed('Reader'), managed('Writer'), managed('Admin'), managed('Old')] });
      const bot = graph.directory.addServicePrincipal({ displayName: 'bot' });
      const gone = graph.directory.seedAssignment(sp!, bot, roleId('Old'));
      graph.directory.unassign(sp!, gone.id);
      const { cwd, file } = writeConfig();
      const r = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--prune', '--json'], { cwd });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(graph.log.filter((l) => l.method === 'DELETE').map((l) => l.status), [404]);
      assert.deepEqual(graph.directory.applicationById(app.id).appRoles.map((x) => x.value).sort(), ['Admin', 'Reader', 'Writer']);
    }));

  it('stops with MA8411 when a PATCH never shows within the wait, saying it may still be replicating', () =>
    withGraph({ lag: 1000 }, async (graph) => {
      const { app } = graph.directory.addApplication({ displayName: 'Stuck' });
      const { cwd, file } = writeConfig();
      const r = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--max-wait', '3'], { cwd });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /MA8411: Graph accepted the change to app [0-9a-f-]+ but does not show it after 3 s/);
      assert.match(r.stderr, /run the same command again in a minute/);
    }));
});

describe('roles under throttling and refusals', () => {
  it('honours Retry-After on 429 and carries on', () =>
    withGraph({}, async (graph) => {
      const { app } = graph.directory.addApplication({ displayName: 'Busy' });
      graph.directory.addServicePrincipal({ displayName: 'busy-agent' });
      const { cwd, file } = writeConfig({ assignments: '  - { principal: busy-agent, roles: [Reader] }\n' });
      graph.throttle(2, 7, (method) => method === 'PATCH');
      graph.throttle(1, 3, (method) => method === 'POST');
      const r = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--assignments'], { cwd });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.slept, [7000, 7000, 3000]);
      assert.match(r.stderr, /Graph answered 429 TooManyRequests to PATCH \/applications\/[0-9a-f-]+; retrying in 7 s/);
      assert.equal(graph.directory.applicationById(app.id).appRoles.length, 3);
      assert.deepEqual(graph.log.filter((l) => l.method !== 'GET').map((l) => `${l.method} ${l.status}`), ['PATCH 429', 'PATCH 429', 'PATCH 204', 'POST 429', 'POST 201']);
    }));

  it('backs off without Retry-After (503), and gives up with MA8412 when throttling outlasts --max-wait', () =>
    withGraph({}, async (graph) => {
      const { app } = graph.directory.addApplication({ displayName: 'Overloaded' });
      const { cwd, file } = writeConfig();
      graph.fail(2, 503, 'serviceNotAvailable', 'The service is temporarily unavailable.');
      const ok = await runRoles(['plan', file, ...graphArgs(graph, app.appId)], { cwd });
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(ok.slept, [1000, 2000]);
      graph.throttle(10, 60);
      const r = await runRoles(['plan', file, ...graphArgs(graph, app.appId), '--max-wait', '100'], { cwd });
      assert.equal(r.code, 2);
      assert.deepEqual(r.slept, [60_000]);
      assert.match(r.stderr, /MA8412: Microsoft Graph kept throttling GET \/applications\(appId='[0-9a-f-]+'\): 429 TooManyRequests: .*still throttled after waiting 60 s \(the next Retry-After was 60 s\)/);
    }));

  it('names the permission a forbidden write needs: the app PATCH, then the assignment POST', () =>
    withGraph({ tokens: { reader: { permissions: ['Application.Read.All'] }, owner: { permissions: ['Application.Read.All', 'Application.ReadWrite.OwnedBy'], owns: [] } } }, async (graph) => {
      const { app } = graph.directory.addApplication({ displayName: 'Locked' });
      graph.directory.addServicePrincipal({ displayName: 'locked-agent' });
      const { cwd, file } = writeConfig({ assignments: '  - { principal: locked-agent, roles: [Reader] }\n' });
      const patch = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--assignments'], { cwd, env: { GRAPH_ACCESS_TOKEN: 'reader' } });
      assert.equal(patch.code, 2);
      assert.match(patch.stderr, /MA8402: Microsoft Graph refused PATCH \/applications\/[0-9a-f-]+: 403 Authorization_RequestDenied/);
      assert.match(patch.stderr, /Application\.ReadWrite\.OwnedBy with the identity an owner of the app registration, or Application\.ReadWrite\.All/);

      const owning = await GraphServer.start({ tokens: { owner: { permissions: ['Application.Read.All', 'Application.ReadWrite.OwnedBy'], owns: [app.appId] } } });
      try {
        const mine = owning.directory.addApplication({ displayName: 'Owned', appId: app.appId }).app;
        owning.directory.addServicePrincipal({ displayName: 'locked-agent' });
        const post = await runRoles(['sync', file, ...graphArgs(owning, mine.appId), '--assignments'], { cwd, env: { GRAPH_ACCESS_TOKEN: 'owner' } });
        assert.equal(post.code, 2);
        assert.match(post.stderr, /applied before stopping:\n {2}\+ create {4}role Admin/);
        assert.match(post.stderr, /MA8402: Microsoft Graph refused POST \/servicePrincipals\/[0-9a-f-]+\/appRoleAssignedTo: 403/);
        assert.match(post.stderr, /AppRoleAssignment\.ReadWrite\.All together with Application\.Read\.All/);
        assert.equal(owning.directory.applicationById(mine.id).appRoles.length, 3, 'an owner with OwnedBy may PATCH its app');
      } finally {
        await owning.close();
      }
    }));

  it('rejects a token Graph does not accept with MA8403', () =>
    withGraph({}, async (graph) => {
      const { app } = graph.directory.addApplication({ displayName: 'Audience' });
      const { cwd, file } = writeConfig();
      const r = await runRoles(['plan', file, ...graphArgs(graph, app.appId)], { cwd, env: { GRAPH_ACCESS_TOKEN: 'an-arm-token' } });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /MA8403: Microsoft Graph rejected the access token .*401 InvalidAuthenticationToken/);
      assert.match(r.stderr, /not for ARM/);
    }));

  it('never follows a paging link to another origin (the token stays home)', () =>
    withGraph({ pageSize: 1, nextLinkOrigin: 'https://graph.attacker.example' }, async (graph) => {
      const { app, sp } = graph.directory.addApplication({ displayName: 'Paged', appRoles: [managed('Reader'), managed('Old')] });
      const bot = graph.directory.addServicePrincipal({ displayName: 'paged-bot' });
      graph.directory.seedAssignment(sp!, bot, roleId('Reader'));
      graph.directory.seedAssignment(sp!, bot, roleId('Old'));
      const { cwd, file } = writeConfig();
      const r = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--prune', '--json'], { cwd });
      assert.equal(r.code, 2);
      assert.equal(r.json.diagnostics[0].code, 'MA8418');
      assert.match(r.json.diagnostics[0].message, /paging link to https:\/\/graph\.attacker\.example\/v1\.0\/.*it was not followed/);
      assert.deepEqual(graph.writes(), []);
    }));

  it('reports an unreachable Graph with MA8417', async () => {
    const graph = await GraphServer.start();
    const origin = graph.origin;
    await graph.close();
    const { cwd, file } = writeConfig();
    const r = await runRoles(['plan', file, '--app', '12345678-1234-4234-8234-123456789012', '--graph-endpoint', origin, '--credential', 'token'], { cwd, env: { GRAPH_ACCESS_TOKEN: TEST_TOKEN } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /MA8417: GET \/applications\(appId='12345678-1234-4234-8234-123456789012'\): http:\/\/127\.0\.0\.1:\d+ could not be reached/);
    assert.equal(sum(r.slept), 0);
  });
});
