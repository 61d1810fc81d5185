/**
 * The expression engine's entry points: compile once (parse, plan, check members against the
 * library), evaluate many times against a `context`. Used by the runtime, `policy check`,
 * `mcp-apim expr` and the conformance table.
 */
import { type Diagnostic, diagnostic } from '../diagnostics/index.ts';
import type { CompileResult, CompiledExpression, ExprContextJson, ExprJsonResult, ExpressionSource } from './api.ts';
import type * as A from './ast.ts';
import { resetBudget } from './budget.ts';
import { NetException } from './net/core.ts';
import { type ContextInfo, type ContextState, NetRecord, authorizationValue, contextValue, responseValue, storedResponse } from './net/context.ts';
import { NetJwt } from './net/jwt.ts';
import { netLibrary } from './net/library.ts';
import { knownMemberNames } from './net/registry.ts';
import { setClock } from './net/time.ts';
import { parseSource } from './parser-statements.ts';
import { type Program, plan } from './planner.ts';
import type { Value } from './port.ts';

class Compiled implements CompiledExpression {
  readonly source: ExpressionSource;
  readonly program: Program;
  constructor(source: ExpressionSource, program: Program) {
    this.source = source;
    this.program = program;
  }
}

let known: Set<string> | undefined;
/** Member names of the context object model (records are not registered types). */
const CONTEXT_MEMBERS = [
  'Request', 'Response', 'Variables', 'RequestId', 'Timestamp', 'Elapsed', 'Tracing', 'Api', 'Operation', 'Deployment', 'LastError', 'Subscription', 'User', 'Product', 'Trace',
  'ServiceUrl', 'Method', 'Url', 'OriginalUrl', 'Headers', 'Body', 'IpAddress', 'MatchedParameters', 'Certificate', 'StatusCode', 'StatusReason', 'Scheme', 'Host', 'Port', 'Path', 'QueryString', 'Query',
  'Id', 'Name', 'IsCurrentRevision', 'Revision', 'Version', 'UrlTemplate', 'GatewayId', 'Region', 'ServiceName', 'ServiceId', 'Source', 'Reason', 'Message', 'Scope', 'Section', 'PolicyId',
  'HasValue', 'Value', 'Invoke', 'AccessToken', 'Claims',
];

/** Instance member names used in the tree that no library type has (load-time MA5500). */
function unknownMembers(tree: A.Expr | A.Block): { name: string; start: number; end: number }[] {
  known ??= new Set([...knownMemberNames(), ...CONTEXT_MEMBERS]);
  const found: { name: string; start: number; end: number }[] = [];
  const anonymous = new Set<string>();
  // an explicit stack, not recursion: a 20,000-term chain must not overflow the call stack
  const stack: unknown[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const n of node) stack.push(n);
      continue;
    }
    const n = node as { kind?: string; name?: string; nameStart?: number; target?: { kind?: string }; members?: readonly { name: string }[] };
    if (n.kind === 'newAnonymous') for (const m of n.members ?? []) anonymous.add(m.name);
    if (n.kind === 'member' && typeof n.name === 'string' && !known!.has(n.name) && !isStaticLike(n.target)) {
      found.push({ name: n.name, start: n.nameStart ?? 0, end: (n.nameStart ?? 0) + n.name.length });
    }
    for (const v of Object.values(node)) if (v && typeof v === 'object') stack.push(v);
  }
  return found.filter((f) => !anonymous.has(f.name));
}

/** `Encoding.UTF8`, `System.Text.Encoding`: static accesses are checked by the planner. */
const isStaticLike = (target: { kind?: string; name?: string } | undefined): boolean => {
  const flat = target ? flatName(target) : undefined;
  if (flat === undefined) return false;
  return netLibrary.isNamespace(flat) || netLibrary.resolveType({ name: flat, typeArgs: [], nullable: false, arrayRanks: [] }) !== undefined;
};

function flatName(t: { kind?: string; name?: string; target?: unknown }): string | undefined {
  // a dotted name (`Newtonsoft.Json.Formatting`) is a handful of parts; longer chains are values
  const parts: string[] = [];
  let node: { kind?: string; name?: string; target?: unknown } | undefined = t;
  for (let depth = 0; node && depth < 8; depth++) {
    if (node.kind === 'name') return [node.name, ...parts.reverse()].join('.');
    if (node.kind !== 'member') return undefined;
    parts.push(node.name ?? '');
    node = node.target as typeof node;
  }
  return undefined;
}

/** Parses and plans an expression once; the diagnostics point into the policy file. */
export function compileExpression(source: ExpressionSource): CompileResult {
  const parsed = parseSource(source.text, source.kind);
  if (!parsed.ok) return { diagnostics: parsed.problems.map((p) => diagnostic(p.code, p.message, source.spanOf(p.start, p.end))) };
  const planned = plan(netLibrary, parsed.tree);
  const diagnostics: Diagnostic[] = planned.ok ? [] : planned.problems.map((p) => diagnostic(p.code, p.message, source.spanOf(p.start, p.end)));
  for (const m of unknownMembers(parsed.tree)) {
    diagnostics.push(diagnostic('MA5500', `'${m.name}' is not a member of any .NET type the emulator implements; see docs/emulator-support.md.`, source.spanOf(m.start, m.end)));
  }
  if (!planned.ok || diagnostics.length > 0) return { diagnostics };
  return { compiled: new Compiled(source, planned.program), diagnostics: [] };
}

/** The failure of an evaluation, in .NET terms. */
export class EvaluationError extends Error {
  readonly netType: string;
  constructor(netType: string, message: string) {
    super(message);
    this.netType = netType;
  }
}

/** Runs a compiled expression against a `context`; .NET exceptions become EvaluationErrors. */
export function evaluateCompiled(compiled: CompiledExpression, context: Value, now: () => number): Value {
  setClock(now);
  resetBudget();
  try {
    return (compiled as Compiled).program.run(context);
  } catch (e) {
    const f = netLibrary.failureOf(e);
    if (f) throw new EvaluationError(f.type, f.message);
    if (e instanceof RangeError) throw new EvaluationError('System.InsufficientExecutionStackException', 'Insufficient stack to continue executing the program safely.');
    // Arguments of a type or number no overload takes: C# would refuse them when compiling, the
    // dynamically typed evaluator finds out while running. Fail closed, as a binder error, never a crash.
    if (e instanceof TypeError) throw new EvaluationError('Microsoft.CSharp.RuntimeBinder.RuntimeBinderException', `The best overloaded method match has some invalid arguments (${e.message}).`);
    throw e;
  }
}

export { type ContextInfo, type ContextState, authorizationValue, contextValue, NetRecord, responseValue, storedResponse };
export const toNetString = (v: Value): string => netLibrary.toNetString(v);
export const netTypeName = (v: Value): string => (v === null ? 'null' : netLibrary.typeName(v));

/** Builds request state from DESIGN §7's `--context` JSON. */
export function stateFromJson(ctx: ExprContextJson, now: number): ContextState {
  const headers = new Map<string, string[]>();
  for (const [k, v] of Object.entries(ctx.request?.headers ?? {})) headers.set(k.toLowerCase(), typeof v === 'string' ? [v] : [...v]);
  const body = ctx.request?.bodyText ?? (ctx.request?.body === undefined ? undefined : JSON.stringify(ctx.request.body));
  const variables = new Map<string, unknown>();
  for (const [k, v] of Object.entries(ctx.variables ?? {})) variables.set(k, variableFromJson(v));
  const url = ctx.request?.url ?? 'https://gateway.local/';
  return {
    requestId: '00000000-0000-0000-0000-000000000000',
    startedAt: now,
    originalUrl: url,
    request: { method: ctx.request?.method ?? 'GET', url, headers, body, bodyConsumed: false, ipAddress: '127.0.0.1' },
    response: { status: 200, reason: 'OK', headers: new Map(), body: '' },
    variables,
    lastError: undefined,
    trace: [],
  };
}

/** JSON strings, booleans and numbers become String, Boolean, Int32/Double; objects and arrays JObject/JArray. */
function variableFromJson(v: unknown): Value {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? v : netLibrary.literal('double', String(v));
  return netLibrary.invokeStatic(netLibrary.resolveType({ name: 'JToken', typeArgs: [], nullable: false, arrayRanks: [] })!, 'Parse', [JSON.stringify(v)], [], undefined);
}

/** `mcp-apim expr --json`: compile, run, and report `{type,text,value}` or `{error}`. */
export function evaluateToJson(source: ExpressionSource, ctx: ExprContextJson, now = Date.UTC(2026, 0, 1)): ExprJsonResult | { readonly diagnostics: readonly Diagnostic[] } {
  const r = compileExpression(source);
  if (!r.compiled) return { diagnostics: r.diagnostics };
  const state = stateFromJson(ctx, now);
  try {
    const v = evaluateCompiled(r.compiled, contextValue(state, { now: () => now }), () => now);
    return { type: v === null ? 'null' : netLibrary.typeName(v), text: netLibrary.toNetString(v), value: netLibrary.toJsonValue(v) };
  } catch (e) {
    if (e instanceof EvaluationError) return { error: { type: e.netType, message: e.message } };
    throw e;
  }
}

export { NetException };

/** The `Jwt` value validate-jwt stores in `output-token-variable-name`. */
export function jwtValue(header: Readonly<Record<string, unknown>>, payload: Readonly<Record<string, unknown>>): Value {
  return new NetJwt(header, payload);
}
