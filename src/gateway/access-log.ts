/**
 * One line per request for `mcp-apim serve`: who called (the agent from the validated token),
 * which MCP method and tool, what the policy decided, the status and the time taken. The
 * compiled policy states its decision in its audit metric (`emit-metric` mcp-apim-requests with
 * agent, method, tool and decision dimensions, DESIGN §4); the last one emitted wins (on-error
 * re-emits for 401 and 429). Other policies get a decision read from the outcome.
 */
import type { TraceEntry } from '../runtime/types.ts';

export interface RequestSummary {
  readonly agent: string;
  readonly method: string;
  readonly tool: string;
  readonly decision: string;
}

const AUDIT_METRIC = 'mcp-apim/mcp-apim-requests ';

function decisionOf(status: number, forwarded: boolean): string {
  if (forwarded) return 'forwarded';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'deny';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limited';
  if (status === 400 || status === 413) return 'invalid';
  if (status >= 500) return 'error';
  return 'answered';
}

/** The MCP method and tool named in a request body, when it is readable JSON-RPC (for the log only; it decides nothing). */
export function requestedCall(httpMethod: string, body: string | undefined): { method: string; tool: string } {
  try {
    const message = JSON.parse(body ?? '') as { method?: unknown; params?: { name?: unknown } };
    const method = typeof message?.method === 'string' ? message.method : httpMethod;
    return { method, tool: method === 'tools/call' && typeof message.params?.name === 'string' ? message.params.name : '-' };
  } catch {
    return { method: httpMethod, tool: '-' };
  }
}

export function summarize(trace: readonly TraceEntry[], requested: { method: string; tool: string }, status: number, forwarded: boolean): RequestSummary {
  const audit = trace.filter((t) => t.policy === 'emit-metric' && t.message.startsWith(AUDIT_METRIC)).at(-1);
  const dimensions = new Map<string, string>();
  if (audit) for (const m of audit.message.matchAll(/(\w+)=([^,}]*)/g)) dimensions.set(m[1]!, m[2]!.trim());
  const value = (name: string, fallback: string) => {
    const v = dimensions.get(name);
    return v === undefined || v === '' || v === 'unknown' ? fallback : v;
  };
  return { agent: value('agent', '-'), method: value('method', requested.method), tool: value('tool', requested.tool), decision: dimensions.get('decision') ?? decisionOf(status, forwarded) };
}

/** `agent method tool decision status ms`, space-separated, `-` for what does not apply. */
export function logLine(summary: RequestSummary, status: number, ms: number): string {
  return `${summary.agent} ${summary.method} ${summary.tool} ${summary.decision} ${status} ${ms < 10 ? ms.toFixed(1) : Math.round(ms)}ms`;
}

export function traceLines(trace: readonly TraceEntry[]): string[] {
  return trace.map((t) => `    ${t.scope}/${t.section} ${t.policy}: ${t.message.replace(/\n\s*/g, ' ')}`);
}
