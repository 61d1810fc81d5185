/**
 * How a plan is shown: a table for people, one summary line for the pipeline log, Markdown for
 * the Azure Pipelines run summary, and the `--json` shape of the issue
 * (`{"changes":[{"action","type","name","id"}],"summary":{…}}`). Never any property values.
 */
import type { ArmTarget } from './client.ts';
import { type Action, type DeployPlan, shortType, type Summary, summarize } from './plan.ts';

const SIGN: Readonly<Record<Action, string>> = { create: '+', update: '~', delete: '-', unchanged: '=' };
const COLOR: Readonly<Record<Action, string>> = { create: '\x1b[32m', update: '\x1b[33m', delete: '\x1b[31m', unchanged: '\x1b[2m' };

export function planJson(plan: DeployPlan): { changes: { action: Action; type: string; name: string; id: string }[]; summary: Summary } {
  return { changes: plan.changes.map((c) => ({ action: c.action, type: c.type, name: c.name.join('/'), id: c.id })), summary: summarize(plan.changes) };
}

export function summaryLine(summary: Summary): string {
  return `${summary.create} to create, ${summary.update} to update, ${summary.delete} to delete, ${summary.unchanged} unchanged`;
}

export function planTable(plan: DeployPlan, target: ArmTarget, color: boolean): string {
  const rows = plan.changes.map((c) => [`${SIGN[c.action]} ${c.action}`, shortType(c.type), c.name.join('/'), c.etag ?? '', c.changed.length > 0 ? `(${c.changed.join(', ')})` : '']);
  const header = ['ACTION', 'TYPE', 'NAME', 'ETAG SEEN', 'CHANGED'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const body = rows.map((r, i) => {
    const text = `  ${line(r)}`;
    return color ? `${COLOR[plan.changes[i]!.action]}${text}\x1b[0m` : text;
  });
  return [`Plan for ${target.serviceName} (resource group ${target.resourceGroup}, subscription ${target.subscriptionId}):`, `  ${line(header)}`, ...body, `Plan: ${summaryLine(summarize(plan.changes))}.`].join('\n');
}

/** For `##vso[task.uploadsummary]`: the pending changes as a Markdown table. */
export function planMarkdown(plan: DeployPlan, target: ArmTarget): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const pending = plan.changes.filter((c) => c.action !== 'unchanged');
  const lines = [`### mcp-apim deploy plan: ${esc(target.serviceName)}`, '', `${summaryLine(summarize(plan.changes))}.`, ''];
  if (pending.length === 0) lines.push('No changes: the instance matches the config.');
  else {
    lines.push('| action | type | name | changed |', '|---|---|---|---|');
    for (const c of pending) lines.push(`| ${c.action} | ${esc(shortType(c.type))} | ${esc(c.name.join('/'))} | ${esc(c.changed.join(', '))} |`);
  }
  return `${lines.join('\n')}\n`;
}
