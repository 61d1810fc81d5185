/**
 * The expression conformance cases (issue 3, "Conformance"). Each case is a C# policy
 * expression, or a statement block written `@{ … }`, with an optional DESIGN §7 context. The
 * expected .NET results are not written here: scripts/conformance/generate.ts compiles every case
 * with Mono's C# compiler, runs it, and writes test/expr/conformance.jsonl, which
 * test/expr/conformance.test.ts checks the emulator against.
 *
 * Rules for a case:
 * - It must be valid C# against the stand-in `context` (scripts/conformance/Context.cs), unless
 *   it is marked `compileError` (then C# must reject it and the emulator must report it at load).
 * - No clock: fixed dates only (`context.Timestamp` is the fixed 2026-01-01T00:00:00Z).
 * - Results that are lazy LINQ iterators are materialised (`ToList()`, `string.Join`): their
 *   runtime type names are implementation details.
 * - `gap` marks a case the emulator deliberately does not match; the reason is listed in
 *   docs/expressions.md. Never weaken a case to make it pass.
 */
import type { ExprContextJson } from '../../src/expr/api.ts';
import { COLLECTION_GROUPS } from './cases-collections.ts';
import { CONTEXT_GROUPS } from './cases-context.ts';
import { JSON_GROUPS } from './cases-json.ts';
import { NUMBER_GROUPS } from './cases-numbers.ts';
import { STATEMENT_GROUPS } from './cases-statements.ts';
import { SYSTEM_GROUPS } from './cases-system.ts';
import { TEXT_GROUPS } from './cases-text.ts';
import { TIME_GROUPS } from './cases-time.ts';

export interface CaseSpec {
  readonly expr: string;
  readonly context?: ExprContextJson;
  /** Why the emulator deliberately differs from .NET here (listed in docs/expressions.md). */
  readonly gap?: string;
  /** C# rejects this expression at compile time; the emulator must report it when loading. */
  readonly compileError?: true;
}

export interface CaseGroup {
  readonly group: string;
  /** The context of every case in the group that does not bring its own. */
  readonly context?: ExprContextJson;
  readonly cases: readonly (string | CaseSpec)[];
}

export interface ConformanceCase extends CaseSpec {
  readonly id: string;
}

export const GROUPS: readonly CaseGroup[] = [...NUMBER_GROUPS, ...TEXT_GROUPS, ...TIME_GROUPS, ...JSON_GROUPS, ...COLLECTION_GROUPS, ...SYSTEM_GROUPS, ...STATEMENT_GROUPS, ...CONTEXT_GROUPS];

/** Every case with a stable id: `<group>.<n>` (n counts from 1 within the group). */
export function allCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const seen = new Set<string>();
  for (const g of GROUPS) {
    if (seen.has(g.group)) throw new Error(`duplicate group ${g.group}`);
    seen.add(g.group);
    g.cases.forEach((c, i) => {
      const spec: CaseSpec = typeof c === 'string' ? { expr: c } : c;
      const context = spec.context ?? g.context;
      out.push({ id: `${g.group}.${i + 1}`, ...spec, ...(context ? { context } : {}) });
    });
  }
  return out;
}
