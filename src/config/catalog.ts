import { type Diagnostic, diagnostic, type SourceSpan } from '../diagnostics/index.ts';
import { readToolBackend } from './bridge.ts';
import type { CatalogTool, ToolAnnotations } from './types.ts';
import { pointerSegment, type SpannedDocument } from './yaml.ts';

/** MCP 2025-11-25 tool-name guidance. */
export const STANDARD_TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

const annotationKeys = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const;

/**
 * Reads tools from a parsed tools/list result (`{"tools": [...]}`, a bare array, or the inline
 * `catalog.tools` list at `pointer`), checking names and annotations.
 */
export function readTools(doc: SpannedDocument, pointer: string, list: unknown, allowNonStandardNames: boolean): { tools: CatalogTool[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const tools: CatalogTool[] = [];
  const span = (p: string, prefer: 'key' | 'value' = 'value'): SourceSpan => {
    const s = doc.spans.get(p);
    return (prefer === 'key' ? s?.key : undefined) ?? s?.value ?? doc.index.span(0, 0);
  };
  if (!Array.isArray(list)) {
    diagnostics.push(diagnostic('MA1008', 'the catalog must be a tools/list result ({"tools": [...]}) or a list of tools', span(pointer)));
    return { tools, diagnostics };
  }
  const byName = new Map<string, CatalogTool>();
  list.forEach((item, i) => {
    const at = `${pointer}/${i}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      diagnostics.push(diagnostic('MA1009', `tool #${i + 1} is not an object`, span(at)));
      return;
    }
    const raw = item as Record<string, unknown>;
    if (typeof raw.name !== 'string') {
      diagnostics.push(diagnostic('MA1009', `tool #${i + 1} has no string "name"`, span(at)));
      return;
    }
    const name = raw.name;
    const nameSpan = span(`${at}/name`);
    if (!allowNonStandardNames && !STANDARD_TOOL_NAME.test(name)) {
      diagnostics.push(diagnostic('MA1010', `tool name ${JSON.stringify(name)} is outside [A-Za-z0-9_.-]{1,128}${describeOdd(name)}`, nameSpan, 'rename the tool on the server, or set catalog.allowNonStandardNames: true if you trust it'));
    }
    const annotations = readAnnotations(raw.annotations, `${at}/annotations`, span, diagnostics);
    const previous = byName.get(name);
    if (previous) {
      diagnostics.push(diagnostic('MA1011', `tool ${JSON.stringify(name)} is listed twice (first at line ${previous.span.line})`, nameSpan));
      return;
    }
    const optionalString = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
    const optionalObject = (key: string) => (raw[key] !== null && typeof raw[key] === 'object' && !Array.isArray(raw[key]) ? (raw[key] as Record<string, unknown>) : undefined);
    // A REST-bridged tool: `backend` is the gateway's business and never appears in tools/list.
    const backend = readToolBackend(doc, at, raw, diagnostics);
    const { backend: _backend, ...listed } = raw;
    const tool: CatalogTool = {
      name,
      raw: raw.backend === undefined ? raw : listed,
      span: nameSpan,
      ...(backend ? { backend } : {}),
      ...(optionalString('title') !== undefined ? { title: optionalString('title') } : {}),
      ...(optionalString('description') !== undefined ? { description: optionalString('description') } : {}),
      ...(optionalObject('inputSchema') ? { inputSchema: optionalObject('inputSchema') } : {}),
      ...(optionalObject('outputSchema') ? { outputSchema: optionalObject('outputSchema') } : {}),
      ...(annotations ? { annotations } : {}),
    };
    byName.set(name, tool);
    tools.push(tool);
  });
  return { tools, diagnostics };
}

function readAnnotations(value: unknown, at: string, span: (p: string) => SourceSpan, diagnostics: Diagnostic[]): ToolAnnotations | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push(diagnostic('MA1009', 'annotations must be an object', span(at)));
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of annotationKeys) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] !== 'boolean') {
      diagnostics.push(diagnostic('MA1009', `annotation ${key} must be true or false`, span(`${at}/${pointerSegment(key)}`)));
      continue;
    }
    out[key] = raw[key];
  }
  if (typeof raw.title === 'string') out.title = raw.title;
  return out as ToolAnnotations;
}

/** Names the invisible or look-alike characters in a rejected tool name, so the user sees why. */
function describeOdd(name: string): string {
  if (name.length === 0) return ' (empty)';
  if (name.length > 128) return ` (${name.length} characters)`;
  const odd = [...new Set([...name].filter((c) => !/[A-Za-z0-9_.-]/.test(c)))];
  return `: contains ${odd.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}${/\p{L}|\p{N}|\p{P}|\p{S}/u.test(c) ? ` '${c}'` : ''}`).join(', ')}`;
}
