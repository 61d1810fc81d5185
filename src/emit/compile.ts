import type { Config } from '../config/types.ts';
import { type Diagnostic, hasErrors, sortDiagnostics } from '../diagnostics/index.ts';
import { buildPlan } from '../plan/build.ts';
import type { Plan } from '../plan/types.ts';
import { bridgeNotes } from './infra/bridge.ts';
import { emitInfrastructure } from './infra/index.ts';
import { accessMatrix, accessMatrixMarkdown } from './matrix.ts';
import { planJson } from './plan-json.ts';
import { apiPolicy } from './policy/api-policy.ts';
import { prmPolicy } from './policy/prm-policy.ts';
import { toolsListPolicy } from './policy/tools-list.ts';
import { checkCompiledPolicy } from './static-checks.ts';

export interface CompileResult {
  /** Output-relative path → content, sorted by path. Empty when there are errors. */
  readonly files: Readonly<Record<string, string>>;
  readonly plan?: Plan;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Compiles a loaded config into every artefact of `mcp-apim compile` (DESIGN §7), in memory.
 * Any error means no files at all: a half-compiled gateway policy is worse than none.
 */
export function compileConfig(config: Config): CompileResult {
  const { plan, diagnostics } = buildPlan(config);
  if (hasErrors(diagnostics)) return { files: {}, plan, diagnostics };
  const policies = { api: apiPolicy(plan), toolsList: toolsListPolicy(plan), prm: prmPolicy(plan) };
  const checks = [
    ...checkCompiledPolicy(config, 'policies/api.xml', policies.api),
    ...checkCompiledPolicy(config, 'policies/tools-list.xml', policies.toolsList),
    ...checkCompiledPolicy(config, 'policies/prm.xml', policies.prm),
    ...bridgeNotes(plan),
  ];
  const all = sortDiagnostics([...diagnostics, ...checks]);
  if (hasErrors(checks)) return { files: {}, plan, diagnostics: all };
  const matrix = accessMatrix(plan);
  const files: Record<string, string> = {
    'policies/api.xml': policies.api,
    'policies/prm.xml': policies.prm,
    'policies/tools-list.xml': policies.toolsList,
    'access-matrix.json': `${JSON.stringify(matrix, null, 2)}\n`,
    'access-matrix.md': accessMatrixMarkdown(matrix),
    'plan.json': planJson(plan),
    ...emitInfrastructure(plan, policies),
  };
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { files: sorted, plan, diagnostics: all };
}
