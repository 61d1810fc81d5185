import type { Config, Pattern, RateLimit, RoleConfig, Rule } from '../config/types.ts';
import { closest } from '../config/suggest.ts';
import { type Diagnostic, diagnostic, sortDiagnostics } from '../diagnostics/index.ts';
import { checkBridgePlan } from './bridge.ts';
import { GlobCache, isGlob } from './glob.ts';
import { checkTransportSecurity } from './transport-checks.ts';
import { ALWAYS_OPEN_METHODS, type Decision, type EffectiveAnnotations, NOTIFICATION_PREFIX, type Plan, type PlanRole, type PlanTool, type ToolGroup } from './types.ts';
import { roleId } from './uuid.ts';

/** MCP's defaults for absent annotations (2025-06-18 and later): pessimistic on purpose. */
export const ANNOTATION_DEFAULTS: EffectiveAnnotations = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true };

/**
 * Resolves a config into the plan: one decision per (role, tool) with its reason, tool groups by
 * the set of roles that allow them, and the semantic diagnostics of DESIGN §3.
 */
export function buildPlan(config: Config): { plan: Plan; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const names = config.catalog.tools.map((t) => t.name);
  const effective = new Map(config.catalog.tools.map((t) => [t.name, { ...ANNOTATION_DEFAULTS, ...pickHints(t.annotations) }]));

  const globs = new GlobCache();
  checkPatterns(config, names, globs, diagnostics);

  const decisions: Record<string, Record<string, Decision>> = {};
  for (const role of config.roles) {
    const row: Record<string, Decision> = {};
    const shared = new Decisions(new Map([...role.allow, ...role.deny].map((r) => [r, describeRule(r)])));
    for (const name of names) row[name] = decide(role, name, effective.get(name)!, globs, shared);
    decisions[role.value] = row;
    checkRole(role, row, names, effective, globs, diagnostics);
  }

  const roles: PlanRole[] = config.roles.map((r) => ({
    value: r.value,
    id: roleId(r.value),
    displayName: r.displayName ?? r.value,
    description: r.description ?? r.displayName ?? r.value,
    methods: r.allow.flatMap((rule) => rule.methods?.map((m) => m.text) ?? []),
    ...(r.rateLimit ? { rateLimit: r.rateLimit } : {}),
  }));

  const roleOrder = [...config.roles].sort((a, b) => compareGenerosity(a.rateLimit, b.rateLimit) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)).map((r) => r.value);
  const groups = groupTools(roleOrder, names, decisions);
  const groupOf = new Map(groups.flatMap((g, i) => g.tools.map((t) => [t, i] as const)));
  const tools: PlanTool[] = config.catalog.tools.map((t) => ({ name: t.name, annotations: effective.get(t.name)!, declared: t.annotations, raw: t.raw, group: groupOf.get(t.name)!, ...(t.backend ? { backend: t.backend } : {}) }));

  for (const tool of config.catalog.tools) {
    if (!config.roles.some((r) => decisions[r.value]![tool.name]!.allowed)) {
      diagnostics.push(diagnostic('MA2004', `no role may call tool ${JSON.stringify(tool.name)}: every tools/call for it is refused`, tool.span));
    }
  }
  checkAssignments(config, diagnostics);
  checkSecurity(config, diagnostics);
  checkTransportSecurity(config, diagnostics);
  checkBridgePlan(config, diagnostics);
  return { plan: { config, tools, roles, decisions, groups, roleOrder }, diagnostics: sortDiagnostics(diagnostics) };
}

function pickHints(a: EffectiveAnnotations | Partial<EffectiveAnnotations> | undefined): Partial<EffectiveAnnotations> {
  const out: Partial<Record<keyof EffectiveAnnotations, boolean>> = {};
  for (const key of Object.keys(ANNOTATION_DEFAULTS) as (keyof EffectiveAnnotations)[]) {
    const v = a?.[key];
    if (typeof v === 'boolean') out[key] = v;
  }
  return out;
}

/** Whether `rule` selects tool `name`: every condition it states must hold; a methods-only rule selects no tool. */
export function ruleMatches(rule: Rule, name: string, annotations: EffectiveAnnotations, globs: GlobCache = new GlobCache()): boolean {
  if (!rule.tools && !rule.annotations) return false;
  if (rule.tools && !rule.tools.some((p) => globs.matcher(p.text)(name))) return false;
  if (rule.annotations) {
    for (const [key, want] of Object.entries(rule.annotations)) {
      if (annotations[key as keyof EffectiveAnnotations] !== want) return false;
    }
  }
  return true;
}

/** A rule in words, e.g. "tools inventory.*; annotations readOnlyHint: true". */
export function describeRule(rule: Rule): string {
  const parts: string[] = [];
  if (rule.tools) parts.push(`tools ${rule.tools.map((p) => p.text).join(', ')}`);
  if (rule.annotations) parts.push(`annotations ${Object.entries(rule.annotations).map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  return parts.join('; ');
}

/** Deny beats allow within a role; no matching allow means default deny. */
const DEFAULT_DENY: Decision = { allowed: false, rule: 'default', reason: 'no allow rule matches (default deny)' };

/**
 * A decision depends only on which allow and deny rules matched, so each distinct outcome is one
 * shared object: a plan of 2,000 tools × 100 roles holds a few hundred, not 200,000.
 */
class Decisions {
  readonly #cache = new Map<string, Decision>();
  readonly #described: Map<Rule, string>;

  constructor(described: Map<Rule, string>) {
    this.#described = described;
  }

  of(allow: Rule | undefined, deny: Rule | undefined): Decision {
    if (!allow && !deny) return DEFAULT_DENY;
    const key = `${allow?.label ?? ''}|${deny?.label ?? ''}`;
    let d = this.#cache.get(key);
    if (!d) {
      const why = (r: Rule) => `${r.label} (${this.#described.get(r)})`;
      if (deny) d = { allowed: false, rule: deny.label, reason: `denied by ${why(deny)}${allow ? `, which overrides ${allow.label}` : ''}` };
      else d = { allowed: true, rule: allow!.label, reason: `allowed by ${why(allow!)}` };
      this.#cache.set(key, d);
    }
    return d;
  }
}

function decide(role: RoleConfig, name: string, annotations: EffectiveAnnotations, globs: GlobCache, decisions: Decisions): Decision {
  const allow = role.allow.find((r) => ruleMatches(r, name, annotations, globs));
  const deny = role.deny.find((r) => ruleMatches(r, name, annotations, globs));
  return decisions.of(allow, deny);
}

function checkPatterns(config: Config, names: readonly string[], globs: GlobCache, diagnostics: Diagnostic[]): void {
  const check = (pattern: Pattern) => {
    const matcher = globs.matcher(pattern.text);
    if (names.some(matcher)) return;
    if (isGlob(pattern.text)) {
      diagnostics.push(diagnostic('MA2002', `the pattern ${JSON.stringify(pattern.text)} matches no catalog tool`, pattern.span));
    } else {
      const guess = closest(pattern.text, names);
      diagnostics.push(diagnostic('MA2001', `no catalog tool is named ${JSON.stringify(pattern.text)}`, pattern.span, guess ? `did you mean ${JSON.stringify(guess)}?` : 'names match exactly and case-sensitively; use a glob such as "inventory.*" for a family of tools'));
    }
  };
  for (const role of config.roles) for (const rule of [...role.allow, ...role.deny]) rule.tools?.forEach(check);
}

function checkRole(role: RoleConfig, row: Record<string, Decision>, names: readonly string[], effective: Map<string, EffectiveAnnotations>, globs: GlobCache, diagnostics: Diagnostic[]): void {
  const grantsTool = Object.values(row).some((d) => d.allowed);
  const methods = role.allow.flatMap((r) => r.methods ?? []);
  if (!grantsTool && methods.length === 0) {
    diagnostics.push(diagnostic('MA2003', `role ${role.value} grants no tool and no method: its holders can only initialize, ping and list (an empty list)`, role.span));
  }
  for (const m of methods) {
    if ((ALWAYS_OPEN_METHODS as readonly string[]).includes(m.text) || m.text.startsWith(NOTIFICATION_PREFIX)) {
      diagnostics.push(diagnostic('MA2006', `${m.text} is open to every caller with a role${m.text === 'tools/call' ? '; grant tools through `tools:` or `annotations:`' : ''}; listing it here changes nothing`, m.span));
    }
  }
  for (const deny of role.deny) {
    const removes = names.some((n) => ruleMatches(deny, n, effective.get(n)!, globs) && role.allow.some((a) => ruleMatches(a, n, effective.get(n)!, globs)));
    if (!removes) diagnostics.push(diagnostic('MA2010', `${role.value} ${deny.label} removes nothing: no tool it matches is allowed by this role's allow rules (roles never take away another role's grant)`, deny.span));
  }
}

function checkAssignments(config: Config, diagnostics: Diagnostic[]): void {
  const values = config.roles.map((r) => r.value);
  for (const assignment of config.assignments) {
    for (const role of assignment.roles) {
      if (!values.includes(role.text)) {
        const guess = closest(role.text, values);
        diagnostics.push(diagnostic('MA2005', `assignment of ${assignment.principal} names role ${JSON.stringify(role.text)}, which is not defined under roles:`, role.span, guess ? `did you mean ${JSON.stringify(guess)}?` : undefined));
      }
    }
  }
}

function checkSecurity(config: Config, diagnostics: Diagnostic[]): void {
  if (config.api.toolsList === 'passthrough') {
    diagnostics.push(diagnostic('MA2007', 'api.toolsList is passthrough: every caller sees the server\'s whole, unfiltered tool list', config.locate('/api/toolsList')));
  }
  if (config.security.redact.length > 0) {
    diagnostics.push(diagnostic('MA2008', 'security.redact reads tools/call responses: results are buffered, so streamed progress arrives only at the end', config.locate('/security/redact', 'key')));
  }
  for (const [i, r] of config.security.redact.entries()) {
    try {
      new RegExp(r.pattern);
    } catch (error) {
      diagnostics.push(diagnostic('MA2009', `redaction ${r.name}: ${(error as Error).message}`, config.locate(`/security/redact/${i}/pattern`)));
    }
  }
}

/**
 * Orders rate limits most generous first: no limit, then the highest sustained rate
 * (calls / renewalPeriod), then more calls. The first of a caller's roles in this order that
 * allows the tool is the one whose limit applies (DESIGN §4.1).
 */
export function compareGenerosity(a: RateLimit | undefined, b: RateLimit | undefined): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  return b.calls / b.renewalPeriod - a.calls / a.renewalPeriod || b.calls - a.calls;
}

function groupTools(roleOrder: readonly string[], names: readonly string[], decisions: Record<string, Record<string, Decision>>): ToolGroup[] {
  const byKey = new Map<string, string[]>();
  for (const name of names) {
    const key = JSON.stringify(roleOrder.filter((r) => decisions[r]![name]!.allowed));
    const list = byKey.get(key) ?? [];
    list.push(name);
    byKey.set(key, list);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, tools], i) => ({ id: `g${i}`, roles: JSON.parse(key) as string[], tools }));
}
