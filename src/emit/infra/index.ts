import type { Plan } from '../../plan/types.ts';
import { emitArm } from './arm.ts';
import { bridgeFiles } from './bridge.ts';
import { emitBicep, emitBicepParameters } from './bicep.ts';
import { emitAppRolesJson, emitBicepConfig, emitEntraBicep } from './entra.ts';
import { infraModel } from './model.ts';

/** Bicep, ARM JSON and Entra files for a plan, keyed by output-relative path. */
export function emitInfrastructure(plan: Plan, policies: { api: string; toolsList: string; prm: string }): Record<string, string> {
  const model = infraModel(plan, policies);
  const source = plan.config.file.split(/[\\/]/).pop() ?? plan.config.file;
  return {
    'bicep/main.bicep': emitBicep(model, source),
    'bicep/main.parameters.json': emitBicepParameters(model),
    'arm/azuredeploy.json': emitArm(model),
    'entra/app-roles.json': emitAppRolesJson(plan),
    'entra/entra.bicep': emitEntraBicep(plan),
    'entra/bicepconfig.json': emitBicepConfig(),
    ...bridgeFiles(plan),
  };
}
