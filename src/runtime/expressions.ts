/**
 * The runtime's ExpressionPort bound to src/expr: compiles once per document node (values.ts
 * caches), evaluates against a `context` view over the request state, and turns .NET
 * exceptions into ExpressionFailure (APIM's ExpressionValueEvaluationFailure).
 */
import { type ContextInfo, EvaluationError, compileExpression, contextValue, evaluateCompiled, toNetString } from '../expr/compile.ts';
import type { Value } from '../expr/port.ts';
import { ExpressionFailure, type ExpressionPort, type RequestState } from './types.ts';

/** Static facts for `context.Api`, `context.Operation`, `context.Deployment`. */
export type ExpressionInfo = Omit<ContextInfo, 'now'>;

export function expressionPort(now: () => number, info: ExpressionInfo = {}): ExpressionPort {
  // one context view per request: member reads are live, so it never goes stale
  const contextInfo = { ...info, now };
  const contextOf = (state: RequestState): Value => (state.expressionContext ??= contextValue(state, contextInfo)) as Value;
  return {
    compile: compileExpression,
    evaluate(compiled, state) {
      try {
        return evaluateCompiled(compiled, contextOf(state), now);
      } catch (e) {
        if (e instanceof EvaluationError) throw new ExpressionFailure(e.netType, e.message);
        throw e;
      }
    },
    toText: (v) => toNetString(v as Value),
  };
}
