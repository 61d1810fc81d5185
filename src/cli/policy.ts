import { type Command, Option } from 'commander';
import type { Sku } from '../config/types.ts';
import { type Diagnostic, diagnostic, fileSpan, hasErrors } from '../diagnostics/index.ts';
import { compileExpression } from '../expr/compile.ts';
import { API_TYPES, type ApiType, type CheckedPolicy, type CheckOptions as PolicyCheckOptions, checkPolicy, SKUS } from '../policy/check.ts';
import { fileHost, reportDiagnostics } from './common.ts';
import { type CliIo, ExitCode } from './io.ts';
import { registerRun } from './policy-run.ts';

/** The expression engine's load-time check (parse, plan, library members), shared by `policy check` and `npm run corpus`. */
export function expressionChecker(): NonNullable<PolicyCheckOptions['checkExpression']> {
  return (source) => compileExpression(source).diagnostics;
}

interface CheckOptions {
  sku?: string;
  namedValues?: string;
  apiType: string;
  json?: boolean;
}

/**
 * `mcp-apim policy …`: a command group for any APIM policy document. `check` is static;
 * `run` replays traffic through the emulator (policy-run.ts).
 */
export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const group = program
    .command('policy')
    .description('Work with any APIM policy document (ours or third-party): check it statically, or run it in the emulator.')
    .addHelpText('after', '\nExamples:\n  mcp-apim policy check policies/*.xml --sku Consumption\n  mcp-apim policy run policy.xml --traffic traffic/smoke.jsonl');
  registerCheck(group, io, setExit);
  registerRun(group, io, setExit);
}

function registerCheck(group: Command, io: CliIo, setExit: (code: number) => void): void {
  group
    .command('check')
    .description('Parse and statically check APIM policy files (rawxml, as APIM stores them).')
    .argument('<file.xml...>', 'policy documents (<policies>), fragments (<fragment>) or snippets')
    .option('--sku <sku>', `APIM tier the files deploy to: size limit and policy availability (${SKUS.join(', ')}); default: no tier checks beyond 256 KiB`)
    .option('--named-values <file.json>', 'named values to substitute before parsing, as a JSON object {"name": "value", …}; default: {{name}} is left as written and not type-checked')
    .addOption(new Option('--api-type <type>', 'kind of API the policies belong to; mcp warns about reads of the response body, which break streaming').choices([...API_TYPES]).default('http'))
    .option('--json', 'print {"files":[{"path","parsed","diagnostics":[{"code","severity","message","line","column"}]}]} instead of text')
    .addHelpText(
      'after',
      `
Checks: the document parses (expressions may be written raw or XML-escaped); every element and
attribute is a known APIM one (with "did you mean"); required attributes, value types and
allowed values; expressions only where APIM allows them; each policy in a section where it is
allowed; fragment and <base/> rules; the size limit and policy availability of the SKU; and
what the local emulator does not run (warnings). Every C# expression is compiled as the emulator
compiles it: syntax, names, types and the .NET members APIM allows.

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 a file or an option cannot be used.
Examples:
  mcp-apim policy check out/example/policies/*.xml --sku Premium --api-type mcp
  mcp-apim policy check fragment.xml --named-values named-values.json --json`,
    )
    .action((files: string[], options: CheckOptions) => {
      const sku = options.sku === undefined ? undefined : SKUS.find((s) => s.toLowerCase() === options.sku!.toLowerCase());
      if (options.sku !== undefined && !sku) {
        io.stderr(`mcp-apim policy check: --sku must be one of ${SKUS.join(', ')}, not ${JSON.stringify(options.sku)}\n`);
        return setExit(ExitCode.usage);
      }
      const namedValues = options.namedValues === undefined ? undefined : readNamedValues(options.namedValues, io);
      if (namedValues === null) return setExit(ExitCode.usage);
      const host = fileHost(io);
      const sources = new Map<string, string>();
      let unreadable = false;
      const results: CheckedPolicy[] = files.map((path) => {
        const text = host.readFile(path);
        if (text === undefined) {
          unreadable = true;
          return { path, parsed: false, diagnostics: [diagnostic('MA9001', `cannot read ${path}: no such file, or not a readable file`, fileSpan(path))] };
        }
        sources.set(path, text);
        return checkPolicy(path, text, { sku: sku as Sku | undefined, apiType: options.apiType as ApiType, namedValues, checkExpression: expressionChecker() });
      });
      const all = results.flatMap((r) => r.diagnostics);
      if (options.json) io.stdout(`${JSON.stringify({ files: results.map(fileJson) }, null, 2)}\n`);
      else {
        reportDiagnostics(all, sources, io);
        io.stdout(`checked ${files.length} ${files.length === 1 ? 'file' : 'files'}: ${summary(all)}\n`);
      }
      setExit(unreadable ? ExitCode.usage : hasErrors(all) ? ExitCode.findings : ExitCode.ok);
    });
}

/** The named-values file, or null (after saying why) when it cannot be used. */
export function readNamedValues(path: string, io: CliIo, command = 'policy check'): Record<string, string> | null {
  const text = fileHost(io).readFile(path);
  const fail = (why: string) => {
    io.stderr(`mcp-apim ${command}: --named-values ${path}: ${why}\n`);
    return null;
  };
  if (text === undefined) return fail('no such file, or not a readable file');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`not JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return fail('must be a JSON object of names to values');
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return fail(`the value of ${JSON.stringify(name)} must be a string`);
    values[name] = String(value);
  }
  return values;
}

/** DESIGN §7: exactly path, parsed and diagnostics of code, severity, message, line, column. */
function fileJson(result: CheckedPolicy): unknown {
  return {
    path: result.path,
    parsed: result.parsed,
    diagnostics: result.diagnostics.map((d: Diagnostic) => ({ code: d.code, severity: d.severity, message: d.hint ? `${d.message} (${d.hint})` : d.message, line: d.span?.line ?? 1, column: d.span?.column ?? 1 })),
  };
}

function summary(diagnostics: readonly Diagnostic[]): string {
  const count = (severity: Diagnostic['severity'], word: string) => {
    const n = diagnostics.filter((d) => d.severity === severity).length;
    return `${n} ${word}${n === 1 ? '' : 's'}`;
  };
  return `${count('error', 'error')}, ${count('warning', 'warning')}, ${count('info', 'note')}`;
}
