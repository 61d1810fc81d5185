/**
 * The typed config, after schema validation and defaults. Mirrors schema/mcp-apim.schema.json;
 * docs/config.md explains each field.
 */
import type { SourceSpan } from '../diagnostics/index.ts';
import type { RestBackend, ToolBackend } from './bridge-types.ts';

export type Sku = 'Developer' | 'Basic' | 'Standard' | 'Premium' | 'Consumption' | 'BasicV2' | 'StandardV2' | 'PremiumV2';
export type AnnotationName = 'readOnlyHint' | 'destructiveHint' | 'idempotentHint' | 'openWorldHint';

export interface ToolAnnotations {
  readonly title?: string;
  readonly readOnlyHint?: boolean;
  readonly destructiveHint?: boolean;
  readonly idempotentHint?: boolean;
  readonly openWorldHint?: boolean;
}

/** An MCP Tool as listed by tools/list (other members are kept verbatim for tools/list answers). */
export interface CatalogTool {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema?: Readonly<Record<string, unknown>>;
  readonly outputSchema?: Readonly<Record<string, unknown>>;
  readonly annotations?: ToolAnnotations;
  /** The REST operation a tools/call of this tool becomes (REST bridging); absent: the MCP server's tool. */
  readonly backend?: ToolBackend;
  /** The whole tool object as written (without `backend`), for a faithful tools/list. */
  readonly raw: Readonly<Record<string, unknown>>;
  readonly span: SourceSpan;
}

/** One pattern in a rule, with where it was written (for typo-guard diagnostics). */
export interface Pattern {
  readonly text: string;
  readonly span: SourceSpan;
}

export interface Rule {
  readonly tools?: readonly Pattern[];
  readonly annotations?: Readonly<Partial<Record<AnnotationName, boolean>>>;
  readonly methods?: readonly Pattern[];
  readonly span: SourceSpan;
  /** `allow[2]` or `deny[0]`: how the matrix names the rule that decided. */
  readonly label: string;
}

export interface RateLimit {
  readonly calls: number;
  readonly renewalPeriod: number;
  readonly per: readonly ('agent' | 'tool')[];
}

export interface RoleConfig {
  readonly value: string;
  readonly description?: string;
  readonly displayName?: string;
  readonly allow: readonly Rule[];
  readonly deny: readonly Rule[];
  readonly rateLimit?: RateLimit;
  readonly span: SourceSpan;
}

export interface GlobalLimit {
  readonly per: 'agent';
  readonly calls: number;
  readonly renewalPeriod: number;
}

export interface Redaction {
  readonly name: string;
  readonly pattern: string;
  readonly replacement: string;
}

export interface Assignment {
  readonly principal: string;
  readonly roles: readonly Pattern[];
}

/** `identity.clientCertificates`: which client certificates the gateway accepts. */
export interface ClientCertificates {
  readonly mode: 'required' | 'optional';
  /** Upper-case hex SHA-1 thumbprints. */
  readonly thumbprints: readonly string[];
  readonly subject?: string;
  readonly issuer?: string;
  readonly validateTrust: boolean;
  readonly validateRevocation: boolean;
}

/** `api.backendCertificate`: a Key Vault certificate APIM presents to the MCP server. */
export interface BackendCertificate {
  readonly keyVaultSecretId: string;
  readonly identityClientId?: string;
}

/** `monitoring.alerts`: Azure Monitor scheduled-query alert rules over the request metric. */
export interface AlertRules {
  readonly location: string;
  readonly severity: number;
  readonly actionGroupIds: readonly string[];
  readonly newTool?: { readonly lookbackHours: number };
  readonly denialSpike?: { readonly threshold: number; readonly windowMinutes: number };
}

export interface Monitoring {
  readonly alerts?: AlertRules;
}

export interface Config {
  /** Path of the config file as given (diagnostics use it). */
  readonly file: string;
  readonly api: {
    readonly name: string;
    readonly displayName: string;
    readonly description?: string;
    readonly path: string;
    /** The MCP server; absent when every tool is bridged to api.restBackend. */
    readonly backend?: string;
    /** The REST service of bridged tools (src/config/bridge-types.ts). */
    readonly restBackend?: RestBackend;
    readonly toolsList: 'gateway' | 'passthrough';
    readonly type: 'http' | 'mcp';
    readonly subscriptionRequired: boolean;
    /** The gateway's own credential towards the MCP server (the caller's token never goes through). */
    readonly backendAuth?: { readonly type: 'managedIdentity'; readonly resource: string; readonly clientId?: string };
    /** Mutual TLS to the MCP server: the client certificate APIM presents (docs/config.md). */
    readonly backendCertificate?: BackendCertificate;
  };
  readonly apim: { readonly sku: Sku; readonly productName: string; readonly appInsights: boolean };
  readonly identity: {
    readonly tenantId: string;
    readonly audiences: readonly string[];
    readonly validation: 'validate-azure-ad-token' | 'validate-jwt';
    readonly agentClaim: 'azp' | 'appid' | 'oid';
    readonly clientApplicationIds: readonly string[];
    readonly authority: string;
    readonly tokenVersion: 'v1' | 'v2' | 'both';
    /** Mutual TLS from the callers (validate-client-certificate). */
    readonly clientCertificates?: ClientCertificates;
  };
  readonly catalog: {
    readonly tools: readonly CatalogTool[];
    /** The catalog file, when the tools came from one (relative to the config's folder). */
    readonly from?: string;
    readonly allowNonStandardNames: boolean;
  };
  readonly roles: readonly RoleConfig[];
  readonly limits: readonly GlobalLimit[];
  readonly security: {
    readonly maxBodyBytes: number;
    readonly blockPatterns: readonly string[];
    readonly redact: readonly Redaction[];
    readonly stripHeaders: readonly string[];
  };
  readonly assignments: readonly Assignment[];
  readonly monitoring: Monitoring;
  /** Traffic file globs for `mcp-apim test`, relative to the config file. */
  readonly tests: readonly string[];
  /** The span of the value (or key) at a JSON pointer in the config file, for diagnostics. */
  readonly locate: (pointer: string, prefer?: 'key' | 'value') => SourceSpan;
}
