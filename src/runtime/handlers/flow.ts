/**
 * retry, wait, limit-concurrency, mock-response and include-fragment. The emulator replays one
 * request at a time on a virtual clock, so waits between retries are recorded, not slept, and
 * concurrency limits never bind.
 */
import { childElements } from '../../policy/tree.ts';
import { type Handler, PolicyFailure, type StepOutcome } from '../types.ts';
import { attrText, attributeValue, boolOf, intOf } from '../values.ts';

export const retry: Handler = {
  name: 'retry',
  async run(element, ctx): Promise<StepOutcome> {
    const condition = attributeValue(element, 'condition');
    const countValue = attributeValue(element, 'count');
    const count = countValue ? intOf(countValue, ctx) : 0;
    const interval = Number(attrText(element, 'interval', ctx, '0'));
    for (let attempt = 0; ; attempt++) {
      const outcome = await ctx.runSteps(childElements(element));
      if (outcome === 'return') return 'return';
      if (!condition || !boolOf(condition, ctx) || attempt >= count) return 'continue';
      ctx.trace('retry', `attempt ${attempt + 2} of ${count + 1} after ${interval}s (virtual)`);
    }
  },
};

export const wait: Handler = {
  name: 'wait',
  async run(element, ctx): Promise<StepOutcome> {
    // children run one after the other; with no real concurrency "all" and "any" end the same way
    return ctx.runSteps(childElements(element));
  },
};

export const limitConcurrency: Handler = {
  name: 'limit-concurrency',
  async run(element, ctx): Promise<StepOutcome> {
    ctx.trace('limit-concurrency', `${attrText(element, 'key', ctx) ?? ''}: one request at a time in the emulator`);
    return ctx.runSteps(childElements(element));
  },
};

/** mock-response: answers without the backend; APIM takes the body from the operation's examples, which compiled APIs do not have. */
export const mockResponse: Handler = {
  name: 'mock-response',
  run(element, ctx) {
    const status = Number(attrText(element, 'status-code', ctx, '200'));
    const contentType = attrText(element, 'content-type', ctx);
    ctx.state.response = { status, reason: '', headers: new Map(contentType ? [['content-type', [contentType]]] : []), body: '' };
    ctx.trace('mock-response', `${status}${contentType ? ` ${contentType}` : ''}`);
    return 'return';
  },
};

/** Fragments are spliced in when the policy is loaded; one reached at run time was not given. */
export const includeFragment: Handler = {
  name: 'include-fragment',
  run(element, ctx) {
    const id = attrText(element, 'fragment-id', ctx) ?? '';
    throw new PolicyFailure('include-fragment', 'FragmentNotFound', `policy fragment "${id}" was not loaded (policy run: --fragments <dir>)`);
  },
};
