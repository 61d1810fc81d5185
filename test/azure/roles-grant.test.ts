import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { roleId } from '../../src/plan/uuid.ts';
import { graphArgs, runRoles, writeConfig } from '../support/graph-server/cli.ts';
import { type AppRole, GraphServer } from '../support/graph-server/server.ts';

const UNMANAGED_ID = '5a5a5a5a-5a5a-4a5a-8a5a-5a5a5a5a5a5a';
const managed = (value: string, extra: Partial<AppRole> = {}): Partial<AppRole> => ({ id: roleId(value), value, displayName: value, description: value, allowedMemberTypes: ['Application'], isEnabled: true, ...extra });

describe('mcp-apim roles grant, revoke and list', () => {
  let graph: GraphServer;
  before(async () => {
    graph = await GraphServer.start({ pageSize: 2 });
  });
  after(() => graph.close());

  it('grants idempotently: granting twice is one assignment; by display name, appId or object id alike', async () => {
    const { app, sp } = graph.directory.addApplication({ displayName: 'Grant', appRoles: [managed('Reader'), managed('Writer'), managed('Admin')] });
    const agent = graph.directory.addServicePrincipal({ displayName: 'grant-agent' });
    const { cwd, file } = writeConfig();
    const first = await runRoles(['grant', file, ...graphArgs(graph, app.appId), '--principal', 'grant-agent', '--role', 'Reader', '--role', 'Writer', '--json'], { cwd });
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.json, {
      changes: [
        { action: 'assign', kind: 'assignment', role: 'Reader', principal: 'grant-agent' },
        { action: 'assign', kind: 'assignment', role: 'Writer', principal: 'grant-agent' },
      ],
    });
    for (const name of [agent.appId, agent.id, 'GRANT-AGENT']) {
      const again = await runRoles(['grant', file, ...graphArgs(graph, app.appId), '--principal', name, '--role', 'Reader'], { cwd });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /= unchanged Reader → /);
    }
    assert.equal(graph.directory.assignments.filter((a) => a.resourceId === sp!.id && a.appRoleId === roleId('Reader')).length, 1);
  });

  it('treats Graph\'s "already exists" as success when a list lags behind', async () => {
    const lagging = await GraphServer.start({ lag: 5 });
    try {
      const { app, sp } = lagging.directory.addApplication({ displayName: 'Lagging', appRoles: [managed('Reader'), managed('Writer'), managed('Admin')] });
      const agent = lagging.directory.addServicePrincipal({ displayName: 'lag-agent' });
      const { cwd, file } = writeConfig();
      assert.equal((await runRoles(['grant', file, ...graphArgs(lagging, app.appId), '--principal', agent.id, '--role', 'Admin'], { cwd })).code, 0);
      const again = await runRoles(['grant', file, ...graphArgs(lagging, app.appId), '--principal', agent.id, '--role', 'Admin', '--json'], { cwd });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.json.changes[0].action, 'unchanged');
      assert.equal(lagging.directory.assignments.filter((a) => a.resourceId === sp!.id).length, 1);
      assert.ok(lagging.log.some((l) => l.method === 'POST' && l.status === 400), 'the second POST met "already exists"');
    } finally {
      await lagging.close();
    }
  });

  it('revokes idempotently: revoking twice (or what was never granted) succeeds', async () => {
    const { app, sp } = graph.directory.addApplication({ displayName: 'Revoke', appRoles: [managed('Reader'), managed('Writer'), managed('Admin')] });
    const agent = graph.directory.addServicePrincipal({ displayName: 'revoke-agent' });
    graph.directory.seedAssignment(sp!, agent, roleId('Reader'));
    graph.directory.seedAssignment(sp!, agent, roleId('Writer'));
    const { cwd, file } = writeConfig();
    const first = await runRoles(['revoke', file, ...graphArgs(graph, app.appId), '--principal', 'revoke-agent', '--role', 'Reader', '--role', 'Admin', '--json'], { cwd });
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.json.changes.map((c: { action: string; role: string }) => `${c.action} ${c.role}`), ['unassign Reader', 'unchanged Admin']);
    const second = await runRoles(['revoke', file, ...graphArgs(graph, app.appId), '--principal', 'revoke-agent', '--role', 'Reader'], { cwd });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /Done: no changes; 1 unchanged/);
    assert.deepEqual(graph.directory.assignments.filter((a) => a.resourceId === sp!.id).map((a) => a.appRoleId), [roleId('Writer')]);
  });

  it('refuses a display name that matches several principals, listing them, and writes nothing', async () => {
    const { app } = graph.directory.addApplication({ displayName: 'Twins', appRoles: [managed('Reader'), managed('Writer'), managed('Admin')] });
    const a = graph.directory.addServicePrincipal({ displayName: 'twin' });
    const b = graph.directory.addServicePrincipal({ displayName: 'Twin', type: 'ManagedIdentity' });
    const { cwd, file } = writeConfig();
    const start = graph.log.length;
    for (const verb of ['grant', 'revoke']) {
      const r = await runRoles([verb, file, ...graphArgs(graph, app.appId), '--principal', 'twin', '--role', 'Reader'], { cwd });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /MA8407: principal "twin" matches 2 service principals/);
      assert.ok(r.stderr.includes(a.appId) && r.stderr.includes(b.id) && r.stderr.includes('ManagedIdentity'));
    }
    assert.deepEqual(graph.log.slice(start).filter((l) => l.method !== 'GET'), []);
  });

  it('refuses roles outside the config, and roles that are not (enabled) on the app yet', async () => {
    const { app } = graph.directory.addApplication({ displayName: 'NotSynced', appRoles: [managed('Reader', { isEnabled: false }), { id: UNMANAGED_ID, value: 'Writer' }] });
    graph.directory.addServicePrincipal({ displayName: 'waiting-agent' });
    const { cwd, file } = writeConfig();
    const unknown = await runRoles(['grant', file, ...graphArgs(graph, app.appId), '--principal', 'waiting-agent', '--role', 'Nope'], { cwd });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /MA8414: Nope is not a role of mcp-gateway\.yaml/);
    assert.match(unknown.stderr, /its roles: Reader, Writer, Admin/);
    const cases: [string, RegExp][] = [
      ['Admin', /MA8415: role Admin of the config cannot be assigned: on app [0-9a-f-]+ it is not on it \(waited 2 s\)[\s\S]*roles sync/],
      ['Reader', /MA8415: .*Reader.* it is disabled/],
      ['Writer', /MA8415: .*Writer.* is held by a role mcp-apim does not manage/],
    ];
    for (const [role, pattern] of cases) {
      const r = await runRoles(['grant', file, ...graphArgs(graph, app.appId), '--principal', 'waiting-agent', '--role', role, '--max-wait', '2'], { cwd });
      assert.equal(r.code, 2, role);
      assert.match(r.stderr, pattern);
      assert.deepEqual(r.slept, [1000, 1000], 'waited within --max-wait for the role to replicate');
    }
  });

  it('lists roles (managed or not, in the config or not) and who holds them', async () => {
    const { app, sp } = graph.directory.addApplication({ displayName: 'Listed', appRoles: [managed('Reader'), managed('Gone', { isEnabled: false }), { id: UNMANAGED_ID, value: 'Legacy.Role' }] });
    const agent = graph.directory.addServicePrincipal({ displayName: 'list-agent', type: 'ManagedIdentity' });
    graph.directory.seedAssignment(sp!, agent, roleId('Reader'));
    graph.directory.seedAssignment(sp!, agent, UNMANAGED_ID);
    graph.directory.seedAssignment(sp!, agent, '00000000-0000-0000-0000-000000000000');
    const { cwd, file } = writeConfig();
    const r = await runRoles(['list', file, ...graphArgs(graph, app.appId), '--json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json.app, { id: app.id, appId: app.appId, displayName: 'Listed' });
    assert.deepEqual(r.json.roles.map((x: { value: string; managed: boolean; inConfig: boolean; isEnabled: boolean }) => [x.value, x.managed, x.inConfig, x.isEnabled]), [
      ['Gone', true, false, false],
      ['Legacy.Role', false, false, true],
      ['Reader', true, true, true],
    ]);
    assert.deepEqual(r.json.assignments.map((a: { role: string | null; principal: string }) => `${a.role}:${a.principal}`), ['null:list-agent', 'Legacy.Role:list-agent', 'Reader:list-agent']);
    const text = await runRoles(['list', file, ...graphArgs(graph, app.appId)], { cwd });
    assert.match(text.stdout, /^Listed \(appId [0-9a-f-]+\)\n {2}Gone \(managed, disabled, not in config\)\n {2}Legacy\.Role \(unmanaged\)\n {4}→ list-agent \([0-9a-f-]+, ServicePrincipal\)\n {2}Reader \(managed\)\n/);
  });
});
