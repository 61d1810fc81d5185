/** Document structure: `<policies>`, its four sections, and `<fragment>`. */
import { type ElementSchema, SECTIONS, type Section } from './schema.ts';

const sectionDescriptions: Record<Section, string> = {
  inbound: 'Statements applied to the request, in document order.',
  backend: 'Statements applied before and while the request is forwarded to the backend.',
  outbound: 'Statements applied to the response.',
  'on-error': 'Statements that run when a step of another section raises an error.',
};

function section(name: Section): ElementSchema {
  return { name, kind: 'structure', description: sectionDescriptions[name], attributes: {}, content: 'policies', emulator: { status: 'supported' } };
}

export const sectionSchemas: Readonly<Record<Section, ElementSchema>> = {
  inbound: section('inbound'),
  backend: section('backend'),
  outbound: section('outbound'),
  'on-error': section('on-error'),
};

export const policies: ElementSchema = {
  name: 'policies',
  kind: 'structure',
  description: 'A policy document: up to one of each section.',
  attributes: {},
  content: 'elements',
  children: Object.fromEntries(SECTIONS.map((s) => [s, { schema: sectionSchemas[s], max: 1 }])),
  emulator: { status: 'supported' },
};

export const fragment: ElementSchema = {
  name: 'fragment',
  kind: 'structure',
  description: 'A policy fragment: policies only, without sections, <base/> or another include-fragment.',
  attributes: {},
  content: 'policies',
  emulator: { status: 'supported' },
};

export const structureElements: readonly ElementSchema[] = [policies, ...Object.values(sectionSchemas), fragment];
