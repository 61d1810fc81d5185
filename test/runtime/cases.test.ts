/**
 * OPA-style policy cases (test/runtime/cases/*.yaml): a policy, a sequence of requests on the
 * virtual clock, and for each what must come back — status, headers, body, whether and how it
 * reached the backend, and the variables left behind. A step without `want` is an error.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parsePolicy } from '../../src/policy/parse.ts';
import { expressionPort } from '../../src/runtime/expressions.ts';
import { handle } from '../../src/runtime/pipeline.ts';
import { composeScopes } from '../../src/runtime/scopes.ts';
import { FixedWindowCounters } from '../../src/runtime/stores/fixed-window.ts';
import { SlidingWindowCounters } from '../../src/runtime/stores/sliding-window.ts';
import { type BackendRequest, headersFrom, type Ports, ValueCache } from '../../src/runtime/types.ts';
import { subsetMatches } from '../../src/traffic/expect.ts';

interface Step {
  readonly request?: { method?: string; url?: string; headers?: Record<string, string>; body?: unknown; ip?: string };
  readonly advance?: number;
  readonly want?: {
    status?: number;
    headers?: Record<string, string | boolean>;
    body?: unknown;
    forwarded?: boolean;
    backend?: { method?: string; url?: string; headers?: Record<string, string | boolean>; body?: string };
    trace?: string;
  };
}
interface Case {
  readonly name: string;
  readonly policy: string;
  readonly backend?: { status?: number; headers?: Record<string, string>; body?: string };
  /** Backend entities the deployment declares (set-backend-service backend-id). */
  readonly backends?: Record<string, string>;
  readonly steps: readonly Step[];
}

const dir = join(import.meta.dirname, 'cases');
const documentOf = (policy: string) => (policy.trim().startsWith('<policies>') ? policy : `<policies><inbound>${policy}</inbound><backend><forward-request /></backend><outbound /><on-error /></policies>`);

for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
  const cases = parse(readFileSync(join(dir, file), 'utf8')) as Case[];
  describe(file, () => {
    for (const c of cases) {
      it(c.name, async () => {
        const parsed = parsePolicy(`${file}#${c.name}`, documentOf(c.policy));
        assert.ok(parsed.document, JSON.stringify(parsed.diagnostics));
        const policy = composeScopes({ api: parsed.document });
        let now = Date.UTC(2026, 0, 1);
        let sent: BackendRequest | undefined;
        let ids = 0;
        const ports: Ports = {
          now: () => now,
          backend: async (r) => {
            sent = r;
            return { status: c.backend?.status ?? 200, headers: headersFrom(c.backend?.headers ?? {}), body: c.backend?.body ?? 'backend' };
          },
          counters: new SlidingWindowCounters(),
          quotas: new FixedWindowCounters(),
          cache: new ValueCache(),
          newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
          expressions: expressionPort(() => now),
          fetchJson: async (url) => {
            throw new Error(`no identity provider in policy cases (${url})`);
          },
          managedIdentityToken: (resource) => `mi-token-for-${resource}`,
          ...(c.backends ? { backends: c.backends } : {}),
          send: async (r) => ({ status: 201, headers: headersFrom({ 'content-type': 'application/json' }), body: JSON.stringify({ echo: `${r.method} ${r.url}`, auth: r.headers.get('authorization')?.[0] ?? null, body: r.body ?? null }) }),
        };
        assert.ok(c.steps.length > 0, 'a case needs steps');
        for (const [i, step] of c.steps.entries()) {
          assert.ok(step.want, `step ${i + 1} has no want`);
          now += step.advance ?? 0;
          sent = undefined;
          const req = step.request ?? {};
          const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
          const url = `https://gateway.test${req.url ?? '/api/op'}`;
          const r = await handle(policy, { method: req.method ?? 'GET', url, headers: headersFrom(req.headers ?? {}), body, ipAddress: req.ip, backendUrl: `https://backend.test${req.url ?? '/api/op'}`, backendBase: 'https://backend.test' }, ports);
          const where = `step ${i + 1}; trace:\n${r.trace.map((t) => `  ${t.policy}: ${t.message}`).join('\n')}\nbody: ${r.body}`;
          const w = step.want;
          if (w.status !== undefined) assert.equal(r.status, w.status, where);
          if (w.forwarded !== undefined) assert.equal(r.forwarded, w.forwarded, where);
          for (const [k, v] of Object.entries(w.headers ?? {})) {
            const got = r.headers.get(k.toLowerCase())?.join(',');
            if (v === true) assert.ok(got !== undefined, `${k} present; ${where}`);
            else if (v === false) assert.equal(got, undefined, `${k} absent; ${where}`);
            else assert.equal(got, v, `${k}; ${where}`);
          }
          if (w.body !== undefined) {
            let actual: unknown = r.body;
            try {
              actual = JSON.parse(r.body);
            } catch {
              // text body
            }
            assert.ok(subsetMatches(w.body, actual), `body ${JSON.stringify(w.body)}; ${where}`);
          }
          // assigned by the backend port during handle(); TypeScript cannot see that
          const seen = sent as BackendRequest | undefined;
          if (w.backend) {
            assert.ok(seen, `the request reached the backend; ${where}`);
            if (w.backend.method) assert.equal(seen.method, w.backend.method, where);
            if (w.backend.url) assert.equal(seen.url, w.backend.url, where);
            if (w.backend.body !== undefined) assert.equal(seen.body, w.backend.body, where);
            for (const [k, v] of Object.entries(w.backend.headers ?? {})) {
              const got: string | undefined = seen.headers.get(k.toLowerCase())?.join(',');
              if (v === true) assert.ok(got !== undefined, `backend ${k} present; ${where}`);
              else if (v === false) assert.equal(got, undefined, `backend ${k} absent; ${where}`);
              else assert.equal(got, v, `backend ${k}; ${where}`);
            }
          }
          if (w.trace) assert.ok(r.trace.some((t) => `${t.policy}: ${t.message}`.includes(w.trace!)), `trace contains ${w.trace}; ${where}`);
        }
      });
    }
  });
}
