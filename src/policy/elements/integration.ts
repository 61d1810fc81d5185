/** Integration and external communication: side requests, Event Hubs, Service Bus, Dapr. */
import { authenticationCertificate, authenticationManagedIdentity } from './authentication.ts';
import { proxy } from './routing.ts';
import { ALL_SCOPES, ALL_SECTIONS, bool, type ElementSchema, exprText, fixedName, type ChildSpec, int, listPart, notYet, oneOfValues, policy, type PolicySchema, str, textPart } from './schema.ts';
import { setBody, setHeader, setMethod } from './transformation.ts';

const DAPR = 'Dapr runs only beside a self-hosted gateway; the emulator has no Dapr sidecar';

const setUrl = textPart('set-url', exprText('URL of the request.', { type: { kind: 'string', nonEmpty: true } }));

/** The request a send-request or send-one-way-request builds. */
const requestChildren: Readonly<Record<string, ChildSpec>> = {
  'set-url': { schema: setUrl, max: 1 },
  'set-method': { schema: setMethod, max: 1 },
  'set-header': { schema: setHeader },
  'set-body': { schema: setBody, max: 1 },
  'authentication-certificate': { schema: authenticationCertificate, max: 1 },
  'authentication-managed-identity': { schema: authenticationManagedIdentity, max: 1 },
  proxy: { schema: proxy, max: 1 },
};

/** send-request and send-one-way-request run the same way in the emulator. */
const SEND_PORT_SUPPORT = {
  status: 'partial',
  reason: "outbound calls go through the runtime's send port: policy cases and the corpus run answer them, while mcp-apim test and policy run have no recorded side answers, so a call fails with BackendConnectionFailure (or carries on with a null response when ignore-error is true)",
} as const;

export const sendRequest: PolicySchema = policy({
  name: 'send-request',
  category: 'Integration and external communication',
  description: 'Sends a request and stores the response (an IResponse) in a variable.',
  reference: 'send-request-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {
    mode: oneOfValues(['new', 'copy'], 'A new request, or a copy of the current one.', { default: 'new' }),
    'response-variable-name': fixedName('Variable that receives the response.', { required: true }),
    timeout: int('Seconds before the call fails.', { min: 1 }, { default: '60' }),
    'timeout-ms': int('Milliseconds before the call fails.', { min: 1 }),
    'ignore-error': bool('On error, continue with the variable set to null.', { expression: false, default: 'false' }),
    'buffer-response': bool('Buffer the response.', { expression: false, default: 'true' }),
    'fail-on-error-status-code': bool('Treat 400–599 answers as errors.', { expression: false, default: 'false' }),
  },
  content: 'elements',
  children: requestChildren,
  emulator: SEND_PORT_SUPPORT,
});

export const sendOneWayRequest: PolicySchema = policy({
  name: 'send-one-way-request',
  category: 'Integration and external communication',
  description: 'Sends a request without waiting for the response.',
  reference: 'send-one-way-request-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {
    mode: oneOfValues(['new', 'copy'], 'A new request, or a copy of the current one.', { default: 'new' }),
    timeout: int('Seconds before the call fails.', { min: 1 }, { expression: false, default: '60' }),
  },
  content: 'elements',
  children: requestChildren,
  emulator: SEND_PORT_SUPPORT,
});

export const logToEventhub: PolicySchema = policy({
  name: 'log-to-eventhub',
  category: 'Integration and external communication',
  description: 'Sends its text (a string or an expression) to an Event Hub through a logger.',
  reference: 'log-to-eventhub-policy',
  sections: ALL_SECTIONS,
  scopes: ALL_SCOPES,
  attributes: {
    'logger-id': fixedName('Identifier of the Event Hub logger.', { required: true }),
    'partition-id': str('Partition to send to.'),
    'partition-key': str('Partition key.'),
  },
  content: 'text',
  text: exprText('The message.', { required: true }),
  emulator: { status: 'supported', reason: 'the message is evaluated and written to the request trace instead of an Event Hub' },
});

const messageProperty = textPart('message-property', exprText('Property value.'), { name: str('Property name.', { required: true }) });
export const sendServiceBusMessage: PolicySchema = policy({
  name: 'send-service-bus-message',
  category: 'Integration and external communication',
  description: 'Sends a message to an Azure Service Bus queue or topic (preview).',
  reference: 'send-service-bus-message-policy',
  sections: ['inbound', 'outbound', 'on-error'],
  scopes: ALL_SCOPES,
  attributes: {
    'queue-name': str('Queue to send to.'),
    'topic-name': str('Topic to send to.'),
    namespace: str('Fully qualified name of the Service Bus namespace.'),
    'client-id': str('Client ID of a user-assigned identity.'),
  },
  oneOf: [{ attributes: ['queue-name', 'topic-name'], exactlyOne: true }],
  content: 'elements',
  children: {
    payload: { schema: textPart('payload', exprText('The message payload.')), min: 1, max: 1 },
    'message-properties': { schema: listPart('message-properties', 'Properties set on the message.', messageProperty, 0), max: 1 },
  },
  emulator: notYet('no Service Bus sink yet'),
});

export const publishToDapr: PolicySchema = policy({
  name: 'publish-to-dapr',
  category: 'Integration and external communication',
  description: 'Publishes its content to a Dapr pub/sub topic.',
  reference: 'publish-to-dapr-policy',
  sections: ['inbound', 'outbound', 'on-error'],
  scopes: ALL_SCOPES,
  attributes: {
    'pubsub-name': str('Dapr pub/sub component.'),
    topic: str('Topic name.', { required: true }),
    template: oneOfValues(['liquid'], 'Turns on Liquid templating of the content.', { expression: false }),
    'response-variable-name': fixedName('Variable that receives the Dapr response.'),
    timeout: int('Seconds before the call fails.', { min: 1 }, { default: '5' }),
    'ignore-error': bool('Continue on error.', { expression: false, default: 'false' }),
    'content-type': oneOfValues(['application/json'], 'Content type of the message.', { expression: false }),
  },
  content: 'payload',
  text: exprText('The message.'),
  emulator: notYet(DAPR),
});

const metadataItem = textPart('item', exprText('Metadata value.'), { key: str('Metadata key.', { required: true, expression: false }) });
const bindingData: ElementSchema = { name: 'data', kind: 'part', description: 'The binding payload.', attributes: {}, content: 'payload', text: exprText('The binding payload.') };
export const invokeDaprBinding: PolicySchema = policy({
  name: 'invoke-dapr-binding',
  category: 'Integration and external communication',
  description: 'Invokes a Dapr output binding.',
  reference: 'invoke-dapr-binding-policy',
  sections: ['inbound', 'outbound', 'on-error'],
  scopes: ALL_SCOPES,
  attributes: {
    name: str('Binding name.', { required: true }),
    operation: str('Binding operation.', { default: 'create' }),
    template: oneOfValues(['liquid'], 'Turns on Liquid templating of the data.', { expression: false }),
    'response-variable-name': fixedName('Variable that receives the Dapr response.'),
    timeout: int('Seconds before the call fails.', { min: 1 }, { default: '5' }),
    'ignore-error': bool('Continue on error.', { expression: false, default: 'false' }),
    'content-type': str('Content type of the data.', { expression: false }),
  },
  content: 'elements',
  children: { metadata: { schema: listPart('metadata', 'Binding metadata.', metadataItem, 0), max: 1 }, data: { schema: bindingData, max: 1 } },
  emulator: notYet(DAPR),
});

export const integrationPolicies: readonly PolicySchema[] = [sendRequest, sendOneWayRequest, logToEventhub, sendServiceBusMessage, publishToDapr, invokeDaprBinding];
