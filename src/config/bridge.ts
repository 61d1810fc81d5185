/**
 * REST bridging in the config (docs/config.md, "REST tools"): reads a catalog tool's `backend`
 * mapping and checks it against the tool's inputSchema, and checks that the config has somewhere
 * to send every tool. The same checks run for inline tools and for tools in a catalog file, with
 * spans in whichever file the tool was written.
 */
import { type Diagnostic, diagnostic, type SourceSpan } from '../diagnostics/index.ts';
import { BRIDGE_METHODS, type BridgeMethod, type BridgeParameter, METHODS_WITH_BODY, PARAMETER_LOCATIONS, type ParameterLocation, type PathPart, type ToolBackend } from './bridge-types.ts';
import { closest } from './suggest.ts';
import type { CatalogTool, Config } from './types.ts';
import { pointerSegment, type SpannedDocument } from './yaml.ts';

const BACKEND_KEYS = ['method', 'path', 'parameters'];
/** RFC 3986 path characters (pchar and '/') that may stand in a template as they are. */
const PATH_CHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]$/;
const PLACEHOLDER = /^[A-Za-z0-9_.$-]+$/;

type SpanAt = (pointer: string, prefer?: 'key' | 'value') => SourceSpan;

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads `backend` of the tool at `at` (a JSON pointer into `doc`); undefined when the tool has
 * none or it has errors (reported in `diagnostics`).
 */
export function readToolBackend(doc: SpannedDocument, at: string, raw: Readonly<Record<string, unknown>>, diagnostics: Diagnostic[]): ToolBackend | undefined {
  if (raw.backend === undefined) return undefined;
  const span: SpanAt = (pointer, prefer = 'value') => {
    const s = doc.spans.get(pointer);
    return (prefer === 'key' ? s?.key : undefined) ?? s?.value ?? doc.index.span(0, 0);
  };
  const base = `${at}/backend`;
  const value = raw.backend;
  if (!isMapping(value)) {
    diagnostics.push(diagnostic('MA1020', 'backend must be a mapping: {method, path, parameters}', span(base)));
    return undefined;
  }
  const before = diagnostics.length;
  for (const key of Object.keys(value)) {
    if (BACKEND_KEYS.includes(key)) continue;
    const guess = closest(key, BACKEND_KEYS);
    diagnostics.push(diagnostic('MA1020', `unknown key '${key}' in backend`, span(`${base}/${pointerSegment(key)}`, 'key'), guess ? `did you mean '${guess}'? (known keys: ${BACKEND_KEYS.join(', ')})` : `known keys: ${BACKEND_KEYS.join(', ')}`));
  }
  const method = readMethod(value.method, base, span, diagnostics);
  const path = readPath(value.path, base, span, diagnostics);
  const parameters = readParameters(value.parameters, base, span, diagnostics);
  if (diagnostics.length > before || !method || !path || !parameters) return undefined;
  checkMapping(raw, method, path, parameters, base, span, diagnostics);
  if (diagnostics.length > before) return undefined;
  return { method, path: path.text, parts: path.parts, parameters, span: span(base, 'key') };
}

function readMethod(value: unknown, base: string, span: SpanAt, diagnostics: Diagnostic[]): BridgeMethod | undefined {
  if (value === undefined) {
    diagnostics.push(diagnostic('MA1020', "backend is missing the required key 'method'", span(base, 'key')));
    return undefined;
  }
  if (typeof value !== 'string') {
    diagnostics.push(diagnostic('MA1020', 'backend.method must be a string such as GET or POST', span(`${base}/method`)));
    return undefined;
  }
  const upper = value.toUpperCase();
  if ((BRIDGE_METHODS as readonly string[]).includes(upper)) return upper as BridgeMethod;
  const guess = closest(upper, BRIDGE_METHODS);
  diagnostics.push(diagnostic('MA1021', `backend.method ${JSON.stringify(value)} is not one of ${BRIDGE_METHODS.join(', ')}`, span(`${base}/method`), guess ? `did you mean ${guess}?` : undefined));
  return undefined;
}

/** Parses a path template into literal runs and `{placeholders}`; problems are MA1022. */
export function parsePathTemplate(text: string): { parts: PathPart[]; problem?: string } {
  const parts: PathPart[] = [];
  if (!text.startsWith('/')) return { parts, problem: "must start with '/' (it is appended to api.restBackend.url)" };
  const seen = new Set<string>();
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '{') {
      const close = text.indexOf('}', i);
      const name = close < 0 ? '' : text.slice(i + 1, close);
      if (close < 0 || name.includes('{')) return { parts, problem: `the '{' at character ${i + 1} is not closed` };
      if (!PLACEHOLDER.test(name)) return { parts, problem: `{${name}} is not a placeholder name (letters, digits, '_', '.', '-', '$')` };
      if (seen.has(name)) return { parts, problem: `{${name}} appears twice` };
      seen.add(name);
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ parameter: name });
      i = close;
    } else if (c === '}') {
      return { parts, problem: `the '}' at character ${i + 1} closes nothing` };
    } else if (c === '?' || c === '#') {
      return { parts, problem: `a query or fragment ('${c}') cannot be part of the path: map arguments with \`in: query\` instead` };
    } else if (c === '%') {
      if (!/^%[0-9A-Fa-f]{2}$/.test(text.slice(i, i + 3))) return { parts, problem: `'%' at character ${i + 1} is not followed by two hex digits` };
      literal += text.slice(i, i + 3);
      i += 2;
    } else if (PATH_CHAR.test(c)) {
      literal += c;
    } else {
      return { parts, problem: `${JSON.stringify(c)} at character ${i + 1} is not allowed in a URL path (write it percent-encoded)` };
    }
  }
  if (literal) parts.push({ literal });
  return { parts };
}

function readPath(value: unknown, base: string, span: SpanAt, diagnostics: Diagnostic[]): { text: string; parts: PathPart[] } | undefined {
  if (value === undefined) {
    diagnostics.push(diagnostic('MA1020', "backend is missing the required key 'path'", span(base, 'key')));
    return undefined;
  }
  if (typeof value !== 'string') {
    diagnostics.push(diagnostic('MA1020', 'backend.path must be a string such as /api/v2/stock/{sku}', span(`${base}/path`)));
    return undefined;
  }
  const { parts, problem } = parsePathTemplate(value);
  if (problem) {
    diagnostics.push(diagnostic('MA1022', `backend.path ${JSON.stringify(value)}: ${problem}`, span(`${base}/path`)));
    return undefined;
  }
  return { text: value, parts };
}

function readParameters(value: unknown, base: string, span: SpanAt, diagnostics: Diagnostic[]): BridgeParameter[] | undefined {
  if (value === undefined) return [];
  if (!isMapping(value)) {
    diagnostics.push(diagnostic('MA1020', 'backend.parameters must be a mapping of argument name to path, query or body', span(`${base}/parameters`)));
    return undefined;
  }
  const out: BridgeParameter[] = [];
  let ok = true;
  for (const [name, location] of Object.entries(value)) {
    const at = `${base}/parameters/${pointerSegment(name)}`;
    if (typeof location !== 'string' || !(PARAMETER_LOCATIONS as readonly string[]).includes(location)) {
      const guess = typeof location === 'string' ? closest(location, PARAMETER_LOCATIONS) : undefined;
      diagnostics.push(diagnostic('MA1027', `parameter ${JSON.stringify(name)}: ${JSON.stringify(location)} is not a location (path, query or body)`, span(at), guess ? `did you mean ${guess}?` : undefined));
      ok = false;
      continue;
    }
    out.push({ name, in: location as ParameterLocation, span: span(at, 'key') });
  }
  return ok ? out : undefined;
}

/** JSON Schema `type` of a property as a list ([] when the schema does not say). */
export function schemaTypes(property: unknown): string[] {
  if (!isMapping(property)) return [];
  const type = property.type;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return [];
}

/** The tool's inputSchema properties and required names. */
export function inputProperties(raw: Readonly<Record<string, unknown>>): { properties: Readonly<Record<string, unknown>>; required: readonly string[] } {
  const schema = isMapping(raw.inputSchema) ? raw.inputSchema : {};
  const properties = isMapping(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
  return { properties, required };
}

function checkMapping(raw: Readonly<Record<string, unknown>>, method: BridgeMethod, path: { text: string; parts: PathPart[] }, parameters: readonly BridgeParameter[], base: string, span: SpanAt, diagnostics: Diagnostic[]): void {
  const placeholders = path.parts.flatMap((p) => ('parameter' in p ? [p.parameter] : []));
  const pathParameters = parameters.filter((p) => p.in === 'path').map((p) => p.name);
  for (const name of placeholders) {
    if (!pathParameters.includes(name)) {
      const declared = parameters.find((p) => p.name === name);
      diagnostics.push(diagnostic('MA1023', `{${name}} in backend.path has no path parameter`, span(`${base}/path`), declared ? `parameter ${name} is mapped to ${declared.in}; map it to path` : `add \`${name}: path\` under backend.parameters`));
    }
  }
  for (const p of parameters) {
    if (p.in === 'path' && !placeholders.includes(p.name)) {
      diagnostics.push(diagnostic('MA1024', `path parameter ${JSON.stringify(p.name)} does not appear in backend.path ${JSON.stringify(path.text)}`, p.span, `write {${p.name}} in the path, or map the argument to query`));
    }
  }
  const { properties, required } = inputProperties(raw);
  const names = Object.keys(properties);
  for (const p of parameters) {
    if (!Object.hasOwn(properties, p.name)) {
      const guess = closest(p.name, names);
      diagnostics.push(diagnostic('MA1025', `parameter ${JSON.stringify(p.name)} is not a property of the tool's inputSchema`, p.span, guess ? `did you mean ${JSON.stringify(guess)}?` : names.length > 0 ? `inputSchema properties: ${names.join(', ')}` : 'the tool declares no inputSchema properties'));
      continue;
    }
    const types = schemaTypes(properties[p.name]);
    if ((p.in === 'path' || p.in === 'query') && types.length > 0 && types.every((t) => t === 'object' || t === 'array' || t === 'null')) {
      diagnostics.push(diagnostic('MA1027', `${p.in} parameter ${JSON.stringify(p.name)} is typed ${types.join(' or ')} in the inputSchema: only strings, numbers and booleans go into a URL`, p.span, 'map it to body'));
    }
    if (p.in === 'path' && !required.includes(p.name)) {
      diagnostics.push(diagnostic('MA1027', `path parameter ${JSON.stringify(p.name)} is not in the inputSchema's required list: the URL cannot be built without it`, p.span, `add "${p.name}" to inputSchema.required`));
    }
  }
  const bodies = parameters.filter((p) => p.in === 'body');
  for (const extra of bodies.slice(1)) {
    diagnostics.push(diagnostic('MA1026', `more than one body parameter: ${JSON.stringify(bodies[0]!.name)} is already the body`, extra.span, 'the body parameter is the whole JSON body; put the other argument inside it, or map it to query'));
  }
  if (bodies.length > 0 && !METHODS_WITH_BODY.includes(method)) {
    diagnostics.push(diagnostic('MA1026', `${method} sends no body: body parameter ${JSON.stringify(bodies[0]!.name)} would be lost`, bodies[0]!.span, `use ${METHODS_WITH_BODY.join(', ')}, or map the argument to query`));
  }
}

/**
 * Config-wide checks: bridged tools need api.restBackend; tools that are not bridged need an MCP
 * server (api.backend, and not native mode, which makes the API APIM's own REST-as-MCP server).
 */
export function checkBridges(config: Config): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const { api } = config;
  const native = api.restBackend?.mode === 'native';
  for (const tool of config.catalog.tools) {
    if (tool.backend && !api.restBackend) {
      diagnostics.push(diagnostic('MA1028', `tool ${JSON.stringify(tool.name)} is bridged to ${tool.backend.method} ${tool.backend.path}, but api.restBackend (the REST service's URL) is not set`, tool.backend.span, 'add api.restBackend: { url: https://… }'));
    }
    if (!tool.backend && (api.backend === undefined || native)) {
      diagnostics.push(unbridged(config, tool, native));
    }
  }
  return diagnostics;
}

function unbridged(config: Config, tool: CatalogTool, native: boolean): Diagnostic {
  if (native) return diagnostic('MA1029', `tool ${JSON.stringify(tool.name)} has no REST backend, and with api.restBackend.mode native the API is APIM's REST-as-MCP server: it cannot forward to an MCP server`, tool.span, 'bridge the tool with `backend:`, or use api.restBackend.mode: policy');
  return diagnostic('MA1029', `tool ${JSON.stringify(tool.name)} has no REST backend and api.backend (the MCP server) is not set: nothing could answer it`, tool.span, `set api.backend, or bridge the tool with \`backend: {method, path, parameters}\` (${config.api.restBackend ? 'api.restBackend is set' : 'and set api.restBackend'})`);
}
