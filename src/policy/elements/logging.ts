/** Logging: traces and custom metrics. */
import { ALL_SCOPES, ALL_SECTIONS, bool, type ElementSchema, exprText, fixedName, num, oneOfValues, policy, type PolicySchema, str, textPart } from './schema.ts';

export const dimension: ElementSchema = {
  name: 'dimension',
  kind: 'part',
  description: 'A metric dimension; value may be omitted for the default dimensions (API ID, Operation ID, …).',
  attributes: { name: fixedName('Dimension name.', { required: true }), value: str('Dimension value.') },
  content: 'empty',
};

const traceMetadata: ElementSchema = {
  name: 'metadata',
  kind: 'part',
  description: 'A name-value pair added to the Application Insights trace telemetry.',
  attributes: { name: str('Property name.', { required: true, expression: false }), value: str('Property value.', { required: true }) },
  content: 'empty',
};

export const trace: PolicySchema = policy({
  name: 'trace',
  category: 'Logging',
  description: 'Adds a custom trace to the request trace, Application Insights and resource logs.',
  reference: 'trace-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {
    source: str('Source shown in the trace viewer.', { required: true, expression: false }),
    severity: oneOfValues(['verbose', 'information', 'error'], 'Severity of the trace.', { expression: false, default: 'verbose' }),
  },
  content: 'elements',
  // The older form writes the message as the element's own text.
  text: exprText('The message (older form, without a message element).'),
  children: {
    message: { schema: textPart('message', exprText('The message: a string or an expression.', { required: false })), max: 1 },
    metadata: { schema: traceMetadata },
  },
  emulator: { status: 'supported' },
});

export const emitMetric: PolicySchema = policy({
  name: 'emit-metric',
  category: 'Logging',
  description: 'Sends a custom metric to Application Insights.',
  reference: 'emit-metric-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {
    name: fixedName('Metric name.', { required: true }),
    namespace: str('Metric namespace.', { expression: false, default: 'API Management' }),
    value: num('Metric value.', {}, { default: '1' }),
    'default-dimensions': bool('Add the default dimensions.', { expression: false }),
  },
  content: 'elements',
  children: { dimension: { schema: dimension, max: 10 } },
  emulator: { status: 'supported', reason: 'the metric and its dimensions are evaluated and written to the request trace instead of Azure Monitor' },
});

export const loggingPolicies: readonly PolicySchema[] = [trace, emitMetric];
