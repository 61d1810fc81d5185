/** Transformation: methods, status, variables, body, headers, query, URL, format conversions, responses. */
import { ALL_SCOPES, ALL_SECTIONS, bool, exprText, fixedName, int, notYet, oneOfValues, policy, type PolicySchema, str, textPart } from './schema.ts';

const EXISTS_ACTIONS = ['override', 'skip', 'append', 'delete'];

export const headerValue = textPart('value', exprText('A header value; several values are joined with a comma (or sent as repeated headers for a fixed list of names).', { required: false }));
export const queryValue = textPart('value', exprText('A query parameter value.', { required: false }));

export const setMethod: PolicySchema = policy({
  name: 'set-method',
  category: 'Transformation',
  description: 'Changes the HTTP method of the request.',
  reference: 'set-method-policy',
  sections: ['inbound', 'on-error'],
  scopes: ALL_SCOPES,
  attributes: {},
  content: 'text',
  text: exprText('The HTTP method, e.g. POST.', { required: true, type: { kind: 'string', nonEmpty: true } }),
  emulator: { status: 'supported' },
});

export const setStatus: PolicySchema = policy({
  name: 'set-status',
  category: 'Transformation',
  description: 'Sets the HTTP status code (and reason) of the response.',
  reference: 'set-status-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {
    code: int('HTTP status code.', { min: 100, max: 599 }, { required: true }),
    reason: str('Reason phrase sent with the status code.'),
  },
  content: 'empty',
  emulator: { status: 'supported' },
});

export const setVariable: PolicySchema = policy({
  name: 'set-variable',
  category: 'Transformation',
  description: 'Stores a value in a named context variable (a literal is a System.String; an expression keeps its .NET type).',
  reference: 'set-variable-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {
    name: fixedName('Name of the variable.', { required: true }),
    value: str('Value of the variable: a literal string or an expression.', { required: true }),
  },
  content: 'empty',
  emulator: { status: 'supported' },
});

export const setBody: PolicySchema = policy({
  name: 'set-body',
  category: 'Transformation',
  description: 'Sets the body of the request or response: literal text, an expression, or a Liquid template.',
  reference: 'set-body-policy',
  sections: ['inbound', 'outbound', 'backend'],
  alsoSeenIn: [{ section: 'on-error', evidence: 'Azure-Samples/Apim-Samples samples/oauth-3rd-party/apim-policies/spotify_api.xml' }],
  scopes: ALL_SCOPES,
  attributes: {
    template: oneOfValues(['liquid', 'none'], 'Turns on Liquid templating of the content.', { expression: false }),
    'xsi-nil': oneOfValues(['blank', 'null'], 'How xsi:nil elements appear in a Liquid payload.', { expression: false, default: 'blank' }),
    'parse-date': bool('Whether date strings are parsed as dates by Liquid.', { expression: false, default: 'true' }),
    'html-decode-expression': bool('Whether the expression result is HTML-decoded.', { expression: false }),
  },
  content: 'payload',
  text: exprText('The new body: text, an expression, or a Liquid template.'),
  emulator: {
    status: 'supported',
    gaps: [{ attribute: 'template', value: 'liquid', reason: 'Liquid templates are not rendered: the emulator would use the template text itself as the body' }],
  },
});

export const setHeader: PolicySchema = policy({
  name: 'set-header',
  category: 'Transformation',
  description: 'Adds, replaces, appends to or deletes a request header (inbound/backend) or a response header (outbound/on-error).',
  reference: 'set-header-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {
    name: str('Name of the header.', { required: true, type: { kind: 'string', nonEmpty: true } }),
    'exists-action': oneOfValues(EXISTS_ACTIONS, 'What to do when the header already exists.', { default: 'override' }),
  },
  content: 'elements',
  children: { value: { schema: headerValue } },
  emulator: { status: 'supported' },
});

export const setQueryParameter: PolicySchema = policy({
  name: 'set-query-parameter',
  category: 'Transformation',
  description: 'Adds, replaces, appends to or deletes a query string parameter of the request.',
  reference: 'set-query-parameter-policy',
  sections: ['inbound', 'backend'],
  scopes: ALL_SCOPES,
  attributes: {
    name: str('Name of the query parameter.', { required: true, type: { kind: 'string', nonEmpty: true } }),
    'exists-action': oneOfValues(EXISTS_ACTIONS, 'What to do when the parameter already exists.', { default: 'override' }),
  },
  content: 'elements',
  children: { value: { schema: queryValue } },
  emulator: { status: 'supported' },
});

export const rewriteUri: PolicySchema = policy({
  name: 'rewrite-uri',
  category: 'Transformation',
  description: 'Converts the request URL from its public form to the form the backend expects.',
  reference: 'rewrite-uri-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  attributes: {
    template: str('The new path (and query), relative to the backend base URL; {param} placeholders come from the operation template.', { required: true }),
    'copy-unmatched-params': bool('Append query parameters that the operation template did not match.', { expression: false, default: 'true' }),
  },
  content: 'empty',
  emulator: { status: 'partial', reason: 'the template is used literally: {parameters} of the operation URL template are not substituted' },
});

export const jsonToXml: PolicySchema = policy({
  name: 'json-to-xml',
  category: 'Transformation',
  description: 'Converts the request or response body from JSON to XML.',
  reference: 'json-to-xml-policy',
  sections: ['inbound', 'outbound', 'on-error'],
  scopes: ALL_SCOPES,
  attributes: {
    apply: oneOfValues(['always', 'content-type-json'], 'When to convert.', { required: true }),
    'consider-accept-header': bool('Convert only when XML is asked for in Accept.', { default: 'true' }),
    'parse-date': bool('Convert date values.', { expression: false, default: 'true' }),
    'namespace-separator': str('Character that separates a namespace prefix.', { expression: false, default: '_' }),
    'namespace-prefix': str('Prefix of namespace attributes.', { expression: false }),
    'attribute-block-name': str('Name of the property that holds XML attributes.', { expression: false }),
    'attribute-prefix': str('Prefix of properties that become attributes.', { expression: false }),
    'namespace-block-name': str('Name of the property that holds namespaces.', { expression: false }),
    'invalid-character-replacement': str('Replacement for characters invalid in XML names.', { expression: false }),
    'null-values': str('How JSON nulls are written.', { expression: false }),
    'trim-values': bool('Trim values.', { expression: false }),
    'empty-values': oneOfValues(['preserve', 'as-null'], 'How empty values are written.'),
  },
  content: 'empty',
  emulator: notYet('the XML APIM produces (root element, arrays, attribute blocks, date parsing) is not documented precisely enough to reproduce; the emulator refuses rather than guess'),
});

export const xmlToJson: PolicySchema = policy({
  name: 'xml-to-json',
  category: 'Transformation',
  description: 'Converts the request or response body from XML to JSON.',
  reference: 'xml-to-json-policy',
  sections: ['inbound', 'outbound', 'on-error'],
  scopes: ALL_SCOPES,
  attributes: {
    kind: oneOfValues(['javascript-friendly', 'direct'], 'Conversion style.', { required: true }),
    apply: oneOfValues(['always', 'content-type-xml'], 'When to convert.', { required: true }),
    'consider-accept-header': bool('Convert only when JSON is asked for in Accept.', { default: 'true' }),
    'preserve-whitespace-nodes': bool('Keep whitespace-only nodes.'),
    'empty-values': oneOfValues(['preserve', 'as-null'], 'How empty values are written.'),
    'trim-values': bool('Trim values.'),
    'always-array-child-elements': bool('Always write child elements as arrays.', { default: 'false' }),
  },
  content: 'empty',
  emulator: notYet('the JSON shapes of kind="javascript-friendly" and kind="direct" are not documented precisely enough to reproduce; the emulator refuses rather than guess'),
});

export const findAndReplace: PolicySchema = policy({
  name: 'find-and-replace',
  category: 'Transformation',
  description: 'Replaces every occurrence of a substring in the request or response body.',
  reference: 'find-and-replace-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {
    from: str('The string to find.', { required: true }),
    to: str('The replacement.', { required: true }),
  },
  content: 'empty',
  emulator: { status: 'supported' },
});

export const redirectContentUrls: PolicySchema = policy({
  name: 'redirect-content-urls',
  category: 'Transformation',
  description: 'Rewrites links in the body so that they point to the gateway instead of the backend.',
  reference: 'redirect-content-urls-policy',
  sections: ['inbound', 'outbound'],
  scopes: ALL_SCOPES,
  attributes: {},
  content: 'empty',
  emulator: notYet('no redirect-content-urls handler yet'),
});

export const xslTransform: PolicySchema = policy({
  name: 'xsl-transform',
  category: 'Transformation',
  description: 'Applies an XSL transformation (an xsl:stylesheet child, with optional parameter children) to an XML body.',
  reference: 'xsl-transform-policy',
  sections: ['inbound', 'outbound'],
  scopes: ALL_SCOPES,
  attributes: {},
  content: 'payload',
  emulator: notYet('XSLT is not implemented'),
});

export const returnResponse: PolicySchema = policy({
  name: 'return-response',
  category: 'Transformation',
  description: 'Ends the pipeline and returns the response built by its set-status, set-header and set-body children (200 OK, empty, by default).',
  reference: 'return-response-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {
    'response-variable-name': fixedName('Variable holding a send-request response to start from.'),
  },
  content: 'elements',
  children: { 'set-status': { schema: setStatus, max: 1 }, 'set-header': { schema: setHeader }, 'set-body': { schema: setBody, max: 1 } },
  emulator: {
    status: 'supported',
  },
});

export const mockResponse: PolicySchema = policy({
  name: 'mock-response',
  category: 'Transformation',
  description: "Ends the pipeline and returns a sample response from the API definition's examples.",
  reference: 'mock-response-policy',
  sections: ['inbound', 'outbound', 'on-error'],
  scopes: ALL_SCOPES,
  attributes: {
    'status-code': int('Status code of the mocked response.', { min: 100, max: 599 }, { expression: false, default: '200' }),
    'content-type': str('Content type of the example to return.', { expression: false }),
    index: int('Which example to return.', { min: 0 }, { expression: false }),
    enabled: bool('Whether the policy runs.', { expression: false }),
  },
  content: 'empty',
  emulator: { status: 'partial', reason: 'answers with the status and content type but an empty body: APIM takes the body from the OpenAPI examples, which the emulator does not load' },
});

export const transformationPolicies: readonly PolicySchema[] = [
  setMethod,
  setStatus,
  setVariable,
  setBody,
  setHeader,
  setQueryParameter,
  rewriteUri,
  jsonToXml,
  xmlToJson,
  findAndReplace,
  redirectContentUrls,
  xslTransform,
  returnResponse,
  mockResponse,
];
