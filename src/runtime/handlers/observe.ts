/**
 * emit-metric and log-to-eventhub: APIM sends these to Azure Monitor and Event Hubs; the
 * emulator evaluates every value (so expression failures surface exactly as in APIM) and
 * records the result in the request trace, where tests and `--json` output can see it.
 */
import { childElements, type PolicyValue } from '../../policy/tree.ts';
import type { Handler } from '../types.ts';
import { attributeValue, attrText, optionalText, perElement, textOf } from '../values.ts';

/** What emit-metric reads from its element, found once per element (it runs on every request). */
interface MetricAttributes {
  readonly name: PolicyValue | undefined;
  readonly namespace: PolicyValue | undefined;
  readonly value: PolicyValue | undefined;
  readonly dimensions: readonly { readonly name: PolicyValue | undefined; readonly value: PolicyValue | undefined }[];
}
const metricAttributesOf = perElement((element): MetricAttributes => {
  const dimensions = childElements(element)
    .filter((d) => d.name === 'dimension')
    .map((d) => ({ name: attributeValue(d, 'name'), value: attributeValue(d, 'value') }));
  return { name: attributeValue(element, 'name'), namespace: attributeValue(element, 'namespace'), value: attributeValue(element, 'value'), dimensions };
});

export const emitMetric: Handler = {
  name: 'emit-metric',
  run(element, ctx) {
    const m = metricAttributesOf(element);
    const name = optionalText(m.name, ctx, '');
    const namespace = optionalText(m.namespace, ctx, 'API Management');
    const value = optionalText(m.value, ctx, '1');
    let dimensions = '';
    for (const d of m.dimensions) dimensions += `${dimensions === '' ? '' : ', '}${optionalText(d.name, ctx, '')}=${optionalText(d.value, ctx, '')}`;
    ctx.trace('emit-metric', `${namespace}/${name} ${value} {${dimensions}}`);
    return 'continue';
  },
};

export const logToEventhub: Handler = {
  name: 'log-to-eventhub',
  run(element, ctx) {
    const text = element.children.find((c) => c.kind === 'text');
    const message = text?.kind === 'text' ? textOf(text.value, ctx) : '';
    ctx.trace('log-to-eventhub', `${attrText(element, 'logger-id', ctx) ?? ''}: ${message}`);
    return 'continue';
  },
};

/** llm-emit-token-metric / azure-openai-emit-token-metric: token counts come from the backend's `usage`, recorded in the trace. */
const tokenMetric = (name: string): Handler => ({
  name,
  run(element, ctx) {
    const dimensions = childElements(element)
      .filter((d) => d.name === 'dimension')
      .map((d) => `${attrText(d, 'name', ctx) ?? ''}=${attrText(d, 'value', ctx) ?? ''}`);
    ctx.trace(name, `${attrText(element, 'namespace', ctx) ?? 'API Management'} {${dimensions.join(', ')}}`);
    return 'continue';
  },
});
export const llmEmitTokenMetric = tokenMetric('llm-emit-token-metric');
export const azureOpenAiEmitTokenMetric = tokenMetric('azure-openai-emit-token-metric');
