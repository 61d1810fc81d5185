import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { roleId } from '../../src/plan/uuid.ts';
import { graphArgs, runRoles, writeConfig } from '../support/graph-server/cli.ts';
import { GraphServer, TEST_TOKEN } from '../support/graph-server/server.ts';

const managed = (value: string, extra: Record<string, unknown> = {}) => ({ id: roleId(value), value, displayName: value, description: value, allowedMemberTypes: ['Application'], isEnabled: true, ...extra });
const UNMANAGED_ID = '5a5a5a5a-5a5a-4a5a-8a5a-5a5a5a5a5a5a';

describe('mcp-apim roles plan', () => {
  let graph: GraphServer;
  before(async () => {
    graph = await GraphServer.start({ tokens: { [TEST_TOKEN]: { permissions: ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'] }, nobody: { permissions: [] } } });
  });
  after(() => graph.close());

  it('plans every role as a create on an app without roles, writing nothing; --fail-on-changes exits 1', async () => {
    const { app } = graph.directory.addApplication({ displayName: 'Empty gateway' });
    const { cwd, file } = writeConfig();
    const before = graph.log.length;
    const r = await runRoles(['plan', file, ...graphArgs(graph, app.appId), '--json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json, {
      changes: [
        { action: 'create', kind: 'role', role: 'Admin', principal: null },
        { action: 'create', kind: 'role', role: 'Reader', principal: null },
        { action: 'create', kind: 'role', role: 'Writer', principal: null },
      ],
    });
    assert.deepEqual(graph.log.slice(before).map((l) => l.method), ['GET', 'GET'], 'reads the app and its service principal, writes nothing');
    const strict = await runRoles(['plan', file, ...graphArgs(graph, app.appId), '--fail-on-changes'], { cwd });
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /\+ create {4}role Admin\n/);
    assert.match(strict.stdout, /Plan: 3 to create; 0 unchanged\n$/);
  });

  it('compares texts of managed roles, re-enables disabled ones, and leaves unmanaged roles out', async () => {
    const { app } = graph.directory.addApplication({
      displayName: 'Gateway',
      appRoles: [managed('Reader'), managed('Writer', { description: 'old words' }), managed('Admin', { isEnabled: false }), { id: UNMANAGED_ID, value: 'Legacy.Role' }],
    });
    const { cwd, file } = writeConfig();
    const r = await runRoles(['plan', file, ...graphArgs(graph, app.appId)], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, ['  ~ update    role Admin (isEnabled)', '  = unchanged role Reader', '  ~ update    role Writer (description)', 'Plan: 2 to update; 1 unchanged', 'Left alone (not managed by mcp-apim): Legacy.Role', ''].join('\n'));
  });

  it('keeps managed roles the config dropped unless --prune, which disables then deletes them and removes their assignments first', async () => {
    const { app, sp } = graph.directory.addApplication({ displayName: 'Stale', appRoles: [managed('Reader'), managed('Writer'), managed('Admin'), managed('Old.Role'), { id: UNMANAGED_ID, value: 'Legacy.Role' }] });
    const bot = graph.directory.addServicePrincipal({ displayName: 'old-bot' });
    graph.directory.seedAssignment(sp!, bot, roleId('Old.Role'));
    graph.directory.seedAssignment(sp!, bot, UNMANAGED_ID);
    const { cwd, file } = writeConfig();
    const kept = await runRoles(['plan', file, ...graphArgs(graph, app.appId), '--json'], { cwd });
    assert.equal(kept.code, 0);
    assert.deepEqual(kept.json.changes.at(-1), { action: 'unchanged', kind: 'role', role: 'Old.Role', principal: null });
    assert.equal(kept.json.diagnostics[0].code, 'MA8416');
    const pruned = await runRoles(['plan', file, ...graphArgs(graph, app.appId), '--prune', '--json'], { cwd });
    assert.deepEqual(pruned.json.changes.filter((c: { action: string }) => c.action !== 'unchanged'), [
      { action: 'unassign', kind: 'assignment', role: 'Old.Role', principal: 'old-bot' },
      { action: 'disable', kind: 'role', role: 'Old.Role', principal: null },
      { action: 'delete', kind: 'role', role: 'Old.Role', principal: null },
    ]);
    assert.equal(pruned.json.diagnostics, undefined);
  });

  it('plans assignments with --assignments: principals by display name, appId or object id; extra ones kept without --prune', async () => {
    const { app, sp } = graph.directory.addApplication({ displayName: 'Assign', appRoles: [managed('Reader'), managed('Writer'), managed('Admin')] });
    const one = graph.directory.addServicePrincipal({ displayName: 'agent-one' });
    const two = graph.directory.addServicePrincipal({ displayName: 'agent-two', type: 'ManagedIdentity' });
    const three = graph.directory.addServicePrincipal({ displayName: 'agent-three' });
    const extra = graph.directory.addServicePrincipal({ displayName: 'extra-agent' });
    graph.directory.seedAssignment(sp!, one, roleId('Reader'));
    graph.directory.seedAssignment(sp!, extra, roleId('Admin'));
    const { cwd, file } = writeConfig({
      assignments: [`  - { principal: agent-one, roles: [Reader, Writer] }`, `  - { principal: ${two.appId}, roles: [Reader] }`, `  - { principal: ${three.id}, roles: [Admin] }`, ''].join('\n'),
    });
    const r = await runRoles(['plan', file, ...graphArgs(graph, app.appId), '--assignments', '--json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    // Sorted by role, then principal (random GUIDs here, so compared as a set).
    const bySet = (list: unknown[]) => list.map((c) => JSON.stringify(c)).sort();
    const assignments = r.json.changes.filter((c: { kind: string }) => c.kind === 'assignment');
    assert.deepEqual(assignments.map((c: { role: string }) => c.role), ['Admin', 'Admin', 'Reader', 'Reader', 'Writer']);
    assert.deepEqual(bySet(assignments), bySet([
      { action: 'assign', kind: 'assignment', role: 'Admin', principal: three.id },
      { action: 'unchanged', kind: 'assignment', role: 'Admin', principal: 'extra-agent' },
      { action: 'assign', kind: 'assignment', role: 'Reader', principal: two.appId },
      { action: 'unchanged', kind: 'assignment', role: 'Reader', principal: 'agent-one' },
      { action: 'assign', kind: 'assignment', role: 'Writer', principal: 'agent-one' },
    ]));
    assert.match(r.json.diagnostics[0].message, /extra-agent holds role Admin/);
    const pruned = await runRoles(['plan', file, ...graphArgs(graph, app.appId), '--assignments', '--prune', '--json'], { cwd });
    assert.deepEqual(pruned.json.changes.find((c: { principal: string }) => c.principal === 'extra-agent'), { action: 'unassign', kind: 'assignment', role: 'Admin', principal: 'extra-agent' });
  });

  it('refuses unknown and ambiguous principals before anything else, pointing at the config', async () => {
    const { app } = graph.directory.addApplication({ displayName: 'Ambiguous' });
    graph.directory.addServicePrincipal({ displayName: 'twin-agent' });
    graph.directory.addServicePrincipal({ displayName: 'twin-agent', type: 'ManagedIdentity' });
    const { cwd, file } = writeConfig({ assignments: '  - { principal: twin-agent, roles: [Reader] }\n  - { principal: ghost-agent, roles: [Reader] }\n' });
    const r = await runRoles(['plan', file, ...graphArgs(graph, app.appId), '--assignments', '--max-wait', '0'], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /MA8407.*"twin-agent" matches 2 service principals: twin-agent \(appId [0-9a-f-]+, object id [0-9a-f-]+, (Application|ManagedIdentity)\); twin-agent/);
    assert.match(r.stderr, /mcp-gateway\.yaml:\d+:\d+/, 'the diagnostic points into the config');
    assert.match(r.stderr, /MA8406.*"ghost-agent"/);
    assert.equal(r.stdout, '');
  });

  it('refuses a config role whose value an unmanaged role already has', async () => {
    const { app } = graph.directory.addApplication({ displayName: 'Taken', appRoles: [{ id: UNMANAGED_ID, value: 'Reader' }] });
    const { cwd, file } = writeConfig();
    const r = await runRoles(['plan', file, ...graphArgs(graph, app.appId), '--json'], { cwd });
    assert.equal(r.code, 2);
    assert.equal(r.json.diagnostics[0].code, 'MA8408');
    assert.match(r.json.diagnostics[0].message, /never takes over/);
  });

  it('takes the app from an api://<appId> audience, and refuses bad --app, endpoints and credentials with exit 2', async () => {
    const { app } = graph.directory.addApplication({ displayName: 'ByAudience' });
    const { cwd, file } = writeConfig({ audience: `api://${app.appId}` });
    const r = await runRoles(['plan', file, '--graph-endpoint', graph.origin, '--credential', 'token', '--json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.changes.length, 3);
    const plain = writeConfig();
    const cases: [string[], Record<string, string> | undefined, RegExp][] = [
      [['--graph-endpoint', graph.origin, '--credential', 'token'], undefined, /MA8419/],
      [['--app', 'gateway', '--graph-endpoint', graph.origin], undefined, /MA8419.*not an application \(client\) id/],
      [['--app', app.appId, '--graph-endpoint', 'http://graph.example.com'], undefined, /MA8400.*plain http/],
      [['--app', app.appId, '--graph-endpoint', 'https://graph.microsoft.com/v1.0'], undefined, /MA8400.*origin only/],
      [['--app', app.appId, '--graph-endpoint', graph.origin, '--credential', 'token'], {}, /MA8401.*GRAPH_ACCESS_TOKEN/],
      [['--app', app.appId, '--graph-endpoint', graph.origin, '--max-wait', 'soon'], undefined, /MA9003/],
      [['--app', app.appId, '--cloud', 'Mars'], undefined, /Allowed choices/],
    ];
    for (const [args, env, pattern] of cases) {
      const bad = await runRoles(['plan', plain.file, ...args], { cwd: plain.cwd, ...(env ? { env } : {}) });
      assert.equal(bad.code, 2, args.join(' '));
      assert.match(bad.stderr, pattern);
      assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('names the missing Graph permission when a read is forbidden', async () => {
    const { app } = graph.directory.addApplication({ displayName: 'Forbidden' });
    const { cwd, file } = writeConfig();
    const r = await runRoles(['plan', file, ...graphArgs(graph, app.appId)], { cwd, env: { GRAPH_ACCESS_TOKEN: 'nobody' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /MA8402.*GET \/applications\(appId='[0-9a-f-]+'\): 403 Authorization_RequestDenied/);
    assert.match(r.stderr, /Application\.Read\.All/);
    assert.match(r.stderr, /docs\/roles\.md/);
  });

  it('reports an app registration that does not exist', async () => {
    const { cwd, file } = writeConfig();
    const r = await runRoles(['plan', file, ...graphArgs(graph, '12345678-1234-4234-8234-123456789012'), '--json'], { cwd });
    assert.equal(r.code, 2);
    assert.deepEqual(r.json.changes, []);
    assert.equal(r.json.diagnostics[0].code, 'MA8404');
  });
});
