/**
 * The schema walk of the static checker: every element of a parsed document against its declared
 * schema (src/policy/elements), the section it sits in, the SKU, and what the emulator runs.
 */
import type { Sku } from '../config/types.ts';
import { closest } from '../config/suggest.ts';
import { type Diagnostic, diagnostic, type DiagnosticCode, type SourceSpan } from '../diagnostics/index.ts';
import type { ExpressionSource } from '../expr/api.ts';
import { blankStringsAndComments, literalProblem, NAMED_VALUE, RESPONSE_BODY } from './check-values.ts';
import { partsOf, policyIndex, structureIndex } from './elements/index.ts';
import { type AttributeSchema, type ElementSchema, type PolicySchema, SECTIONS, type Section, type TextSchema } from './elements/schema.ts';
import type { PolicyDocument, PolicyElement, PolicyValue } from './tree.ts';

export type ApiType = 'http' | 'mcp';

export interface TreeOptions {
  readonly sku?: Sku;
  readonly apiType?: ApiType;
  /** True when named values were substituted before parsing (no `{{…}}` is left to guess about). */
  readonly namedValuesSubstituted: boolean;
  readonly checkExpression?: (source: ExpressionSource) => readonly Diagnostic[];
}

/** Where an element sits: its section (unknown in fragments and snippets), and whether directly in it. */
interface Place {
  readonly section: Section | undefined;
  readonly inFragment: boolean;
  readonly directlyInSection: boolean;
}

/** Outbound policies that read (and so buffer) the response body. */
const BODY_READING_OUTBOUND = new Set(['find-and-replace', 'xml-to-json', 'json-to-xml', 'xsl-transform', 'redirect-content-urls', 'jsonp', 'validate-content', 'cache-store']);

/** Part name → the policies that declare it, for "<when> belongs inside <choose>". */
const partOwners: ReadonlyMap<string, readonly string[]> = (() => {
  const owners = new Map<string, string[]>();
  for (const p of policyIndex.values()) for (const { schema } of partsOf(p)) owners.set(schema.name, [...new Set([...(owners.get(schema.name) ?? []), p.name])]);
  return owners;
})();

export function checkTree(document: PolicyDocument, options: TreeOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (code: DiagnosticCode, message: string, span: SourceSpan) => out.push(diagnostic(code, message, span));
  const policyNames = [...policyIndex.keys()];

  const checkValue = (value: PolicyValue, spec: AttributeSchema | TextSchema, what: string) => {
    if (value.kind === 'expression') {
      if (!spec.expression) {
        report('MA4007', `${what} does not accept a policy expression${spec.expressionNote ? `: ${spec.expressionNote}` : ''}`, value.span);
        return;
      }
      checkExpressionValue(value.source, value.span);
      return;
    }
    // An unresolved {{named value}} can stand for anything: its type is unknown until deploy
    // (and when named values were given, MA4002 already reports the undefined one).
    if (NAMED_VALUE.test(value.text)) return;
    const problem = literalProblem(value.text, spec.type);
    if (problem) report('MA4006', `${what}: "${value.text.trim()}" ${problem}`, value.span);
  };

  const checkExpressionValue = (source: ExpressionSource, span: SourceSpan) => {
    // Blanking strings is only needed when something looks at the code (and most text has no `{{` or Body).
    const needsCode = (options.apiType === 'mcp' && source.text.includes('Response')) || (options.checkExpression !== undefined && source.text.includes('{{'));
    const code = needsCode ? blankStringsAndComments(source.text) : source.text;
    if (options.apiType === 'mcp' && RESPONSE_BODY.test(code)) {
      const m = RESPONSE_BODY.exec(code)!;
      report('MA4015', 'this policy of an MCP API reads context.Response.Body, which buffers the response and breaks streaming (Microsoft: do not access the response body in MCP server policies)', source.spanOf(m.index, m.index + m[0].length));
    }
    if (!options.checkExpression) return;
    const named = needsCode ? NAMED_VALUE.exec(code) : null;
    if (named) {
      // Left in place: not substituted (MA4018), or undefined in the given values (MA4002).
      if (!options.namedValuesSubstituted) report('MA4018', `expression not checked: it uses the named value ${named[0]} as code; pass --named-values to check it`, span);
      return;
    }
    out.push(...options.checkExpression(source));
  };

  const reportEmulator = (element: PolicyElement, schema: ElementSchema) => {
    const support = schema.emulator;
    if (!support) return;
    if (support.status === 'unsupported') report('MA4016', `the local emulator does not run <${schema.name}>: ${support.reason ?? 'not implemented'}`, element.nameSpan);
    else if (support.status === 'partial') report('MA4017', `the local emulator runs <${schema.name}> only in part: ${support.reason ?? 'see docs/emulator-support.md'}`, element.nameSpan);
    for (const gap of support.gaps ?? []) {
      if (gap.attribute) {
        const a = element.attributes.find((x) => x.name === gap.attribute);
        if (!a) continue;
        if (gap.value !== undefined && a.value.kind === 'literal' && a.value.text.trim().toLowerCase() !== gap.value.toLowerCase()) continue;
        report('MA4016', `the local emulator does not honour ${gap.attribute}${gap.value !== undefined ? `="${gap.value}"` : ''} on <${schema.name}>: ${gap.reason}`, a.nameSpan);
      } else if (gap.child) {
        const c = element.children.find((x): x is PolicyElement => x.kind === 'element' && x.name === gap.child);
        if (c) report('MA4016', `the local emulator does not honour <${gap.child}> in <${schema.name}>: ${gap.reason}`, c.nameSpan);
      }
    }
  };

  const checkAttributes = (element: PolicyElement, schema: ElementSchema) => {
    const names = Object.keys(schema.attributes);
    for (const a of element.attributes) {
      if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue;
      const spec = schema.attributes[a.name];
      if (!spec) {
        const guess = closest(a.name, names);
        report('MA4004', `<${element.name}> has no attribute ${a.name}${guess ? ` (did you mean ${guess}?)` : names.length > 0 ? ` (it takes ${names.join(', ')})` : ' (it takes none)'}`, a.nameSpan);
        continue;
      }
      checkValue(a.value, spec, `attribute ${a.name} of <${element.name}>`);
    }
    for (const [name, spec] of Object.entries(schema.attributes)) {
      if (spec.required && !element.attributes.some((a) => a.name === name)) report('MA4005', `<${element.name}> needs the attribute ${name}`, element.nameSpan);
    }
    for (const group of schema.oneOf ?? []) {
      const given = group.attributes.filter((n) => element.attributes.some((a) => a.name === n));
      if (given.length === 0) report('MA4005', `<${element.name}> needs ${group.exactlyOne ? 'exactly one' : 'one'} of the attributes ${group.attributes.join(', ')}`, element.nameSpan);
      else if (group.exactlyOne && given.length > 1) report('MA4010', `<${element.name}> takes only one of ${given.join(', ')}`, element.nameSpan);
    }
  };

  /** Text children: checked against `text`, or refused when the element takes none. */
  const checkText = (element: PolicyElement, schema: ElementSchema) => {
    const texts = element.children.filter((c) => c.kind === 'text');
    if (schema.text) {
      for (const t of texts) if (t.kind === 'text') checkValue(t.value, schema.text, `the text of <${element.name}>`);
      const hasText = texts.some((t) => t.kind === 'text' && (t.value.kind === 'expression' || t.value.text.trim() !== '')) || element.children.some((c) => c.kind === 'raw');
      if (schema.text.required && !hasText) report('MA4009', `<${element.name}> needs text content: ${schema.text.description}`, element.nameSpan);
    } else {
      for (const t of texts) if (t.kind === 'text') report('MA4009', `<${element.name}> takes no text`, t.value.span);
    }
  };

  const checkContent = (element: PolicyElement, schema: ElementSchema, place: Place) => {
    checkAttributes(element, schema);
    reportEmulator(element, schema);
    const children = element.children.filter((c): c is PolicyElement => c.kind === 'element');
    switch (schema.content) {
      case 'payload':
        checkText(element, schema);
        return;
      case 'empty':
        for (const c of children) report('MA4009', `<${element.name}> takes no child elements`, c.nameSpan);
        checkText(element, schema);
        return;
      case 'text':
        for (const c of children) report('MA4009', `<${element.name}> takes only text, not <${c.name}>`, c.nameSpan);
        checkText(element, schema);
        return;
      case 'policies':
        checkText(element, schema);
        for (const c of children) {
          if (schema.allowedPolicies && c.name !== 'base' && policyIndex.has(c.name) && !schema.allowedPolicies.includes(c.name)) {
            report('MA4009', `<${element.name}> may hold only ${schema.allowedPolicies.join(', ')}, not <${c.name}>`, c.nameSpan);
            continue;
          }
          checkPolicy(c, { ...place, directlyInSection: place.section !== undefined && (SECTIONS as readonly string[]).includes(element.name) });
        }
        return;
      case 'elements': {
        checkText(element, schema);
        const declared = schema.children ?? {};
        const counts = new Map<string, number>();
        for (const c of children) {
          const spec = declared[c.name];
          if (!spec) {
            const guess = closest(c.name, Object.keys(declared));
            const kinds = policyIndex.has(c.name) ? ` (<${c.name}> is a policy; <${element.name}> is not a place for policies)` : '';
            const allowed = Object.keys(declared);
            report('MA4003', `<${element.name}> has no child element <${c.name}>${guess ? ` (did you mean <${guess}>?)` : kinds || (allowed.length > 0 ? ` (it takes ${allowed.map((n) => `<${n}>`).join(', ')})` : ' (it takes none)')}`, c.nameSpan);
            continue;
          }
          counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
          if (spec.max !== undefined && counts.get(c.name) === spec.max + 1) report('MA4009', `<${element.name}> takes <${c.name}> at most ${spec.max === 1 ? 'once' : `${spec.max} times`}`, c.nameSpan);
          // A policy used as a part (set-header in return-response, set-body in send-request) is
          // checked as that policy, but its section rules belong to the enclosing policy.
          checkContent(c, spec.schema, { ...place, directlyInSection: false });
        }
        for (const [name, spec] of Object.entries(declared)) {
          if ((spec.min ?? 0) > (counts.get(name) ?? 0)) report('MA4009', `<${element.name}> needs ${spec.min === 1 ? 'a' : `at least ${spec.min}`} <${name}> child element`, element.nameSpan);
        }
      }
    }
  };

  const checkPolicy = (element: PolicyElement, place: Place) => {
    const schema: PolicySchema | undefined = policyIndex.get(element.name);
    if (!schema) {
      if (structureIndex.has(element.name)) report('MA4014', `<${element.name}> cannot appear here: ${place.inFragment ? 'a fragment holds policies only' : 'sections sit directly in <policies>'}`, element.nameSpan);
      else if (partOwners.has(element.name)) report('MA4003', `<${element.name}> is not a policy: it belongs inside <${partOwners.get(element.name)!.join('>, <')}>`, element.nameSpan);
      else {
        const guess = closest(element.name, policyNames);
        report('MA4003', `<${element.name}> is not an APIM policy${guess ? ` (did you mean <${guess}>?)` : ''}`, element.nameSpan);
      }
      return;
    }
    if (schema.name === 'base') {
      if (place.inFragment) report('MA4014', 'a fragment cannot hold <base/>', element.nameSpan);
      else if (!place.directlyInSection && place.section !== undefined) report('MA4014', `<base/> must sit directly in <${place.section}>, not inside another policy`, element.nameSpan);
    }
    if (schema.name === 'include-fragment' && place.inFragment) report('MA4014', 'a fragment cannot include another fragment', element.nameSpan);
    if (place.section && !schema.sections.includes(place.section)) {
      const seen = schema.alsoSeenIn?.find((s) => s.section === place.section);
      if (seen) report('MA4019', `the APIM reference does not list <${place.section}> for <${schema.name}> (only ${schema.sections.join(', ')}), though a deployed sample uses it there (${seen.evidence})`, element.nameSpan);
      else report('MA4008', `<${schema.name}> is not allowed in <${place.section}>; it may appear in ${schema.sections.join(', ')}`, element.nameSpan);
    }
    if (options.sku && schema.unavailableOn?.includes(options.sku)) report('MA4013', `<${schema.name}> is not available on the ${options.sku} tier; APIM rejects the deployment`, element.nameSpan);
    if (options.apiType === 'mcp' && place.section === 'outbound' && BODY_READING_OUTBOUND.has(schema.name)) {
      report('MA4015', `<${schema.name}> in the outbound section of an MCP API buffers the response body, which breaks streaming`, element.nameSpan);
    }
    checkContent(element, schema, place);
  };

  const checkSectionChildren = (section: PolicyElement, place: Place) => checkContent(section, structureIndex.get(section.name)!, place);

  for (const root of document.roots) {
    if (root.name === 'policies') {
      checkAttributes(root, structureIndex.get('policies')!);
      checkText(root, structureIndex.get('policies')!);
      const seen = new Set<string>();
      for (const child of root.children) {
        if (child.kind !== 'element') continue;
        if (!(SECTIONS as readonly string[]).includes(child.name)) {
          const guess = closest(child.name, SECTIONS);
          report('MA4003', `<policies> holds only the sections inbound, backend, outbound and on-error, not <${child.name}>${guess ? ` (did you mean <${guess}>?)` : ''}`, child.nameSpan);
          continue;
        }
        if (seen.has(child.name)) report('MA4009', `<policies> takes <${child.name}> at most once`, child.nameSpan);
        seen.add(child.name);
        checkSectionChildren(child, { section: child.name as Section, inFragment: false, directlyInSection: true });
      }
    } else if (root.name === 'fragment') {
      checkContent(root, structureIndex.get('fragment')!, { section: undefined, inFragment: true, directlyInSection: false });
    } else if ((SECTIONS as readonly string[]).includes(root.name)) {
      // A snippet holding one section (some corpus files keep each section in its own file).
      checkSectionChildren(root, { section: root.name as Section, inFragment: false, directlyInSection: true });
    } else {
      checkPolicy(root, { section: undefined, inFragment: false, directlyInSection: false });
    }
  }
  return out;
}
