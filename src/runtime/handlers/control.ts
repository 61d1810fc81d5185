import { childElements } from '../../policy/tree.ts';
import type { Handler, StepOutcome } from '../types.ts';
import { attributeValue, boolOf, evaluateValue, textOf } from '../values.ts';

/** `choose`: the first `when` whose condition is true runs, else `otherwise`; later conditions are not evaluated. */
export const choose: Handler = {
  name: 'choose',
  // not async: when no branch runs, the pipeline goes on without waiting for a promise
  run(element, ctx): StepOutcome | Promise<StepOutcome> {
    for (const branch of childElements(element)) {
      if (branch.name === 'when') {
        const condition = attributeValue(branch, 'condition');
        if (condition && boolOf(condition, ctx)) return ctx.runSteps(childElements(branch));
      } else if (branch.name === 'otherwise') {
        return ctx.runSteps(childElements(branch));
      }
    }
    return 'continue';
  },
};

/** `set-variable`: a literal value is a System.String; an expression keeps its .NET type. */
export const setVariable: Handler = {
  name: 'set-variable',
  run(element, ctx) {
    const name = attributeValue(element, 'name');
    const value = attributeValue(element, 'value');
    if (name?.kind !== 'literal' || !value) return 'continue';
    const v = evaluateValue(value, ctx);
    ctx.state.variables.set(name.text, v);
    ctx.trace('set-variable', `${name.text} = ${typeof v === 'string' ? JSON.stringify(v) : ctx.ports.expressions.toText(v)}`);
    return 'continue';
  },
};

/** `trace`: recorded in the request trace (APIM sends it to the trace / Application Insights). */
export const trace: Handler = {
  name: 'trace',
  run(element, ctx) {
    const message = childElements(element).find((c) => c.name === 'message');
    const text = message?.children[0];
    const source = attributeValue(element, 'source');
    const rendered = text?.kind === 'text' ? textOf(text.value, ctx) : '';
    ctx.trace('trace', `${source?.kind === 'literal' ? source.text : ''}: ${rendered}`);
    return 'continue';
  },
};
