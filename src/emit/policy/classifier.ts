import type { Plan } from '../../plan/types.ts';
import * as bridge from './bridge.ts';
import { csString } from './csharp.ts';
import { methodCondition } from './methods.ts';
import { csMaskHas, roleMask } from './role-mask.ts';
import { TOKEN_VAR } from './token.ts';

/** Nesting deeper than this is refused (Newtonsoft's own reader stops at 64 too). */
export const MAX_JSON_DEPTH = 64;

const csharpEscape = (code: number): string => `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
/** C# literal: the quote, the backslash and the 32 control characters. */
const STRING_STOPS = `"\\"\\\\${Array.from({ length: 32 }, (_, c) => csharpEscape(c)).join('')}"`;
/** C# literal: the characters the member-name fold changes (A–Z, ſ, K, ı, İ). */
const FOLDABLE = `"ABCDEFGHIJKLMNOPQRSTUVWXYZ${[0x017f, 0x212a, 0x0131, 0x0130].map(csharpEscape).join('')}"`;

/**
 * The C# body of the request classifier: one `@{…}` block that reads the request once and
 * returns a JObject with the decision (DESIGN §4.1, checks in order: shape, authorization).
 * The token itself was validated by the policy before this runs.
 *
 * The body is read with a strict RFC 8259 scanner written out here, not with JObject.Parse:
 * Newtonsoft accepts comments, single quotes and unquoted names, keeps the last of duplicate
 * keys, and turns date-like strings into DateTime — each a way for the gateway and the MCP
 * server to read one body differently. APIM's allowed types do not include JsonLoadSettings
 * (which could reject duplicates), so the scanner also rejects duplicate member names.
 * The scan is one pass over the body; the tool lookup is a `switch` (hashed by the C# compiler),
 * so per-request cost does not grow with the catalog.
 *
 * Result members: status (0 = allowed), code (JSON-RPC error code), message, id (the request
 * id's JSON text exactly as the client wrote it, echoed in answers), method, tool, role (the
 * role whose grant applies), agent, decision, limitCalls/limitPeriod/limitKey (the per-role
 * rate limit, if any).
 */
export function classifierBody(plan: Plan): string {
  const { config } = plan;
  const apiKey = `mcp-apim|${config.api.name}|`;
  return `// mcp-apim request classifier (generated; see docs/policy.md)
string text = context.Request.Body == null ? "" : context.Request.Body.As<string>(preserveContent: true);
int status = 0;
int code = 0;
string message = "";
string idText = "null";
string method = context.Request.Method;
string tool = "";
string role = "";
int limitCalls = 0;
int limitPeriod = 0;
string limitKey = "";
// The token validate-azure-ad-token / validate-jwt accepted: never the header read a second time,
// so no difference in how the header is read can put another token's claims here.
var jwt = context.Variables.ContainsKey(${csString(TOKEN_VAR)}) ? (Jwt)context.Variables[${csString(TOKEN_VAR)}] : null;
string[] roles = null;
if (jwt == null || !jwt.Claims.TryGetValue("roles", out roles)) { roles = new string[0]; }
var held = new HashSet<string>(roles);
string agent = jwt == null ? "" : jwt.Claims.GetValueOrDefault(${csString(config.identity.agentClaim)}, "");
// The caller's roles as indexes in generosity order (bits of the group masks).
var roleIndexes = new List<int>();
foreach (string r in roles) {
  int k = -1;
  switch (r) {
${plan.roleOrder.map((r, k) => `    case ${csString(r)}: k = ${k}; break;`).join('\n')}
  }
  if (k >= 0 && !roleIndexes.Contains(k)) { roleIndexes.Add(k); }
}
bool anyRole = roleIndexes.Count > 0;
bool isPost = method == "POST";
// GET (the SSE stream) and DELETE (end of session) carry no JSON-RPC message: a body there is
// never read by the checks below, so it is refused rather than forwarded unread.
if (!isPost && text.Length > 0) {
  status = 400; code = -32600; message = "Invalid Request: a " + method + " request carries no body";
}
// ---- 2. shape (400, 413)
string jsonrpc = null; int jsonrpcType = 0;
int methodType = 0;
int idType = 0;
int paramsType = 0;
string name = null; int nameType = 0;
string uri = null;
bool blocked = false;
if (isPost) {
  long declared = 0;
  string contentType = context.Request.Headers.GetValueOrDefault("Content-Type", "");
  if (long.TryParse(context.Request.Headers.GetValueOrDefault("Content-Length", "0"), out declared) && declared > ${config.security.maxBodyBytes}) {
    status = 413; code = -32600; message = "Request body is larger than ${config.security.maxBodyBytes} bytes";
  } else if (Encoding.UTF8.GetByteCount(text) > ${config.security.maxBodyBytes}) {
    status = 413; code = -32600; message = "Request body is larger than ${config.security.maxBodyBytes} bytes";
  } else {
    // The media type exactly (not application/json-patch+json, not application/jsonp), and no
    // charset but UTF-8: a server that decodes another charset reads other text than this scan.
    string[] typeParts = contentType.Split(';');
    bool jsonType = typeParts[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);
    for (int p = 1; p < typeParts.Length; p++) {
      string parameter = typeParts[p].Trim();
      if (parameter.StartsWith("charset=", StringComparison.OrdinalIgnoreCase) && !parameter.Substring(8).Trim('"', ' ').Equals("utf-8", StringComparison.OrdinalIgnoreCase)) { jsonType = false; }
    }
    if (!jsonType) { status = 400; code = -32600; message = "Content-Type must be application/json (UTF-8)"; }
  }
  // Strict RFC 8259 scan. expect: 0 value, 1 first member or '}', 2 member, 3 ':', 4 ',' or close, 5 first element or ']'
  int n = text.Length;
  int i = 0;
  int depth = 0;
  var kinds = new int[${MAX_JSON_DEPTH + 2}];
  var scopes = new int[${MAX_JSON_DEPTH + 2}];
  var seen = new HashSet<string>[${MAX_JSON_DEPTH + 2}];
  string key = null;
  // In the message and params objects, member names are also compared case-folded (ASCII case,
  // and the Unicode letters that fold to ASCII: ſ→s, K (Kelvin)→k, ı and İ→i): a server whose JSON
  // reader matches names case-insensitively (Go's encoding/json, CVE-2026-27896) would read
  // "Method" after "method" as the method. Such pairs are duplicates; a lone "Params" stays an
  // unknown member.
  string keyFolded = null;
  // Where a run of plain string characters ends: a quote, a backslash, or a control character
  // (never allowed raw in a JSON string). Letters that change when case-folded, to fold only
  // the names that have one.
  var stringStops = ${STRING_STOPS}.ToCharArray();
  var foldable = ${FOLDABLE}.ToCharArray();
  int expect = 0;
  bool done = false;
  bool topObject = false;
  string bad = null;
  int badCode = -32700;
  while (status == 0 && bad == null && i < n) {
    char c = text[i];
    if (c == ' ' || c == '\\t' || c == '\\n' || c == '\\r') { i++; continue; }
    if (done) { bad = "Parse error: unexpected data after the JSON value"; break; }
    if (expect == 3) {
      if (c != ':') { bad = "Parse error: expected ':'"; break; }
      i++; expect = 0; continue;
    }
    if (expect == 4 || (expect == 1 && c == '}') || (expect == 5 && c == ']')) {
      if (expect == 4 && c == ',') { i++; expect = kinds[depth] == 1 ? 2 : 0; continue; }
      if ((c == '}' && kinds[depth] == 1) || (c == ']' && kinds[depth] == 2)) {
        i++; depth--;
        if (depth == 0) { done = true; } else { expect = 4; }
        continue;
      }
      bad = "Parse error: expected ',' or the end of the " + (kinds[depth] == 1 ? "object" : "array"); break;
    }
    int scope = depth == 0 ? 0 : scopes[depth];
    string slot = "";
    if (expect == 0 || expect == 5) {
      if (scope == 1 && (key == "jsonrpc" || key == "id" || key == "method" || key == "params")) { slot = key; }
      else if (scope == 2 && (key == "name" || key == "uri")) { slot = key; }
    }
    int valueStart = i;
    int valueType = 0;
    string str = null;
    if (c == '"') {
      i++;
      bool closed = false;
      int stop = text.IndexOfAny(stringStops, i);
      if (stop >= 0 && text[stop] == '"') {
        // the common case, a string without escapes or control characters: one substring
        str = text.Substring(i, stop - i); i = stop + 1; closed = true;
      }
      var sb = closed ? null : new StringBuilder();
      while (!closed && i < n) {
        // copy the run up to the next quote, backslash or control character at once
        stop = text.IndexOfAny(stringStops, i);
        if (stop < 0) { stop = n; }
        if (stop > i) {
          sb.Append(text, i, stop - i);
          i = stop;
          continue;
        }
        char ch = text[i];
        if (ch == '"') { closed = true; i++; str = sb.ToString(); break; }
        if (ch < ' ') { bad = "Parse error: control character in a string"; break; }
        if (i + 1 >= n) { break; }
        char e = text[i + 1];
        if (e == '"' || e == '\\\\' || e == '/') { sb.Append(e); i += 2; }
        else if (e == 'b') { sb.Append('\\b'); i += 2; }
        else if (e == 'f') { sb.Append('\\f'); i += 2; }
        else if (e == 'n') { sb.Append('\\n'); i += 2; }
        else if (e == 'r') { sb.Append('\\r'); i += 2; }
        else if (e == 't') { sb.Append('\\t'); i += 2; }
        else if (e == 'u' && i + 6 <= n && Regex.IsMatch(text.Substring(i + 2, 4), "^[0-9A-Fa-f]{4}$")) { sb.Append((char)Convert.ToInt32(text.Substring(i + 2, 4), 16)); i += 6; }
        else { bad = "Parse error: invalid escape in a string"; break; }
      }
      if (bad != null) { break; }
      if (!closed) { bad = "Parse error: unterminated string"; break; }
      if (expect == 1 || expect == 2) {
        string folded = null;
        if ((scope == 1 || scope == 2) && str.IndexOfAny(foldable) < 0) { folded = str; }
        else if (scope == 1 || scope == 2) {
          var fb = new StringBuilder();
          foreach (char fc in str) { fb.Append(fc >= 'A' && fc <= 'Z' ? (char)(fc + 32) : fc == '\\u017F' ? 's' : fc == '\\u212A' ? 'k' : (fc == '\\u0131' || fc == '\\u0130') ? 'i' : fc); }
          folded = fb.ToString();
        }
        if (!seen[depth].Add(folded ?? str)) { bad = "Invalid Request: duplicate member " + JsonConvert.SerializeObject(str); badCode = -32600; break; }
        if (scope == 3) {
${blockPatternChecks(plan, '          ')}
        }
        key = str; keyFolded = folded; expect = 3; continue;
      }
      valueType = 1;
      if (scope == 3 || (scope == 2 && keyFolded == "arguments")) {
${blockPatternChecks(plan, '        ')}
      }
    } else if (expect == 1 || expect == 2) {
      bad = "Parse error: expected a member name in double quotes"; break;
    } else if (c == '{' || c == '[') {
      if (depth >= ${MAX_JSON_DEPTH}) { bad = "Invalid Request: JSON nested deeper than ${MAX_JSON_DEPTH} levels"; badCode = -32600; break; }
      int inner = 0;
      if (depth == 0) { inner = c == '{' ? 1 : 0; topObject = c == '{'; }
      else if (scope == 1 && key == "params" && c == '{') { inner = 2; }
      else if (scope == 3 || (scope == 2 && keyFolded == "arguments")) { inner = 3; }
      i++; depth++;
      kinds[depth] = c == '{' ? 1 : 2;
      scopes[depth] = inner;
      if (c == '{') { seen[depth] = new HashSet<string>(); expect = 1; } else { expect = 5; }
      valueType = c == '{' ? 4 : 5;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      if (c == '-') { i++; }
      if (i < n && text[i] == '0') { i++; }
      else if (i < n && text[i] >= '1' && text[i] <= '9') { while (i < n && text[i] >= '0' && text[i] <= '9') { i++; } }
      else { bad = "Parse error: invalid number"; break; }
      if (i < n && text[i] == '.') {
        i++; int digits = i;
        while (i < n && text[i] >= '0' && text[i] <= '9') { i++; }
        if (i == digits) { bad = "Parse error: invalid number"; break; }
      }
      if (i < n && (text[i] == 'e' || text[i] == 'E')) {
        i++;
        if (i < n && (text[i] == '+' || text[i] == '-')) { i++; }
        int digits = i;
        while (i < n && text[i] >= '0' && text[i] <= '9') { i++; }
        if (i == digits) { bad = "Parse error: invalid number"; break; }
      }
      valueType = 2;
    } else if (i + 4 <= n && (text.Substring(i, 4) == "true" || text.Substring(i, 4) == "null")) {
      valueType = text[i] == 't' ? 3 : 6; i += 4;
    } else if (i + 5 <= n && text.Substring(i, 5) == "false") {
      valueType = 3; i += 5;
    } else {
      bad = "Parse error: unexpected character"; break;
    }
    if (slot == "jsonrpc") { jsonrpcType = valueType; jsonrpc = str; }
    else if (slot == "method") { methodType = valueType; if (valueType == 1) { method = str; } }
    else if (slot == "id") { idType = valueType; if (valueType == 1 || valueType == 2 || valueType == 6) { idText = text.Substring(valueStart, i - valueStart); } }
    else if (slot == "params") { paramsType = valueType; }
    else if (slot == "name") { nameType = valueType; name = str; }
    else if (slot == "uri" && valueType == 1) { uri = str; }
    if (valueType != 4 && valueType != 5) {
      if (depth == 0) { done = true; } else { expect = 4; }
    }
  }
  if (status == 0) {
    if (bad == null && !done) { bad = n == 0 ? "Parse error: empty body" : "Parse error: unexpected end of the body"; }
    if (bad != null) { status = 400; code = badCode; message = bad; idText = "null"; }
    else if (!topObject) { status = 400; code = -32600; message = "Invalid Request: the body must be a single JSON-RPC object (batches are not accepted)"; }
    else if (jsonrpcType != 1 || jsonrpc != "2.0") { status = 400; code = -32600; message = "Invalid Request: jsonrpc must be \\"2.0\\""; }
    else if (methodType != 1) { status = 400; code = -32600; message = "Invalid Request: method must be a string"; }
    else if (idType != 0 && idType != 1 && idType != 2 && idType != 6) { status = 400; code = -32600; message = "Invalid Request: id must be a string, a number or null"; idText = "null"; }
    else if (paramsType != 0 && paramsType != 4) { status = 400; code = -32602; message = "Invalid params: params must be an object"; }
    else if (method == "tools/call" && nameType != 1) { status = 400; code = -32602; message = "Invalid params: params.name must be a string"; }
  }
  if (status == 0) {
    // Mcp-Method / Mcp-Name (2026-07-28) must agree with the body at every protocol version.
    string expectedName = method == "resources/read" ? uri : (method == "tools/call" || method == "prompts/get") ? name : null;
    string headerMethod = context.Request.Headers.GetValueOrDefault("Mcp-Method", null);
    string headerName = context.Request.Headers.GetValueOrDefault("Mcp-Name", null);
    // =?base64?…?= values are decoded first; one that is not valid base64 can match nothing.
    if (headerMethod != null && headerMethod.StartsWith("=?base64?") && headerMethod.EndsWith("?=") && headerMethod.Length >= 11) {
      string b64 = headerMethod.Substring(9, headerMethod.Length - 11);
      headerMethod = b64.Length % 4 == 0 && Regex.IsMatch(b64, "^[A-Za-z0-9+/]*={0,2}$") ? Encoding.UTF8.GetString(Convert.FromBase64String(b64)) : "=?invalid?=";
    }
    if (headerName != null && headerName.StartsWith("=?base64?") && headerName.EndsWith("?=") && headerName.Length >= 11) {
      string b64 = headerName.Substring(9, headerName.Length - 11);
      headerName = b64.Length % 4 == 0 && Regex.IsMatch(b64, "^[A-Za-z0-9+/]*={0,2}$") ? Encoding.UTF8.GetString(Convert.FromBase64String(b64)) : "=?invalid?=";
    }
    if (headerMethod != null && headerMethod != method) { status = 400; code = -32020; message = "Header mismatch: Mcp-Method does not match the body"; }
    else if (headerName != null && headerName != expectedName) { status = 400; code = -32020; message = "Header mismatch: Mcp-Name does not match the body"; }
    else if (headerName == null && method == "tools/call" && context.Request.Headers.GetValueOrDefault("MCP-Protocol-Version", "") == "2026-07-28") { status = 400; code = -32020; message = "Header mismatch: Mcp-Name is required on tools/call"; }
  }
}
// ---- 3. authorization (403)
if (status == 0 && !anyRole) {
  status = 403; code = -32003; message = "Forbidden: the caller holds no role of this gateway";
}
if (status == 0 && isPost && method != "tools/call") {
  bool open = method == "initialize" || method == "ping" || method == "tools/list" || method.StartsWith("notifications/");
${methodGrants(plan)}
  if (!open) { status = 403; code = -32003; message = "Forbidden: method " + method + " is not allowed"; }
}
if (status == 0 && isPost && method == "tools/call") {
  tool = name;
  // Tool → mask of the roles that may call it: a hashed switch, constant time in the catalog size.
  string mask = null;
  switch (name) {
${toolSwitch(plan)}
  }
  if (mask == null) { status = 403; code = -32003; message = "Forbidden: tool " + JsonConvert.SerializeObject(name) + " is not in the catalog"; }
  else {
    int best = -1;
    foreach (int k in roleIndexes) {
      if (${csMaskHas('mask', 'k')} && (best < 0 || k < best)) { best = k; }
    }
    if (best < 0) { status = 403; code = -32003; message = "Forbidden: no role of the caller allows tool " + JsonConvert.SerializeObject(name); }
    else if (blocked) { status = 400; code = -32602; message = "Invalid params: the arguments contain a blocked pattern"; }
    else {
      switch (best) {
${roleCases(plan, apiKey)}
      }
    }
  }
}
${bridge.classifierStep(plan)}var result = new JObject();
result["status"] = status;
result["code"] = code;
result["message"] = message;
result["id"] = idText;
result["method"] = method;
result["tool"] = tool;
result["role"] = role;
result["agent"] = agent;
result["roleIndexes"] = new JArray(roleIndexes);
result["decision"] = status == 0 ? "allow" : status == 403 ? "deny" : "invalid";
result["limitCalls"] = limitCalls;
result["limitPeriod"] = limitPeriod;
result["limitKey"] = limitKey;
${bridge.classifierResult(plan)}return result;`;
}

function blockPatternChecks(plan: Plan, pad: string): string {
  const patterns = plan.config.security.blockPatterns;
  if (patterns.length === 0) return `${pad}// no blockPatterns configured`;
  return patterns.map((p) => `${pad}if (str.Contains(${csString(p)})) { blocked = true; }`).join('\n');
}

function methodGrants(plan: Plan): string {
  const lines: string[] = [];
  for (const role of plan.roles) {
    if (role.methods.length === 0) continue;
    lines.push(`  if (!open && held.Contains(${csString(role.value)}) && (${role.methods.map((m) => methodCondition(m)).join(' || ')})) { open = true; }`);
  }
  return lines.length > 0 ? lines.join('\n') : '  // no role opens further methods';
}

function toolSwitch(plan: Plan): string {
  const lines: string[] = [];
  for (const group of plan.groups) {
    for (const tool of group.tools) lines.push(`    case ${csString(tool)}:`);
    lines.push(`      mask = ${csString(roleMask(group.roles, plan.roleOrder))};`, '      break;');
  }
  return lines.join('\n');
}

/** Per role index: the role value and its rate limit (a counter key per role, agent and/or tool). */
function roleCases(plan: Plan, apiKey: string): string {
  const lines: string[] = [];
  plan.roleOrder.forEach((value, k) => {
    const limit = plan.roles.find((r) => r.value === value)!.rateLimit;
    lines.push(`        case ${k}:`, `          role = ${csString(value)};`);
    if (limit) {
      const parts = [csString(`${apiKey}role|${value}|`)];
      if (limit.per.includes('agent')) parts.push('agent');
      parts.push('"|"');
      if (limit.per.includes('tool')) parts.push('tool');
      lines.push(`          limitCalls = ${limit.calls}; limitPeriod = ${limit.renewalPeriod}; limitKey = ${parts.join(' + ')};`);
    }
    lines.push('          break;');
  });
  return lines.join('\n');
}
