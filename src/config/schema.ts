import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import schema from '../../schema/mcp-apim.schema.json' with { type: 'json' };
import { type Diagnostic, diagnostic, type SourceSpan } from '../diagnostics/index.ts';
import { closest } from './suggest.ts';
import type { SpannedDocument } from './yaml.ts';

/** The published JSON Schema of the config language. */
export const configSchema: Readonly<Record<string, unknown>> = schema;

const ajv = new Ajv2020({ allErrors: true, strict: false, useDefaults: false, verbose: true });
const validate = ajv.compile(schema);

/**
 * Validates the document against the published schema and turns ajv's errors into
 * diagnostics that point at the offending key or value, with suggestions for typos.
 */
export function validateAgainstSchema(doc: SpannedDocument): Diagnostic[] {
  if (validate(doc.value)) return [];
  const errors = (validate.errors ?? []).filter((e) => !isNoise(e, validate.errors ?? []));
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const error of errors) {
    const d = toDiagnostic(error, doc);
    const key = `${d.code}:${d.span?.offset}:${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

/** Combinator errors (oneOf/anyOf/allOf/not/if) restate their branches' errors; keep the specific ones. */
function isNoise(error: ErrorObject, all: readonly ErrorObject[]): boolean {
  if (error.instancePath === '/catalog' && error.keyword === 'oneOf') return false;
  if (['oneOf', 'anyOf', 'allOf', 'if'].includes(error.keyword)) {
    return all.some((other) => other !== error && other.instancePath.startsWith(error.instancePath) && !['oneOf', 'anyOf', 'allOf', 'if'].includes(other.keyword) && other.schemaPath.startsWith(error.schemaPath.replace(/\/[^/]+$/, '')));
  }
  return false;
}

function spanAt(doc: SpannedDocument, pointer: string, prefer: 'key' | 'value' = 'value'): SourceSpan {
  let p = pointer;
  for (;;) {
    const spans = doc.spans.get(p);
    if (spans) return prefer === 'key' && spans.key ? spans.key : spans.value;
    if (p === '') return doc.index.span(0, 0);
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

function where(pointer: string): string {
  if (pointer === '') return 'the config';
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function valueAt(doc: SpannedDocument, pointer: string): unknown {
  let v: unknown = doc.value;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

function toDiagnostic(error: ErrorObject, doc: SpannedDocument): Diagnostic {
  const path = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const parentSchema = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const known = Object.keys(parentSchema?.properties ?? {}).filter((k) => k !== '$schema');
      const guess = closest(key, known);
      return diagnostic('MA1002', `unknown key '${key}' in ${where(path)}`, spanAt(doc, `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, 'key'), guess ? `did you mean '${guess}'? (known keys: ${known.join(', ')})` : `known keys: ${known.join(', ')}`);
    }
    case 'required':
      return diagnostic('MA1003', `${where(path)} is missing the required key '${String(params.missingProperty)}'`, spanAt(doc, path, 'key'));
    case 'type':
      return diagnostic('MA1004', `${where(path)} must be ${articleFor(String(params.type))}, not ${typeOf(valueAt(doc, path))}`, spanAt(doc, path));
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      const actual = valueAt(doc, path);
      const guess = typeof actual === 'string' ? closest(actual, (params.allowedValues as unknown[]).map(String)) : undefined;
      return diagnostic('MA1005', `${where(path)} must be one of ${allowed.join(', ')}`, spanAt(doc, path), guess ? `did you mean "${guess}"?` : undefined);
    }
    case 'const':
      return diagnostic('MA1005', `${where(path)} must be ${JSON.stringify(params.allowedValue)}`, spanAt(doc, path));
    case 'pattern':
      return diagnostic('MA1005', `${where(path)} has an invalid value ${JSON.stringify(valueAt(doc, path))}: ${patternHelp(error)}`, spanAt(doc, path));
    case 'propertyNames':
      return diagnostic('MA1005', `${where(path)} has an invalid key '${String(params.propertyName)}': role values are 1-120 characters of letters, digits, '.', '_', ':' and '-'`, spanAt(doc, `${path}/${String(params.propertyName)}`, 'key'));
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return diagnostic('MA1005', `${where(path)} must be ${String(params.comparison)} ${String(params.limit)}${path.endsWith('/renewalPeriod') && error.keyword === 'maximum' ? ' (APIM rate-limit windows are at most 300 seconds)' : ''}`, spanAt(doc, path));
    case 'minItems':
    case 'minLength':
    case 'minProperties':
      return diagnostic('MA1005', `${where(path)} must not be empty`, spanAt(doc, path));
    case 'maxLength':
    case 'maxItems':
      return diagnostic('MA1005', `${where(path)} is too long (at most ${String(params.limit)})`, spanAt(doc, path));
    case 'uniqueItems':
      return diagnostic('MA1005', `${where(path)} lists the same item twice (items ${String(params.j)} and ${String(params.i)})`, spanAt(doc, `${path}/${String(params.i)}`));
    case 'oneOf':
      if (path === '/catalog') return diagnostic('MA1006', 'catalog needs exactly one of `from` (a tools/list file) and `tools` (an inline list)', spanAt(doc, path, 'key'));
      return diagnostic('MA1004', `${where(path)} has the wrong form`, spanAt(doc, path));
    case 'not':
      return diagnostic('MA1005', `${where(path)}: \`methods\` cannot appear in a deny rule (methods are only opened, never closed per role)`, spanAt(doc, path));
    default:
      return diagnostic('MA1005', `${where(path)} ${error.message ?? 'is invalid'}`, spanAt(doc, path));
  }
}

function articleFor(type: string): string {
  const words: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false' };
  return type
    .split(',')
    .map((t) => words[t] ?? t)
    .join(' or ');
}

function patternHelp(error: ErrorObject): string {
  const description = (error.parentSchema as { description?: string } | undefined)?.description;
  return description ?? `it must match ${String((error.params as Record<string, unknown>).pattern)}`;
}
