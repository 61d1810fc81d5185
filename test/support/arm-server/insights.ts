/**
 * The loopback ARM server's Azure Monitor part: `Microsoft.Insights/scheduledQueryRules` in a
 * resource group, as the deploy writes its alert rules. It checks what the resource provider
 * refuses (reference: the scheduledQueryRules REST API 2021-08-01 and Azure Monitor's log search
 * alert limits): a known api-version, a location, kind LogAlert, severity 0–4, scopes, a query
 * with an aggregation and an operator, and a query time range of at most two days. Like the real
 * provider it sends no ETag header, and a GET adds the read-only members.
 */
import { ArmError } from './store.ts';

export const ALERT_RULE_API_VERSIONS: readonly string[] = ['2021-08-01', '2022-06-15', '2023-03-15-preview', '2023-12-01'];

export interface AlertRuleRoute {
  readonly subscription: string;
  readonly resourceGroup: string;
  readonly name: string;
}

export interface StoredAlertRule {
  readonly id: string;
  readonly name: string;
  location: string;
  kind: string;
  properties: Record<string, unknown>;
  createdWith: string;
}

const eq = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();
const validation = (message: string) => new ArmError(400, 'BadRequest', message);

/** `/subscriptions/s/resourceGroups/g/providers/Microsoft.Insights/scheduledQueryRules/n`, any case. */
export function alertRuleRoute(pathname: string): AlertRuleRoute | undefined {
  const p = pathname.split('/').filter((x) => x !== '').map((x) => decodeURIComponent(x));
  if (p.length !== 8 || !eq(p[0], 'subscriptions') || !eq(p[2], 'resourceGroups') || !eq(p[4], 'providers') || !eq(p[5], 'Microsoft.Insights') || !eq(p[6], 'scheduledQueryRules')) return undefined;
  return { subscription: p[1]!, resourceGroup: p[3]!, name: p[7]! };
}

/** ISO 8601 duration (PT5M, PT1H, P2D) in minutes; NaN when it is not one. */
export function durationMinutes(text: unknown): number {
  const m = typeof text === 'string' ? /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(text) : null;
  if (!m || text === 'P' || text === 'PT') return Number.NaN;
  return Number(m[1] ?? 0) * 1440 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

const AGGREGATIONS = ['Count', 'Average', 'Minimum', 'Maximum', 'Total'];
const OPERATORS = ['Equals', 'GreaterThan', 'GreaterThanOrEqual', 'LessThan', 'LessThanOrEqual'];

export class AlertRuleStore {
  readonly rules = new Map<string, StoredAlertRule>();

  #key(r: AlertRuleRoute): string {
    return `/subscriptions/${r.subscription}/resourcegroups/${r.resourceGroup}/${r.name}`.toLowerCase();
  }

  find(r: AlertRuleRoute): StoredAlertRule | undefined {
    return this.rules.get(this.#key(r));
  }

  /** GET/PUT/DELETE of one rule; returns the status and body to send. */
  handle(method: string, r: AlertRuleRoute, apiVersion: string, body: unknown): { status: number; body?: unknown } {
    if (!ALERT_RULE_API_VERSIONS.includes(apiVersion)) throw new ArmError(400, 'NoRegisteredProviderFound', `No registered resource provider found for location and API version '${apiVersion}' and type 'scheduledQueryRules'.`);
    const existing = this.find(r);
    if (method === 'GET') {
      if (!existing) throw new ArmError(404, 'ResourceNotFound', `The Resource 'Microsoft.Insights/scheduledQueryRules/${r.name}' under resource group '${r.resourceGroup}' was not found.`);
      return { status: 200, body: this.present(existing) };
    }
    if (method === 'DELETE') {
      if (!existing) return { status: 204 };
      this.rules.delete(this.#key(r));
      return { status: 200 };
    }
    if (method !== 'PUT') throw new ArmError(405, 'MethodNotAllowed', `${method} is not supported here.`);
    const envelope = (body ?? {}) as { location?: unknown; kind?: unknown; properties?: Record<string, unknown> };
    this.validate(envelope);
    if (existing && !eq(existing.location, String(envelope.location))) throw validation(`The location of an existing rule cannot change (it is '${existing.location}').`);
    const stored: StoredAlertRule = {
      id: `/subscriptions/${r.subscription}/resourceGroups/${r.resourceGroup}/providers/Microsoft.Insights/scheduledQueryRules/${r.name}`,
      name: r.name,
      location: String(envelope.location),
      kind: String(envelope.kind ?? 'LogAlert'),
      properties: structuredClone(envelope.properties!),
      createdWith: existing?.createdWith ?? apiVersion,
    };
    this.rules.set(this.#key(r), stored);
    return { status: existing ? 200 : 201, body: this.present(stored) };
  }

  present(r: StoredAlertRule): Record<string, unknown> {
    return {
      id: r.id,
      name: r.name,
      type: 'Microsoft.Insights/scheduledQueryRules',
      location: r.location,
      kind: r.kind,
      properties: { ...structuredClone(r.properties), createdWithApiVersion: r.createdWith, isLegacyLogAnalyticsRule: false, isWorkspaceAlertsStorageConfigured: false, checkWorkspaceAlertsStorageConfigured: false, skipQueryValidation: false },
    };
  }

  private validate(envelope: { location?: unknown; kind?: unknown; properties?: Record<string, unknown> }): void {
    if (typeof envelope.location !== 'string' || envelope.location === '') throw validation("The 'location' property is required.");
    if (envelope.kind !== undefined && envelope.kind !== 'LogAlert' && envelope.kind !== 'LogToMetric') throw validation(`Kind '${String(envelope.kind)}' is not supported.`);
    const p = envelope.properties;
    if (!p || typeof p !== 'object') throw validation("The 'properties' are required.");
    if (typeof p.severity !== 'number' || !Number.isInteger(p.severity) || p.severity < 0 || p.severity > 4) throw validation('Severity must be an integer between 0 and 4.');
    if (typeof p.enabled !== 'boolean') throw validation("The 'enabled' property is required.");
    if (!Array.isArray(p.scopes) || p.scopes.length === 0 || p.scopes.some((s) => typeof s !== 'string' || !s.startsWith('/subscriptions/'))) throw validation('Scopes must be a non-empty list of resource ids.');
    const frequency = durationMinutes(p.evaluationFrequency);
    const window = durationMinutes(p.windowSize);
    if (Number.isNaN(frequency) || Number.isNaN(window)) throw validation('evaluationFrequency and windowSize must be ISO 8601 durations.');
    if (p.overrideQueryTimeRange !== undefined) {
      const range = durationMinutes(p.overrideQueryTimeRange);
      if (Number.isNaN(range) || range < window) throw validation('overrideQueryTimeRange must be a duration no shorter than windowSize.');
      if (range > 2 * 1440) throw validation('The query time range of a log search alert is limited to two days.');
    }
    const allOf = (p.criteria as { allOf?: unknown } | undefined)?.allOf;
    if (!Array.isArray(allOf) || allOf.length === 0) throw validation('criteria.allOf must hold at least one condition.');
    for (const c of allOf as Record<string, unknown>[]) {
      if (typeof c.query !== 'string' || c.query.trim() === '') throw validation('Each condition needs a query.');
      if (!AGGREGATIONS.includes(String(c.timeAggregation))) throw validation(`timeAggregation '${String(c.timeAggregation)}' is not supported.`);
      if (!OPERATORS.includes(String(c.operator)) || typeof c.threshold !== 'number') throw validation('Each condition needs an operator and a numeric threshold.');
    }
  }
}
