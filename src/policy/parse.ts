import { type Diagnostic, diagnostic, LineIndex, type SourceSpan } from '../diagnostics/index.ts';
import type { ExpressionSource } from '../expr/api.ts';
import { entityAt, scanExpression } from './scan-expression.ts';
import type { PolicyAttribute, PolicyDocument, PolicyElement, PolicyNode, PolicyValue } from './tree.ts';

/** Elements whose content is payload (Liquid, SOAP, JSON), never policies. */
const PAYLOAD_ELEMENTS = new Set(['set-body']);
const NAME = /[A-Za-z_:][A-Za-z0-9_.:-]*/y;
/** Elements nested deeper are refused (MA4001): the reader recurses per level, and real policies nest a few levels. */
export const MAX_ELEMENT_DEPTH = 256;

export interface ParseResult {
  readonly document?: PolicyDocument;
  readonly diagnostics: readonly Diagnostic[];
}

class ParseError extends Error {
  readonly at: number;
  readonly end: number;
  constructor(message: string, at: number, end = at + 1) {
    super(message);
    this.at = at;
    this.end = end;
  }
}

/** Decodes XML entities in literal text; an `&` that starts no entity stays as it is. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  let out = '';
  for (let i = 0; i < text.length; ) {
    const entity = text[i] === '&' ? entityAt(text, i) : undefined;
    out += entity ? entity.char : text[i];
    i += entity ? entity.length : 1;
  }
  return out;
}

/**
 * Reads an APIM policy document in rawxml form (expressions written raw or XML-escaped).
 * `index` maps offsets of `text` to file positions (after named-value substitution it is the
 * substituted text's own index, with `toSource` mapping back).
 */
export function parsePolicy(file: string, text: string, toSource: (offset: number) => number = (o) => o, sourceIndex?: LineIndex): ParseResult {
  const index = sourceIndex ?? new LineIndex(file, text);
  const span = (start: number, end: number): SourceSpan => index.span(toSource(start), toSource(end));
  let pos = 0;

  const skipBlanksAndMisc = (allowText: boolean): void => {
    for (;;) {
      while (pos < text.length && /\s/.test(text[pos]!)) pos++;
      if (text.startsWith('<!--', pos)) {
        const end = text.indexOf('-->', pos + 4);
        if (end < 0) throw new ParseError('unclosed comment', pos, pos + 4);
        pos = end + 3;
      } else if (text.startsWith('<?', pos)) {
        const end = text.indexOf('?>', pos + 2);
        if (end < 0) throw new ParseError('unclosed processing instruction', pos, pos + 2);
        pos = end + 2;
      } else if (!allowText && pos < text.length && text[pos] !== '<') {
        throw new ParseError('text outside the root element', pos);
      } else return;
    }
  };

  const readName = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(text);
    if (!m) throw new ParseError('expected a name', pos);
    pos += m[0].length;
    return m[0];
  };

  const expressionValue = (start: number, endLimit: number, where: string): { value: PolicyValue; end: number } | undefined => {
    let at = start;
    while (at < endLimit && /\s/.test(text[at]!)) at++;
    if (text[at] !== '@' || (text[at + 1] !== '(' && text[at + 1] !== '{')) return undefined;
    const scanned = scanExpression(text, at, endLimit);
    if (!scanned.ok) throw new ParseError(`${scanned.message} (the expression in ${where} starts at line ${index.position(toSource(at)).line}, column ${index.position(toSource(at)).column})`, scanned.at, scanned.at + 2);
    const e = scanned.expression;
    const source: ExpressionSource = {
      text: e.text,
      kind: e.kind,
      spanOf: (s, t) => span(e.offsets[Math.min(s, e.offsets.length - 1)]!, t >= e.offsets.length ? e.end : e.offsets[t]!),
    };
    return { value: { kind: 'expression', source, written: text.slice(at, e.end), span: span(at, e.end) }, end: e.end };
  };

  const readAttribute = (): PolicyAttribute => {
    const nameStart = pos;
    const name = readName();
    const nameSpan = span(nameStart, pos);
    while (/\s/.test(text[pos] ?? '')) pos++;
    if (text[pos] !== '=') throw new ParseError(`attribute ${name} has no value`, pos);
    pos++;
    while (/\s/.test(text[pos] ?? '')) pos++;
    const quote = text[pos];
    if (quote !== '"' && quote !== "'") throw new ParseError(`the value of attribute ${name} must be quoted`, pos);
    const valueStart = pos + 1;
    const expression = expressionValue(valueStart, text.length, `attribute ${name}`);
    if (expression) {
      let after = expression.end;
      while (/\s/.test(text[after] ?? '')) after++;
      if (text[after] === quote) {
        pos = after + 1;
        return { name, nameSpan, value: expression.value };
      }
      // Something follows the expression inside the quotes: the value is a literal (APIM: an
      // expression is the whole value or nothing).
    }
    const close = text.indexOf(quote, valueStart);
    if (close < 0) throw new ParseError(`unclosed value of attribute ${name}`, pos);
    const raw = text.slice(valueStart, close);
    if (raw.includes('<')) throw new ParseError(`'<' in the value of attribute ${name}`, valueStart + raw.indexOf('<'));
    pos = close + 1;
    return { name, nameSpan, value: { kind: 'literal', text: decodeEntities(raw), span: span(valueStart, close) } };
  };

  let depth = 0;
  const readElement = (): PolicyElement => {
    const start = pos;
    if (++depth > MAX_ELEMENT_DEPTH) throw new ParseError(`elements are nested deeper than ${MAX_ELEMENT_DEPTH} levels`, start);
    try {
      return readElementAt(start);
    } finally {
      depth--;
    }
  };

  const readElementAt = (start: number): PolicyElement => {
    pos++; // '<'
    const nameStart = pos;
    const name = readName();
    const nameSpan = span(nameStart, pos);
    const attributes: PolicyAttribute[] = [];
    for (;;) {
      const before = pos;
      while (/\s/.test(text[pos] ?? '')) pos++;
      if (text.startsWith('/>', pos)) {
        pos += 2;
        return { kind: 'element', name, nameSpan, span: span(start, pos), attributes, children: [] };
      }
      if (text[pos] === '>') {
        pos++;
        break;
      }
      if (pos >= text.length) throw new ParseError(`unclosed start tag <${name}>`, start, start + name.length + 1);
      if (pos === before) throw new ParseError(`expected a blank before the next attribute of <${name}>`, pos);
      const attr = readAttribute();
      if (attributes.some((a) => a.name === attr.name)) throw new ParseError(`attribute ${attr.name} appears twice on <${name}>`, pos - 1);
      attributes.push(attr);
    }
    const children = PAYLOAD_ELEMENTS.has(name) ? readPayload(name, start) : readChildren(name, start);
    return { kind: 'element', name, nameSpan, span: span(start, pos), attributes, children };
  };

  /** Content of a payload element: one expression, or everything up to the matching close tag, verbatim. */
  const readPayload = (name: string, start: number): PolicyNode[] => {
    const closeTag = `</${name}>`;
    const expression = expressionValue(pos, text.length, `<${name}>`);
    if (expression) {
      let after = expression.end;
      while (/\s/.test(text[after] ?? '')) after++;
      if (text.startsWith(closeTag, after)) {
        pos = after + closeTag.length;
        return [{ kind: 'text', value: expression.value }];
      }
    }
    const close = findPayloadEnd(name, pos);
    if (close < 0) throw new ParseError(`<${name}> is not closed`, start, start + name.length + 1);
    const contentStart = pos;
    pos = close + closeTag.length;
    const raw = text.slice(contentStart, close);
    if (raw.trim() === '') return [];
    if (raw.startsWith('<![CDATA[') && raw.trimEnd().endsWith(']]>')) {
      const inner = raw.trim().slice(9, -3);
      return [{ kind: 'text', value: { kind: 'literal', text: inner, span: span(contentStart, close) } }];
    }
    return raw.includes('<') ? [{ kind: 'raw', text: raw, span: span(contentStart, close) }] : [{ kind: 'text', value: { kind: 'literal', text: decodeEntities(raw), span: span(contentStart, close) } }];
  };

  /** Payload may nest an element of the same name (a SOAP body with <set-body>? rare): count depth. */
  const findPayloadEnd = (name: string, from: number): number => {
    let depth = 0;
    const open = new RegExp(`<${name}(?=[\\s>/])`, 'y');
    for (let i = from; i < text.length; i++) {
      if (text.startsWith(`</${name}>`, i)) {
        if (depth === 0) return i;
        depth--;
      } else {
        open.lastIndex = i;
        if (open.test(text)) depth++;
      }
    }
    return -1;
  };

  const readChildren = (name: string, start: number): PolicyNode[] => {
    const children: PolicyNode[] = [];
    for (;;) {
      if (pos >= text.length) throw new ParseError(`<${name}> is not closed`, start, start + name.length + 1);
      if (text.startsWith('</', pos)) {
        const closeStart = pos;
        pos += 2;
        const closing = readName();
        while (/\s/.test(text[pos] ?? '')) pos++;
        if (text[pos] !== '>') throw new ParseError(`malformed closing tag </${closing}`, closeStart, pos);
        pos++;
        if (closing !== name) throw new ParseError(`</${closing}> closes <${name}>`, closeStart, pos);
        return children;
      }
      if (text.startsWith('<!--', pos)) {
        const end = text.indexOf('-->', pos + 4);
        if (end < 0) throw new ParseError('unclosed comment', pos, pos + 4);
        children.push({ kind: 'comment', text: text.slice(pos + 4, end), span: span(pos, end + 3) });
        pos = end + 3;
        continue;
      }
      if (text.startsWith('<![CDATA[', pos)) {
        const end = text.indexOf(']]>', pos);
        if (end < 0) throw new ParseError('unclosed CDATA section', pos, pos + 9);
        children.push({ kind: 'text', value: { kind: 'literal', text: text.slice(pos + 9, end), span: span(pos, end + 3) } });
        pos = end + 3;
        continue;
      }
      if (text[pos] === '<') {
        children.push(readElement());
        continue;
      }
      // Text: an expression (whole text) or a literal up to the next '<'.
      const textStart = pos;
      const expression = expressionValue(pos, text.length, `the text of <${name}>`);
      if (expression) {
        let after = expression.end;
        while (/\s/.test(text[after] ?? '')) after++;
        if (text[after] === '<') {
          pos = after;
          children.push({ kind: 'text', value: expression.value });
          continue;
        }
      }
      const next = text.indexOf('<', pos);
      const end = next < 0 ? text.length : next;
      const raw = text.slice(textStart, end);
      pos = end;
      if (raw.trim() !== '') children.push({ kind: 'text', value: { kind: 'literal', text: decodeEntities(raw), span: span(textStart, end) } });
    }
  };

  try {
    skipBlanksAndMisc(false);
    const roots: PolicyElement[] = [];
    while (pos < text.length) {
      if (text[pos] !== '<') throw new ParseError('text outside the root element', pos);
      roots.push(readElement());
      skipBlanksAndMisc(false);
    }
    if (roots.length === 0) return { diagnostics: [diagnostic('MA4001', 'the document has no policy element', span(0, 0))] };
    const first = roots[0]!.name;
    const kind = roots.length === 1 && first === 'policies' ? 'policies' : roots.length === 1 && first === 'fragment' ? 'fragment' : 'snippet';
    return { document: { file, kind, roots, text }, diagnostics: [] };
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return { diagnostics: [diagnostic('MA4001', error.message, span(error.at, Math.min(error.end, text.length)))] };
  }
}
