/**
 * send-request and send-one-way-request: a side call built from the children (set-url,
 * set-method, set-header, set-body) through the `send` port; the answer is stored as an
 * IResponse in `response-variable-name`. Without a port the call fails the way an unreachable
 * host does in APIM, unless `ignore-error` asks to carry on with a null response.
 */
import { responseValue } from '../../expr/compile.ts';
import { childElements, type PolicyElement } from '../../policy/tree.ts';
import { type BackendRequest, type Handler, PolicyFailure, type StepContext, type StepOutcome } from '../types.ts';
import { attrText, textOf } from '../values.ts';

function textChild(element: PolicyElement, name: string, ctx: StepContext): string | undefined {
  const child = childElements(element).find((c) => c.name === name);
  const text = child?.children.find((c) => c.kind === 'text');
  return text?.kind === 'text' ? textOf(text.value, ctx) : child ? '' : undefined;
}

function buildRequest(element: PolicyElement, ctx: StepContext): BackendRequest {
  const copy = (attrText(element, 'mode', ctx, 'new') ?? 'new').toLowerCase() === 'copy';
  const original = ctx.state.request;
  const headers = copy ? new Map([...original.headers].map(([k, v]) => [k, [...v]])) : new Map<string, string[]>();
  for (const h of childElements(element).filter((c) => c.name === 'set-header')) {
    const name = (attrText(h, 'name', ctx) ?? '').toLowerCase();
    const action = (attrText(h, 'exists-action', ctx, 'override') ?? 'override').toLowerCase();
    if (action === 'delete') {
      headers.delete(name);
      continue;
    }
    const values = childElements(h).filter((v) => v.name === 'value').map((v) => (v.children[0]?.kind === 'text' ? textOf(v.children[0].value, ctx) : ''));
    if (action === 'skip' && headers.has(name)) continue;
    headers.set(name, action === 'append' ? [...(headers.get(name) ?? []), ...values] : values);
  }
  return {
    method: (textChild(element, 'set-method', ctx) ?? (copy ? original.method : 'GET')).trim().toUpperCase(),
    url: (textChild(element, 'set-url', ctx) ?? (copy ? original.url : '')).trim(),
    headers,
    body: textChild(element, 'set-body', ctx) ?? (copy ? original.body : undefined),
  };
}

function sender(name: 'send-request' | 'send-one-way-request'): Handler {
  return {
    name,
    async run(element, ctx): Promise<StepOutcome> {
      const request = buildRequest(element, ctx);
      const variable = attrText(element, 'response-variable-name', ctx);
      const ignoreError = (attrText(element, 'ignore-error', ctx, 'false') ?? 'false').toLowerCase() === 'true';
      if (!ctx.ports.send) {
        ctx.trace(name, `${request.method} ${request.url}: no outbound HTTP in this run`);
        if (ignoreError || name === 'send-one-way-request') {
          if (variable) ctx.state.variables.set(variable, null);
          return 'continue';
        }
        throw new PolicyFailure(name, 'BackendConnectionFailure', `${request.url}: the emulator makes no outbound calls in this run`);
      }
      const answer = await ctx.ports.send(request);
      ctx.trace(name, `${request.method} ${request.url} → ${answer.status}`);
      if (variable && name === 'send-request') ctx.state.variables.set(variable, responseValue(answer.status, answer.reason ?? '', new Map(answer.headers), answer.body));
      return 'continue';
    },
  };
}

export const sendRequest = sender('send-request');
export const sendOneWayRequest = sender('send-one-way-request');
