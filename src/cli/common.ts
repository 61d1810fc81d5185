import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ConfigHost, type LoadResult, loadConfig } from '../config/load.ts';
import { countLine, type Diagnostic, diagnostic, diagnosticToJson, fileSpan, renderDiagnostics } from '../diagnostics/index.ts';
import { type CliIo, useColor } from './io.ts';

/** Reads files relative to the command's working directory; undefined when unreadable. */
export function fileHost(io: CliIo): ConfigHost {
  return {
    readFile(path) {
      try {
        const full = resolve(io.cwd, path);
        if (!statSync(full).isFile()) return undefined;
        return readFileSync(full, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** Loads a config file given on the command line; an unreadable file is an MA9001 diagnostic. */
export function loadConfigFile(path: string, io: CliIo): LoadResult {
  const text = fileHost(io).readFile(path);
  if (text === undefined) {
    return { diagnostics: [diagnostic('MA9001', `cannot read ${path}: no such file, or not a readable file`, fileSpan(path))], sources: new Map() };
  }
  return loadConfig(path, text, fileHost(io));
}

/**
 * Prints diagnostics for people: rendered with code frames on stderr and a count line. Inside
 * Azure Pipelines (TF_BUILD) each one is also a `##vso[task.logissue]` line so it shows on the run.
 */
export function reportDiagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>, io: CliIo): void {
  if (diagnostics.length === 0) return;
  io.stderr(`${renderDiagnostics(diagnostics, sources, { color: useColor(io) })}\n\n${countLine(diagnostics)}\n`);
  if (io.env.TF_BUILD) {
    for (const d of diagnostics) {
      if (d.severity === 'info') continue;
      const where = d.span ? `;sourcepath=${d.span.file};linenumber=${d.span.line};columnnumber=${d.span.column}` : '';
      io.stdout(`##vso[task.logissue type=${d.severity}${where};code=${d.code}]${d.message.replace(/[\r\n]+/g, ' ')}\n`);
    }
  }
}

export function diagnosticsJson(diagnostics: readonly Diagnostic[]): unknown[] {
  return diagnostics.map(diagnosticToJson);
}
