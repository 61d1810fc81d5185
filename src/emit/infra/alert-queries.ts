/**
 * The KQL of the anomaly signals (docs/monitoring.md), in one place: the alert rules of the
 * Bicep/ARM output run exactly these texts, and test/monitoring/alert-rules.test.ts checks that
 * the documentation shows them verbatim for the default settings, so the two cannot drift.
 *
 * Both read Application Insights' `customMetrics`, where the policy's `emit-metric` rows land
 * (name `mcp-apim-requests`, dimensions in `customDimensions`).
 */

export const METRIC_NAME = 'mcp-apim-requests';
/** Decisions that count as refusals for the denial-spike signal. */
export const REFUSALS = ['deny', 'invalid', 'unauthenticated'] as const;
/** The new-tool rule evaluates the last hour each hour. */
export const NEW_TOOL_RECENT_HOURS = 1;

/**
 * Allowed (agent, tool) pairs of the last hour that do not appear in the `lookbackHours` before.
 * Azure Monitor lets a log search alert read at most two days (the rule's query time range is
 * P2D), hence `lookbackHours` ≤ 47; a longer baseline is a manual hunt with a larger `lookback`.
 */
export function newToolQuery(options: { readonly lookbackHours: number }): string {
  return [
    `let lookback = ${options.lookbackHours}h;`,
    `let recent = ${NEW_TOOL_RECENT_HOURS}h;`,
    'let baseline = customMetrics',
    '  | where timestamp between (ago(lookback + recent) .. ago(recent))',
    `  | where name == "${METRIC_NAME}" and tostring(customDimensions.decision) == "allow"`,
    '  | distinct agent = tostring(customDimensions.agent), tool = tostring(customDimensions.tool);',
    'customMetrics',
    '| where timestamp > ago(recent)',
    `| where name == "${METRIC_NAME}" and tostring(customDimensions.decision) == "allow"`,
    '| extend agent = tostring(customDimensions.agent), tool = tostring(customDimensions.tool)',
    '| where isnotempty(tool)',
    '| join kind=leftanti baseline on agent, tool',
    '| summarize firstCall = min(timestamp), calls = sum(valueCount) by agent, tool',
  ].join('\n');
}

/** Agents refused more than `threshold` times in the last `windowMinutes`. */
export function denialSpikeQuery(options: { readonly threshold: number; readonly windowMinutes: number }): string {
  return [
    'customMetrics',
    `| where timestamp > ago(${options.windowMinutes}m)`,
    `| where name == "${METRIC_NAME}"`,
    '| extend agent = tostring(customDimensions.agent), decision = tostring(customDimensions.decision)',
    `| where decision in (${REFUSALS.map((d) => `"${d}"`).join(', ')})`,
    '| summarize refusals = sum(valueCount) by agent',
    `| where refusals > ${options.threshold}`,
  ].join('\n');
}
