/**
 * `monitoring.alerts` in the resource model: Azure Monitor scheduled-query (log search) alert
 * rules on the Application Insights component the gateway logs to, running the KQL of
 * alert-queries.ts. They live in the resource group beside the APIM service, not below it.
 *
 * Each query returns one row per finding (an (agent, tool) pair, or an agent), so the rule
 * counts rows (`Count` > 0) split by those columns: one alert per agent (and tool), resolved by
 * hand (`autoMitigate: false`, a finding is an event, not a state).
 */
import type { Plan } from '../../plan/types.ts';
import { denialSpikeQuery, newToolQuery } from './alert-queries.ts';
import { MANAGED_MARK, param, type Parameter, type Resource, type Value } from './model.ts';

export const ALERT_RULE_TYPE = 'Microsoft.Insights/scheduledQueryRules';
/** GA api-version with `overrideQueryTimeRange`, `autoMitigate` and dimension splitting. */
export const ALERT_RULE_API_VERSION = '2021-08-01';
/** The longest query time range Azure Monitor allows a log search alert (two days). */
export const MAX_QUERY_TIME_RANGE = 'P2D';

export function alertRuleNames(apiName: string): { newTool: string; denialSpike: string } {
  return { newTool: `${apiName}-new-tool-alert`, denialSpike: `${apiName}-denial-spike-alert` };
}

export function alertParameters(plan: Plan): Parameter[] {
  const alerts = plan.config.monitoring.alerts;
  if (!alerts) return [];
  return [{ name: 'alertsLocation', type: 'string', description: 'Azure region of the alert rules.', default: alerts.location }];
}

/** ISO 8601 duration of a number of minutes, as Azure Monitor writes it (PT5M, PT1H). */
function minutes(n: number): string {
  return n % 60 === 0 ? `PT${n / 60}H` : `PT${n}M`;
}

const split = (...columns: string[]): Value[] => columns.map((name) => ({ name, operator: 'Include', values: ['*'] }));

export function alertRules(plan: Plan): Resource[] {
  const alerts = plan.config.monitoring.alerts;
  if (!alerts) return [];
  const { config } = plan;
  const names = alertRuleNames(config.api.name);
  const rule = (symbol: string, name: string, displayName: string, what: string, schedule: Record<string, Value>, query: string, dimensions: Value[]): Resource => ({
    symbol,
    type: ALERT_RULE_TYPE,
    apiVersion: ALERT_RULE_API_VERSION,
    name: [name],
    parent: 'apim',
    scope: 'resourceGroup',
    location: param('alertsLocation'),
    kind: 'LogAlert',
    properties: {
      displayName,
      description: `${what} (docs/monitoring.md). ${MANAGED_MARK}`,
      severity: alerts.severity,
      enabled: true,
      scopes: [param('appInsightsId')],
      ...schedule,
      criteria: { allOf: [{ query, timeAggregation: 'Count', dimensions, operator: 'GreaterThan', threshold: 0, failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 } }] },
      autoMitigate: false,
      ...(alerts.actionGroupIds.length > 0 ? { actions: { actionGroups: [...alerts.actionGroupIds] } } : {}),
    },
    dependsOn: [],
  });
  const out: Resource[] = [];
  if (alerts.newTool) {
    const { lookbackHours } = alerts.newTool;
    out.push(
      rule(
        'newToolAlert',
        names.newTool,
        `${config.api.displayName}: an agent called a new tool`,
        `An agent called a tool it had not called in the ${lookbackHours} hours before`,
        { evaluationFrequency: 'PT1H', windowSize: 'PT1H', overrideQueryTimeRange: MAX_QUERY_TIME_RANGE },
        newToolQuery({ lookbackHours }),
        split('agent', 'tool'),
      ),
    );
  }
  if (alerts.denialSpike) {
    const { threshold, windowMinutes } = alerts.denialSpike;
    out.push(
      rule(
        'denialSpikeAlert',
        names.denialSpike,
        `${config.api.displayName}: denial spike`,
        `An agent was refused more than ${threshold} times in ${windowMinutes} minutes`,
        { evaluationFrequency: minutes(windowMinutes), windowSize: minutes(windowMinutes) },
        denialSpikeQuery({ threshold, windowMinutes }),
        split('agent'),
      ),
    );
  }
  return out;
}
