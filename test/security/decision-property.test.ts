/**
 * Property: for random catalogs, role rules and requests, the emulator running the compiled
 * policy decides exactly what the plan decides (DESIGN §4.1). Each random config is compiled once
 * and many requests go through it in process; at least 10,000 requests per run.
 *
 * The oracle below is written from the plan alone (decisions per role and tool, role order,
 * methods, block patterns) and never looks at the policy.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { BackendRequest } from '../../src/runtime/types.ts';
import { ALWAYS_OPEN_METHODS, NOTIFICATION_PREFIX, type Plan } from '../../src/plan/types.ts';
import { compileGateway } from './gateway.ts';

const REQUESTS_PER_CONFIG = 420;
const CONFIGS = 25;

// ---- random configs

const HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const;
const standardName = fc.stringMatching(/^[a-z]{1,6}\.[a-z_]{1,8}$/);
// Names outside the MCP guidance (allowNonStandardNames): quotes, braces, markup, Unicode.
const oddName = fc
  .array(fc.oneof(fc.constantFrom('"', '\\', '{{', '}}', '<', '&', "'", ' ', 'é', 'Ω', '😀', '\u200b', '/', '*', '?', '.'), fc.string({ minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 4 })
  .map((parts) => `t${parts.join('')}`);
const annotations = fc.option(fc.record(Object.fromEntries(HINTS.map((h) => [h, fc.boolean()])) as Record<(typeof HINTS)[number], fc.Arbitrary<boolean>>, { requiredKeys: [] }), { nil: undefined });
const roleValue = fc.stringMatching(/^[A-Za-z][A-Za-z0-9._:-]{0,10}$/);

interface ToolSpec {
  readonly name: string;
  readonly annotations: Partial<Record<(typeof HINTS)[number], boolean>> | undefined;
}

/** A pattern that matches at least one catalog name (exact names never miss: that is an error). */
function patternFor(names: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...names),
    fc.constant('*'),
    fc.constantFrom(...names).map((n) => `${n.slice(0, Math.max(1, Math.floor(n.length / 2)))}*`),
    fc.constantFrom(...names).map((n) => `*${n.slice(-2)}`),
    fc.constantFrom(...names).map((n) => `?${n.slice(1)}`),
  );
}

function ruleFor(names: readonly string[], withMethods: boolean): fc.Arbitrary<Record<string, unknown>> {
  const tools = fc.uniqueArray(patternFor(names), { minLength: 1, maxLength: 3 });
  const ann = fc.record(Object.fromEntries(HINTS.map((h) => [h, fc.boolean()])) as Record<(typeof HINTS)[number], fc.Arbitrary<boolean>>, { requiredKeys: [] }).filter((a) => Object.keys(a).length > 0);
  const methods = fc.uniqueArray(fc.constantFrom('resources/read', 'resources/list', 'prompts/get', 'prompts/list', 'completion/complete', 'logging/setLevel'), { minLength: 1, maxLength: 2 });
  return fc
    .record({ tools: fc.option(tools, { nil: undefined }), annotations: fc.option(ann, { nil: undefined }), methods: withMethods ? fc.option(methods, { nil: undefined }) : fc.constant(undefined) })
    .filter((r) => r.tools !== undefined || r.annotations !== undefined || r.methods !== undefined)
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
}

const rateLimit = fc.option(fc.record({ calls: fc.integer({ min: 1_000_000, max: 2_000_000 }), renewalPeriod: fc.integer({ min: 1, max: 300 }), per: fc.subarray(['agent', 'tool'] as const, { minLength: 1 }) }), { nil: undefined });

const configArb = fc
  .record({
    odd: fc.boolean(),
    tools: fc.integer({ min: 1, max: 10 }),
    roles: fc.uniqueArray(roleValue, { minLength: 1, maxLength: 5 }),
    blockPatterns: fc.subarray(['$(', '`', '; rm '], { minLength: 0 }),
  })
  .chain(({ odd, tools, roles, blockPatterns }) =>
    fc.uniqueArray(odd ? fc.oneof(standardName, oddName) : standardName, { minLength: tools, maxLength: tools }).chain((names) =>
      fc.record({
        catalog: fc.tuple(...names.map((name) => annotations.map((a): ToolSpec => ({ name, annotations: a })))),
        roles: fc.tuple(...roles.map((value) => fc.record({ value: fc.constant(value), allow: fc.array(ruleFor(names, true), { minLength: 1, maxLength: 3 }), deny: fc.array(ruleFor(names, false), { maxLength: 2 }), rateLimit }))),
        odd: fc.constant(odd),
        blockPatterns: fc.constant(blockPatterns),
        limit: fc.option(fc.integer({ min: 1_000_000, max: 2_000_000 }), { nil: undefined }),
      }),
    ),
  );

type ConfigSpec = typeof configArb extends fc.Arbitrary<infer T> ? T : never;

function configText(spec: ConfigSpec): string {
  return stringify({
    apiVersion: 'mcp-apim/v1',
    api: { name: 'mcp-tools', path: 'mcp/v1', backend: 'https://backend.example/mcp' },
    identity: { tenantId: '00000000-0000-0000-0000-000000000001', audience: 'api://gateway' },
    catalog: { ...(spec.odd ? { allowNonStandardNames: true } : {}), tools: spec.catalog.map((t) => ({ name: t.name, ...(t.annotations ? { annotations: t.annotations } : {}) })) },
    roles: Object.fromEntries(spec.roles.map((r) => [r.value, { allow: r.allow, ...(r.deny.length > 0 ? { deny: r.deny } : {}), ...(r.rateLimit ? { rateLimit: r.rateLimit } : {}) }])),
    ...(spec.limit ? { limits: [{ per: 'agent', calls: spec.limit, renewalPeriod: 60 }] } : {}),
    security: { blockPatterns: spec.blockPatterns },
  });
}

// ---- random requests against one config

const HOMOGLYPHS: Record<string, string> = { a: '\u0430', e: '\u0435', o: '\u043e', p: '\u0440', c: '\u0441', i: '\u0456', s: '\u0455' };

/** Names a caller might send: catalog names exactly, and near misses of them. */
function nearMiss(name: string, how: number): string {
  switch (how) {
    case 0:
      return name.toUpperCase() === name ? name.toLowerCase() : name.toUpperCase();
    case 1:
      return `${name} `;
    case 2:
      return `/${name}`;
    case 3:
      return `.${name}`;
    case 4:
      return `${name.slice(0, 1)}\u200b${name.slice(1)}`;
    case 5:
      return [...name].map((c) => HOMOGLYPHS[c] ?? c).join('');
    case 6:
      return [...name].map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c)).join('');
    case 7:
      return name.slice(0, -1);
    case 8:
      return `${name}\u0000`;
    default:
      return `${name}x`;
  }
}

/** JSON text with some characters written as \u escapes, as a client may (same value). */
function escapedJson(value: unknown, escapeMask: number): string {
  let k = 0;
  return JSON.stringify(value).replace(/"((?:[^"\\]|\\.)*)"/g, (whole, inner: string) => {
    k++;
    if (((escapeMask >> (k % 16)) & 1) === 0) return whole;
    return `"${inner.replace(/(\\u[0-9A-Fa-f]{4}|\\.)|([A-Za-z])/g, (_m, esc: string | undefined, ch: string | undefined) => esc ?? `\\u${ch!.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
  });
}

interface RequestSpec {
  readonly roleSet: number;
  readonly kind: number;
  readonly toolIndex: number;
  readonly miss: number;
  readonly method: string;
  readonly argument: string;
  readonly escapeMask: number;
  readonly id: number;
}

const requestArb: fc.Arbitrary<RequestSpec> = fc.record({
  roleSet: fc.nat(11),
  kind: fc.nat(19),
  toolIndex: fc.nat(63),
  miss: fc.nat(14),
  method: fc.constantFrom('resources/read', 'resources/list', 'prompts/get', 'completion/complete', 'logging/setLevel', 'ping', 'initialize', 'notifications/initialized', 'Resources/Read', 'tasks/list'),
  argument: fc.string({ unit: fc.constantFrom('a', 'b', '$', '(', '`', ';', ' ', 'r', 'm'), maxLength: 8 }),
  escapeMask: fc.nat(0xffff),
  id: fc.nat(1_000_000),
});

/** Role claims a caller might hold: config roles, roles of other apps, case variants, single strings. */
function roleSets(plan: Plan, seed: number): (string | string[])[] {
  const values = plan.roleOrder;
  const pick = (k: number) => values.filter((_, i) => ((seed * (k + 7) + k) >> i) & 1);
  return [
    [],
    [...values],
    ['Other.App.Role'],
    values.map((v) => v.toLowerCase() === v ? v.toUpperCase() : v.toLowerCase()),
    values.map((v) => `${v} `),
    values[0]!,
    values[values.length - 1]!,
    ...[0, 1, 2, 3, 4].map((k) => [...pick(k), ...(k % 2 ? ['Other.App.Role'] : [])]),
  ];
}

interface Expected {
  readonly status: number;
  readonly forwarded: boolean;
  readonly role?: string;
  readonly code?: number;
  readonly listed?: string[];
}

/** The plan's answer (DESIGN §4.1 checks 3 and 4 for a well-formed request). */
function expected(plan: Plan, held: readonly string[], method: string, tool: string | undefined, argumentStrings: readonly string[]): Expected {
  const holds = plan.roleOrder.filter((r) => held.includes(r));
  if (holds.length === 0) return { status: 403, forwarded: false, code: -32003 };
  if (method === 'tools/list') return { status: 200, forwarded: false, listed: plan.tools.filter((t) => holds.some((r) => plan.decisions[r]![t.name]!.allowed)).map((t) => t.name) };
  if (method !== 'tools/call') {
    const open = (ALWAYS_OPEN_METHODS as readonly string[]).includes(method) || method.startsWith(NOTIFICATION_PREFIX) || plan.roles.some((r) => holds.includes(r.value) && r.methods.includes(method));
    return open ? { status: 200, forwarded: true } : { status: 403, forwarded: false, code: -32003 };
  }
  if (!plan.tools.some((t) => t.name === tool)) return { status: 403, forwarded: false, code: -32003 };
  const role = holds.find((r) => plan.decisions[r]![tool!]!.allowed);
  if (!role) return { status: 403, forwarded: false, code: -32003 };
  if (plan.config.security.blockPatterns.some((p) => argumentStrings.some((a) => a.includes(p)))) return { status: 400, forwarded: false, code: -32602 };
  return { status: 200, forwarded: true, role };
}

let requestsRun = 0;

describe('the emulator on the compiled policy decides as the plan (property)', () => {
  it(`${CONFIGS} random configs × ${REQUESTS_PER_CONFIG} random requests`, async () => {
    const details = await fc.check(
      fc.asyncProperty(configArb, fc.array(requestArb, { minLength: REQUESTS_PER_CONFIG, maxLength: REQUESTS_PER_CONFIG }), fc.nat(1000), async (spec, requests, seed) => {
        const gateway = compileGateway(configText(spec));
        const { plan } = gateway;
        const sets = roleSets(plan, seed);
        const tokens = sets.map((roles, i) => `Bearer ${gateway.token({ claims: { roles, azp: `agent-${i}` } })}`);
        const names = plan.tools.map((t) => t.name);
        for (const r of requests) {
          const claim = sets[r.roleSet]!;
          const held = typeof claim === 'string' ? [claim] : claim;
          const base = names[r.toolIndex % names.length]!;
          const kind = r.kind < 12 ? 'call' : r.kind < 14 ? 'list' : 'method';
          const tool = kind !== 'call' ? undefined : r.miss < 8 ? base : nearMiss(base, r.miss - 8 + (r.kind % 2) * 4);
          const method = kind === 'call' ? 'tools/call' : kind === 'list' ? 'tools/list' : r.method;
          const message = { jsonrpc: '2.0', id: r.id, method, ...(tool !== undefined ? { params: { name: tool, arguments: { q: r.argument } } } : method === 'resources/read' ? { params: { uri: 'file:///a' } } : {}) };
          const body = escapedJson(message, r.escapeMask);
          const before = gateway.forwarded.length;
          const res = await gateway.send({ headers: { 'content-type': 'application/json', authorization: tokens[r.roleSet]! }, body });
          requestsRun++;
          const want = expected(plan, held, method, tool, ['q', r.argument]);
          const sent: BackendRequest | undefined = gateway.forwarded[before];
          const got = { status: res.status, forwarded: res.forwarded, ...(want.role ? { role: sent?.headers.get('x-mcp-apim-role')?.[0] } : {}) };
          // The message is built only on a mismatch: stringifying the config per request would dominate the run.
          const same = (actual: unknown, wanted: unknown) => {
            if (!isDeepStrictEqual(actual, wanted)) assert.deepEqual(actual, wanted, `config:\n${configText(spec)}\nroles claim: ${JSON.stringify(claim)}\nbody: ${body}\nresponse: ${res.status} ${res.body.slice(0, 300)}`);
          };
          same(got, { status: want.status, forwarded: want.forwarded, ...(want.role ? { role: want.role } : {}) });
          if (want.code !== undefined) same((JSON.parse(res.body) as { error: { code: number } }).error.code, want.code);
          if (want.listed) same((JSON.parse(res.body) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name).sort(), [...want.listed].sort());
          if (want.role) same(sent?.headers.get('x-mcp-apim-tool'), [tool]);
        }
      }),
      { numRuns: CONFIGS, endOnFailure: true },
    );
    // The assertion's own message (config, claim, body, response) says more than the 420 requests fast-check would print.
    if (details.failed) throw details.errorInstance;
    assert.ok(requestsRun >= 10_000, `${requestsRun} requests`);
  });
});
