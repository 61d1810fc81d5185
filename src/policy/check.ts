/**
 * `policy check`: a static checker for any APIM policy document. Reads the text the way APIM does
 * (named values first, then the expression-aware parser), then checks the tree against the
 * declared element schemas, the deploy-time rules of the SKU, MCP streaming hazards, and —
 * through the injected `checkExpression` — every C# expression.
 */
import type { Sku } from '../config/types.ts';
import { type Diagnostic, diagnostic, LineIndex, sortDiagnostics } from '../diagnostics/index.ts';
import type { ExpressionSource } from '../expr/api.ts';
import { type ApiType, checkTree } from './check-tree.ts';
import { substituteNamedValues } from './named-values.ts';
import { parsePolicy } from './parse.ts';
import type { PolicyDocument } from './tree.ts';

export type { ApiType } from './check-tree.ts';

export const SKUS: readonly Sku[] = ['Developer', 'Basic', 'Standard', 'Premium', 'Consumption', 'BasicV2', 'StandardV2', 'PremiumV2'];
export const API_TYPES: readonly ApiType[] = ['http', 'mcp'];

export interface CheckOptions {
  /** The tier the document is deployed to: size limit and policy availability. */
  readonly sku?: Sku;
  /** `mcp` turns on the streaming lint for MCP server APIs. */
  readonly apiType?: ApiType;
  /** Named values substituted before parsing; without them `{{name}}` stays as written. */
  readonly namedValues?: Readonly<Record<string, string>>;
  /** The expression engine's load-time check (parse, plan, supported members). */
  readonly checkExpression?: (source: ExpressionSource) => readonly Diagnostic[];
}

export interface CheckedPolicy {
  readonly path: string;
  readonly parsed: boolean;
  readonly document?: PolicyDocument;
  /** Sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
}

const KiB = 1024;

/** APIM's size limit for a document of this kind on this tier (apim-semantics.md §1.5, §1.3). */
export function documentSizeLimit(kind: PolicyDocument['kind'] | undefined, sku: Sku | undefined): number {
  if (kind === 'fragment') return 512 * KiB;
  return sku === 'Consumption' ? 16 * KiB : 256 * KiB;
}

/** Parses and checks one policy file; never throws on bad input. */
export function checkPolicy(path: string, text: string, options: CheckOptions = {}): CheckedPolicy {
  const index = new LineIndex(path, text);
  const substituted = substituteNamedValues(text, options.namedValues, index);
  const parsed = parsePolicy(path, substituted.text, substituted.toSource, index);
  const diagnostics: Diagnostic[] = [...substituted.diagnostics, ...parsed.diagnostics];
  diagnostics.push(...sizeDiagnostics(text, index, parsed.document?.kind, options.sku));
  if (parsed.document) {
    diagnostics.push(
      ...checkTree(parsed.document, {
        sku: options.sku,
        apiType: options.apiType,
        namedValuesSubstituted: options.namedValues !== undefined,
        checkExpression: options.checkExpression,
      }),
    );
  }
  return { path, parsed: parsed.document !== undefined, document: parsed.document, diagnostics: sortDiagnostics(diagnostics) };
}

function sizeDiagnostics(text: string, index: LineIndex, kind: PolicyDocument['kind'] | undefined, sku: Sku | undefined): Diagnostic[] {
  // APIM stores the document as written (named values are resolved later), so measure the file.
  const bytes = Buffer.byteLength(text, 'utf8');
  const limit = documentSizeLimit(kind, sku);
  const where = kind === 'fragment' ? 'for a policy fragment' : sku ? `on ${sku}` : 'on the dedicated and v2 tiers (pass --sku Consumption for 16 KiB)';
  const size = (n: number) => `${(n / KiB).toFixed(1)} KiB`;
  if (bytes > limit) return [diagnostic('MA4011', `the document is ${size(bytes)} (${bytes} bytes); APIM accepts at most ${size(limit)} ${where}`, index.span(0, 0))];
  if (bytes > limit * 0.8) return [diagnostic('MA4012', `the document is ${size(bytes)}, over 80 % of the ${size(limit)} APIM accepts ${where}`, index.span(0, 0))];
  return [];
}

/**
 * Diagnostics that mean "the emulator cannot run this" rather than "APIM would reject this":
 * what `npm run corpus` counts. MA4016 is an element (or a use of one) without a handler; the
 * MA5xxx codes are the expression engine's: a C# construct outside its subset (MA5004), a type or
 * static member outside its allow-list (MA5011, MA5012), an instance member its .NET library
 * does not implement (MA5500). In a file APIM accepts, each of those is an emulator gap.
 */
const UNSUPPORTED: ReadonlySet<string> = new Set(['MA4016', 'MA5004', 'MA5011', 'MA5012', 'MA5500']);

export function isUnsupportedConstruct(d: Diagnostic): boolean {
  return UNSUPPORTED.has(d.code);
}
