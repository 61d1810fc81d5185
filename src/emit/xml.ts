/**
 * A small builder for APIM policy documents in `rawxml` form: literal attribute values and text
 * are XML-escaped; expressions (`@(…)`, `@{…}`) are written as they are, because that is how
 * APIM's rawxml reader expects them. Output is deterministic: attributes in the order given,
 * two-space indentation, LF line ends.
 */
export type AttrValue = string | number | boolean | Expr;

/** A policy expression, already in `@(…)` or `@{…}` form. */
export interface Expr {
  readonly expr: string;
}

export interface XmlElement {
  readonly name: string;
  readonly attrs: ReadonlyArray<readonly [string, AttrValue]>;
  readonly children: readonly XmlChild[];
}

export type XmlChild = XmlElement | { readonly text: string | Expr } | { readonly comment: string };

export function expr(code: string): Expr {
  return { expr: `@(${code})` };
}

export function block(body: string): Expr {
  return { expr: `@{\n${body}\n}` };
}

export function el(name: string, attrs: Record<string, AttrValue | undefined> = {}, ...children: (XmlChild | false | undefined)[]): XmlElement {
  return {
    name,
    attrs: Object.entries(attrs).filter((e): e is [string, AttrValue] => e[1] !== undefined),
    children: children.filter((c): c is XmlChild => Boolean(c)),
  };
}

export function text(value: string | Expr): XmlChild {
  return { text: value };
}

export function comment(value: string): XmlChild {
  return { comment: value };
}

/**
 * Escapes literal text for an attribute or element. Braces are escaped too: APIM substitutes
 * `{{named values}}` textually before parsing, so a literal `{{` from user data would be read
 * as a named-value reference.
 */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"'{}]/g, (c) => XML_ENTITIES[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`);
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '{': '&#x7B;', '}': '&#x7D;' };

function isExpr(v: unknown): v is Expr {
  return typeof v === 'object' && v !== null && 'expr' in v;
}

function attrText(v: AttrValue): string {
  if (isExpr(v)) return v.expr;
  return escapeXml(String(v));
}

export function serialize(root: XmlElement): string {
  const out: string[] = [];
  write(root, 0, out);
  return `${out.join('\n')}\n`;
}

function write(node: XmlElement, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  const attrs = node.attrs.map(([k, v]) => ` ${k}="${attrText(v)}"`).join('');
  if (node.children.length === 0) {
    out.push(`${pad}<${node.name}${attrs} />`);
    return;
  }
  const only = node.children[0]!;
  if (node.children.length === 1 && 'text' in only) {
    // An expression must be the whole element text, so it is written tight against the tags.
    const body = isExpr(only.text) ? only.text.expr : escapeXml(only.text);
    out.push(`${pad}<${node.name}${attrs}>${body}</${node.name}>`);
    return;
  }
  out.push(`${pad}<${node.name}${attrs}>`);
  for (const child of node.children) {
    if ('name' in child) write(child, depth + 1, out);
    else if ('comment' in child) out.push(`${pad}  <!-- ${child.comment.replace(/--/g, '- -')} -->`);
    else out.push(isExpr(child.text) ? child.text.expr : `${pad}  ${escapeXml(child.text)}`);
  }
  out.push(`${pad}</${node.name}>`);
}
