import type { SourceSpan } from '../diagnostics/index.ts';
import type { ExpressionSource } from '../expr/api.ts';

/**
 * A parsed APIM policy document. Every node keeps its source span. Values are either literals
 * (entity-decoded text) or expressions: an expression is the whole attribute value or element
 * text (surrounding blanks allowed), never a part of it.
 */
export type PolicyValue = LiteralValue | ExpressionValue;

export interface LiteralValue {
  readonly kind: 'literal';
  readonly text: string;
  readonly span: SourceSpan;
}

export interface ExpressionValue {
  readonly kind: 'expression';
  /** What the expression engine compiles: decoded C#, with spans mapped back to the file. */
  readonly source: ExpressionSource;
  /** The expression as written, e.g. `@(context.Variables["x"])`, for traces and messages. */
  readonly written: string;
  readonly span: SourceSpan;
}

export interface PolicyAttribute {
  readonly name: string;
  readonly nameSpan: SourceSpan;
  readonly value: PolicyValue;
}

export interface PolicyElement {
  readonly kind: 'element';
  readonly name: string;
  readonly nameSpan: SourceSpan;
  /** From `<` to the end of the closing tag. */
  readonly span: SourceSpan;
  readonly attributes: readonly PolicyAttribute[];
  readonly children: readonly PolicyNode[];
}

export interface PolicyText {
  readonly kind: 'text';
  readonly value: PolicyValue;
}

/**
 * Raw content of an element whose children are payload, not policies (`set-body` holding a
 * Liquid template or a SOAP envelope): kept verbatim.
 */
export interface PolicyRaw {
  readonly kind: 'raw';
  readonly text: string;
  readonly span: SourceSpan;
}

export interface PolicyComment {
  readonly kind: 'comment';
  readonly text: string;
  readonly span: SourceSpan;
}

export type PolicyNode = PolicyElement | PolicyText | PolicyRaw | PolicyComment;

export interface PolicyDocument {
  readonly file: string;
  /** `<policies>` (a full document) or `<fragment>`; anything else is a snippet of policies. */
  readonly kind: 'policies' | 'fragment' | 'snippet';
  /** The top-level elements (one for a document or a fragment). */
  readonly roots: readonly PolicyElement[];
  /** The text parsed (after named-value substitution). */
  readonly text: string;
}

export function attribute(element: PolicyElement, name: string): PolicyAttribute | undefined {
  return element.attributes.find((a) => a.name === name);
}

const childrenOf = new WeakMap<PolicyElement, readonly PolicyElement[]>();
/** The element children (no text or comments). Trees are read-only, so the list is made once per element: the runtime asks on every request. */
export function childElements(element: PolicyElement): readonly PolicyElement[] {
  let children = childrenOf.get(element);
  if (!children) {
    children = element.children.filter((c): c is PolicyElement => c.kind === 'element');
    childrenOf.set(element, children);
  }
  return children;
}

/** Every element below (and including) `root`, depth first. */
export function* walk(root: PolicyElement): Generator<PolicyElement> {
  yield root;
  for (const child of root.children) if (child.kind === 'element') yield* walk(child);
}
