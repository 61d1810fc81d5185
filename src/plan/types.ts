import type { ToolBackend } from '../config/bridge-types.ts';
import type { Config, RateLimit, ToolAnnotations } from '../config/types.ts';

/** Effective annotations: the catalog's values with MCP defaults for absent ones. */
export interface EffectiveAnnotations {
  readonly readOnlyHint: boolean;
  readonly destructiveHint: boolean;
  readonly idempotentHint: boolean;
  readonly openWorldHint: boolean;
}

export interface PlanTool {
  readonly name: string;
  readonly annotations: EffectiveAnnotations;
  /** As written in the catalog (for tools/list answers). */
  readonly declared: ToolAnnotations | undefined;
  readonly raw: Readonly<Record<string, unknown>>;
  /** Index of the tool's group in `Plan.groups`. */
  readonly group: number;
  /** The REST operation a tools/call of this tool becomes (REST bridging). */
  readonly backend?: ToolBackend;
}

export interface PlanRole {
  readonly value: string;
  /** UUIDv5 of the value (see uuid.ts). */
  readonly id: string;
  readonly displayName: string;
  readonly description: string;
  /** MCP methods opened for this role beyond the always-open ones (patterns as written). */
  readonly methods: readonly string[];
  readonly rateLimit?: RateLimit;
}

/** Why a (role, tool) pair is allowed or denied — shown in the access matrix. */
export interface Decision {
  readonly allowed: boolean;
  /** `allow[0]`, `deny[1]` or `default`. */
  readonly rule: string;
  /** Human sentence, e.g. "allowed by allow[0] (annotations readOnlyHint: true)". */
  readonly reason: string;
}

/** Tools that the same set of roles may call; the policy looks tools up by group. */
export interface ToolGroup {
  readonly id: string;
  /** Role values that allow every tool of the group, ordered most generous rate limit first. */
  readonly roles: readonly string[];
  readonly tools: readonly string[];
}

export interface Plan {
  readonly config: Config;
  readonly tools: readonly PlanTool[];
  readonly roles: readonly PlanRole[];
  /** decisions[roleValue][toolName] */
  readonly decisions: Readonly<Record<string, Readonly<Record<string, Decision>>>>;
  readonly groups: readonly ToolGroup[];
  /** Role values, most generous rate limit first: a role's index here is its bit in group masks. */
  readonly roleOrder: readonly string[];
}

/** Methods every caller holding one of the config's roles may use (DESIGN §4.1). */
export const ALWAYS_OPEN_METHODS = ['initialize', 'ping', 'tools/list', 'tools/call'] as const;
/** Notifications are always open. */
export const NOTIFICATION_PREFIX = 'notifications/';
