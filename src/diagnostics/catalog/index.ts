/**
 * The one catalog of diagnostic codes. Each area owns a range and a file:
 * MA1xxx config, MA2xxx plan semantics, MA3xxx emitted-output checks, MA4xxx policy documents,
 * MA5xxx expressions, MA6xxx runtime, MA7xxx traffic, MA8xxx Azure, MA9xxx command line.
 * Codes never change meaning once released; retired codes are kept with a note.
 */
import { azureCodes } from './azure.ts';
import { cliCodes } from './cli.ts';
import { configCodes } from './config.ts';
import { emitCodes } from './emit.ts';
import type { CatalogEntry } from './entry.ts';
import { exprCodes } from './expr.ts';
import { planCodes } from './plan.ts';
import { policyCodes } from './policy.ts';
import { runtimeCodes } from './runtime.ts';
import { trafficCodes } from './traffic.ts';

const parts = { configCodes, planCodes, emitCodes, policyCodes, exprCodes, runtimeCodes, trafficCodes, azureCodes, cliCodes };

export const catalog: Readonly<Record<DiagnosticCode, CatalogEntry>> = Object.assign({}, ...Object.values(parts));

export type DiagnosticCode =
  | keyof typeof configCodes
  | keyof typeof planCodes
  | keyof typeof emitCodes
  | keyof typeof policyCodes
  | keyof typeof exprCodes
  | keyof typeof runtimeCodes
  | keyof typeof trafficCodes
  | keyof typeof azureCodes
  | keyof typeof cliCodes;

export function catalogEntry(code: DiagnosticCode): CatalogEntry {
  const entry = catalog[code];
  if (!entry) throw new Error(`diagnostic code ${code} is not in the catalog`);
  return entry;
}

/** Every part's codes, for the catalog's own consistency test (ranges, no duplicates). */
export const catalogParts: Readonly<Record<string, Readonly<Record<string, CatalogEntry>>>> = parts;
