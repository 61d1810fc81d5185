import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { applyPlan } from '../azure/arm/apply.ts';
import { createArmConnection, serviceId } from '../azure/arm/client.ts';
import { chooseCredential, CREDENTIAL_CHOICES, type CredentialChoice } from '../azure/arm/credentials.ts';
import { desiredState } from '../azure/arm/desired.ts';
import { resolveEndpoint } from '../azure/arm/endpoint.ts';
import { DeployError } from '../azure/arm/errors.ts';
import { modelForConfig } from '../azure/arm/model.ts';
import { checkPlanOrigin, parsePlan, planDrift, savePlan } from '../azure/arm/plan-file.ts';
import { type DeployContext, type DeployPlan, hasChanges, planDeployment, shortType, summarize } from '../azure/arm/plan.ts';
import { progress } from '../azure/arm/progress.ts';
import { planJson, planMarkdown, planTable, summaryLine } from '../azure/arm/report.ts';
import { type Diagnostic, diagnostic, hasErrors } from '../diagnostics/index.ts';
import { diagnosticsJson, loadConfigFile, reportDiagnostics } from './common.ts';
import { type CliIo, ExitCode, useColor } from './io.ts';

interface DeployOptions {
  subscription: string;
  resourceGroup: string;
  service: string;
  whatIf?: boolean;
  failOnChanges?: boolean;
  prune?: boolean;
  json?: boolean;
  planOut?: string;
  plan?: string;
  summaryMd?: string;
  parameter: string[];
  credential: string;
  cloud: string;
  armEndpoint?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Codes that mean "fix your input" (exit 2) rather than "the deploy did not complete" (exit 1). */
const INPUT_CODES = new Set(['MA8000', 'MA8001', 'MA8002', 'MA8003', 'MA8004', 'MA8010', 'MA8011', 'MA8012', 'MA8020', 'MA8032', 'MA8033']);

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('deploy')
    .description('Plan and apply the compiled gateway to an API Management instance through ARM (what-if, saved plans, prune).')
    .argument('<config>', 'the mcp-apim config file (YAML)')
    .requiredOption('--subscription <id>', 'Azure subscription id (a GUID)')
    .requiredOption('-g, --resource-group <name>', 'resource group of the API Management instance')
    .requiredOption('--service <name>', 'name of the API Management instance')
    .option('--what-if', 'print the plan and write nothing (exit 0 even with pending changes)')
    .option('--fail-on-changes', 'with --what-if: exit 1 when anything would change (drift detection)')
    .option('--prune', "also delete mcp-apim's own resources the config no longer needs (never anything else)")
    .option('--plan-out <file>', 'save the plan (actions and ETags, no values) for a later `deploy --plan`')
    .option('--plan <file>', 'apply exactly this saved plan; refuse if the live state or the config moved since')
    .option('--summary-md <file>', 'also write the plan as Markdown (for ##vso[task.uploadsummary])')
    .option('-p, --parameter <name=value>', 'a template parameter, e.g. appInsightsId=/subscriptions/… (repeatable; default: MCP_APIM_PARAM_<name>, then the default)', (v: string, all: string[]) => [...all, v], [])
    .option('--credential <kind>', `Azure credential: ${CREDENTIAL_CHOICES.join(', ')}`, 'auto')
    .option('--cloud <name>', 'AzureCloud, AzureChinaCloud or AzureUSGovernment', 'AzureCloud')
    .option('--arm-endpoint <origin>', 'ARM origin, e.g. https://management.azure.com (http only for loopback addresses)')
    .option('--json', 'print {"changes":[{"action","type","name","id"}],"summary":{…}} (and "applied" when applying)')
    .addHelpText(
      'after',
      `
Plans first (read-only GETs, compared after normalising), then applies in dependency order:
backends and loggers, APIs, operations, policies, diagnostics, product and links; deletes (--prune)
in reverse. Updates carry If-Match with the ETag the plan saw; unchanged resources get no request,
so a second run sends zero writes. Throttling, conflicts and server errors are retried with backoff.

Credentials (--credential auto): AzurePipelinesCredential inside AzureCLI@2 with SYSTEM_ACCESSTOKEN
mapped, else AzureCliCredential, then DefaultAzureCredential. --credential token reads an ARM token
from AZURE_ACCESS_TOKEN.

Exit codes: 0 applied (or what-if), 1 changes pending with --what-if --fail-on-changes, or the deploy
stopped (a foreign change, an ARM error), 2 bad input (config, options, credential, missing instance).

Examples:
  mcp-apim deploy mcp-gateway.yaml --subscription $SUB -g rg-gw --service apim-prod --what-if
  mcp-apim deploy mcp-gateway.yaml --subscription $SUB -g rg-gw --service apim-prod --what-if --plan-out plan.json
  mcp-apim deploy mcp-gateway.yaml --subscription $SUB -g rg-gw --service apim-prod --plan plan.json
  mcp-apim deploy mcp-gateway.yaml --subscription $SUB -g rg-gw --service apim-prod --prune \\
      -p appInsightsId=/subscriptions/…/components/ai-gw     # key from MCP_APIM_PARAM_appInsightsInstrumentationKey
See docs/deploy.md.`,
    )
    .action(async (configPath: string, options: DeployOptions) => {
      setExit(await deploy(configPath, options, io));
    });
}

async function deploy(configPath: string, o: DeployOptions, io: CliIo): Promise<number> {
  const fail = (diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string> = new Map()): number => {
    if (o.json) io.stdout(`${JSON.stringify({ ok: false, diagnostics: diagnosticsJson(diagnostics) }, null, 2)}\n`);
    else reportDiagnostics(diagnostics, sources, io);
    return diagnostics.some((d) => d.severity === 'error' && !INPUT_CODES.has(d.code) && d.code.startsWith('MA8')) ? ExitCode.findings : ExitCode.usage;
  };

  // Options that need no config.
  const usage: Diagnostic[] = [];
  if (!GUID.test(o.subscription)) usage.push(diagnostic('MA8000', `--subscription must be a subscription id (a GUID), not ${JSON.stringify(o.subscription)}`));
  if (o.resourceGroup.trim() === '' || o.service.trim() === '') usage.push(diagnostic('MA8000', '--resource-group and --service must not be empty'));
  if (o.plan && (o.whatIf || o.planOut || o.prune)) usage.push(diagnostic('MA8004', '--plan applies a saved plan as it is: it cannot be combined with --what-if, --plan-out or --prune (the plan records whether it prunes)'));
  if (o.failOnChanges && !o.whatIf) usage.push(diagnostic('MA8004', '--fail-on-changes only makes sense with --what-if'));
  if (!(CREDENTIAL_CHOICES as readonly string[]).includes(o.credential)) usage.push(diagnostic('MA8004', `--credential must be one of ${CREDENTIAL_CHOICES.join(', ')}, not ${JSON.stringify(o.credential)}`));
  const endpoint = resolveEndpoint({ cloud: o.cloud, ...(o.armEndpoint !== undefined ? { armEndpoint: o.armEndpoint } : {}) });
  if ('error' in endpoint) usage.push(diagnostic('MA8001', endpoint.error));
  const parameters: Record<string, string> = {};
  for (const p of o.parameter) {
    const eq = p.indexOf('=');
    // Only the name is ever echoed: the value may be a secret.
    if (eq <= 0) usage.push(diagnostic('MA8004', eq < 0 ? `--parameter takes name=value; ${JSON.stringify(p.slice(0, 60))} has no "="` : '--parameter takes name=value; the name is missing'));
    else parameters[p.slice(0, eq)] = p.slice(eq + 1);
  }
  if (usage.length > 0 || 'error' in endpoint) return fail(usage);

  // The config, compiled as `mcp-apim compile` would; the desired state from the same model.
  const loaded = loadConfigFile(configPath, io);
  const config = loaded.config;
  const compiled = config ? modelForConfig(config) : undefined;
  const configDiagnostics = [...loaded.diagnostics, ...(compiled?.diagnostics ?? [])];
  if (!config || !compiled?.model || hasErrors(configDiagnostics)) return fail(configDiagnostics, loaded.sources);
  const model = compiled.model;
  for (const p of model.parameters) {
    const fromEnv = io.env[`MCP_APIM_PARAM_${p.name}`];
    if (parameters[p.name] === undefined && fromEnv !== undefined && fromEnv !== '') parameters[p.name] = fromEnv;
  }
  const target = { subscriptionId: o.subscription, resourceGroup: o.resourceGroup, serviceName: o.service };
  const desired = desiredState(model, serviceId(target), parameters);
  if (!('state' in desired)) {
    const d = [
      ...desired.missing.map((name) => diagnostic('MA8002', `the parameter ${name} has no value`, undefined, `give it with -p ${name}=… or the environment variable MCP_APIM_PARAM_${name}`)),
      ...desired.unknown.map((name) => diagnostic('MA8003', `--parameter ${name}: the compiled resources have no such parameter (they have ${model.parameters.filter((p) => p.name !== 'apimName').map((p) => p.name).join(', ')})`)),
    ];
    return fail(d);
  }
  const state = desired.state;
  if (!o.json) reportDiagnostics(configDiagnostics, loaded.sources, io);

  const chosen = chooseCredential(o.credential as CredentialChoice, io.env, endpoint.endpoint.authorityHost);
  if ('error' in chosen) return fail([chosen.error]);
  const conn = createArmConnection({ credential: chosen.credential, endpoint: endpoint.endpoint, target });
  const out = (text: string) => (o.json ? io.stderr(text) : io.stdout(text));
  const bar = progress(out, io.isTty && !o.json);
  const ctx: DeployContext = {
    conn,
    io: { sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    random: Math.random,
    secrets: state.secrets,
    onRetry: (what, f, attempt, delay) => bar.note(`retry ${attempt + 1} of ${what} after ${f.status ?? ''} ${f.code} (waiting ${(delay / 1000).toFixed(1)} s)`.replace(/ {2}/g, ' ')),
  };
  const endpointOrigin = endpoint.endpoint.wireOrigin ?? endpoint.endpoint.publicOrigin;

  let saved: ReturnType<typeof parsePlan> | undefined;
  if (o.plan) {
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, o.plan), 'utf8');
    } catch {
      return fail([diagnostic('MA9001', `cannot read ${o.plan}: no such file, or not a readable file`)]);
    }
    saved = parsePlan(text, o.plan);
    if ('error' in saved) return fail([saved.error]);
    const origin = checkPlanOrigin(saved, target, endpointOrigin, state);
    if (origin) return fail([origin]);
  }

  let plan: DeployPlan;
  try {
    if (!o.json && !o.whatIf) bar.start('reading the live state…');
    plan = await planDeployment(ctx, state, { prune: saved && !('error' in saved) ? saved.prune : Boolean(o.prune), owner: { apiName: config.api.name }, expectedSku: config.apim.sku });
    bar.stop();
  } catch (error) {
    bar.stop();
    if (error instanceof DeployError) return fail([error.diagnostic]);
    throw error;
  }
  if (plan.warnings.length > 0) reportDiagnostics(plan.warnings, new Map(), { ...io, stdout: o.json ? io.stderr : io.stdout });

  if (saved && !('error' in saved)) {
    const drift = planDrift(saved, plan);
    if (drift.length > 0) {
      return fail([diagnostic('MA8031', `the live instance moved since the plan was made: ${drift.slice(0, 5).join('; ')}${drift.length > 5 ? `; and ${drift.length - 5} more` : ''}`, undefined, 'make a new plan with --what-if --plan-out and review it')]);
    }
  }
  const writeFile = (file: string, text: string, what: string): Diagnostic | undefined => {
    try {
      const full = resolve(io.cwd, file);
      writeFileSync(`${full}.tmp`, text);
      renameSync(`${full}.tmp`, full);
      return undefined;
    } catch (error) {
      return diagnostic('MA9002', `cannot write the ${what} to ${file}: ${(error as Error).message}`);
    }
  };
  const fileErrors = [
    o.planOut ? writeFile(o.planOut, savePlan(plan, target, endpointOrigin, state), 'plan') : undefined,
    o.summaryMd ? writeFile(o.summaryMd, planMarkdown(plan, target), 'Markdown summary') : undefined,
  ].filter((d): d is Diagnostic => d !== undefined);
  if (fileErrors.length > 0) return fail(fileErrors);
  const pending = summarize(plan.changes);
  if (io.env.TF_BUILD) io.stdout(`##vso[task.setvariable variable=mcpApimPendingChanges]${pending.create + pending.update + pending.delete}\n`);

  if (o.whatIf) {
    if (o.json) io.stdout(`${JSON.stringify(planJson(plan), null, 2)}\n`);
    else io.stdout(`${planTable(plan, target, useColor(io))}\n`);
    return o.failOnChanges && hasChanges(plan) ? ExitCode.findings : ExitCode.ok;
  }

  if (!o.json) io.stdout(`${planTable(plan, target, useColor(io))}\n`);
  const past = { create: 'created', update: 'updated', delete: 'deleted', unchanged: 'kept' } as const;
  const result = await applyPlan(ctx, plan, {
    onStart: (c) => bar.start(`${c.action} ${shortType(c.type)} ${c.name.join('/')}`),
    onDone: (c, attempts) => bar.done(`  ${past[c.action].padEnd(8)} ${shortType(c.type)} ${c.name.join('/')}${attempts > 1 ? ` (${attempts} attempts)` : ''}`),
  });
  bar.stop();
  const applied = { ok: result.ok, writes: result.writes, ...(result.failed ? { failed: { id: result.failed.change.id, ...diagnosticsJson([result.failed.diagnostic])[0] as object } } : {}) };
  if (o.json) {
    io.stdout(`${JSON.stringify({ ...planJson(plan), applied }, null, 2)}\n`);
  } else if (result.failed) {
    reportDiagnostics([result.failed.diagnostic], new Map(), io);
    const total = plan.changes.filter((c) => c.action !== 'unchanged').length;
    io.stderr(`Stopped after ${result.done.length} of ${total} changes. Run the deploy again to converge from where it stopped.\n`);
  } else {
    io.stdout(`Applied: ${summaryLine(summarize(plan.changes)).replace('to create', 'created').replace('to update', 'updated').replace('to delete', 'deleted')} (${result.writes} writes).\n`);
  }
  if (!result.failed) return ExitCode.ok;
  return INPUT_CODES.has(result.failed.diagnostic.code) ? ExitCode.usage : ExitCode.findings;
}
