import { childElements, type PolicyDocument, type PolicyElement } from '../policy/tree.ts';

export const SECTIONS = ['inbound', 'backend', 'outbound', 'on-error'] as const;
export type Section = (typeof SECTIONS)[number];
export const SCOPES = ['global', 'product', 'api', 'operation'] as const;
export type Scope = (typeof SCOPES)[number];

/** A policy step after composition, with the scope whose document it came from. */
export interface Step {
  readonly element: PolicyElement;
  readonly scope: Scope;
}

/** The effective policy of one operation: each section's steps in execution order. */
export type EffectivePolicy = Readonly<Record<Section, readonly Step[]>>;

/**
 * Composes scope documents the way APIM does (reference/apim-semantics.md §1.2): the narrowest
 * scope's section is the template and its `<base />` is replaced, at its exact position, by the
 * parent's composed section; a section without `<base />` drops its parents; a scope without a
 * document, or a document without the section, passes the parent's section through unchanged;
 * `<base />` at global scope is a no-op.
 */
export function composeScopes(documents: Partial<Record<Scope, PolicyDocument>>): EffectivePolicy {
  const out = {} as Record<Section, Step[]>;
  for (const section of SECTIONS) {
    let composed: Step[] = [];
    for (const scope of SCOPES) {
      const doc = documents[scope];
      const element = doc ? sectionOf(doc, section) : undefined;
      if (!element) continue;
      const parent = composed;
      composed = childElements(element).flatMap((e) => (e.name === 'base' ? parent : [{ element: e, scope }]));
    }
    out[section] = composed;
  }
  return out;
}

function sectionOf(doc: PolicyDocument, section: Section): PolicyElement | undefined {
  const root = doc.roots[0];
  if (!root || root.name !== 'policies') return undefined;
  return childElements(root).find((e) => e.name === section);
}

/**
 * Inlines `include-fragment` elements (recursively, at their position) from the fragments by id.
 * A missing fragment or a cycle is reported through `onProblem` and the element is dropped.
 */
export function expandFragments(steps: readonly Step[], fragments: ReadonlyMap<string, PolicyDocument>, onProblem: (message: string, element: PolicyElement) => void, seen: readonly string[] = []): Step[] {
  return steps.flatMap((step) => {
    if (step.element.name !== 'include-fragment') return [step];
    const idAttr = step.element.attributes.find((a) => a.name === 'fragment-id');
    const id = idAttr?.value.kind === 'literal' ? idAttr.value.text : undefined;
    const fragment = id === undefined ? undefined : fragments.get(id);
    if (!fragment || !id) {
      onProblem(`fragment ${id ?? '(no id)'} is not defined`, step.element);
      return [];
    }
    if (seen.includes(id)) {
      onProblem(`fragment ${id} includes itself (${[...seen, id].join(' → ')})`, step.element);
      return [];
    }
    const root = fragment.roots[0];
    const inner = root ? childElements(root).map((element) => ({ element, scope: step.scope })) : [];
    return expandFragments(inner, fragments, onProblem, [...seen, id]);
  });
}
