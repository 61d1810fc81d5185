/**
 * REST bridging in the compiled policy (docs/policy.md, "Bridged REST tools"). A tools/call of a
 * tool with a `backend:` mapping goes through the same token, shape, authorization and rate-limit
 * steps as any tool; then:
 *
 * - the classifier checks the arguments against the tool's inputSchema (a failure is 400 with
 *   JSON-RPC -32602, counted nowhere, never forwarded) and builds the REST request: method, path
 *   with URL-encoded path arguments, query, JSON body (`classifierStep`, `classifierResult`);
 * - the end of inbound sends it to the REST service's backend entity (`inboundSteps`);
 * - outbound wraps the REST answer as the tools/call result, `isError` for 4xx/5xx (`outboundSteps`);
 * - without an MCP server (no api.backend) the gateway answers initialize, ping and notifications
 *   itself, and GET/DELETE with 405 (`inboundSteps`).
 *
 * With api.restBackend.mode native, APIM's REST-as-MCP server does the translation: the
 * arguments are still checked here, and tools/list is answered from api.xml (the API has no
 * operations of ours there).
 */
import { inputProperties, schemaTypes } from '../../config/bridge.ts';
import { METHODS_WITH_BODY, restBackendId } from '../../config/bridge-types.ts';
import type { Plan, PlanTool } from '../../plan/types.ts';
import { block, comment, el, expr, serialize, text, type XmlChild } from '../xml.ts';
import { DECISION_VAR, field } from './api-policy.ts';
import { csString, csStringArray } from './csharp.ts';
import { toolsListBody } from './tools-list.ts';

/** Protocol versions the gateway speaks when it answers initialize itself, newest first. */
export const SERVER_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] as const;
/** Separates the allowed values of a string enum in the generated C# (a value holding it is never matched). */
const ENUM_SEPARATOR = '\u001f';

const bridged = (plan: Plan): PlanTool[] => plan.tools.filter((t) => t.backend);
const isNative = (plan: Plan): boolean => plan.config.api.restBackend?.mode === 'native';
/** No MCP server: the gateway itself is the MCP server of the bridged tools. */
const serverless = (plan: Plan): boolean => plan.config.api.backend === undefined && !isNative(plan);

/** The C# data of one bridged tool, set in the classifier's `switch (tool)`. */
function toolCase(tool: PlanTool): string {
  const backend = tool.backend!;
  const { properties, required } = inputProperties(tool.raw);
  const names = Object.keys(properties);
  const schema = tool.raw.inputSchema as Record<string, unknown> | undefined;
  const closed = schema?.additionalProperties === false;
  const enums = names.map((n) => {
    const values = (properties[n] as { enum?: unknown } | undefined)?.enum;
    const strings = Array.isArray(values) && values.every((v) => typeof v === 'string' && !v.includes(ENUM_SEPARATOR)) ? (values as string[]) : undefined;
    return strings ? `${ENUM_SEPARATOR}${strings.join(ENUM_SEPARATOR)}${ENUM_SEPARATOR}` : '';
  });
  // literal, argument, literal, argument, …, literal: odd indexes name path arguments
  const path: string[] = [''];
  for (const part of backend.parts) {
    if ('literal' in part) path[path.length - 1] += part.literal;
    else path.push(part.parameter, '');
  }
  const bodyArgument = backend.parameters.find((p) => p.in === 'body')?.name;
  const mapped = new Set(backend.parameters.map((p) => p.name));
  const rest = !bodyArgument && METHODS_WITH_BODY.includes(backend.method) ? names.filter((n) => !mapped.has(n)) : undefined;
  const pad = '      ';
  return [
    `    case ${csString(tool.name)}:`,
    `${pad}bridgeMethod = ${csString(backend.method)};`,
    `${pad}brProps = ${csStringArray(names)};`,
    `${pad}brTypes = ${csStringArray(names.map((n) => schemaTypes(properties[n]).join('|')))};`,
    `${pad}brEnums = ${csStringArray(enums)};`,
    `${pad}brRequired = ${csStringArray(required)};`,
    ...(closed ? [`${pad}brClosed = true;`] : []),
    `${pad}brPath = ${csStringArray(path)};`,
    `${pad}brQuery = ${csStringArray(backend.parameters.filter((p) => p.in === 'query').map((p) => p.name))};`,
    ...(bodyArgument ? [`${pad}brBodyArgument = ${csString(bodyArgument)};`] : []),
    ...(rest ? [`${pad}brBodyRest = ${csStringArray(rest)};`] : []),
    ...(tool.raw.outputSchema !== undefined ? [`${pad}bridgeStructured = true;`] : []),
    `${pad}break;`,
  ].join('\n');
}

/**
 * C# run by the classifier after authorization (only for an allowed tools/call of a bridged
 * tool). Every name starts with `br`/`bridge`: C# forbids reusing a name of an enclosing scope.
 */
export function classifierStep(plan: Plan): string {
  const tools = bridged(plan);
  if (tools.length === 0) return '';
  return `// ---- 3b. bridged REST tools: the arguments are checked against the tool's inputSchema, then
// the REST request is built (docs/policy.md, "Bridged REST tools").
string bridgeMethod = "";
string bridgeUri = "";
string bridgeBody = "";
bool bridgeStructured = false;
if (status == 0 && isPost && method == "tools/call") {
  string[] brProps = null;
  string[] brTypes = null;
  string[] brEnums = null;
  string[] brRequired = null;
  bool brClosed = false;
  string[] brPath = null;
  string[] brQuery = null;
  string brBodyArgument = null;
  string[] brBodyRest = null;
  switch (tool) {
${tools.map(toolCase).join('\n')}
  }
  if (bridgeMethod != "") {
    // The raw JSON text of each member of params.arguments. The scan above has proved the body
    // is one strict JSON object without duplicate names, so this walk only follows depth, strings
    // and the member names on the way: depth 1 is the message, 2 params, 3 arguments.
    var brNames = new List<string>();
    var brTexts = new List<string>();
    int brArgumentsType = 0;
    var brKinds = new int[${64 + 2}];
    var brKeys = new string[${64 + 2}];
    int brDepth = 0;
    bool brKeyNext = false;
    int brStart = -1;
    for (int brI = 0; brI < text.Length; brI++) {
      char brC = text[brI];
      if (brC == ' ' || brC == '\\t' || brC == '\\n' || brC == '\\r') { continue; }
      if (brC == ':') { brKeyNext = false; continue; }
      if (brC == ',') { brKeyNext = brKinds[brDepth] == 1; continue; }
      bool brInArguments = brKinds[2] == 1 && brKeys[1] == "params" && brKeys[2] == "arguments";
      if (brC == '}' || brC == ']') {
        brDepth--;
        brKeyNext = false;
        if (brDepth == 3 && brInArguments && brKinds[3] == 1) { brNames.Add(brKeys[3]); brTexts.Add(text.Substring(brStart, brI + 1 - brStart)); }
        continue;
      }
      bool brMember = brDepth == 3 && !brKeyNext && brInArguments && brKinds[3] == 1;
      if (brDepth == 2 && !brKeyNext && brInArguments) { brArgumentsType = brC == '{' ? 4 : 1; }
      if (brC == '{' || brC == '[') {
        if (brMember) { brStart = brI; }
        brDepth++;
        brKinds[brDepth] = brC == '{' ? 1 : 2;
        brKeyNext = brC == '{';
        continue;
      }
      int brEnd = brI + 1;
      if (brC == '"') {
        while (text[brEnd] != '"') { brEnd += text[brEnd] == '\\\\' ? 2 : 1; }
        brEnd++;
        if (brKeyNext) {
          string brKey = text.Substring(brI + 1, brEnd - brI - 2);
          brKeys[brDepth] = brKey.IndexOf('\\\\') < 0 ? brKey : Regex.Unescape(brKey);
          brI = brEnd - 1;
          continue;
        }
      } else {
        while (brEnd < text.Length && text[brEnd] != ',' && text[brEnd] != '}' && text[brEnd] != ']' && text[brEnd] != ' ' && text[brEnd] != '\\t' && text[brEnd] != '\\n' && text[brEnd] != '\\r') { brEnd++; }
      }
      if (brMember) { brNames.Add(brKeys[3]); brTexts.Add(text.Substring(brI, brEnd - brI)); }
      brI = brEnd - 1;
    }
    string brProblem = null;
    if (brArgumentsType != 0 && brArgumentsType != 4) { brProblem = "arguments must be an object"; }
    for (int brR = 0; brProblem == null && brR < brRequired.Length; brR++) {
      if (!brNames.Contains(brRequired[brR])) { brProblem = "missing required argument " + JsonConvert.SerializeObject(brRequired[brR]); }
    }
    // Each argument's JSON type; the text a URL gets (decoded strings, numbers and booleans as written).
    var brValues = new string[brNames.Count];
    for (int brA = 0; brProblem == null && brA < brNames.Count; brA++) {
      string brRaw = brTexts[brA];
      char brFirst = brRaw[0];
      string brKind = brFirst == '"' ? "string" : brFirst == '{' ? "object" : brFirst == '[' ? "array" : (brFirst == 't' || brFirst == 'f') ? "boolean" : brFirst == 'n' ? "null" : Regex.IsMatch(brRaw, "^-?[0-9]+(\\\\.0+)?$") ? "integer" : "number";
      if (brFirst == '"') { brValues[brA] = brRaw.IndexOf('\\\\') < 0 ? brRaw.Substring(1, brRaw.Length - 2) : Regex.Unescape(brRaw.Substring(1, brRaw.Length - 2)); }
      else if (brKind != "object" && brKind != "array" && brKind != "null") { brValues[brA] = brRaw; }
      int brAt = Array.IndexOf(brProps, brNames[brA]);
      if (brAt < 0) {
        if (brClosed) { brProblem = "unknown argument " + JsonConvert.SerializeObject(brNames[brA]); }
        continue;
      }
      string brAllowed = "|" + brTypes[brAt] + "|";
      if (brTypes[brAt] != "" && !brAllowed.Contains("|" + brKind + "|") && !(brKind == "integer" && brAllowed.Contains("|number|"))) {
        brProblem = "argument " + JsonConvert.SerializeObject(brNames[brA]) + " must be " + brTypes[brAt].Replace("|", " or ") + ", not " + brKind;
      } else if (brEnums[brAt] != "" && (brKind != "string" || brValues[brA].IndexOf('${'\\u001F'}') >= 0 || !brEnums[brAt].Contains("${'\\u001F'}" + brValues[brA] + "${'\\u001F'}"))) {
        brProblem = "argument " + JsonConvert.SerializeObject(brNames[brA]) + " must be one of " + brEnums[brAt].Trim('${'\\u001F'}').Replace("${'\\u001F'}", ", ");
      }
    }
    if (brProblem == null) {
      // The path: each argument percent-encoded as one segment ('/' and ' ' included); "", "."
      // and ".." are refused, because a URL normalizer would fold them into another path.
      var brUri = new StringBuilder();
      for (int brS = 0; brProblem == null && brS < brPath.Length; brS++) {
        if (brS % 2 == 0) { brUri.Append(brPath[brS]); continue; }
        int brAt = brNames.IndexOf(brPath[brS]);
        string brValue = brAt < 0 ? null : brValues[brAt];
        if (brValue == null || brValue == "" || brValue == "." || brValue == "..") { brProblem = "path argument " + JsonConvert.SerializeObject(brPath[brS]) + " must be a string, number or boolean other than \\"\\", \\".\\" and \\"..\\""; }
        else { brUri.Append(Uri.EscapeDataString(brValue)); }
      }
      string brSeparator = "?";
      for (int brQ = 0; brProblem == null && brQ < brQuery.Length; brQ++) {
        int brAt = brNames.IndexOf(brQuery[brQ]);
        if (brAt < 0 || brTexts[brAt] == "null") { continue; }
        if (brValues[brAt] == null) { brProblem = "query argument " + JsonConvert.SerializeObject(brQuery[brQ]) + " must be a string, number or boolean"; }
        else { brUri.Append(brSeparator + Uri.EscapeDataString(brQuery[brQ]) + "=" + Uri.EscapeDataString(brValues[brAt])); brSeparator = "&"; }
      }
      bridgeUri = brUri.ToString();
      // The body: the body argument's JSON text as the client wrote it, or the remaining declared
      // arguments as one JSON object; arguments the inputSchema does not declare are never sent.
      if (brBodyArgument != null) {
        int brAt = brNames.IndexOf(brBodyArgument);
        bridgeBody = brAt < 0 ? "" : brTexts[brAt];
      } else if (brBodyRest != null) {
        var brMembers = new List<string>();
        for (int brB = 0; brB < brNames.Count; brB++) {
          if (Array.IndexOf(brBodyRest, brNames[brB]) >= 0) { brMembers.Add(JsonConvert.SerializeObject(brNames[brB]) + ":" + brTexts[brB]); }
        }
        bridgeBody = "{" + string.Join(",", brMembers) + "}";
      }
    }
    if (brProblem != null) { status = 400; code = -32602; message = "Invalid params: " + brProblem; bridgeMethod = ""; bridgeUri = ""; bridgeBody = ""; }
  }
}
`;
}

/** The classifier's result members the later steps read. */
export function classifierResult(plan: Plan): string {
  if (bridged(plan).length === 0) return '';
  return ['result["bridgeMethod"] = bridgeMethod;', 'result["bridgeUri"] = bridgeUri;', 'result["bridgeBody"] = bridgeBody;', 'result["bridgeStructured"] = bridgeStructured;', ''].join('\n');
}

const isBridgedCall = () => expr(`${field('bridgeMethod', 'string')} != ""`);
const jsonHeader = () => el('set-header', { name: 'Content-Type', 'exists-action': 'override' }, el('value', {}, text('application/json')));
const idText = () => `(string)((JObject)context.Variables[${csString(DECISION_VAR)}])["id"]`;

/** A return-response of the gateway acting as the MCP server. */
function answer(status: number, reason: string, body?: string, extra: XmlChild[] = []): XmlChild {
  return el('return-response', {}, el('set-status', { code: status, reason }), ...extra, ...(body === undefined ? [] : [jsonHeader(), el('set-body', {}, text(block(body)))]));
}

function initializeBody(plan: Plan): string {
  const { api } = plan.config;
  const serverInfo = JSON.stringify({ name: api.name, title: api.displayName, version: '1.0.0' });
  return [
    `string brRequested = null;`,
    'var brVersion = JObject.Parse(context.Request.Body.As<string>(preserveContent: true)).SelectToken("params.protocolVersion");',
    'if (brVersion != null && brVersion.Type == JTokenType.String) { brRequested = (string)brVersion; }',
    `string[] brSupported = ${csStringArray([...SERVER_PROTOCOL_VERSIONS])};`,
    // The client's version when the gateway speaks it, else the newest (MCP lifecycle: version negotiation).
    'string brChosen = brRequested != null && Array.IndexOf(brSupported, brRequested) >= 0 ? brRequested : brSupported[0];',
    `return "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":" + ${idText()} + ",\\"result\\":{\\"protocolVersion\\":\\"" + brChosen + "\\",\\"capabilities\\":{\\"tools\\":{\\"listChanged\\":false}},\\"serverInfo\\":" + ${csString(serverInfo)} + "}}";`,
  ].join('\n');
}

/** Without an MCP server, the gateway answers the MCP lifecycle itself (stateless: no session id). */
function serverAnswers(plan: Plan): XmlChild[] {
  const method = field('method', 'string');
  return [
    comment('No MCP server behind this API (every tool is bridged to REST): the gateway answers the MCP lifecycle itself.'),
    el(
      'choose',
      {},
      el('when', { condition: expr('context.Request.Method != "POST"') }, answer(405, 'Method Not Allowed', undefined, [el('set-header', { name: 'Allow', 'exists-action': 'override' }, el('value', {}, text('POST')))])),
      el('when', { condition: expr(`${method} == "initialize"`) }, answer(200, 'OK', initializeBody(plan))),
      el('when', { condition: expr(`${method} == "ping"`) }, answer(200, 'OK', `return "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":" + ${idText()} + ",\\"result\\":{}}";`)),
      el('when', { condition: expr(`(${method}).StartsWith("notifications/")`) }, answer(202, 'Accepted')),
      el('when', { condition: expr(`${method} != "tools/call" && ${method} != "tools/list"`) }, answer(200, 'OK', `return "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":" + ${idText()} + ",\\"error\\":{\\"code\\":-32601,\\"message\\":" + JsonConvert.SerializeObject("Method not found: " + ${method}) + "}}";`)),
    ),
  ];
}

/** The bridged tools/call becomes the REST request. */
function restRequest(plan: Plan): XmlChild[] {
  const auth = plan.config.api.restBackend!.auth;
  const remove = (name: string) => el('set-header', { name, 'exists-action': 'delete' });
  return [
    comment("A bridged tool: the tools/call becomes the REST request built by the classifier. The caller's token and the MCP headers stay here."),
    el(
      'choose',
      {},
      el(
        'when',
        { condition: isBridgedCall() },
        ...['Authorization', 'Mcp-Session-Id', 'MCP-Protocol-Version', 'Mcp-Method', 'Mcp-Name', 'Last-Event-ID', 'Accept-Encoding'].map(remove),
        el('set-header', { name: 'Accept', 'exists-action': 'override' }, el('value', {}, text('application/json'))),
        auth && el('authentication-managed-identity', { resource: auth.resource, ...(auth.clientId ? { 'client-id': auth.clientId } : {}) }),
        el('set-method', {}, text(expr(field('bridgeMethod', 'string')))),
        el('set-backend-service', { 'backend-id': restBackendId(plan.config.api.name) }),
        el('rewrite-uri', { template: expr(field('bridgeUri', 'string')), 'copy-unmatched-params': 'false' }),
        el(
          'choose',
          {},
          el('when', { condition: expr(`${field('bridgeBody', 'string')} != ""`) }, jsonHeader(), el('set-body', {}, text(expr(field('bridgeBody', 'string'))))),
          el('otherwise', {}, remove('Content-Type'), el('set-body', {}, text(expr('""')))),
        ),
      ),
    ),
  ];
}

/** Native mode: the API has no operation policy of ours, so tools/list is answered here. */
function nativeToolsList(plan: Plan): XmlChild[] {
  if (plan.config.api.toolsList !== 'gateway') return [];
  return [
    comment("tools/list from the compiled catalog, filtered to the caller (APIM's own list would show every tool)."),
    el(
      'choose',
      {},
      el(
        'when',
        { condition: expr(`${field('method', 'string')} == "tools/list"`) },
        el('return-response', {}, el('set-status', { code: '200', reason: 'OK' }), jsonHeader(), el('set-header', { name: 'Cache-Control', 'exists-action': 'override' }, el('value', {}, text('no-store'))), el('set-body', {}, text(block(toolsListBody(plan))))),
      ),
    ),
  ];
}

/** The end of inbound: after rate limits and the identity headers. */
export function inboundSteps(plan: Plan): XmlChild[] {
  if (!plan.config.api.restBackend) return [];
  if (isNative(plan)) return nativeToolsList(plan);
  if (bridged(plan).length === 0) return [];
  return [...(serverless(plan) ? serverAnswers(plan) : []), ...restRequest(plan)];
}

/** The REST answer as an MCP tools/call result (never the backend's status: 200, isError for 4xx/5xx). */
function resultBody(): string {
  return [
    `var brDecision = (JObject)context.Variables[${csString(DECISION_VAR)}];`,
    'string brText = context.Response.Body == null ? "" : context.Response.Body.As<string>();',
    'bool brError = context.Response.StatusCode >= 400;',
    'string brStructured = "";',
    // A tool with an outputSchema must answer structuredContent (MCP 2025-06-18): the REST body when it is a JSON object.
    'if ((bool)brDecision["bridgeStructured"] && !brError && brText.TrimStart().StartsWith("{")) {',
    '  try { if (JToken.Parse(brText).Type == JTokenType.Object) { brStructured = ",\\"structuredContent\\":" + brText.Trim(); } } catch (Exception) { }',
    '}',
    'return "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":" + (string)brDecision["id"] + ",\\"result\\":{\\"content\\":[{\\"type\\":\\"text\\",\\"text\\":" + JsonConvert.SerializeObject(brText) + "}]" + brStructured + ",\\"isError\\":" + (brError ? "true" : "false") + "}}";',
  ].join('\n');
}

export function outboundSteps(plan: Plan): XmlChild[] {
  if (!plan.config.api.restBackend || isNative(plan) || bridged(plan).length === 0) return [];
  const remove = (name: string) => el('set-header', { name, 'exists-action': 'delete' });
  return [
    el(
      'choose',
      {},
      el(
        'when',
        { condition: isBridgedCall() },
        comment('The REST answer becomes the tools/call result: the MCP client gets 200 and a JSON-RPC body.'),
        el('set-body', {}, text(block(resultBody()))),
        el('set-status', { code: '200', reason: 'OK' }),
        jsonHeader(),
        ...['Content-Encoding', 'Content-Disposition', 'Location', 'Set-Cookie', 'ETag', 'Last-Modified'].map(remove),
      ),
    ),
  ];
}

/** An unreachable REST service is a tool error the agent can read, not a bare gateway 500. */
export function onErrorSteps(plan: Plan): XmlChild[] {
  if (!plan.config.api.restBackend || isNative(plan) || bridged(plan).length === 0) return [];
  return [
    el(
      'choose',
      {},
      el(
        'when',
        { condition: expr(`context.Variables.ContainsKey(${csString(DECISION_VAR)}) && ${field('bridgeMethod', 'string')} != "" && context.LastError.Source == "forward-request"`) },
        answer(200, 'OK', `return "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":" + ${idText()} + ",\\"result\\":{\\"content\\":[{\\"type\\":\\"text\\",\\"text\\":" + JsonConvert.SerializeObject("The REST service did not answer (" + context.LastError.Reason + ").") + "}],\\"isError\\":true}}";`),
      ),
    ),
  ];
}

/**
 * Native mode: the policy of the REST API whose operations APIM's REST-as-MCP server calls. The
 * caller's token never reaches the REST service; the gateway's managed identity may.
 */
export function restApiPolicy(plan: Plan): string {
  const auth = plan.config.api.restBackend?.auth;
  const inbound = el(
    'inbound',
    {},
    el('base'),
    comment("The caller's token is not passed to the REST service (MCP forbids token passthrough)."),
    el('set-header', { name: 'Authorization', 'exists-action': 'delete' }),
    auth && el('authentication-managed-identity', { resource: auth.resource, ...(auth.clientId ? { 'client-id': auth.clientId } : {}) }),
  );
  return serialize(el('policies', {}, inbound, el('backend', {}, el('base')), el('outbound', {}, el('base')), el('on-error', {}, el('base'))));
}
