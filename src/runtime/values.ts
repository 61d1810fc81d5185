import type { CompiledExpression } from '../expr/api.ts';
import type { PolicyElement, PolicyValue } from '../policy/tree.ts';
import { ExpressionFailure, type StepContext } from './types.ts';

/** Expressions are compiled once per document node and evaluated per request. */
const compiled = new WeakMap<PolicyValue, CompiledExpression>();

/** Raised when an expression does not compile: the runtime refuses to guess what it meant. */
export class UnsupportedExpression extends Error {}

/** The .NET value of an attribute or text: a literal is a string; an expression keeps its type. */
export function evaluateValue(value: PolicyValue, ctx: StepContext): unknown {
  if (value.kind === 'literal') return value.text;
  let program = compiled.get(value);
  if (!program) {
    const result = ctx.ports.expressions.compile(value.source);
    if (!result.compiled) throw new UnsupportedExpression(`${value.written}: ${result.diagnostics.map((d) => d.message).join('; ')}`);
    program = result.compiled;
    compiled.set(value, program);
  }
  return ctx.ports.expressions.evaluate(program, ctx.state);
}

/**
 * What a handler works out from its element once (attribute values, child lists: a loaded
 * element never changes), kept per element for the requests that run it.
 */
export function perElement<T>(make: (element: PolicyElement) => T): (element: PolicyElement) => T {
  const kept = new WeakMap<PolicyElement, T>();
  return (element) => {
    let v = kept.get(element);
    if (v === undefined) kept.set(element, (v = make(element)));
    return v;
  };
}

export function attributeValue(element: PolicyElement, name: string): PolicyValue | undefined {
  // a plain loop: handlers ask for a few attributes of dozens of elements on every request
  const attributes = element.attributes;
  for (let i = 0; i < attributes.length; i++) if (attributes[i]!.name === name) return attributes[i]!.value;
  return undefined;
}

/** A string slot (header value, body, key): the .NET ToString() of the value; null is empty. */
export function textOf(value: PolicyValue, ctx: StepContext): string {
  const v = evaluateValue(value, ctx);
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : ctx.ports.expressions.toText(v);
}

/** The text of an attribute value a handler may not have (`fallback` when it is absent). */
export function optionalText(value: PolicyValue | undefined, ctx: StepContext, fallback: string): string;
export function optionalText(value: PolicyValue | undefined, ctx: StepContext, fallback?: string): string | undefined;
export function optionalText(value: PolicyValue | undefined, ctx: StepContext, fallback?: string): string | undefined {
  return value === undefined ? fallback : textOf(value, ctx);
}

export function attrText(element: PolicyElement, name: string, ctx: StepContext, fallback?: string): string | undefined {
  return optionalText(attributeValue(element, name), ctx, fallback);
}

/** A Boolean slot: the constants true/false, or an expression that must produce a bool. */
export function boolOf(value: PolicyValue, ctx: StepContext): boolean {
  const v = evaluateValue(value, ctx);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  throw new ExpressionFailure('System.InvalidCastException', `a Boolean was expected, got ${JSON.stringify(v)}`);
}

/** Integers written as literals, read once per document node (limits are read on every request). */
const literalInts = new WeakMap<PolicyValue, number>();

/** An integer slot (status codes, limits). */
export function intOf(value: PolicyValue, ctx: StepContext): number {
  if (value.kind === 'literal') {
    const known = literalInts.get(value);
    if (known !== undefined) return known;
  }
  const v = evaluateValue(value, ctx);
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
  if (!Number.isInteger(n)) throw new ExpressionFailure('System.FormatException', `an integer was expected, got ${JSON.stringify(v)}`);
  if (value.kind === 'literal') literalInts.set(value, n);
  return n;
}
