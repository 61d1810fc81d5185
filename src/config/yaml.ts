import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { type Diagnostic, diagnostic, LineIndex, type SourceSpan } from '../diagnostics/index.ts';

/** Where a value sits in the source: the key's span (for members) and the value's span. */
export interface NodeSpans {
  readonly key?: SourceSpan;
  readonly value: SourceSpan;
}

/** A YAML document as plain JSON data plus the source span of every value, by JSON pointer. */
export interface SpannedDocument {
  readonly value: unknown;
  readonly spans: ReadonlyMap<string, NodeSpans>;
  readonly index: LineIndex;
}

/** Escapes one JSON-pointer segment (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Parses YAML, keeping spans. YAML errors (syntax, duplicate keys, tabs) become MA1001
 * diagnostics; aliases and custom tags are refused because a security config should read the
 * same to a reviewer as to the compiler.
 */
export function parseYaml(file: string, text: string): { document?: SpannedDocument; diagnostics: Diagnostic[] } {
  const index = new LineIndex(file, text);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, merge: false });
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    const [start, end] = error.pos;
    diagnostics.push(diagnostic('MA1001', yamlMessage(error.code, error.message), index.span(start, Math.max(start + 1, end))));
  }
  if (diagnostics.length > 0) return { diagnostics };
  const spans = new Map<string, NodeSpans>();
  const value = toPlain(doc.contents as Node | null, '', undefined, spans, index, diagnostics);
  if (diagnostics.length > 0) return { diagnostics };
  return { document: { value, spans, index }, diagnostics };
}

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'duplicate key: each key may appear once in a mapping';
  // The yaml library's messages end with a position suffix we already show as line:col.
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

function spanOf(node: Node, index: LineIndex): SourceSpan {
  const range = node.range ?? [0, 0, 0];
  return index.span(range[0], range[1]);
}

function toPlain(
  node: Node | null,
  pointer: string,
  keySpan: SourceSpan | undefined,
  spans: Map<string, NodeSpans>,
  index: LineIndex,
  diagnostics: Diagnostic[],
): unknown {
  if (node === null) return null;
  const valueSpan = spanOf(node, index);
  spans.set(pointer, keySpan ? { key: keySpan, value: valueSpan } : { value: valueSpan });
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number' && typeof keyNode.value !== 'boolean')) {
        diagnostics.push(diagnostic('MA1001', 'mapping keys must be plain scalars', keyNode ? spanOf(keyNode, index) : valueSpan));
        continue;
      }
      const key = String(keyNode.value);
      const child = toPlain(pair.value as Node | null, `${pointer}/${pointerSegment(key)}`, spanOf(keyNode, index), spans, index, diagnostics);
      Object.defineProperty(out, key, { value: child, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (isSeq(node)) {
    return node.items.map((item, i) => toPlain(item as Node | null, `${pointer}/${i}`, undefined, spans, index, diagnostics));
  }
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'bigint') return Number(v);
    if (v instanceof Date) return v.toISOString();
    return v;
  }
  diagnostics.push(diagnostic('MA1001', 'YAML aliases and custom tags are not allowed in an mcp-apim config', valueSpan));
  return null;
}
