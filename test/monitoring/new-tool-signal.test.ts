/**
 * The anomaly signal of docs/monitoring.md, on recorded traffic: the compiled policy emits one
 * `mcp-apim-requests` metric per request with agent, tool and decision; an (agent, tool) pair
 * never seen in the look-back window is the "agent called a tool it has not called before"
 * signal. The KQL in the docs computes the same thing over Application Insights' customMetrics.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { compileConfig } from '../../src/emit/compile.ts';
import { buildDeployment, policiesFromFiles } from '../../src/runtime/deployment.ts';
import { generateDevKeys } from '../../src/runtime/identity/keys.ts';
import { parseTraffic } from '../../src/traffic/parse.ts';
import { replayFile, replayTarget } from '../../src/traffic/replay.ts';

const DAY = 86_400_000;

interface Metric {
  readonly at: number;
  readonly agent: string;
  readonly tool: string;
  readonly decision: string;
}

/** Each exchange's emit-metric lines, as Application Insights would store them. */
function metricsOf(trace: readonly { policy: string; message: string }[], at: number): Metric[] {
  return trace
    .filter((t) => t.policy === 'emit-metric' && t.message.startsWith('mcp-apim/mcp-apim-requests '))
    .map((t) => {
      const dims = Object.fromEntries((/\{(.*)\}$/.exec(t.message)?.[1] ?? '').split(', ').map((kv) => kv.split('=') as [string, string]));
      return { at, agent: dims.agent ?? '', tool: dims.tool ?? '', decision: dims.decision ?? '' };
    });
}

/** The rule of docs/monitoring.md, "an agent calls a tool it has not called before", on a scale of days (a manual hunt with `lookback = 14d`, `recent = 1d`). */
function newToolSignals(metrics: readonly Metric[], now: number, lookbackDays = 14): string[] {
  const recent = metrics.filter((m) => m.at > now - DAY && m.decision === 'allow' && m.tool !== '');
  const baseline = new Set(metrics.filter((m) => m.at <= now - DAY && m.at > now - (lookbackDays + 1) * DAY && m.decision === 'allow').map((m) => `${m.agent}|${m.tool}`));
  return [...new Set(recent.filter((m) => !baseline.has(`${m.agent}|${m.tool}`)).map((m) => `${m.agent} → ${m.tool}`))];
}

const call = (name: string, id: number, tool: string, advance: string) =>
  JSON.stringify({ name, advance, request: { method: 'POST', path: '/mcp/v1', headers: { 'content-type': 'application/json' }, token: { claims: { roles: ['MCP.Tools.Read'], azp: 'agent-prod-001' } }, body: { jsonrpc: '2.0', id, method: 'tools/call', params: { name: tool, arguments: {} } } }, backend: { status: 200, headers: { 'content-type': 'application/json' }, body: { jsonrpc: '2.0', id, result: { content: [] } } }, expect: { status: 200 } });

describe('anomaly signal: an agent starts calling a new tool', () => {
  it('fires for the new (agent, tool) pair only, from the metrics the compiled policy emits', async () => {
    const file = 'fixtures/example/mcp-gateway.yaml';
    const config = loadConfig(file, readFileSync(file, 'utf8'), { readFile: (p) => readFileSync(p, 'utf8') }).config!;
    const { deployment } = buildDeployment(config.api.path, policiesFromFiles(compileConfig(config).files));
    // ten days of the same two read tools, then on day eleven a third one
    const lines: string[] = [];
    for (let d = 0; d < 10; d++) {
      lines.push(call(`day ${d} stock`, 2 * d + 1, 'inventory.get_stock', d === 0 ? '0s' : '24h'));
      lines.push(call(`day ${d} tables`, 2 * d + 2, 'database.list_tables', '1m'));
    }
    lines.push(call('day 10 stock', 100, 'inventory.get_stock', '24h'));
    lines.push(call('day 10 first export attempt is a query', 101, 'database.query', '1m'));
    const traffic = parseTraffic('new-tool.jsonl', `${lines.join('\n')}\n`);
    assert.deepEqual(traffic.diagnostics, []);
    const start = Date.UTC(2026, 0, 1);
    const results = await replayFile('new-tool.jsonl', traffic.exchanges, { ...replayTarget(config), deployment: deployment!, keys: generateDevKeys(), startMs: start });
    assert.ok(results.every((r) => r.passed), JSON.stringify(results.filter((r) => !r.passed).map((r) => r.failures)));
    let at = start;
    const metrics = results.flatMap((r, i) => {
      at += traffic.exchanges[i]!.advanceMs;
      return metricsOf(r.trace, at);
    });
    assert.equal(metrics.length, results.length, 'one metric per request');
    assert.deepEqual(newToolSignals(metrics, at), ['agent-prod-001 → database.query']);
    // the day before, nothing was new
    assert.deepEqual(newToolSignals(metrics.filter((m) => m.at <= at - DAY), at - DAY + 60_000), []);
  });
});
