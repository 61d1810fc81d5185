/**
 * The resource model a deploy starts from: the config compiled exactly as `mcp-apim compile`
 * does, and the model built from the very policy texts it writes, so what is deployed is
 * byte for byte what the emulator ran and what Bicep would deploy.
 */
import type { Config } from '../../config/types.ts';
import { type Diagnostic, hasErrors } from '../../diagnostics/index.ts';
import { compileConfig } from '../../emit/compile.ts';
import { type InfraModel, infraModel } from '../../emit/infra/model.ts';

export function modelForConfig(config: Config): { model?: InfraModel; diagnostics: readonly Diagnostic[] } {
  const compiled = compileConfig(config);
  if (!compiled.plan || hasErrors(compiled.diagnostics)) return { diagnostics: compiled.diagnostics };
  const f = compiled.files;
  const policies = { api: f['policies/api.xml']!, toolsList: f['policies/tools-list.xml']!, prm: f['policies/prm.xml']! };
  return { model: infraModel(compiled.plan, policies), diagnostics: compiled.diagnostics };
}
