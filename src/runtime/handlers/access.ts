/**
 * Gatekeeping policies: check-header, ip-filter and cors. Refusals are policy failures with
 * APIM's reasons (reference/apim-semantics.md §3.1), so `on-error` sees them in LastError.
 */
import { childElements, type PolicyElement } from '../../policy/tree.ts';
import { gatewayError } from '../gateway-errors.ts';
import { type Handler, PolicyFailure, type StepContext } from '../types.ts';
import { attrText, textOf } from '../values.ts';

const texts = (element: PolicyElement | undefined, child: string, ctx: StepContext): string[] =>
  element ? childElements(element).filter((c) => c.name === child).map((c) => (c.children[0]?.kind === 'text' ? textOf(c.children[0].value, ctx).trim() : '')) : [];

export const checkHeader: Handler = {
  name: 'check-header',
  run(element, ctx) {
    const name = attrText(element, 'name', ctx) ?? '';
    const code = Number(attrText(element, 'failed-check-httpcode', ctx, '401'));
    const message = attrText(element, 'failed-check-error-message', ctx, '') ?? '';
    const ignoreCase = (attrText(element, 'ignore-case', ctx, 'false') ?? 'false').toLowerCase() === 'true';
    const present = ctx.state.request.headers.get(name.toLowerCase());
    const allowed = texts(element, 'value', ctx);
    const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
    if (!present) throw new PolicyFailure('check-header', 'HeaderNotFound', message || `Header ${name} was not found in the request. Access denied.`, gatewayError(code, message));
    const values = present.flatMap((v) => v.split(',').map((x) => x.trim()));
    if (allowed.length > 0 && !values.some((v) => allowed.some((a) => fold(a) === fold(v)))) {
      throw new PolicyFailure('check-header', 'HeaderValueNotAllowed', message || `Header ${name} value is not allowed. Access denied.`, gatewayError(code, message));
    }
    ctx.trace('check-header', `${name} present${allowed.length > 0 ? ' with an allowed value' : ''}`);
    return 'continue';
  },
};

function ipv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export const ipFilter: Handler = {
  name: 'ip-filter',
  run(element, ctx) {
    const action = (attrText(element, 'action', ctx, 'allow') ?? 'allow').toLowerCase();
    const ip = ctx.state.request.ipAddress;
    const caller = ipv4(ip);
    if (caller === undefined) throw new PolicyFailure('ip-filter', 'FailedToParseCallerIP', 'Failed to establish IP address for the caller. Access denied.', gatewayError(403, 'Forbidden'));
    const singles = texts(element, 'address', ctx).map(ipv4);
    const ranges = childElements(element)
      .filter((c) => c.name === 'address-range')
      .map((r) => [ipv4(attrText(r, 'from', ctx) ?? ''), ipv4(attrText(r, 'to', ctx) ?? '')] as const);
    const listed = singles.includes(caller) || ranges.some(([from, to]) => from !== undefined && to !== undefined && caller >= from && caller <= to);
    if (listed !== (action === 'allow')) {
      throw new PolicyFailure('ip-filter', 'CallerIpNotAllowed', `Caller IP address ${ip} is not allowed. Access denied.`, gatewayError(403, 'Forbidden'));
    }
    ctx.trace('ip-filter', `${ip} ${action === 'allow' ? 'allowed' : 'not forbidden'}`);
    return 'continue';
  },
};

/**
 * cors: a preflight (OPTIONS with Access-Control-Request-Method) is answered at once; other
 * requests from an allowed origin get the CORS headers on whatever response they end with.
 */
export const cors: Handler = {
  name: 'cors',
  run(element, ctx) {
    const block = (name: string) => childElements(element).find((c) => c.name === name);
    const origins = texts(block('allowed-origins'), 'origin', ctx);
    const methods = texts(block('allowed-methods'), 'method', ctx);
    const headers = texts(block('allowed-headers'), 'header', ctx);
    const expose = texts(block('expose-headers'), 'header', ctx);
    const credentials = (attrText(element, 'allow-credentials', ctx, 'false') ?? 'false').toLowerCase() === 'true';
    const terminate = (attrText(element, 'terminate-unmatched-request', ctx, 'true') ?? 'true').toLowerCase() === 'true';
    const request = ctx.state.request;
    const origin = request.headers.get('origin')?.[0];
    if (!origin) return 'continue';
    const originAllowed = origins.includes('*') || origins.includes(origin);
    const allowOrigin = origins.includes('*') && !credentials ? '*' : origin;
    const preflight = request.method === 'OPTIONS' && request.headers.has('access-control-request-method');
    if (preflight) {
      const wanted = request.headers.get('access-control-request-method')![0]!.toUpperCase();
      const methodAllowed = methods.length === 0 ? ['GET', 'POST', 'HEAD'].includes(wanted) : methods.includes('*') || methods.map((m) => m.toUpperCase()).includes(wanted);
      if (!originAllowed || !methodAllowed) {
        if (!terminate) return 'continue';
        ctx.state.response = { status: 200, reason: 'OK', headers: new Map(), body: '' };
        ctx.trace('cors', `preflight from ${origin} refused`);
        return 'return';
      }
      const h = new Map<string, string[]>([['access-control-allow-origin', [allowOrigin]], ['access-control-allow-methods', [methods.length === 0 ? wanted : methods.join(',')]]]);
      const asked = request.headers.get('access-control-request-headers')?.[0];
      if (asked) h.set('access-control-allow-headers', [headers.includes('*') ? asked : headers.join(',')]);
      if (credentials) h.set('access-control-allow-credentials', ['true']);
      const maxAge = attrText(element, 'preflight-result-max-age', ctx);
      if (maxAge) h.set('access-control-max-age', [maxAge]);
      ctx.state.response = { status: 200, reason: 'OK', headers: h, body: '' };
      ctx.trace('cors', `preflight from ${origin} allowed`);
      return 'return';
    }
    if (!originAllowed) return 'continue';
    ctx.state.deferred.push(() => {
      const h = ctx.state.response.headers;
      h.set('access-control-allow-origin', [allowOrigin]);
      if (credentials) h.set('access-control-allow-credentials', ['true']);
      if (expose.length > 0) h.set('access-control-expose-headers', [expose.join(',')]);
    });
    ctx.trace('cors', `origin ${origin} allowed`);
    return 'continue';
  },
};
