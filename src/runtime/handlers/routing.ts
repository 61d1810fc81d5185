/**
 * Where the request goes: set-backend-service, rewrite-uri, set-query-parameter, set-method.
 * `state.request.url` is APIM's `context.Request.Url` (the backend URL) and starts with
 * `state.backendBase`, the service URL that set-backend-service replaces.
 */
import { childElements, type PolicyElement } from '../../policy/tree.ts';
import { type Handler, PolicyFailure, type StepContext } from '../types.ts';
import { attrText, textOf } from '../values.ts';

export const setBackendService: Handler = {
  name: 'set-backend-service',
  run(element, ctx) {
    const backendId = attrText(element, 'backend-id', ctx);
    // A backend entity is known when the deployment declares it (a single URL; load-balanced
    // pools and circuit breakers are not part of the emulator).
    const base = attrText(element, 'base-url', ctx) ?? (backendId !== undefined && ctx.ports.backends && Object.hasOwn(ctx.ports.backends, backendId) ? ctx.ports.backends[backendId] : undefined);
    if (!base) {
      throw new PolicyFailure('set-backend-service', 'BackendNotFound', `backend-id "${backendId ?? ''}" is not known to the emulator: use base-url, or see docs/emulator-support.md`);
    }
    const state = ctx.state;
    const rest = state.request.url.startsWith(state.backendBase) ? state.request.url.slice(state.backendBase.length) : new URL(state.request.url).pathname + new URL(state.request.url).search;
    const next = base.replace(/\/+$/, '');
    state.request.url = `${next}${rest}`;
    state.backendBase = next;
    ctx.trace('set-backend-service', `backend ${state.request.url}`);
    return 'continue';
  },
};

export const rewriteUri: Handler = {
  name: 'rewrite-uri',
  run(element, ctx) {
    const template = attrText(element, 'template', ctx) ?? '';
    const copyUnmatched = (attrText(element, 'copy-unmatched-params', ctx, 'true') ?? 'true').toLowerCase() !== 'false';
    const state = ctx.state;
    const current = new URL(state.request.url);
    const rewritten = new URL(`${state.backendBase}${template.startsWith('/') ? '' : '/'}${template}`);
    if (copyUnmatched) for (const [k, v] of current.searchParams) if (!rewritten.searchParams.has(k)) rewritten.searchParams.append(k, v);
    state.request.url = rewritten.href;
    ctx.trace('rewrite-uri', `backend ${state.request.url}`);
    return 'continue';
  },
};

function values(element: PolicyElement, ctx: StepContext): string[] {
  return childElements(element)
    .filter((c) => c.name === 'value')
    .map((v) => (v.children[0]?.kind === 'text' ? textOf(v.children[0].value, ctx) : ''));
}

export const setQueryParameter: Handler = {
  name: 'set-query-parameter',
  run(element, ctx) {
    const name = attrText(element, 'name', ctx) ?? '';
    const action = (attrText(element, 'exists-action', ctx, 'override') ?? 'override').toLowerCase();
    const url = new URL(ctx.state.request.url);
    const entries = [...url.searchParams];
    const at = entries.findIndex(([k]) => k === name);
    const added = values(element, ctx).map((v) => [name, v] as [string, string]);
    let next = entries;
    // the parameter keeps its place in the query: override swaps it in place, append adds beside it
    if (action === 'delete') next = entries.filter(([k]) => k !== name);
    else if (at < 0) next = [...entries, ...added];
    else if (action === 'override') next = [...entries.slice(0, at).filter(([k]) => k !== name), ...added, ...entries.slice(at).filter(([k]) => k !== name)];
    else if (action === 'append') {
      const last = entries.findLastIndex(([k]) => k === name);
      next = [...entries.slice(0, last + 1), ...added, ...entries.slice(last + 1)];
    }
    url.search = new URLSearchParams(next).toString();
    ctx.state.request.url = url.href;
    ctx.trace('set-query-parameter', `${name} ${action}: ${url.search}`);
    return 'continue';
  },
};

export const setMethod: Handler = {
  name: 'set-method',
  run(element, ctx) {
    const text = element.children.find((c) => c.kind === 'text');
    const method = text?.kind === 'text' ? textOf(text.value, ctx).trim().toUpperCase() : '';
    if (method) ctx.state.request.method = method;
    ctx.trace('set-method', method);
    return 'continue';
  },
};
