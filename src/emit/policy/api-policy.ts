import type { Plan } from '../../plan/types.ts';
import { block, comment, el, expr, serialize, text, type XmlChild, type XmlElement } from '../xml.ts';
import { backendCertificate, clientCertificateCheck, clientCertificateOnError } from './certificates.ts';
import * as bridge from './bridge.ts';
import { classifierBody } from './classifier.ts';
import { csString } from './csharp.ts';
import { tokenValidation } from './token.ts';

/** The variable holding the classifier's JObject; every later step reads it. */
export const DECISION_VAR = 'mcp-apim';
/** Set at the end of inbound: only admitted requests are counted by the rate limits. */
export const ADMITTED_VAR = 'mcp-apim-admitted';
export const RETRY_AFTER_VAR = 'mcp-apim-retry-after';

/** Headers the gateway sets for the backend; a client's own copies are removed first. */
/**
 * With `api.backendAuth`, the caller's token stops at the gateway (the MCP spec forbids token
 * passthrough): Authorization is removed, then the managed identity's token for the backend's
 * audience takes its place.
 */
function backendCredential(plan: Plan): XmlChild[] {
  const auth = plan.config.api.backendAuth;
  if (!auth) return [];
  return [
    comment("The caller's token is not passed to the MCP server; the gateway's managed identity is."),
    el('set-header', { name: 'Authorization', 'exists-action': 'delete' }),
    el('authentication-managed-identity', { resource: auth.resource, ...(auth.clientId ? { 'client-id': auth.clientId } : {}) }),
  ];
}

export const INTERNAL_HEADERS = ['x-mcp-apim-agent', 'x-mcp-apim-tool', 'x-mcp-apim-role'] as const;
/**
 * Identity headers that backends are known to trust (App Service authentication, MCP gateways);
 * a client must never be able to set them (reference/mcp-gateways.md §5, pitfall 13).
 */
export const SPOOFABLE_HEADERS = ['x-mcp-roles', 'x-mcp-agent', 'x-ms-client-principal', 'x-ms-client-principal-id', 'x-ms-client-principal-name', 'x-ms-client-principal-idp'] as const;
/**
 * Method-override headers: frameworks that honour them would run a POST the gateway classified as
 * one JSON-RPC call as another HTTP method (or a GET as a POST); the backend never needs them.
 */
export const METHOD_OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'] as const;

/** `((JObject)context.Variables["mcp-apim"])["field"]` cast to `type`. */
export function field(name: string, type: 'int' | 'string'): string {
  return `(${type})((JObject)context.Variables[${csString(DECISION_VAR)}])[${csString(name)}]`;
}

/**
 * The refusal body. The id is echoed as the exact JSON text the client sent (the classifier's
 * scan has already checked it is a string, a number or null), not re-parsed: JToken.Parse would
 * turn `1e400` into an infinity and a 30-digit integer into another number.
 */
function jsonRpcErrorBody(codeExpr: string, messageExpr: string): string {
  return [
    `var d = (JObject)context.Variables[${csString(DECISION_VAR)}];`,
    'var error = new JObject();',
    `error["code"] = ${codeExpr};`,
    `error["message"] = ${messageExpr};`,
    'return "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":" + (string)d["id"] + ",\\"error\\":" + error.ToString(Formatting.None) + "}";',
  ].join('\n');
}

function resourceMetadataUrl(plan: Plan): string {
  // Built from the URL the client called, so custom domains and the local gateway get the right host.
  return [
    'var u = context.Request.OriginalUrl;',
    'string port = (u.Scheme == "https" && u.Port == 443) || (u.Scheme == "http" && u.Port == 80) ? "" : ":" + u.Port;',
    `string header = "Bearer resource_metadata=\\"" + u.Scheme + "://" + u.Host + port + ${csString(`/.well-known/oauth-protected-resource/${plan.config.api.path}`)} + "\\"";`,
    'if (context.LastError != null && context.LastError.Reason != "TokenNotPresent") { header = header + ", error=\\"invalid_token\\""; }',
    'return header;',
  ].join('\n');
}

function audit(decisionExpr: string): XmlElement[] {
  const dimension = (name: string, value: string) => el('dimension', { name, value: expr(value) });
  return [
    el(
      'trace',
      { source: 'mcp-apim', severity: 'information' },
      el('message', {}, text(expr(`"mcp-apim " + ${decisionExpr} + " " + ${field('method', 'string')} + " " + ${field('tool', 'string')}`))),
      el('metadata', { name: 'agent', value: expr(field('agent', 'string')) }),
      el('metadata', { name: 'tool', value: expr(field('tool', 'string')) }),
      el('metadata', { name: 'decision', value: expr(decisionExpr) }),
    ),
    el(
      'emit-metric',
      { name: 'mcp-apim-requests', namespace: 'mcp-apim', value: '1' },
      dimension('agent', field('agent', 'string')),
      dimension('method', field('method', 'string')),
      dimension('tool', field('tool', 'string')),
      dimension('decision', decisionExpr),
    ),
  ];
}

function rateLimits(plan: Plan): XmlElement[] {
  const { config } = plan;
  const counted = expr(`context.Variables.ContainsKey(${csString(ADMITTED_VAR)})`);
  const out: XmlElement[] = config.limits.map((limit, i) =>
    el('rate-limit-by-key', {
      calls: limit.calls,
      'renewal-period': limit.renewalPeriod,
      'counter-key': expr(`${csString(`mcp-apim|${config.api.name}|limit${i}|`)} + ${field('agent', 'string')}`),
      'increment-condition': counted,
      'retry-after-variable-name': RETRY_AFTER_VAR,
    }),
  );
  if (plan.roles.some((r) => r.rateLimit)) {
    out.push(
      el(
        'choose',
        {},
        el(
          'when',
          { condition: expr(`${field('limitKey', 'string')} != ""`) },
          el('rate-limit-by-key', {
            calls: expr(field('limitCalls', 'int')),
            'renewal-period': expr(field('limitPeriod', 'int')),
            'counter-key': expr(field('limitKey', 'string')),
            'increment-condition': counted,
            'retry-after-variable-name': RETRY_AFTER_VAR,
          }),
        ),
      ),
    );
  }
  return out;
}

function redaction(plan: Plan): XmlElement | undefined {
  const rules = plan.config.security.redact;
  if (rules.length === 0) return undefined;
  const body = [
    'string body = context.Response.Body.As<string>();',
    ...rules.map((r) => `body = Regex.Replace(body, ${csString(r.pattern)}, ${csString(r.replacement)});`),
    'return body;',
  ].join('\n');
  return el('choose', {}, el('when', { condition: expr(`${field('method', 'string')} == "tools/call" && context.Response.StatusCode == 200`) }, el('set-body', {}, text(block(body)))));
}

/** The API-scope policy document (`policies/api.xml`), DESIGN §4. */
export function apiPolicy(plan: Plan): string {
  const { config } = plan;
  const strip = [...new Set([...INTERNAL_HEADERS, ...SPOOFABLE_HEADERS, ...METHOD_OVERRIDE_HEADERS, ...config.security.stripHeaders.map((h) => h.toLowerCase())])];
  const status = field('status', 'int');
  const inbound = el(
    'inbound',
    {},
    el('base'),
    comment('0. Client-supplied copies of internal and identity headers, and method overrides, are removed before anything reads them.'),
    ...strip.map((name) => el('set-header', { name, 'exists-action': 'delete' })),
    ...clientCertificateCheck(plan),
    comment('1. Token (401): Entra ID, tenant pinned, audience checked.'),
    tokenValidation(plan),
    comment('2-3. Shape (400, 413) and authorization (403): one strict pass over the body; the tool is looked up, not searched.'),
    el('set-variable', { name: DECISION_VAR, value: block(classifierBody(plan)) }),
    ...audit(field('decision', 'string')),
    el(
      'choose',
      {},
      el(
        'when',
        { condition: expr(`${status} != 0`) },
        el(
          'return-response',
          {},
          el('set-status', { code: expr(status), reason: expr(`${status} == 403 ? "Forbidden" : ${status} == 413 ? "Payload Too Large" : "Bad Request"`) }),
          el('set-header', { name: 'Content-Type', 'exists-action': 'override' }, el('value', {}, text('application/json'))),
          el('set-body', {}, text(block(jsonRpcErrorBody(`${field('code', 'int')}`, `${field('message', 'string')}`)))),
        ),
      ),
    ),
    comment('4. Rate limits (429). Counting is deferred to the end of the request and only admitted requests count.'),
    ...rateLimits(plan),
    el('set-variable', { name: ADMITTED_VAR, value: expr('true') }),
    comment('Identity for the backend, from the validated token only.'),
    el('set-header', { name: 'x-mcp-apim-agent', 'exists-action': 'override' }, el('value', {}, text(expr(field('agent', 'string'))))),
    el('set-header', { name: 'x-mcp-apim-tool', 'exists-action': 'override' }, el('value', {}, text(expr(field('tool', 'string'))))),
    el('set-header', { name: 'x-mcp-apim-role', 'exists-action': 'override' }, el('value', {}, text(expr(field('role', 'string'))))),
    ...backendCredential(plan),
    ...backendCertificate(plan),
    ...bridge.inboundSteps(plan),
  );
  const backend = el('backend', {}, comment('Streamed: SSE responses pass through as they arrive.'), el('forward-request', { timeout: '240', 'buffer-response': 'false' }));
  const outbound = el('outbound', {}, el('base'), ...bridge.outboundSteps(plan), redaction(plan));
  const onError = el(
    'on-error',
    {},
    el('base'),
    el(
      'choose',
      {},
      ...clientCertificateOnError(plan),
      el(
        'when',
        { condition: expr('context.Response.StatusCode == 401') },
        el('set-header', { name: 'WWW-Authenticate', 'exists-action': 'override' }, el('value', {}, text(block(resourceMetadataUrl(plan))))),
        el('emit-metric', { name: 'mcp-apim-requests', namespace: 'mcp-apim', value: '1' }, el('dimension', { name: 'agent', value: 'unknown' }), el('dimension', { name: 'method', value: 'unknown' }), el('dimension', { name: 'tool', value: 'unknown' }), el('dimension', { name: 'decision', value: 'unauthenticated' })),
      ),
      el(
        'when',
        { condition: expr(`context.Response.StatusCode == 429 && context.Variables.ContainsKey(${csString(DECISION_VAR)})`) },
        ...audit('"rate-limited"'),
        el(
          'return-response',
          {},
          el('set-status', { code: '429', reason: 'Too Many Requests' }),
          el('set-header', { name: 'Retry-After', 'exists-action': 'override' }, el('value', {}, text(expr(`context.Variables.GetValueOrDefault<int>(${csString(RETRY_AFTER_VAR)}, 1).ToString()`)))),
          el('set-header', { name: 'Content-Type', 'exists-action': 'override' }, el('value', {}, text('application/json'))),
          el('set-body', {}, text(block(jsonRpcErrorBody('-32029', '"Rate limit is exceeded. Try again in " + context.Variables.GetValueOrDefault<int>(' + csString(RETRY_AFTER_VAR) + ', 1) + " seconds."')))),
        ),
      ),
    ),
    ...bridge.onErrorSteps(plan),
  );
  return serialize(el('policies', {}, inbound, backend, outbound, onError));
}
