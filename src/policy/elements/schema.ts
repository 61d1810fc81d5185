/**
 * The shape of a declared APIM policy element: what `policy check` validates and what
 * docs/emulator-support.md is generated from. Data only, no behaviour.
 *
 * Sources: the APIM policy reference on learn.microsoft.com (one page per policy; attributes,
 * defaults, sections, scopes, gateways) and the per-policy XSDs that the VS Code API Management
 * extension ships as "obtained from APIM" (microsoft/vscode-apimanagement
 * resources/policySchemas/*.xsd: attribute names, enumerations, and which typed attributes accept
 * an expression). Where the two disagree, the documentation's stricter rule is kept only when
 * the corpus does not contradict it; otherwise the lenient reading wins, because a false error
 * on a policy APIM accepts is worse than a missed one.
 */
import type { Sku } from '../../config/types.ts';

export const SECTIONS = ['inbound', 'backend', 'outbound', 'on-error'] as const;
export type Section = (typeof SECTIONS)[number];
export const ALL_SECTIONS: readonly Section[] = SECTIONS;

/** Policy scopes, broad to narrow (workspace is the newer scope between global and product). */
export type PolicyScope = 'global' | 'workspace' | 'product' | 'api' | 'operation';
export const ALL_SCOPES: readonly PolicyScope[] = ['global', 'workspace', 'product', 'api', 'operation'];

/** The categories of the APIM policy reference index (api-management-policies.md). */
export type PolicyCategory =
  | 'Rate limiting and quotas'
  | 'Authentication and authorization'
  | 'Content validation'
  | 'Routing'
  | 'Caching'
  | 'Transformation'
  | 'Cross-domain'
  | 'Integration and external communication'
  | 'Logging'
  | 'AI gateway'
  | 'Policy control and flow'
  | 'Document structure';

/**
 * The type of a literal value. Expressions are checked by the expression engine, never here.
 * `boolean` accepts what XSD's xs:boolean accepts (`true`, `false`, `1`, `0`, any letter case).
 */
export type ValueType =
  | { readonly kind: 'string'; readonly nonEmpty?: boolean }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'integer'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'number'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'datetime' };

export interface AttributeSchema {
  readonly type: ValueType;
  readonly required?: boolean;
  /** Whether a policy expression `@(…)`/`@{…}` may be the value. */
  readonly expression: boolean;
  /** The default APIM applies when the attribute is absent, as the reference states it. */
  readonly default?: string;
  /** Why an expression is refused, when the reference or an APIM deploy error says more than "not allowed". */
  readonly expressionNote?: string;
  readonly description: string;
}

export interface TextSchema {
  readonly type: ValueType;
  readonly expression: boolean;
  readonly required?: boolean;
  readonly expressionNote?: string;
  readonly description: string;
}

/** A declared child: its schema and how many times it may occur. */
export interface ChildSpec {
  readonly schema: ElementSchema;
  readonly min?: number;
  readonly max?: number;
}

/**
 * - `empty`: attributes only.
 * - `text`: text (a literal or an expression) only, as `text` declares.
 * - `elements`: the declared children, optionally with text when `text` is declared.
 * - `policies`: policy statements (restricted to `allowedPolicies` when given), as in `<when>`.
 * - `payload`: anything at all, not checked (a Liquid or SOAP body, an XSLT stylesheet).
 */
export type ContentKind = 'empty' | 'text' | 'elements' | 'policies' | 'payload';

export type EmulatorStatus = 'supported' | 'partial' | 'unsupported';

/**
 * A known gap in how the emulator runs an element it otherwise supports: using the attribute
 * (with `value`, when given) or the child element makes the run differ from APIM.
 */
export interface EmulatorGap {
  readonly attribute?: string;
  readonly value?: string;
  readonly child?: string;
  readonly reason: string;
}

export interface EmulatorSupport {
  readonly status: EmulatorStatus;
  /** Why it is unsupported, or what is missing when partial. */
  readonly reason?: string;
  /** Constructs of the element that the emulator does not honour (reported where they are used). */
  readonly gaps?: readonly EmulatorGap[];
}

/** Any element: a policy, a part of one (`<value>`, `<audiences>`), or document structure. */
export interface ElementSchema {
  readonly name: string;
  readonly kind: 'policy' | 'part' | 'structure';
  readonly description: string;
  readonly attributes: Readonly<Record<string, AttributeSchema>>;
  /** Attribute groups of which at least one must be present (`exactlyOne`: exactly one). */
  readonly oneOf?: readonly { readonly attributes: readonly string[]; readonly exactlyOne?: boolean }[];
  readonly content: ContentKind;
  readonly text?: TextSchema;
  readonly children?: Readonly<Record<string, ChildSpec>>;
  /** For `policies` content: only these policies may appear (e.g. `<wait>`). */
  readonly allowedPolicies?: readonly string[];
  /** Present on parts the emulator handles separately (`when`, `otherwise`). */
  readonly emulator?: EmulatorSupport;
}

export interface PolicySchema extends ElementSchema {
  readonly kind: 'policy';
  readonly category: PolicyCategory;
  /** The sections where the reference allows the policy (directly or nested in choose/retry/…). */
  readonly sections: readonly Section[];
  /**
   * Sections the reference does not list but where public samples that deploy (Microsoft's own)
   * use the policy: reported as a warning, not an error, because APIM evidently accepts them.
   */
  readonly alsoSeenIn?: readonly { readonly section: Section; readonly evidence: string }[];
  readonly scopes: readonly PolicyScope[];
  /** SKUs whose gateway rejects the policy at deploy time. */
  readonly unavailableOn?: readonly Sku[];
  /** The reference page, relative to learn.microsoft.com/azure/api-management/. */
  readonly reference: string;
  readonly emulator: EmulatorSupport;
}

// ---- small builders, so the element files read like the reference tables ----

export const str = (description: string, extra: Partial<AttributeSchema> = {}): AttributeSchema => ({ type: { kind: 'string' }, expression: true, description, ...extra });
export const bool = (description: string, extra: Partial<AttributeSchema> = {}): AttributeSchema => ({ type: { kind: 'boolean' }, expression: true, description, ...extra });
export const int = (description: string, range: { min?: number; max?: number } = {}, extra: Partial<AttributeSchema> = {}): AttributeSchema => ({
  type: { kind: 'integer', ...range },
  expression: true,
  description,
  ...extra,
});
export const num = (description: string, range: { min?: number; max?: number } = {}, extra: Partial<AttributeSchema> = {}): AttributeSchema => ({
  type: { kind: 'number', ...range },
  expression: true,
  description,
  ...extra,
});
export const oneOfValues = (values: readonly string[], description: string, extra: Partial<AttributeSchema> = {}): AttributeSchema => ({
  type: { kind: 'enum', values },
  expression: true,
  description,
  ...extra,
});
/** A name that APIM reads at save time (a variable or header name): never an expression. */
export const fixedName = (description: string, extra: Partial<AttributeSchema> = {}): AttributeSchema => ({ type: { kind: 'string', nonEmpty: true }, expression: false, description, ...extra });

/** Every policy accepts an optional `id`; it surfaces as `context.LastError.PolicyId`. */
export const policyId: AttributeSchema = { type: { kind: 'string' }, expression: false, description: 'Identifies the policy in context.LastError.PolicyId.' };

export const literalText = (description: string, extra: Partial<TextSchema> = {}): TextSchema => ({ type: { kind: 'string' }, expression: false, description, ...extra });
export const exprText = (description: string, extra: Partial<TextSchema> = {}): TextSchema => ({ type: { kind: 'string' }, expression: true, description, ...extra });

/** A part holding only text, e.g. `<value>`, `<audience>`. */
export function textPart(name: string, text: TextSchema, attributes: Record<string, AttributeSchema> = {}): ElementSchema {
  return { name, kind: 'part', description: text.description, attributes, content: 'text', text: { required: true, ...text } };
}

/** A part that is a list of one repeated child, e.g. `<audiences><audience/>…</audiences>`. */
export function listPart(name: string, description: string, child: ElementSchema, min = 1, attributes: Record<string, AttributeSchema> = {}): ElementSchema {
  return { name, kind: 'part', description, attributes, content: 'elements', children: { [child.name]: { schema: child, min } } };
}

export function policy(schema: Omit<PolicySchema, 'kind' | 'attributes'> & { readonly attributes: Readonly<Record<string, AttributeSchema>> }): PolicySchema {
  return { kind: 'policy', ...schema, attributes: { id: policyId, ...schema.attributes } };
}

/** The reason text used for policies that have no runtime handler yet. */
export function notYet(what: string): EmulatorSupport {
  return { status: 'unsupported', reason: what };
}
