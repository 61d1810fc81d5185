/**
 * Every declared APIM policy element, by name. Policies are grouped in files by the categories of
 * the APIM policy reference; parts of a policy (`<value>`, `<audiences>`, `<when>`) are reached
 * through their parent's `children`, because one name can mean different things under different
 * parents (`key`, `header`, `value`).
 */
import { aiGatewayPolicies } from './ai-gateway.ts';
import { authenticationPolicies } from './authentication.ts';
import { cachingPolicies } from './caching.ts';
import { contentValidationPolicies } from './content-validation.ts';
import { controlFlowPolicies } from './control-flow.ts';
import { crossDomainPolicies } from './cross-domain.ts';
import { integrationPolicies } from './integration.ts';
import { loggingPolicies } from './logging.ts';
import { rateLimitingPolicies } from './rate-limiting.ts';
import { routingPolicies } from './routing.ts';
import type { ElementSchema, PolicyCategory, PolicySchema } from './schema.ts';
import { structureElements } from './structure.ts';
import { transformationPolicies } from './transformation.ts';

export type * from './schema.ts';

/** The categories in the order of the APIM policy reference index. */
export const CATEGORY_ORDER: readonly PolicyCategory[] = [
  'Rate limiting and quotas',
  'AI gateway',
  'Authentication and authorization',
  'Content validation',
  'Routing',
  'Caching',
  'Transformation',
  'Cross-domain',
  'Integration and external communication',
  'Logging',
  'Policy control and flow',
];

export const policySchemas: readonly PolicySchema[] = [
  ...rateLimitingPolicies,
  ...aiGatewayPolicies,
  ...authenticationPolicies,
  ...contentValidationPolicies,
  ...routingPolicies,
  ...cachingPolicies,
  ...transformationPolicies,
  ...crossDomainPolicies,
  ...integrationPolicies,
  ...loggingPolicies,
  ...controlFlowPolicies,
];

/** Policy name → schema. */
export const policyIndex: ReadonlyMap<string, PolicySchema> = new Map(policySchemas.map((p) => [p.name, p]));

/** `policies`, the four sections and `fragment`. */
export const structureIndex: ReadonlyMap<string, ElementSchema> = new Map(structureElements.map((e) => [e.name, e]));

export function policySchema(name: string): PolicySchema | undefined {
  return policyIndex.get(name);
}

/** Every part reachable from a policy, depth first, with the path that reaches it. */
export function* partsOf(schema: ElementSchema, path: readonly string[] = [schema.name]): Generator<{ path: readonly string[]; schema: ElementSchema }> {
  for (const [name, child] of Object.entries(schema.children ?? {})) {
    if (child.schema.kind !== 'part') continue;
    yield { path: [...path, name], schema: child.schema };
    yield* partsOf(child.schema, [...path, name]);
  }
}
