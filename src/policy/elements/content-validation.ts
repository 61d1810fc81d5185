/** Content validation: bodies, parameters, headers, status codes and OData requests against the API schema. */
import { ALL_SCOPES, bool, type ElementSchema, fixedName, int, notYet, oneOfValues, policy, type PolicySchema, str } from './schema.ts';

const SCHEMA_REASON = 'needs the API schema (OpenAPI/WSDL definitions), which the emulator does not load';
const mode = (description: string, required = true) => oneOfValues(['ignore', 'prevent', 'detect'], description, { required });
const errorsVariable = fixedName('Variable that receives the validation errors.');

const contentTypeMapping: ElementSchema = {
  name: 'type',
  kind: 'part',
  description: 'Maps a content type to another for validation.',
  attributes: { from: str('Incoming content type.', { expression: false }), when: { type: { kind: 'boolean' }, expression: true, description: 'Condition for the mapping.' }, to: str('Content type used for validation.', { required: true, expression: false }) },
  content: 'empty',
};
const content: ElementSchema = {
  name: 'content',
  kind: 'part',
  description: 'How one content type is validated.',
  attributes: {
    type: str('Content type.', { expression: false }),
    'validate-as': oneOfValues(['json', 'xml', 'soap'], 'Validation engine.', { required: true, expression: false }),
    action: mode('Action on a validation failure.'),
    'schema-id': str('Schema to validate against.', { expression: false }),
    'schema-ref': str('Definition within the schema.', { expression: false }),
    'allow-additional-properties': bool('Allow properties the schema does not list.', { expression: false }),
    'case-insensitive-property-names': bool('Match property names case-insensitively.', { expression: false }),
  },
  content: 'empty',
};

export const validateContent: PolicySchema = policy({
  name: 'validate-content',
  category: 'Content validation',
  description: 'Validates the size or content of a request or response body against the API schemas.',
  reference: 'validate-content-policy',
  sections: ['inbound', 'outbound', 'on-error'],
  scopes: ALL_SCOPES,
  attributes: {
    'unspecified-content-type-action': mode('Action for content types the API does not specify.'),
    'max-size': int('Maximum body size in bytes (at most 102,400).', { min: 0, max: 102400 }, { required: true }),
    'size-exceeded-action': mode('Action when the body is larger.'),
    'errors-variable-name': errorsVariable,
  },
  content: 'elements',
  children: {
    'content-type-map': {
      schema: { name: 'content-type-map', kind: 'part', description: 'Content type mappings.', attributes: { 'any-content-type-value': str('Type used for any content type.', { expression: false }), 'missing-content-type-value': str('Type used when none is given.', { expression: false }) }, content: 'elements', children: { type: { schema: contentTypeMapping } } },
      max: 1,
    },
    content: { schema: content },
  },
  emulator: { status: 'partial', reason: 'checks the size limit and JSON well-formedness; schemas are not validated (' + SCHEMA_REASON + ')' },
});

const parameter: ElementSchema = { name: 'parameter', kind: 'part', description: 'Action for one named parameter.', attributes: { name: str('Parameter name.', { required: true, expression: false }), action: mode('Action on a validation failure.') }, content: 'empty' };
const parameterGroup = (name: string, withUnspecified: boolean): ElementSchema => ({
  name,
  kind: 'part',
  description: `Overrides for ${name} parameters.`,
  attributes: { 'specified-parameter-action': mode('Action for parameters the schema specifies.'), ...(withUnspecified ? { 'unspecified-parameter-action': mode('Action for parameters the schema does not specify.') } : {}) },
  content: 'elements',
  children: { parameter: { schema: parameter } },
});

export const validateParameters: PolicySchema = policy({
  name: 'validate-parameters',
  category: 'Content validation',
  description: 'Validates request header, query and path parameters against the API schema.',
  reference: 'validate-parameters-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  attributes: { 'specified-parameter-action': mode('Action for parameters the schema specifies.'), 'unspecified-parameter-action': mode('Action for parameters the schema does not specify.'), 'errors-variable-name': errorsVariable },
  content: 'elements',
  children: { headers: { schema: parameterGroup('headers', true), max: 1 }, query: { schema: parameterGroup('query', true), max: 1 }, path: { schema: parameterGroup('path', false), max: 1 } },
  emulator: notYet(SCHEMA_REASON),
});

export const validateHeaders: PolicySchema = policy({
  name: 'validate-headers',
  category: 'Content validation',
  description: 'Validates response headers against the API schema.',
  reference: 'validate-headers-policy',
  sections: ['outbound', 'on-error'],
  scopes: ALL_SCOPES,
  attributes: { 'specified-header-action': mode('Action for headers the schema specifies.'), 'unspecified-header-action': mode('Action for headers the schema does not specify.'), 'errors-variable-name': errorsVariable },
  content: 'elements',
  children: { header: { schema: { name: 'header', kind: 'part', description: 'Action for one named header.', attributes: { name: str('Header name.', { required: true, expression: false }), action: mode('Action on a validation failure.') }, content: 'empty' } } },
  emulator: notYet(SCHEMA_REASON),
});

export const validateStatusCode: PolicySchema = policy({
  name: 'validate-status-code',
  category: 'Content validation',
  description: 'Validates response status codes against the API schema.',
  reference: 'validate-status-code-policy',
  sections: ['outbound', 'on-error'],
  scopes: ALL_SCOPES,
  attributes: { 'unspecified-status-code-action': mode('Action for status codes the schema does not specify.'), 'errors-variable-name': errorsVariable },
  content: 'elements',
  children: { 'status-code': { schema: { name: 'status-code', kind: 'part', description: 'Action for one status code.', attributes: { code: int('Status code.', { min: 100, max: 599 }, { required: true, expression: false }), action: mode('Action on a validation failure.') }, content: 'empty' } } },
  emulator: notYet(SCHEMA_REASON),
});

export const validateOdataRequest: PolicySchema = policy({
  name: 'validate-odata-request',
  category: 'Content validation',
  description: 'Validates a request to an OData API against the OData specification.',
  reference: 'validate-odata-request-policy',
  sections: ['inbound'],
  scopes: ALL_SCOPES,
  attributes: {
    'error-variable-name': fixedName('Variable that receives the validation errors.'),
    'default-odata-version': str('OData version assumed when the request has none.', { expression: false, default: '4.0' }),
    'min-odata-version': str('Minimum OData version accepted.', { expression: false }),
    'max-odata-version': str('Maximum OData version accepted.', { expression: false }),
    'max-size': int('Maximum request payload size in bytes.', { min: 0 }, { expression: false }),
  },
  content: 'empty',
  emulator: notYet('OData validation is not implemented'),
});

export const contentValidationPolicies: readonly PolicySchema[] = [validateContent, validateOdataRequest, validateParameters, validateHeaders, validateStatusCode];
