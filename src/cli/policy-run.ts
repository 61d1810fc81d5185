import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { type Diagnostic, LineIndex, diagnostic, fileSpan, hasErrors } from '../diagnostics/index.ts';
import { substituteNamedValues } from '../policy/named-values.ts';
import { policyIndex } from '../policy/elements/index.ts';
import { parsePolicy } from '../policy/parse.ts';
import { type PolicyDocument, walk } from '../policy/tree.ts';
import { singlePolicyDeployment } from '../runtime/deployment.ts';
import { handlers } from '../runtime/handlers/index.ts';
import { generateDevKeys } from '../runtime/identity/keys.ts';
import { type EffectivePolicy, SECTIONS, composeScopes, expandFragments } from '../runtime/scopes.ts';
import { type ExchangeResult, replayFile } from '../traffic/replay.ts';
import { reportDiagnostics } from './common.ts';
import { type CliIo, ExitCode } from './io.ts';
import { readNamedValues } from './policy.ts';
import { printResults, readTraffic, writeJunit } from './traffic-report.ts';

interface RunOptions {
  readonly traffic: string[];
  readonly fragments?: string;
  readonly namedValues?: string;
  readonly backend: string;
  readonly tenant: string;
  readonly audience: string;
  readonly trace?: boolean;
  readonly json?: boolean;
  readonly junit?: string;
  readonly now?: string;
}


function parseFile(path: string, text: string, namedValues: Record<string, string> | undefined, diagnostics: Diagnostic[]): PolicyDocument | undefined {
  const index = new LineIndex(path, text);
  const substituted = substituteNamedValues(text, namedValues, index);
  diagnostics.push(...substituted.diagnostics);
  const parsed = parsePolicy(path, substituted.text, substituted.toSource, index);
  diagnostics.push(...parsed.diagnostics);
  return parsed.document;
}

/** Every element of the composed policy must have a handler: unsupported features fail at load time, not mid-run. */
function unsupported(policy: EffectivePolicy, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const section of SECTIONS) {
    for (const step of policy[section]) {
      for (const el of walk(step.element)) {
        // policies come from the declared schemas; their parts (<value>, <when>, <set-url> …) need no handler
        if (policyIndex.has(el.name) && el.name !== 'base' && !handlers.has(el.name)) out.push(diagnostic('MA6001', `the emulator does not run <${el.name}> (see docs/emulator-support.md)`, el.nameSpan ?? fileSpan(file)));
      }
    }
  }
  return out;
}

export function registerRun(group: Command, io: CliIo, setExit: (code: number) => void): void {
  group
    .command('run')
    .description('Run any APIM policy document in the emulator against recorded traffic.')
    .argument('<policy>', 'a policy document (<policies>) or fragment file')
    .requiredOption('--traffic <file...>', 'traffic files (JSON Lines, DESIGN §6)')
    .option('--fragments <dir>', 'a folder of policy fragments, <fragment-id>.xml each, for include-fragment')
    .option('--named-values <file>', 'JSON object of named values substituted before parsing')
    .option('--backend <url>', 'the service URL requests are forwarded to', 'https://backend.mcp-apim.local')
    .option('--tenant <id>', 'tenant of the tokens that request.token mints', '00000000-0000-0000-0000-000000000000')
    .option('--audience <aud>', 'audience of the tokens that request.token mints', 'api://mcp-apim')
    .option('--trace', 'print the policy trace of every exchange')
    .option('--json', 'print the same shape as `mcp-apim test --json`')
    .option('--junit <file>', 'also write JUnit XML')
    .option('--now <iso-time>', 'start the virtual clock at this instant (default: now)')
    .addHelpText(
      'after',
      `
The document runs as the API-scope policy; tokens minted for request.token come from the local
identity provider (issuer https://login.microsoftonline.com/<tenant>/v2.0), whose OpenID
configuration and keys validate-jwt / validate-azure-ad-token fetch. An element the emulator
does not run is an error before any request is sent (exit 2).
Example:
  mcp-apim policy run policy.xml --traffic traffic/smoke.jsonl --named-values nv.json --trace`,
    )
    .action(async (policyPath: string, options: RunOptions) => {
      const diagnostics: Diagnostic[] = [];
      const sources = new Map<string, string>();
      const namedValues = options.namedValues === undefined ? undefined : readNamedValues(options.namedValues, io, 'policy run');
      if (namedValues === null) return setExit(ExitCode.usage);
      let text: string;
      try {
        text = readFileSync(resolve(io.cwd, policyPath), 'utf8');
      } catch {
        reportDiagnostics([diagnostic('MA9001', `cannot read ${policyPath}: no such file, or not a readable file`, fileSpan(policyPath))], sources, io);
        return setExit(ExitCode.usage);
      }
      sources.set(policyPath, text);
      const document = parseFile(policyPath, text, namedValues, diagnostics);
      const fragments = new Map<string, PolicyDocument>();
      if (options.fragments !== undefined) {
        const dir = resolve(io.cwd, options.fragments);
        let names: string[] = [];
        try {
          names = readdirSync(dir).filter((n) => n.endsWith('.xml'));
        } catch {
          diagnostics.push(diagnostic('MA9001', `cannot read the fragments folder ${options.fragments}`, fileSpan(options.fragments)));
        }
        for (const n of names) {
          const f = join(options.fragments, n);
          const ft = readFileSync(join(dir, n), 'utf8');
          sources.set(f, ft);
          const doc = parseFile(f, ft, namedValues, diagnostics);
          if (doc) fragments.set(basename(n, '.xml'), doc);
        }
      }
      let policy: EffectivePolicy | undefined;
      if (document) {
        const composed = composeScopes({ api: document });
        const expand = (steps: EffectivePolicy[keyof EffectivePolicy]) => expandFragments(steps, fragments, (message, element) => diagnostics.push(diagnostic('MA6002', message, element.nameSpan)));
        policy = { inbound: expand(composed.inbound), backend: expand(composed.backend), outbound: expand(composed.outbound), 'on-error': expand(composed['on-error']) };
        diagnostics.push(...unsupported(policy, policyPath));
      }
      const read = readTraffic(options.traffic.map((t) => resolve(io.cwd, t)), io);
      diagnostics.push(...read.diagnostics);
      for (const [k, v] of read.sources) sources.set(k, v);
      const startMs = options.now === undefined ? Date.now() : Date.parse(options.now);
      if (Number.isNaN(startMs)) diagnostics.push(diagnostic('MA9003', `--now: "${options.now}" is not an ISO 8601 time`));
      if (!policy || hasErrors(diagnostics)) {
        reportDiagnostics(diagnostics, sources, io);
        return setExit(ExitCode.usage);
      }
      const keys = generateDevKeys();
      const target = { identity: { authority: 'https://login.microsoftonline.com', tenantId: options.tenant, audience: options.audience }, api: { serviceUrl: options.backend, path: '' } };
      const results: ExchangeResult[] = [];
      for (const t of read.traffic) results.push(...(await replayFile(t.file, t.exchanges, { ...target, deployment: singlePolicyDeployment(policy), keys, startMs })));
      if (options.junit && !writeJunit(options.junit, results, io, 'mcp-apim policy run')) return setExit(ExitCode.usage);
      if (!options.json && diagnostics.length > 0) reportDiagnostics(diagnostics, sources, io);
      const failed = printResults(results, io, options);
      setExit(failed === 0 ? ExitCode.ok : ExitCode.findings);
    });
}
