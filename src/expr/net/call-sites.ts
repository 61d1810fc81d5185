/**
 * Call sites with a one-entry cache: what a planned `x.M(…)` or `x[i]` found for the last
 * receiver's type, tried first next time.
 *
 * Why: a scanning expression calls `text.IndexOfAny(…)`, `text[i]` and `seen[depth].Add(…)` on
 * every token; looking the method up along the type chain on each call cost more than the call.
 *
 * How it stays the same as invokeMethod/getIndex/setIndex (library.ts): only the lookups whose
 * answer depends on the receiver's type alone are cached — a method found on the type chain
 * (not an extension, whose `applies` may look at the value, not a record's own methods, not a
 * delegate's Invoke), and the built-in indexers of strings and arrays, called without an
 * argument list. Everything else goes to the general operation.
 */
import type { Value } from '../port.ts';
import type { Method, NetType } from './core.ts';
import { arrayItem, NetArray, setArrayItem } from './collections.ts';
import { charAt } from './string.ts';
import { NetRecord, VariablesDictionary, variableItem } from './context.ts';
import { JObject, JToken, setObjectItem } from './jtoken.ts';
import { tokenIndex } from './jtoken-navigation.ts';
import { chainMethod, chainProp, typeOfValue } from './registry.ts';

type Invoke = (target: Value, name: string, args: Value[], typeArgs: readonly NetType[], argNames: readonly (string | undefined)[] | undefined) => Value;

/** `target.name(args)`, as `invoke` (invokeMethod) does it. */
export function methodSite(name: string, typeArgs: readonly NetType[], argNames: readonly (string | undefined)[] | undefined, invoke: Invoke): (target: Value, args: Value[]) => Value {
  // Invoke on a delegate is the delegate's own; never cached
  if (name === 'Invoke') return (target, args) => invoke(target, name, args, typeArgs, argNames);
  let cachedType: NetType | undefined;
  let cached: Method | undefined;
  // strings first: a scanning expression calls string methods on every token
  let cachedForString = false;
  return (target, args) => {
    if (typeof target === 'string' && cachedForString) return cached!(target as never, args, typeArgs, argNames);
    if (target !== null && !(target instanceof NetRecord)) {
      const type = typeOfValue(target);
      if (type === cachedType) return cached!(target as never, args, typeArgs, argNames);
      const m = chainMethod(type, name);
      if (m) {
        cachedType = type;
        cached = m;
        cachedForString = typeof target === 'string';
        return m(target as never, args, typeArgs, argNames);
      }
    }
    return invoke(target, name, args, typeArgs, argNames);
  };
}

/**
 * `target.name`, as getMember does it. A record answers from its member table (the context views
 * share one table per kind, so `context.Request` finds its member once per site); other values
 * answer from the property their type resolved to last time. Anonymous objects (`special`) and
 * everything else go to getMember.
 */
export function memberSite(name: string, getMember: (target: Value, name: string) => Value, special: (target: Value) => boolean): (target: Value) => Value {
  let cachedFields: object | undefined;
  let cachedField: ((self: NetRecord) => Value) | undefined;
  let cachedType: NetType | undefined;
  let cachedProp: ((t: never) => Value) | undefined;
  return (target) => {
    if (target instanceof NetRecord) {
      if (target.fields === cachedFields) return cachedField!(target);
      if (Object.hasOwn(target.fields, name)) {
        cachedFields = target.fields;
        cachedField = target.fields[name];
        return cachedField!(target);
      }
    } else if (target !== null && !special(target)) {
      const type = typeOfValue(target);
      if (type === cachedType) return cachedProp!(target as never);
      const p = chainProp(type, name);
      if (p) {
        cachedType = type;
        cachedProp = p;
        return p(target as never);
      }
    }
    return getMember(target, name);
  };
}

/**
 * `target[index]` with one argument, as getIndex does it. Strings, arrays, JSON tokens and
 * `context.Variables` call their indexer's own function: the policies read their JSON variables
 * dozens of times a request, and each general call allocated its argument list.
 */
export function indexSite(getIndex: (target: Value, args: Value[]) => Value): (target: Value, index: Value) => Value {
  return (target, index) => {
    if (typeof target === 'string') return charAt(target, index);
    if (target instanceof NetArray) return arrayItem(target, index);
    if (target instanceof JToken) return tokenIndex(target, index);
    if (target instanceof VariablesDictionary) return variableItem(target, index);
    return getIndex(target, [index]);
  };
}

/** `target[index] = value` with one argument, as setIndex does it (arrays and JObjects directly). */
export function setIndexSite(setIndex: (target: Value, args: Value[], value: Value) => void): (target: Value, index: Value, value: Value) => void {
  return (target, index, value) => (target instanceof NetArray ? setArrayItem(target, index, value) : target instanceof JObject ? setObjectItem(target, index, value) : setIndex(target, [index], value));
}
