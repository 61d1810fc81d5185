import type { ExpressionSource } from '../src/expr/api.ts';
import { compileExpression, contextValue, evaluateCompiled, stateFromJson } from '../src/expr/compile.ts';
import type { Value } from '../src/expr/port.ts';

/**
 * Expression evaluation speed (issue 3: ≥ 1 M evaluations/s of simple member-access expressions
 * on one core). Each expression is compiled once and evaluated many times against one request's
 * `context`, as the runtime does. The same-run baseline is a hand-written JavaScript function
 * computing the same result from the same request state, so the ratio says what the
 * interpreter costs and survives a noisy machine.
 */
const now = Date.UTC(2026, 0, 1);
const state = stateFromJson(
  {
    request: { method: 'POST', url: 'https://api.example.com/orders/42?page=2', headers: { 'Content-Type': 'application/json', 'X-Tenant': ['a', 'b'] }, bodyText: '{"a":1}' },
    variables: { a: 'text', n: 42 },
  },
  now,
);
const context = contextValue(state, { now: () => now });
const headers = state.request.headers;
const variables = state.variables;

const CASES: { expr: string; native: () => Value }[] = [
  { expr: 'context.Request.Headers.GetValueOrDefault("x-tenant", "")', native: () => headers.get('x-tenant')?.join(',') ?? '' },
  { expr: '(string)context.Variables["a"]', native: () => variables.get('a') as string },
  { expr: 'context.Request.Method', native: () => state.request.method },
  { expr: 'context.Variables.GetValueOrDefault<int>("n", 0)', native: () => (variables.has('n') ? (variables.get('n') as number) : 0) },
  { expr: 'context.Request.Headers.GetValueOrDefault("Content-Type", "").Contains("json")', native: () => (headers.get('content-type')?.join(',') ?? '').includes('json') },
];

function perSecond(fn: () => unknown, ms: number): number {
  // warm up, then count calls in batches until the time is spent
  for (let i = 0; i < 20_000; i++) fn();
  let calls = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let t = start;
  while (t < end) {
    for (let i = 0; i < 10_000; i++) fn();
    calls += 10_000;
    t = process.hrtime.bigint();
  }
  return calls / (Number(t - start) / 1e9);
}

const source = (text: string): ExpressionSource => ({ text, kind: 'expression', spanOf: () => ({ file: 'bench', line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, end: 0 }) });

export default async function run(): Promise<Record<string, unknown>> {
  const rows: Record<string, unknown>[] = [];
  for (const c of CASES) {
    const compiled = compileExpression(source(c.expr)).compiled;
    if (!compiled) throw new Error(`does not compile: ${c.expr}`);
    const clock = () => now;
    const expected = c.native();
    const got = evaluateCompiled(compiled, context, clock);
    if (got !== expected) throw new Error(`${c.expr} gives ${String(got)}, the baseline ${String(expected)}`);
    const evaluations = perSecond(() => evaluateCompiled(compiled, context, clock), 400);
    const baseline = perSecond(c.native, 200);
    const row = { expr: c.expr, evaluationsPerSecond: Math.round(evaluations), nativeBaselinePerSecond: Math.round(baseline), ratioToBaseline: +(baseline / evaluations).toFixed(1), meetsTarget: evaluations >= 1_000_000 };
    rows.push(row);
    console.log(`expr ${c.expr}: ${(evaluations / 1e6).toFixed(2)} M evaluations/s on one core (${row.ratioToBaseline}x slower than the same lookup written in JavaScript, ${(baseline / 1e6).toFixed(0)} M/s)${row.meetsTarget ? '' : ' — below the 1 M/s target'}`);
  }
  return { expr: rows };
}

if (process.argv[1]?.endsWith('bench/expr.ts')) await run();
