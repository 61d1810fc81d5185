/**
 * The Azure Pipelines template (`azure-pipelines.yml`, scaffolded by `mcp-apim init`): parsed and
 * expanded for its default environments the way Azure Pipelines expands `${{ each }}`, then held
 * to the structure docs/ci.md promises. The pipeline cannot run here; its shape can be checked.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../support/cli.ts';

type Node = unknown;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Expands `${{ each x in parameters.p }}` items and `${{ x.key }}` references with the parameters' defaults. */
function expand(node: Node, parameters: Readonly<Record<string, unknown>>, scope: Readonly<Record<string, Obj>> = {}): Node {
  if (typeof node === 'string') {
    return node.replace(/\$\{\{\s*(\w+)\.(\w+)\s*\}\}/g, (m, v: string, k: string) => {
      if (!(v in scope)) return m;
      assert.ok(k in scope[v]!, `${v}.${k} is used but environment ${String(scope[v]!.name)} does not define it`);
      return String(scope[v]![k]);
    });
  }
  if (Array.isArray(node)) {
    const out: Node[] = [];
    for (const item of node) {
      const key = isObj(item) && Object.keys(item).length === 1 ? Object.keys(item)[0]! : '';
      const each = /^\$\{\{\s*each (\w+) in parameters\.(\w+)\s*\}\}$/.exec(key);
      if (!each) {
        out.push(expand(item, parameters, scope));
        continue;
      }
      for (const value of parameters[each[2]!] as Obj[]) out.push(...(expand((item as Obj)[key], parameters, { ...scope, [each[1]!]: value }) as Node[]));
    }
    return out;
  }
  if (isObj(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [expand(k, parameters, scope) as string, expand(v, parameters, scope)]));
  return node;
}

interface Step extends Obj {
  task?: string;
  script?: string;
  inputs?: Obj;
  env?: Obj;
  condition?: string;
}

const text = readFileSync('azure-pipelines.yml', 'utf8');
const raw = parse(text) as { parameters: { name: string; default: Obj[] }[]; stages: unknown[]; variables: Obj };
const environments = raw.parameters.find((p) => p.name === 'environments')!.default;
const pipeline = expand(raw, { environments }) as { stages: (Obj & { stage: string; jobs: Obj[] })[] };
const stage = (name: string) => pipeline.stages.find((s) => s.stage === name)!;
const stepsOf = (job: Obj): Step[] => (job.steps ?? (job.strategy as { runOnce: { deploy: { steps: Step[] } } }).runOnce.deploy.steps) as Step[];
const scriptOf = (s: Step) => String(s.script ?? s.inputs?.inlineScript ?? '');
const deployCalls = () => pipeline.stages.flatMap((s) => s.jobs.flatMap(stepsOf)).filter((s) => /mcp-apim deploy/.test(scriptOf(s)));

describe('azure-pipelines.yml', () => {
  it('is the template `mcp-apim init` scaffolds, and parses as YAML', () => {
    assert.equal(readFileSync('templates/init/azure-pipelines.yml', 'utf8'), text);
    assert.ok(environments.length >= 2, 'at least two environments by default');
    assert.deepEqual(pipeline.stages.map((s) => s.stage), ['Build', ...environments.flatMap((e) => [`Validate_${String(e.name)}`, `Deploy_${String(e.name)}`])]);
    assert.doesNotMatch(JSON.stringify(pipeline), /\$\{\{/, 'every template expression expands');
  });

  it('Build: install, replay traffic with JUnit published, compile, publish the artefact', () => {
    const steps = stepsOf(stage('Build').jobs[0]!);
    const at = (re: RegExp) => steps.findIndex((s) => re.test(scriptOf(s)) || re.test(String(s.task)));
    const order = [/^npm ci$/, /mcp-apim test .*--junit (\S+)/, /^PublishTestResults@2$/, /mcp-apim compile .* -o \$\(Build\.ArtifactStagingDirectory\)\/gateway/, /^PublishPipelineArtifact@1$/].map(at);
    assert.ok(order.every((i) => i >= 0), `all steps present: ${order}`);
    assert.deepEqual(order, [...order].sort((a, b) => a - b), 'in this order');
    const junit = /--junit (\S+)/.exec(scriptOf(steps[order[1]!]!))![1];
    const publish = steps[order[2]!]!;
    assert.equal(publish.inputs!.testResultsFormat, 'JUnit');
    assert.equal(publish.inputs!.testResultsFiles, junit, 'the results published are the ones written');
    assert.equal(publish.condition, 'succeededOrFailed()', 'failed traffic tests are still published');
    assert.equal(steps[order[4]!]!.inputs!.artifact, 'gateway');
  });

  for (const env of environments) {
    const name = String(env.name);
    it(`Validate_${name}: read-only what-if through the ${String(env.serviceConnection)} service connection, plan as a run summary, az bicep build`, () => {
      const steps = stepsOf(stage(`Validate_${name}`).jobs[0]!);
      const azure = steps.filter((s) => s.task === 'AzureCLI@2');
      assert.ok(azure.every((s) => s.inputs!.azureSubscription === env.serviceConnection));
      const whatIf = azure.find((s) => /mcp-apim deploy/.test(scriptOf(s)))!;
      const script = scriptOf(whatIf);
      assert.match(script, /--what-if/);
      assert.match(script, new RegExp(`--service ${String(env.apimName)}\\b`));
      const planOut = /--plan-out (\S+)/.exec(script)![1]!;
      const md = /--summary-md (\S+)/.exec(script)![1]!;
      assert.ok(script.includes(`##vso[task.uploadsummary]${md}`), 'the plan is uploaded as a summary');
      assert.ok(azure.some((s) => /az bicep build --file \$\(Pipeline\.Workspace\)\/gateway\/bicep\/main\.bicep/.test(scriptOf(s))));
      const publish = steps.find((s) => s.task === 'PublishPipelineArtifact@1')!;
      assert.equal(publish.inputs!.targetPath, planOut);
      assert.equal(publish.inputs!.artifact, `plan-${name}`);
      assert.deepEqual(stage(`Validate_${name}`).variables, [{ group: `mcp-apim-${name}` }]);
    });

    it(`Deploy_${name}: a deployment job on environment apim-${name} applies exactly the validated plan, keeping the az session alive; roles in a separate job`, () => {
      const s = stage(`Deploy_${name}`);
      assert.equal(s.dependsOn, `Validate_${name}`);
      assert.match(String(s.condition), /ne\(variables\['Build\.Reason'\], 'PullRequest'\)/, 'pull requests never deploy');
      const apply = s.jobs.find((j) => j.deployment === 'apply')!;
      assert.equal(apply.environment, `apim-${name}`, 'approvals attach to the environment');
      const steps = stepsOf(apply);
      const download = steps.find((st) => st.download === 'current')!;
      assert.equal(download.artifact, `plan-${name}`);
      const deploy = steps.find((st) => /mcp-apim deploy/.test(scriptOf(st)))!;
      assert.equal(deploy.task, 'AzureCLI@2');
      assert.equal(deploy.inputs!.keepAzSessionActive, true);
      assert.equal(deploy.inputs!.azureSubscription, env.serviceConnection);
      assert.ok(scriptOf(deploy).includes(`--plan $(Pipeline.Workspace)/plan-${name}/plan.json`));
      assert.doesNotMatch(scriptOf(deploy), /--what-if|--prune/, 'the saved plan decides');
      const roles = s.jobs.find((j) => j.deployment === 'roles')!;
      assert.equal(roles.dependsOn, 'apply');
      assert.equal(roles.environment, `apim-${name}`);
      assert.ok(stepsOf(roles).some((st) => /mcp-apim roles sync/.test(scriptOf(st))));
      assert.ok(!stepsOf(roles).some((st) => /mcp-apim deploy/.test(scriptOf(st))));
    });
  }

  it('every deploy gets the pipeline credential and the secret parameter from the environment, the same parameters in plan and apply', () => {
    const calls = deployCalls();
    assert.equal(calls.length, environments.length * 2);
    for (const c of calls) {
      assert.equal(c.env!.SYSTEM_ACCESSTOKEN, '$(System.AccessToken)', 'AzurePipelinesCredential needs the job token');
      assert.equal(c.env!.MCP_APIM_PARAM_appInsightsInstrumentationKey, '$(appInsightsInstrumentationKey)', 'the key comes from the variable group, never the command line');
    }
    for (const env of environments) {
      const params = calls.map(scriptOf).filter((s) => s.includes(`--service ${String(env.apimName)}`)).map((s) => s.match(/--parameter \S+/g)!.join(' '));
      assert.equal(params.length, 2);
      assert.equal(params[0], params[1], 'a saved plan only applies with the parameters it was made with');
    }
  });

  it('uses only options `mcp-apim deploy` has', async () => {
    const help = (await runCli(['deploy', '--help'])).stdout;
    for (const c of deployCalls()) {
      for (const flag of scriptOf(c).match(/\s--[a-z-]+/g) ?? []) assert.ok(help.includes(flag.trim()), `deploy --help lists ${flag.trim()}`);
    }
  });
});
