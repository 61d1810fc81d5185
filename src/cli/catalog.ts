import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { type Diagnostic, diagnostic, hasErrors } from '../diagnostics/index.ts';
import { catalogDrift, type Drift, hasDrift } from '../gateway/catalog-drift.ts';
import { type ListedTool, listServerTools } from '../gateway/mcp-tools.ts';
import { loadConfigFile, reportDiagnostics } from './common.ts';
import { type CliIo, ExitCode, useColor } from './io.ts';

interface ServerOptions {
  readonly url: string;
  readonly header: string[];
}

const collect = (value: string, all: string[]) => [...all, value];

/** `-H name:value` (curl's form); the values are never printed, they usually hold credentials. */
function parseServer(options: ServerOptions): { url?: URL; headers: Record<string, string>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const headers: Record<string, string> = {};
  for (const h of options.header) {
    const at = h.indexOf(':');
    const name = at > 0 ? h.slice(0, at).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) diagnostics.push(diagnostic('MA9113', `a -H value is not name:value (e.g. -H "Authorization: Bearer $TOKEN"); the value is not shown, it may hold a credential`));
    else headers[name] = h.slice(at + 1).trim();
  }
  let url: URL | undefined;
  try {
    url = new URL(options.url);
    if (!['http:', 'https:'].includes(url.protocol)) throw new Error('not http');
  } catch {
    diagnostics.push(diagnostic('MA9003', `--url ${JSON.stringify(options.url)} is not an http or https URL`));
    url = undefined;
  }
  return { ...(url ? { url } : {}), headers, diagnostics };
}

/** The catalog file: `{"tools": [...]}` in name order, so a later pull diffs cleanly in review. */
function catalogText(tools: readonly ListedTool[]): string {
  const sorted = [...tools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `${JSON.stringify({ tools: sorted }, null, 2)}\n`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? 'absent';
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function printDrift(drift: Drift, where: { catalog: string; url: string }, io: CliIo): void {
  const color = useColor(io);
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const count = drift.added.length + drift.removed.length + drift.changed.length;
  if (count === 0) {
    io.stdout(`${paint('32', '✓')} ${where.catalog} matches ${where.url}\n`);
    return;
  }
  io.stdout(`${where.catalog} differs from ${where.url}:\n`);
  for (const name of drift.added) io.stdout(`  ${paint('32', '+')} ${name}  new on the server (the gateway refuses it until it is in the catalog)\n`);
  for (const name of drift.removed) io.stdout(`  ${paint('31', '-')} ${name}  gone from the server\n`);
  for (const c of drift.changed) {
    io.stdout(`  ${paint('33', '~')} ${c.name}\n`);
    for (const f of c.changes) io.stdout(`      ${f.field}: ${f.field.startsWith('annotations.') ? `${show(f.catalog)} → ${show(f.server)}` : 'changed'}\n`);
  }
  io.stdout(`${count} ${count === 1 ? 'difference' : 'differences'}; review them, then update the catalog: mcp-apim catalog pull --url ${where.url} -o ${where.catalog}\n`);
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const group = program
    .command('catalog')
    .description("Fetch a live MCP server's tools into a catalog file, or check a config's catalog against the server.")
    .addHelpText('after', '\nExamples:\n  mcp-apim catalog pull --url http://127.0.0.1:3000/mcp -o catalog.json\n  mcp-apim catalog check mcp-gateway.yaml --url https://mcp.internal/mcp -H "Authorization: Bearer $TOKEN"');

  group
    .command('pull')
    .description('List every tool of a live MCP server (all pages of tools/list, via the MCP SDK client) into a catalog file.')
    .requiredOption('--url <mcp-url>', "the server's Streamable HTTP endpoint")
    .option('-H, --header <name:value>', 'request header, e.g. "Authorization: Bearer $TOKEN" (repeatable; never printed)', collect, [])
    .option('-o, --output <catalog.json>', 'write the catalog here (default: print it)')
    .addHelpText(
      'after',
      `
The catalog is the server's tools as it lists them, sorted by name: {"tools": [...]}. Review it
before committing: the gateway trusts its annotations (readOnlyHint, destructiveHint, …), never
the server's at request time.

Exit codes: 0 written, 2 server unreachable, credentials refused (MA9111), broken listing, bad option.
Examples:
  mcp-apim catalog pull --url http://127.0.0.1:3000/mcp -o catalog.json
  mcp-apim catalog pull --url https://mcp.internal/mcp -H "Authorization: Bearer $TOKEN" > catalog.json`,
    )
    .action(async (options: ServerOptions & { output?: string }) => {
      const server = parseServer(options);
      if (!server.url || hasErrors(server.diagnostics)) return fail(server.diagnostics);
      const listed = await listServerTools(server.url, server.headers);
      if (!listed.tools) return fail(listed.diagnostics);
      const text = catalogText(listed.tools);
      if (options.output === undefined) {
        io.stdout(text);
        return;
      }
      const target = resolve(io.cwd, options.output);
      try {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(`${target}.tmp`, text);
        renameSync(`${target}.tmp`, target);
      } catch (error) {
        return fail([diagnostic('MA9002', `cannot write ${options.output}: ${(error as Error).message}`)]);
      }
      io.stderr(`wrote ${listed.tools.length} tools to ${options.output}\n`);
    });

  group
    .command('check')
    .description("Compare a config's catalog with a live MCP server: tools added, removed, or with changed annotations, schemas or descriptions.")
    .argument('<config>', 'the mcp-apim config file (YAML)')
    .requiredOption('--url <mcp-url>', "the server's Streamable HTTP endpoint")
    .option('-H, --header <name:value>', 'request header, e.g. "Authorization: Bearer $TOKEN" (repeatable; never printed)', collect, [])
    .option('--json', 'print {"drift","added":[names],"removed":[names],"changed":[{"name","changes":[{"field","catalog","server"}]}]}')
    .addHelpText(
      'after',
      `
Annotations are compared by their effective values (MCP defaults for absent hints), schemas
and descriptions by value (member order ignored).

Exit codes: 0 no drift, 1 drift found, 2 bad config, server unreachable or refusing, bad option.
Example (a scheduled pipeline job):
  mcp-apim catalog check mcp-gateway.yaml --url https://mcp.internal/mcp -H "Authorization: Bearer $TOKEN"`,
    )
    .action(async (configPath: string, options: ServerOptions & { json?: boolean }) => {
      const loaded = loadConfigFile(configPath, io);
      const server = parseServer(options);
      if (!loaded.config || hasErrors(loaded.diagnostics) || !server.url || hasErrors(server.diagnostics)) {
        reportDiagnostics([...loaded.diagnostics, ...server.diagnostics], loaded.sources, io);
        return setExit(ExitCode.usage);
      }
      const listed = await listServerTools(server.url, server.headers);
      if (!listed.tools) return fail(listed.diagnostics);
      // Tools bridged to REST are not the MCP server's: it neither lists them nor should.
      const drift = catalogDrift(loaded.config.catalog.tools.filter((t) => !t.backend), listed.tools);
      const from = loaded.config.catalog.from;
      const catalog = from === undefined ? `${configPath} (catalog.tools)` : relative(io.cwd, resolve(io.cwd, dirname(configPath), from)) || from;
      if (options.json) io.stdout(`${JSON.stringify({ drift: hasDrift(drift), ...drift }, null, 2)}\n`);
      else printDrift(drift, { catalog, url: server.url.href }, io);
      setExit(hasDrift(drift) ? ExitCode.findings : ExitCode.ok);
    });

  function fail(diagnostics: readonly Diagnostic[]): void {
    reportDiagnostics(diagnostics, new Map(), io);
    setExit(ExitCode.usage);
  }
}
