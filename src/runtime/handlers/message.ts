import { fileSpan } from '../../diagnostics/index.ts';
import { childElements, type PolicyValue } from '../../policy/tree.ts';
import { storedResponse } from '../../expr/compile.ts';
import { type Handler, PolicyFailure, type StepContext, type StepOutcome } from '../types.ts';
import { attributeValue, attrText, intOf, perElement, textOf } from '../values.ts';

/** Headers APIM sends as repeated header lines instead of one comma-joined value (set-header docs). */
const REPEATED = new Set(['user-agent', 'www-authenticate', 'proxy-authenticate', 'cookie', 'set-cookie', 'warning', 'date', 'expires', 'if-modified-since', 'if-unmodified-since', 'last-modified', 'retry-after']);

function headersOf(ctx: StepContext) {
  return ctx.target === 'request' ? ctx.state.request.headers : ctx.state.response.headers;
}

/** What set-header reads from its element, worked out once: the literal parts never change. */
interface HeaderPlan {
  readonly name: PolicyValue | undefined;
  /** The lower-cased action when it is written as a literal. */
  readonly action: string | undefined;
  readonly values: readonly PolicyValue[];
  /** The header key (lower-cased name) and `<name> deleted`, when the name is a literal. */
  readonly key: string | undefined;
  readonly deleted: string | undefined;
}
const headerPlan = perElement((element): HeaderPlan => {
  const name = attributeValue(element, 'name');
  const action = attributeValue(element, 'exists-action');
  const values = childElements(element)
    .filter((c) => c.name === 'value')
    .map((v): PolicyValue => (v.children[0]?.kind === 'text' ? v.children[0].value : EMPTY));
  return { name, action: action === undefined ? 'override' : action.kind === 'literal' ? action.text.toLowerCase() : undefined, values, key: name?.kind === 'literal' ? name.text.toLowerCase() : undefined, deleted: name?.kind === 'literal' ? `${name.text} deleted` : undefined };
});
/** A `<value />` without text sets the empty string. */
const EMPTY: PolicyValue = { kind: 'literal', text: '', span: fileSpan('(empty header value)') };

export const setHeader: Handler = {
  name: 'set-header',
  run(element, ctx) {
    const plan = headerPlan(element);
    const name = plan.name && textOf(plan.name, ctx);
    if (!name) return 'continue';
    const key = plan.key ?? name.toLowerCase();
    const action = plan.action ?? (attrText(element, 'exists-action', ctx, 'override') ?? 'override').toLowerCase();
    const headers = headersOf(ctx);
    if (action === 'delete') {
      headers.delete(key);
      ctx.trace('set-header', plan.deleted ?? `${name} deleted`);
      return 'continue';
    }
    const values = plan.values.map((v) => textOf(v, ctx));
    const existing = headers.get(key);
    if (action === 'skip' && existing) return 'continue';
    const joined = REPEATED.has(key) ? values : [values.join(',')];
    headers.set(key, action === 'append' && existing ? [...existing, ...joined] : joined);
    ctx.trace('set-header', `${name}: ${joined.join(' | ')}`);
    return 'continue';
  },
};

export const setStatus: Handler = {
  name: 'set-status',
  run(element, ctx) {
    const code = attributeValue(element, 'code');
    if (code) ctx.state.response.status = intOf(code, ctx);
    ctx.state.response.reason = attrText(element, 'reason', ctx, ctx.state.response.reason) ?? '';
    ctx.trace('set-status', `${ctx.state.response.status} ${ctx.state.response.reason}`);
    return 'continue';
  },
};

export const setBody: Handler = {
  name: 'set-body',
  run(element, ctx) {
    const content = element.children.find((c) => c.kind !== 'comment');
    let body = '';
    if (content?.kind === 'text') body = textOf(content.value, ctx);
    else if (content?.kind === 'raw') body = content.text;
    if (ctx.target === 'request') {
      ctx.state.request.body = body;
      ctx.state.request.bodyConsumed = false;
    } else ctx.state.response.body = body;
    ctx.trace('set-body', `${body.length} characters`);
    return 'continue';
  },
};

/** `return-response`: a new response (200 OK, no body unless the children set one) ends the pipeline. */
export const returnResponse: Handler = {
  name: 'return-response',
  async run(element, ctx): Promise<StepOutcome> {
    const from = attrText(element, 'response-variable-name', ctx);
    const stored = from ? storedResponse(ctx.state.variables.get(from)) : undefined;
    if (from && !stored) throw new PolicyFailure('return-response', 'ResponseVariableNotFound', `variable ${from} holds no response (send-request's response-variable-name)`);
    ctx.state.response = stored ? { status: stored.status, reason: stored.reason, headers: new Map([...stored.headers].map(([k, v]) => [k, [...v]])), body: stored.body } : { status: 200, reason: 'OK', headers: new Map(), body: '' };
    await ctx.runSteps(childElements(element));
    ctx.trace('return-response', `${ctx.state.response.status}`);
    return 'return';
  },
};

/**
 * `forward-request`: sends the request as the policies left it (body included) to the backend
 * port. With `buffer-response="false"` the port may answer with a stream, which stays a stream
 * as long as no later policy can see the body (the pipeline buffers it otherwise).
 */
export const forwardRequest: Handler = {
  name: 'forward-request',
  async run(element, ctx): Promise<StepOutcome> {
    const { request } = ctx.state;
    const streamResponse = attrText(element, 'buffer-response', ctx, 'true')?.toLowerCase() === 'false';
    const answer = await ctx.ports.backend({ method: request.method, url: request.url, headers: new Map(request.headers), body: request.bodyConsumed ? '' : request.body, ...(streamResponse ? { streamResponse } : {}) });
    ctx.state.forwarded = true;
    ctx.state.response = { status: answer.status, reason: answer.reason ?? '', headers: new Map(answer.headers), body: answer.body, ...(answer.stream ? { stream: answer.stream } : {}) };
    ctx.trace('forward-request', `${request.method} ${request.url} → ${answer.status}${answer.stream ? ' (streamed)' : ''}`);
    // fail-on-error-status-code: a 4xx/5xx answer becomes a failure that on-error handles (its response is the backend's)
    if (answer.status >= 400 && (attrText(element, 'fail-on-error-status-code', ctx, 'false') ?? 'false').toLowerCase() === 'true') {
      throw new PolicyFailure('forward-request', 'BackendErrorStatusCode', `The backend answered ${answer.status}.`, { status: answer.status, reason: answer.reason, headers: Object.fromEntries([...answer.headers].map(([k, v]) => [k, v.join(',')])), body: answer.body });
    }
    return 'continue';
  },
};
