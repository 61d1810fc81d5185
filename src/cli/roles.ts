import { type Command, Option } from 'commander';
import type { Config } from '../config/types.ts';
import { type Diagnostic, diagnostic, hasErrors } from '../diagnostics/index.ts';
import { grantRoles, listRoles, type RoleListing, revokeRoles } from '../azure/graph/access.ts';
import { CREDENTIAL_KINDS, CredentialError, type CredentialKind, graphTokenSource } from '../azure/graph/credential.ts';
import { GraphDirectory } from '../azure/graph/directory.ts';
import { DEFAULT_GRAPH_ORIGIN, GRAPH_CLOUDS, parseGraphEndpoint } from '../azure/graph/endpoint.ts';
import { GraphHttp } from '../azure/graph/http.ts';
import { renderChange, summarize } from '../azure/graph/render.ts';
import { type Change, changeJson, hasChanges } from '../azure/graph/role-plan.ts';
import { prepare, type RolesContext, RolesFailure } from '../azure/graph/session.ts';
import { applyPlan } from '../azure/graph/sync.ts';
import { type AppRole, GUID } from '../azure/graph/types.ts';
import { buildPlan } from '../plan/build.ts';
import type { Plan } from '../plan/types.ts';
import { diagnosticsJson, loadConfigFile, reportDiagnostics } from './common.ts';
import { type CliIo, ExitCode, useColor } from './io.ts';

/** What the roles commands take from outside besides the CliIo; tests inject an instant sleep. */
export interface RolesDeps {
  readonly sleep: (ms: number) => Promise<void>;
  readonly fetch?: typeof fetch;
}

interface GraphOptions {
  app?: string;
  graphEndpoint?: string;
  cloud?: string;
  credential: CredentialKind;
  deviceCode?: boolean;
  maxWait: string;
  json?: boolean;
}

interface SyncOptions extends GraphOptions {
  assignments?: boolean;
  prune?: boolean;
  allowDisable?: boolean;
  failOnChanges?: boolean;
}

interface AccessOptions extends GraphOptions {
  principal: string;
  role: string[];
}

/** Everything a roles command runs with, once the config and options are good. */
interface Session {
  readonly config: Config;
  readonly plan: Plan;
  readonly appId: string;
  readonly ctx: RolesContext;
  readonly sources: ReadonlyMap<string, string>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  registerRoles(program, io, setExit, { sleep });
}

export function registerRoles(program: Command, io: CliIo, setExit: (code: number) => void, deps: RolesDeps): void {
  const roles = program
    .command('roles')
    .description('Entra app roles on the gateway\'s app registration, and their assignments, through Microsoft Graph.')
    .addHelpText(
      'after',
      `
Roles mcp-apim created have the id UUIDv5(namespace, value) — the ids compile writes to
entra/app-roles.json. Every other role on the app is left alone, even with --prune.
Examples:
  mcp-apim roles plan mcp-gateway.yaml --app 11111111-2222-3333-4444-555555555555 --assignments
  mcp-apim roles sync mcp-gateway.yaml --app <appId> --assignments --prune
  mcp-apim roles grant mcp-gateway.yaml --app <appId> --principal agent-prod-001 --role MCP.Tools.Read
See docs/roles.md for the Graph permissions the identity needs.`,
    );

  graphOptions(roles.command('plan'))
    .description('Show what sync would change (reads only).')
    .option('--assignments', 'also compare the config\'s assignments: with the app\'s role assignments')
    .option('--prune', 'show the removal of managed roles (and assignments) the config no longer has')
    .option('--fail-on-changes', 'exit 1 when anything would change (for CI drift checks)')
    .addHelpText('after', `
--json prints {"changes":[{"action","kind","role","principal"}]}; action is create, update,
disable, delete, assign, unassign or unchanged; kind is role or assignment; principal is null
for roles. Exit codes: 0 (1 with --fail-on-changes and changes), 2 on errors.`)
    .action((configPath: string, options: SyncOptions) =>
      run(io, setExit, deps, configPath, options, async (s) => {
        const { rolesPlan } = await prepare(s.ctx, s.plan, { appId: s.appId, assignments: Boolean(options.assignments), prune: Boolean(options.prune) });
        printChanges(io, options, rolesPlan.changes, rolesPlan.diagnostics, s.sources, 'plan', rolesPlan.unmanaged);
        if (hasErrors(rolesPlan.diagnostics)) return ExitCode.usage;
        return options.failOnChanges && hasChanges(rolesPlan.changes) ? ExitCode.findings : ExitCode.ok;
      }),
    );

  graphOptions(roles.command('sync'))
    .description('Make the app registration\'s roles (and with --assignments, their assignments) match the config.')
    .option('--assignments', 'also make the managed roles\' assignments match the config\'s assignments:')
    .option('--prune', 'remove managed roles the config no longer has (assignments first, then disable, then delete), and with --assignments extra assignments')
    .option('--allow-disable', 'when Graph refuses to change an enabled role, disable it, update it and enable it again (it is briefly left out of new tokens)')
    .addHelpText('after', `
Without --assignments the config's assignments: are ignored. Roles and assignments mcp-apim does
not manage are never changed. Principals that are new (or roles just created) are waited for
(--max-wait). --json prints the changes as applied, in the shape of plan --json.`)
    .action((configPath: string, options: SyncOptions) =>
      run(io, setExit, deps, configPath, options, async (s) => {
        const { target, rolesPlan } = await prepare(s.ctx, s.plan, { appId: s.appId, assignments: Boolean(options.assignments), prune: Boolean(options.prune) });
        if (hasErrors(rolesPlan.diagnostics)) {
          printChanges(io, options, [], rolesPlan.diagnostics, s.sources, 'done');
          return ExitCode.usage;
        }
        const applied = await applyPlan(s.ctx, target, rolesPlan, { allowDisable: Boolean(options.allowDisable) });
        printChanges(io, options, applied, rolesPlan.diagnostics, s.sources, 'done', rolesPlan.unmanaged);
        return ExitCode.ok;
      }),
    );

  for (const verb of ['grant', 'revoke'] as const) {
    graphOptions(roles.command(verb))
      .description(verb === 'grant' ? 'Assign a role of the config to a principal (granting twice is one assignment).' : 'Remove a principal\'s assignment of a role (revoking what is absent succeeds).')
      .requiredOption('--principal <principal>', 'service principal or managed identity: appId, object id or display name (a name must match exactly one)')
      .requiredOption('--role <value>', 'role value from the config (repeatable)', (v: string, all: string[]) => [...all, v], [])
      .action((configPath: string, options: AccessOptions) =>
        run(io, setExit, deps, configPath, options, async (s) => {
          const unknown = options.role.filter((r) => !s.config.roles.some((x) => x.value === r));
          if (unknown.length > 0) {
            throw new RolesFailure([diagnostic('MA8414', `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a role' : 'are not roles'} of ${s.config.file}`, undefined, `its roles: ${s.config.roles.map((r) => r.value).join(', ')}`)]);
          }
          const changes = await (verb === 'grant' ? grantRoles : revokeRoles)(s.ctx, s.appId, options.principal, options.role);
          printChanges(io, options, changes, [], s.sources, 'done');
          return ExitCode.ok;
        }),
      );
  }

  graphOptions(roles.command('list'))
    .description('List the app registration\'s roles (managed or not) and who holds them.')
    .addHelpText('after', `
--json prints {"app":{"id","appId","displayName"},"roles":[{"value","id","displayName","description",
"isEnabled","managed","inConfig"}],"assignments":[{"id","role","roleId","principal","principalId","principalType"}]}.`)
    .action((configPath: string, options: GraphOptions) =>
      run(io, setExit, deps, configPath, options, async (s) => {
        const listing = await listRoles(s.ctx, s.appId, s.config.roles.map((r) => r.value));
        if (options.json) io.stdout(`${JSON.stringify(listing, null, 2)}\n`);
        else io.stdout(renderListing(listing));
        return ExitCode.ok;
      }),
    );
}

function graphOptions(command: Command): Command {
  return command
    .argument('<config>', 'the mcp-apim config file (YAML)')
    .option('--app <appId>', "the gateway's app registration: application (client) id (default: the GUID of an api://<appId> audience in the config)")
    .option('--graph-endpoint <origin>', `Microsoft Graph origin; /v1.0 is appended (default: ${DEFAULT_GRAPH_ORIGIN}; plain http only on loopback)`)
    .addOption(new Option('--cloud <name>', 'national cloud whose Graph to use').choices(Object.keys(GRAPH_CLOUDS)))
    .addOption(new Option('--credential <kind>', 'how to get a Graph token; auto = Azure Pipelines workload identity when its variables are set, else Azure CLI, then DefaultAzureCredential; token = GRAPH_ACCESS_TOKEN').choices([...CREDENTIAL_KINDS]).default('auto'))
    .option('--device-code', 'sign in at the terminal with a device code (same as --credential device-code)')
    .option('--max-wait <seconds>', 'longest wait for directory replication or throttling, per step', '120')
    .option('--json', 'print JSON instead of text');
}

async function run(io: CliIo, setExit: (code: number) => void, deps: RolesDeps, configPath: string, options: GraphOptions, body: (s: Session) => Promise<number>): Promise<void> {
  const session = openSession(io, deps, configPath, options);
  if (!session.ok) {
    report(io, options, session.diagnostics, session.sources);
    return setExit(ExitCode.usage);
  }
  try {
    setExit(await body(session.value));
  } catch (error) {
    if (error instanceof RolesFailure) {
      if (options.json) io.stdout(`${JSON.stringify({ changes: error.applied.map(changeJson), diagnostics: diagnosticsJson(error.diagnostics) }, null, 2)}\n`);
      else {
        if (error.applied.length > 0) io.stderr(`applied before stopping:\n${error.applied.map((c) => renderChange(c, false)).join('\n')}\n`);
        reportDiagnostics(error.diagnostics, session.value.sources, io);
      }
      return setExit(ExitCode.usage);
    }
    if (error instanceof CredentialError) {
      report(io, options, [diagnostic('MA8401', error.message, undefined, 'choose another credential with --credential, or sign in (az login, or --device-code)')], session.value.sources);
      return setExit(ExitCode.usage);
    }
    throw error;
  }
}

type Opened = { ok: true; value: Session } | { ok: false; diagnostics: Diagnostic[]; sources: ReadonlyMap<string, string> };

function openSession(io: CliIo, deps: RolesDeps, configPath: string, options: GraphOptions): Opened {
  const loaded = loadConfigFile(configPath, io);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (!loaded.config) return { ok: false, diagnostics: errors, sources: loaded.sources };
  const { plan, diagnostics } = buildPlan(loaded.config);
  const planErrors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length + planErrors.length > 0) return { ok: false, diagnostics: [...errors, ...planErrors], sources: loaded.sources };
  const config = loaded.config;
  const fail = (d: Diagnostic): Opened => ({ ok: false, diagnostics: [d], sources: loaded.sources });

  const appId = options.app ?? defaultAppId(config);
  if (appId === undefined || !GUID.test(appId)) {
    return fail(diagnostic('MA8419', appId === undefined ? 'which app registration? the config has no api://<appId> audience, so --app is needed' : `--app ${JSON.stringify(appId)} is not an application (client) id GUID`, undefined, 'give the gateway app registration\'s application (client) id, e.g. --app 11111111-2222-3333-4444-555555555555'));
  }
  if (options.graphEndpoint !== undefined && options.cloud !== undefined) {
    return fail(diagnostic('MA9003', '--graph-endpoint and --cloud both name the Graph endpoint; give one'));
  }
  const endpoint = parseGraphEndpoint(options.graphEndpoint ?? GRAPH_CLOUDS[options.cloud ?? 'AzureCloud']!);
  if (typeof endpoint === 'string') return fail(diagnostic('MA8400', `--graph-endpoint: ${endpoint}`));
  const maxWaitSeconds = Number(options.maxWait);
  if (!/^\d+(\.\d+)?$/.test(options.maxWait) || !Number.isFinite(maxWaitSeconds)) return fail(diagnostic('MA9003', `--max-wait takes seconds, e.g. 120, not ${JSON.stringify(options.maxWait)}`));
  if (options.deviceCode && options.credential !== 'auto' && options.credential !== 'device-code') {
    return fail(diagnostic('MA9003', `--device-code and --credential ${options.credential} choose different credentials; give one`));
  }

  let token: () => Promise<string>;
  try {
    token = graphTokenSource({ kind: options.deviceCode ? 'device-code' : options.credential, env: io.env, scope: endpoint.scope, tenantId: config.identity.tenantId, prompt: (m) => io.stderr(`${m}\n`) });
  } catch (error) {
    if (!(error instanceof CredentialError)) throw error;
    return fail(diagnostic('MA8401', error.message));
  }
  const progress = options.json ? () => {} : (line: string) => io.stderr(`${line}\n`);
  const maxWaitMs = Math.round(maxWaitSeconds * 1000);
  const http = new GraphHttp({ endpoint, token, sleep: deps.sleep, maxWaitMs, onWait: progress, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const ctx: RolesContext = { directory: new GraphDirectory(http), waiter: { sleep: deps.sleep, maxWaitMs, onWait: progress }, progress };
  return { ok: true, value: { config, plan, appId, ctx, sources: loaded.sources } };
}

/** `api://<GUID>` is the default Application ID URI of an app registration: its appId. */
function defaultAppId(config: Config): string | undefined {
  for (const audience of config.identity.audiences) {
    const m = /^api:\/\/([0-9a-f-]{36})\/?$/i.exec(audience);
    if (m && GUID.test(m[1]!)) return m[1]!.toLowerCase();
  }
  return undefined;
}

function printChanges(io: CliIo, options: GraphOptions, changes: readonly Change[], diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>, tense: 'plan' | 'done', unmanaged: readonly AppRole[] = []): void {
  if (options.json) {
    io.stdout(`${JSON.stringify({ changes: changes.map(changeJson), ...(diagnostics.length > 0 ? { diagnostics: diagnosticsJson(diagnostics) } : {}) }, null, 2)}\n`);
    return;
  }
  reportDiagnostics(diagnostics, sources, io);
  if (changes.length > 0 || !hasErrors(diagnostics)) {
    const color = useColor(io);
    io.stdout(`${changes.map((c) => renderChange(c, color)).join('\n')}${changes.length > 0 ? '\n' : ''}${tense === 'plan' ? 'Plan' : 'Done'}: ${summarize(changes, tense)}\n`);
    if (unmanaged.length > 0) io.stdout(`Left alone (not managed by mcp-apim): ${unmanaged.map((r) => r.value).sort().join(', ')}\n`);
  }
}

function report(io: CliIo, options: GraphOptions, diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>): void {
  if (options.json) io.stdout(`${JSON.stringify({ changes: [], diagnostics: diagnosticsJson(diagnostics) }, null, 2)}\n`);
  else reportDiagnostics(diagnostics, sources, io);
}

function renderListing(listing: RoleListing): string {
  const lines = [`${listing.app.displayName ?? listing.app.appId} (appId ${listing.app.appId})`];
  for (const r of listing.roles) {
    const marks = [r.managed ? 'managed' : 'unmanaged', ...(r.isEnabled ? [] : ['disabled']), ...(r.managed && !r.inConfig ? ['not in config'] : [])];
    lines.push(`  ${r.value} (${marks.join(', ')})`);
    for (const a of listing.assignments.filter((x) => x.roleId === r.id)) lines.push(`    → ${a.principal} (${a.principalId}${a.principalType ? `, ${a.principalType}` : ''})`);
  }
  const other = listing.assignments.filter((a) => !listing.roles.some((r) => r.id === a.roleId));
  if (other.length > 0) lines.push(`  (default access or unknown role): ${other.map((a) => a.principal).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
