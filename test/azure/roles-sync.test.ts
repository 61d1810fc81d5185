import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { roleId } from '../../src/plan/uuid.ts';
import { graphArgs, runRoles, writeConfig } from '../support/graph-server/cli.ts';
import { type AppRole, GraphServer } from '../support/graph-server/server.ts';

const UNMANAGED_ID = '5a5a5a5a-5a5a-4a5a-8a5a-5a5a5a5a5a5a';
const managed = (value: string, extra: Partial<AppRole> = {}): Partial<AppRole> => ({ id: roleId(value), value, displayName: value, description: value, allowedMemberTypes: ['Application'], isEnabled: true, ...extra });
const values = (roles: readonly AppRole[]) => roles.map((r) => `${r.value}${r.isEnabled ? '' : ' (disabled)'}`).sort();

describe('mcp-apim roles sync', () => {
  let graph: GraphServer;
  before(async () => {
    graph = await GraphServer.start({ pageSize: 2 });
  });
  after(() => graph.close());

  it('creates roles and assignments from nothing in one PATCH and POSTs; a second sync changes nothing', async () => {
    const { app, sp } = graph.directory.addApplication({ displayName: 'Fresh', appRoles: [{ id: UNMANAGED_ID, value: 'Legacy.Role' }] });
    const one = graph.directory.addServicePrincipal({ displayName: 'agent-one' });
    const mi = graph.directory.addServicePrincipal({ displayName: 'agent-mi', type: 'ManagedIdentity' });
    const { cwd, file } = writeConfig({ assignments: `  - { principal: agent-one, roles: [Reader, Writer] }\n  - { principal: ${mi.appId}, roles: [Admin] }\n` });
    const start = graph.log.length;
    const first = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--assignments', '--json'], { cwd });
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.json.changes.map((c: { action: string; role: string }) => `${c.action} ${c.role}`), ['create Admin', 'create Reader', 'create Writer', 'assign Admin', 'assign Reader', 'assign Writer']);
    const writes = graph.log.slice(start).filter((l) => l.method !== 'GET');
    assert.deepEqual(writes.map((l) => l.method), ['PATCH', 'POST', 'POST', 'POST']);
    const patch = writes[0]!.body as { appRoles: Record<string, unknown>[] };
    assert.deepEqual(patch.appRoles.map((r) => r.value), ['Legacy.Role', 'Admin', 'Reader', 'Writer'], 'the whole collection, unmanaged role first and unchanged');
    assert.ok(patch.appRoles.every((r) => !('origin' in r)), 'the read-only origin is never sent');
    assert.deepEqual(patch.appRoles[1], { id: roleId('Admin'), value: 'Admin', displayName: 'Admin', description: 'Admin', allowedMemberTypes: ['Application'], isEnabled: true });
    assert.deepEqual(values(graph.directory.applicationById(app.id).appRoles), ['Admin', 'Legacy.Role', 'Reader', 'Writer']);
    const held = graph.directory.assignments.filter((a) => a.resourceId === sp!.id).map((a) => `${a.principalDisplayName}:${a.appRoleId}`).sort();
    assert.deepEqual(held, [`agent-mi:${roleId('Admin')}`, `agent-one:${roleId('Reader')}`, `agent-one:${roleId('Writer')}`].sort());
    assert.equal(one.displayName, 'agent-one');

    const before = graph.log.length;
    const second = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--assignments', '--prune'], { cwd });
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(graph.log.slice(before).filter((l) => l.method !== 'GET'), [], 'a converged sync sends no writes');
    assert.match(second.stdout, /Done: no changes; 6 unchanged\nLeft alone \(not managed by mcp-apim\): Legacy.Role\n$/);
  });

  it('converges a rename, a removal and an addition in one config change through the required steps', async () => {
    const { app, sp } = graph.directory.addApplication({ displayName: 'Evolving', appRoles: [{ id: UNMANAGED_ID, value: 'Legacy.Role' }] });
    const agent = graph.directory.addServicePrincipal({ displayName: 'agent' });
    const legacyHolder = graph.directory.addServicePrincipal({ displayName: 'legacy-holder' });
    graph.directory.seedAssignment(sp!, legacyHolder, UNMANAGED_ID);
    const roles1 = '  Reader:\n    allow: [ { annotations: { readOnlyHint: true } } ]\n  Writer:\n    allow: [ { tools: ["inventory.*"] } ]\n  Admin:\n    allow: [ { tools: ["*"] } ]\n';
    const { cwd, file } = writeConfig({ roles: roles1, assignments: '  - { principal: agent, roles: [Reader, Writer, Admin] }\n' });
    const v1 = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--assignments'], { cwd });
    assert.equal(v1.code, 0, v1.stderr);

    // v2: Writer is renamed Editor (a new role), Admin is removed, Auditor is added.
    const roles2 = '  Reader:\n    allow: [ { annotations: { readOnlyHint: true } } ]\n  Editor:\n    allow: [ { tools: ["inventory.*"] } ]\n  Auditor:\n    allow: [ { tools: ["database.*"] } ]\n';
    const v2 = writeConfig({ roles: roles2, assignments: '  - { principal: agent, roles: [Reader, Editor, Auditor] }\n' });
    writeFileSync(join(cwd, file), readFileSync(join(v2.cwd, v2.file), 'utf8'));
    const start = graph.log.length;
    const r = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--assignments', '--prune', '--json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json.changes.filter((c: { action: string }) => c.action !== 'unchanged').map((c: { action: string; role: string }) => `${c.action} ${c.role}`), [
      'create Auditor',
      'create Editor',
      'assign Auditor',
      'assign Editor',
      'unassign Admin',
      'unassign Writer',
      'disable Admin',
      'disable Writer',
      'delete Admin',
      'delete Writer',
    ]);
    const steps = graph.log.slice(start).filter((l) => l.method !== 'GET').map((l) => {
      if (l.method !== 'PATCH') return l.method;
      const roles = (l.body as { appRoles: AppRole[] }).appRoles;
      return `PATCH ${roles.map((x) => `${x.value}${x.isEnabled ? '' : '-'}`).sort().join(',')}`;
    });
    assert.deepEqual(steps, [
      'PATCH Admin,Auditor,Editor,Legacy.Role,Reader,Writer',
      'POST',
      'POST',
      'DELETE',
      'DELETE',
      'PATCH Admin-,Auditor,Editor,Legacy.Role,Reader,Writer-',
      'PATCH Auditor,Editor,Legacy.Role,Reader',
    ]);
    assert.deepEqual(values(graph.directory.applicationById(app.id).appRoles), ['Auditor', 'Editor', 'Legacy.Role', 'Reader']);
    const held = graph.directory.assignments.filter((a) => a.resourceId === sp!.id).map((a) => `${a.principalDisplayName}:${a.appRoleId}`).sort();
    assert.deepEqual(held, [`agent:${roleId('Auditor')}`, `agent:${roleId('Editor')}`, `agent:${roleId('Reader')}`, `legacy-holder:${UNMANAGED_ID}`].sort(), 'the unmanaged role keeps its assignment');
    assert.equal(agent.displayName, 'agent');
  });

  it('without --prune keeps dropped roles and extra assignments (with a warning); without --assignments ignores assignments:', async () => {
    const { app, sp } = graph.directory.addApplication({ displayName: 'Careful', appRoles: [managed('Reader'), managed('Writer'), managed('Admin'), managed('Dropped')] });
    const bot = graph.directory.addServicePrincipal({ displayName: 'bot' });
    graph.directory.seedAssignment(sp!, bot, roleId('Admin'));
    const { cwd, file } = writeConfig({ assignments: '  - { principal: bot, roles: [Reader] }\n' });
    const start = graph.log.length;
    const plain = await runRoles(['sync', file, ...graphArgs(graph, app.appId)], { cwd });
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(graph.log.slice(start).filter((l) => l.method !== 'GET'), []);
    assert.match(plain.stderr, /warning MA8416: role Dropped was created by mcp-apim/);
    const withAssignments = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--assignments'], { cwd });
    assert.equal(withAssignments.code, 0, withAssignments.stderr);
    assert.match(withAssignments.stderr, /bot holds role Admin but the config's assignments do not give it/);
    const roles = graph.directory.assignments.filter((a) => a.resourceId === sp!.id).map((a) => a.appRoleId).sort();
    assert.deepEqual(roles, [roleId('Admin'), roleId('Reader')].sort());
    assert.deepEqual(values(graph.directory.applicationById(app.id).appRoles), ['Admin', 'Dropped', 'Reader', 'Writer']);
  });

  it('needs --allow-disable to update an enabled role Graph will not change in place, then disables, updates and re-enables it', async () => {
    const { app } = graph.directory.addApplication({ displayName: 'Strict', appRoles: [managed('Reader', { description: 'old' }), managed('Writer'), managed('Admin')] });
    const { cwd, file } = writeConfig();
    const start = graph.log.length;
    const refused = await runRoles(['sync', file, ...graphArgs(graph, app.appId)], { cwd });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /MA8410: Microsoft Graph refuses to update the enabled role Reader in place \(CannotDeleteOrUpdateEnabledEntitlement\); nothing was changed/);
    assert.match(refused.stderr, /--allow-disable/);
    assert.equal(graph.directory.applicationById(app.id).appRoles.find((r) => r.value === 'Reader')!.description, 'old');
    const mid = graph.log.length;
    const allowed = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--allow-disable', '--json'], { cwd });
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.deepEqual(allowed.json.changes[1], { action: 'update', kind: 'role', role: 'Reader', principal: null });
    const patches = graph.log.slice(mid).filter((l) => l.method === 'PATCH').map((l) => {
      const reader = (l.body as { appRoles: AppRole[] }).appRoles.find((x) => x.value === 'Reader')!;
      return `${l.status} ${reader.description} ${reader.isEnabled ? 'enabled' : 'disabled'}`;
    });
    assert.deepEqual(patches, ['400 Reader enabled', '204 old disabled', '204 Reader enabled']);
    const reader = graph.directory.applicationById(app.id).appRoles.find((r) => r.value === 'Reader')!;
    assert.equal(reader.description, 'Reader');
    assert.equal(reader.isEnabled, true);
    assert.ok(graph.log.length > start);
  });

  it('updates in one PATCH where Graph allows it, and re-enables a disabled managed role', async () => {
    const lenient = await GraphServer.start({ allowEnabledRoleEdits: true });
    try {
      const { app } = lenient.directory.addApplication({ displayName: 'Lenient', appRoles: [managed('Reader', { description: 'old' }), managed('Writer', { isEnabled: false }), managed('Admin')] });
      const { cwd, file } = writeConfig();
      const r = await runRoles(['sync', file, ...graphArgs(lenient, app.appId)], { cwd });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(lenient.writes(), [`PATCH /v1.0/applications/${app.id}`]);
      assert.ok(lenient.directory.applicationById(app.id).appRoles.every((x) => x.isEnabled && x.description === x.value));
    } finally {
      await lenient.close();
    }
  });

  it('stops before any write when a principal is ambiguous', async () => {
    const { app } = graph.directory.addApplication({ displayName: 'NoWrites' });
    graph.directory.addServicePrincipal({ displayName: 'same-name' });
    graph.directory.addServicePrincipal({ displayName: 'same-name' });
    const { cwd, file } = writeConfig({ assignments: '  - { principal: same-name, roles: [Reader] }\n' });
    const start = graph.log.length;
    const r = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--assignments', '--json'], { cwd });
    assert.equal(r.code, 2);
    assert.equal(r.json.diagnostics[0].code, 'MA8407');
    assert.deepEqual(r.json.changes, []);
    assert.deepEqual(graph.log.slice(start).filter((l) => l.method !== 'GET'), []);
    assert.deepEqual(graph.directory.applicationById(app.id).appRoles, []);
  });

  it('asks for the service principal when assignments need one', async () => {
    const { app } = graph.directory.addApplication({ displayName: 'NoSp', servicePrincipal: false });
    graph.directory.addServicePrincipal({ displayName: 'needs-sp-agent' });
    const { cwd, file } = writeConfig({ assignments: '  - { principal: needs-sp-agent, roles: [Reader] }\n' });
    const r = await runRoles(['sync', file, ...graphArgs(graph, app.appId), '--assignments'], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`MA8405.*az ad sp create --id ${app.appId}`, 's'));
    const rolesOnly = await runRoles(['sync', file, ...graphArgs(graph, app.appId)], { cwd });
    assert.equal(rolesOnly.code, 0, 'roles alone need no service principal');
  });
});
