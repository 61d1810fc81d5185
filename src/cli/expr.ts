import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { LineIndex, diagnostic } from '../diagnostics/index.ts';
import type { ExprContextJson, ExpressionSource } from '../expr/api.ts';
import { evaluateToJson } from '../expr/compile.ts';
import { diagnosticsJson, reportDiagnostics } from './common.ts';
import { type CliIo, ExitCode } from './io.ts';

interface Options {
  readonly context?: string;
  readonly batch?: string;
  readonly json?: boolean;
  readonly now?: string;
}

/**
 * The expression as the user wrote it: bare C#, `@(…)`, or a statement block `@{ … }`. The
 * source keeps offsets into `written`, so diagnostics point at the user's own text.
 */
export function expressionSource(file: string, written: string): ExpressionSource {
  const index = new LineIndex(file, written);
  const trimmedStart = written.length - written.trimStart().length;
  const body = written.trim();
  let kind: 'expression' | 'block' = 'expression';
  let start = trimmedStart;
  let end = trimmedStart + body.length;
  if (body.startsWith('@(') && body.endsWith(')')) {
    start += 2;
    end -= 1;
  } else if (body.startsWith('@{') && body.endsWith('}')) {
    kind = 'block';
    start += 2;
    end -= 1;
  }
  return { text: written.slice(start, end), kind, spanOf: (s, e) => index.span(start + s, start + e) };
}

const readJson = (path: string, io: CliIo): unknown => JSON.parse(readFileSync(resolve(io.cwd, path), 'utf8'));

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('expr')
    .description('Evaluate an APIM policy expression with .NET semantics, exactly as the emulator runs it.')
    .argument('[expression]', 'C# expression, bare or as written in a policy: @(…) or @{ … return …; }')
    .option('--context <file>', 'context JSON: {"request":{"method","url","headers","body"|"bodyText"},"variables":{…}}')
    .option('--batch <file>', 'evaluate each line {"expr": "...", "context": {...}} of a JSON Lines file (implies --json)')
    .option('--json', 'print {"type","text","value"} or {"error":{"type","message"}}')
    .option('--now <iso-time>', 'the clock DateTime.UtcNow reads (default: now)')
    .addHelpText(
      'after',
      `
Variables in the context become .NET values: strings System.String, booleans System.Boolean,
integers System.Int32 (System.Double otherwise), objects and arrays JObject/JArray.
Exit codes: 0 evaluated, 1 the expression threw (a .NET exception), 2 it does not compile.
Examples:
  mcp-apim expr '"a,b".Split(\\',\\').Length'
  mcp-apim expr '@(context.Request.Headers.GetValueOrDefault("X-Agent", "none"))' --context ctx.json
  mcp-apim expr --batch cases.jsonl`,
    )
    .action((expression: string | undefined, options: Options) => {
      const now = options.now === undefined ? Date.now() : Date.parse(options.now);
      if (Number.isNaN(now)) {
        io.stderr(`mcp-apim expr: --now: "${options.now}" is not an ISO 8601 time\n`);
        return setExit(ExitCode.usage);
      }
      if (options.batch !== undefined) {
        if (expression !== undefined) {
          io.stderr('mcp-apim expr: give an expression or --batch, not both\n');
          return setExit(ExitCode.usage);
        }
        let text: string;
        try {
          text = readFileSync(resolve(io.cwd, options.batch), 'utf8');
        } catch {
          io.stderr(`mcp-apim expr: cannot read ${options.batch}\n`);
          return setExit(ExitCode.usage);
        }
        let worst: number = ExitCode.ok;
        for (const [i, line] of text.split('\n').entries()) {
          if (line.trim() === '') continue;
          let c: { expr?: unknown; context?: ExprContextJson };
          try {
            c = JSON.parse(line) as typeof c;
          } catch {
            io.stdout(`${JSON.stringify({ error: { type: 'InputError', message: `${options.batch}:${i + 1}: not a JSON object` } })}\n`);
            worst = ExitCode.usage;
            continue;
          }
          if (typeof c.expr !== 'string') {
            io.stdout(`${JSON.stringify({ error: { type: 'InputError', message: `${options.batch}:${i + 1}: "expr" must be a string` } })}\n`);
            worst = ExitCode.usage;
            continue;
          }
          const r = evaluateToJson(expressionSource(`${options.batch}:${i + 1}`, c.expr), c.context ?? {}, now);
          if ('diagnostics' in r) {
            io.stdout(`${JSON.stringify({ error: { type: 'CompileError', message: r.diagnostics.map((d) => `${d.code}: ${d.message}`).join('; ') } })}\n`);
            worst = ExitCode.usage;
          } else {
            io.stdout(`${JSON.stringify(r)}\n`);
            if ('error' in r && worst === ExitCode.ok) worst = ExitCode.findings;
          }
        }
        return setExit(worst);
      }
      if (expression === undefined) {
        io.stderr('mcp-apim expr: give an expression, or --batch <file>; see --help\n');
        return setExit(ExitCode.usage);
      }
      let context: ExprContextJson = {};
      if (options.context !== undefined) {
        try {
          context = readJson(options.context, io) as ExprContextJson;
        } catch (error) {
          io.stderr(`mcp-apim expr: cannot read the context ${options.context}: ${(error as Error).message}\n`);
          return setExit(ExitCode.usage);
        }
      }
      const file = '<expression>';
      const r = evaluateToJson(expressionSource(file, expression), context, now);
      if ('diagnostics' in r) {
        if (options.json) io.stdout(`${JSON.stringify({ diagnostics: diagnosticsJson(r.diagnostics) })}\n`);
        else reportDiagnostics(r.diagnostics.length > 0 ? r.diagnostics : [diagnostic('MA5000', 'The expression does not compile.')], new Map([[file, expression]]), io);
        return setExit(ExitCode.usage);
      }
      if (options.json) io.stdout(`${JSON.stringify(r)}\n`);
      else if ('error' in r) io.stderr(`${r.error.type}: ${r.error.message}\n`);
      else io.stdout(`${r.text}\n${io.isTty ? `(${r.type})\n` : ''}`);
      setExit('error' in r ? ExitCode.findings : ExitCode.ok);
    });
}
