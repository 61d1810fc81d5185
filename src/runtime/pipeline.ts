import { fileSpan } from '../diagnostics/index.ts';
import type { PolicyElement } from '../policy/tree.ts';
import { internalError } from './gateway-errors.ts';
import { handlers } from './handlers/index.ts';
import type { EffectivePolicy, Scope, Section } from './scopes.ts';
import { type BodyStream, ExpressionFailure, type GatewayRequest, type GatewayResponse, PolicyFailure, type Ports, type RequestState, type StepContext, type StepOutcome } from './types.ts';
import { UnsupportedExpression } from './values.ts';

/**
 * The emulator met something it cannot run faithfully (an element without a handler, an
 * expression outside the supported subset). It is never turned into a made-up response.
 */
export class UnsupportedFeature extends Error {
  readonly element: PolicyElement | undefined;
  constructor(message: string, element?: PolicyElement) {
    super(message);
    this.element = element;
  }
}

type RunChildren = (children: readonly PolicyElement[], scope: Scope, section: Section, target: 'request' | 'response') => Promise<StepOutcome>;

/** A step's view of the request: one object per element run (the pipeline runs dozens a request). */
class Step implements StepContext {
  readonly state: RequestState;
  readonly ports: Ports;
  readonly scope: Scope;
  readonly section: Section;
  readonly target: 'request' | 'response';
  /** Where child steps write: return-response builds a response whatever the section. */
  readonly childTarget: 'request' | 'response';
  readonly #run: RunChildren;
  constructor(state: RequestState, ports: Ports, scope: Scope, section: Section, target: 'request' | 'response', childTarget: 'request' | 'response', run: RunChildren) {
    this.state = state;
    this.ports = ports;
    this.scope = scope;
    this.section = section;
    this.target = target;
    this.childTarget = childTarget;
    this.#run = run;
  }
  runSteps(children: readonly PolicyElement[]): Promise<StepOutcome> {
    return this.#run(children, this.scope, this.section, this.childTarget);
  }
  trace(policy: string, message: string): void {
    this.state.trace.push({ scope: this.scope, section: this.section, policy, message });
  }
}

/** An expression the emulator cannot run is reported against its element. */
function unsupportedIn(element: PolicyElement, error: unknown): never {
  if (error instanceof UnsupportedExpression) throw new UnsupportedFeature(error.message, element);
  throw error;
}

/** APIM's global default policy: `<backend><forward-request /></backend>`. */
const IMPLICIT_FORWARD: PolicyElement = { kind: 'element', name: 'forward-request', nameSpan: fileSpan('(global default policy)'), span: fileSpan('(global default policy)'), attributes: [], children: [] };

interface Position {
  scope: Scope;
  section: Section;
  path: string;
}

/**
 * Runs one request through an effective policy (DESIGN §5): inbound → backend → outbound, and
 * `on-error` when any step fails, with `context.LastError` filled. Pure apart from the ports.
 */
export async function handle(policy: EffectivePolicy, request: GatewayRequest, ports: Ports): Promise<GatewayResponse> {
  const state: RequestState = {
    requestId: ports.newId(),
    startedAt: ports.now(),
    originalUrl: request.url,
    request: { method: request.method, url: request.backendUrl ?? request.url, headers: copyHeaders(request.headers), body: request.body, bodyConsumed: false, ipAddress: request.ipAddress ?? '127.0.0.1', ...(request.clientCertificate ? { certificate: request.clientCertificate } : {}) },
    response: { status: 200, reason: 'OK', headers: new Map(), body: '' },
    variables: new Map(),
    backendBase: request.backendBase ?? new URL(request.backendUrl ?? request.url).origin,
    lastError: undefined,
    forwarded: false,
    deferred: [],
    trace: [],
  };
  const where: Position = { scope: 'api', section: 'inbound', path: '' };

  // Most handlers finish synchronously: their outcome is used as is, and only a promise is
  // awaited, so a request does not pay a microtask per element.
  const run = async (steps: readonly { element: PolicyElement; scope: Scope }[], section: Section, target: 'request' | 'response'): Promise<StepOutcome> => {
    for (const step of steps) {
      where.scope = step.scope;
      where.section = section;
      where.path = step.element.name;
      const outcome = runElement(step.element, step.scope, section, target);
      if ((typeof outcome === 'string' ? outcome : await outcome) === 'return') return 'return';
    }
    return 'continue';
  };

  const runSteps = async (children: readonly PolicyElement[], scope: Scope, section: Section, target: 'request' | 'response'): Promise<StepOutcome> => {
    for (const child of children) {
      const outcome = runElement(child, scope, section, target);
      if ((typeof outcome === 'string' ? outcome : await outcome) === 'return') return 'return';
    }
    return 'continue';
  };

  // Steps are immutable views, and a request has only a few distinct ones: each is made once.
  const stepViews: Step[] = [];
  const stepFor = (scope: Scope, section: Section, target: 'request' | 'response', childTarget: 'request' | 'response'): Step => {
    for (const v of stepViews) if (v.scope === scope && v.section === section && v.target === target && v.childTarget === childTarget) return v;
    const v = new Step(state, ports, scope, section, target, childTarget, runSteps);
    stepViews.push(v);
    return v;
  };

  const runElement = (element: PolicyElement, scope: Scope, section: Section, target: 'request' | 'response'): StepOutcome | Promise<StepOutcome> => {
    const handler = handlers.get(element.name);
    if (!handler) throw new UnsupportedFeature(`the emulator has no handler for <${element.name}>`, element);
    const ctx = stepFor(scope, section, target, element.name === 'return-response' ? 'response' : target);
    try {
      const outcome = handler.run(element, ctx);
      return typeof outcome === 'string' ? outcome : outcome.catch((error: unknown) => unsupportedIn(element, error));
    } catch (error) {
      return unsupportedIn(element, error);
    }
  };

  try {
    let outcome = await run(policy.inbound, 'inbound', 'request');
    if (outcome !== 'return') {
      // APIM's global default policy forwards the request when no scope defines a backend section.
      outcome = policy.backend.length > 0 ? await run(policy.backend, 'backend', 'request') : await runElement(IMPLICIT_FORWARD, 'global', 'backend', 'request');
    }
    if (outcome !== 'return' && state.forwarded) {
      if (state.response.stream && policy.outbound.length > 0) {
        // Outbound policies may read or replace the body: they get it whole, as in APIM.
        state.response.body = await readAll(state.response.stream);
        state.response.stream = undefined;
        state.trace.push({ scope: 'gateway', section: 'outbound', policy: 'forward-request', message: `the streamed response is buffered (${state.response.body.length} characters) because outbound policies run on it` });
      }
      await run(policy.outbound, 'outbound', 'response');
    }
  } catch (error) {
    if (error instanceof UnsupportedFeature) throw error;
    const failure = toFailure(error);
    state.lastError = { source: failure.source, reason: failure.reason, message: failure.message, scope: where.scope, section: where.section, path: where.path, policyId: '' };
    state.trace.push({ scope: where.scope, section: where.section, policy: failure.source, message: `${failure.reason}: ${failure.message}` });
    const prepared: { status: number; reason?: string; headers: Readonly<Record<string, string>>; body: string } = failure.response ?? internalError(state.requestId);
    state.response = { status: prepared.status, reason: prepared.reason ?? reasonPhrase(prepared.status), headers: new Map(Object.entries(prepared.headers).map(([k, v]) => [k.toLowerCase(), [v]])), body: prepared.body };
    try {
      await run(policy['on-error'], 'on-error', 'response');
    } catch (inner) {
      if (inner instanceof UnsupportedFeature) throw inner;
      const e = internalError(state.requestId);
      state.response = { status: e.status, reason: 'Internal Server Error', headers: new Map(Object.entries(e.headers).map(([k, v]) => [k, [v]])), body: e.body };
      state.trace.push({ scope: where.scope, section: 'on-error', policy: 'on-error', message: `failed again: ${(inner as Error).message}` });
    }
  }
  for (const increment of state.deferred) increment();
  const { stream } = state.response;
  return { status: state.response.status, reason: state.response.reason, headers: state.response.headers, body: state.response.body, ...(stream ? { stream } : {}), forwarded: state.forwarded, trace: state.trace };
}

function copyHeaders(headers: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const copy = new Map<string, string[]>();
  for (const [k, v] of headers) copy.set(k, [...v]);
  return copy;
}

async function readAll(stream: BodyStream): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

function toFailure(error: unknown): PolicyFailure {
  if (error instanceof PolicyFailure) return error;
  if (error instanceof ExpressionFailure) return new PolicyFailure('expression', 'ExpressionValueEvaluationFailure', `${error.netType}: ${error.message}`);
  return new PolicyFailure('gateway', 'InternalError', error instanceof Error ? error.message : String(error));
}

const REASONS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 413: 'Payload Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway' };

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? '';
}
