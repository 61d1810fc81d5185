/**
 * System.Linq.Enumerable as extension methods on every enumerable value. Sequence operators
 * are lazy (a NetSequence re-runs its source on each enumeration, as LINQ does); aggregates
 * and element operators run at once and throw .NET's exceptions.
 */
import type { Value } from '../port.ts';
import { MAX_ELEMENTS } from '../budget.ts';
import { NetException, type NetType, binderError, isDelegate } from './core.ts';
import { NetArray, NetList, NetSequence, call, compareValues, enumerateValue, isEnumerable, listOf } from './collections.ts';
import { DEFAULT_COMPARER, DICTIONARY, NetComparer, NetDictionary, pairTypeOf } from './dictionaries.ts';
import { HASH_SET, NetHashSet } from './sets.ts';
import { numKind, numericBinary, toDouble } from './numeric.ts';
import { NetDecimal, NetDouble, NetLong, argumentOutOfRange } from './core.ts';
import { JTOKEN_TYPE, JArray, JToken } from './jtoken.ts';
import { CHAR, INT32, OBJECT } from './primitives.ts';
import { extend, instantiate, isInstanceOf, register, typeOfValue } from './registry.ts';

const noElements = () => new NetException('System.InvalidOperationException', 'Sequence contains no elements');
const noMatch = () => new NetException('System.InvalidOperationException', 'Sequence contains no matching element');
const moreThanOne = (match: boolean) => new NetException('System.InvalidOperationException', `Sequence contains more than one ${match ? 'matching ' : ''}element`);

const lazy = (gen: () => Iterable<Value>, element?: NetType): NetSequence => new NetSequence(gen, element);

/**
 * The element type of an enumerable as far as the value knows it: typed collections and the
 * LINQ operators that keep their source's element type. Select and friends leave it open; then
 * the items decide (`elementFor`). It fixes List<T>/T[] of ToList/ToArray and FirstOrDefault's default.
 */
export function elementOf(v: Value): NetType | undefined {
  if (typeof v === 'string') return CHAR;
  if (v instanceof NetArray) return v.type.element;
  if (v instanceof NetList || v instanceof NetHashSet) return v.type.typeArgs?.[0];
  if (v instanceof NetDictionary) return pairTypeOf(v.type);
  if (v instanceof NetSequence) return v.element;
  if (v instanceof JArray) return JTOKEN_TYPE.current;
  return undefined;
}

/** The one run-time type all items share (JTokens count as JToken), else object. */
function commonType(values: readonly Value[]): NetType {
  let t: NetType | undefined;
  let tokens = true;
  for (const v of values) {
    if (v === null) continue;
    tokens &&= v instanceof JToken;
    const vt = typeOfValue(v);
    if (!t) t = vt;
    else if (t !== vt) return tokens ? JTOKEN_TYPE.current : OBJECT;
  }
  return t ?? OBJECT;
}

const elementFor = (source: Value, values: readonly Value[]): NetType => elementOf(source) ?? commonType(values);
/** default(T) of the element type: 0 for an int sequence, null when unknown. */
const defaultOf = (source: Value): Value => elementOf(source)?.defaultValue?.() ?? null;
/** A sequence materialized; more elements than any policy needs is .NET's OutOfMemoryException, not a hung process. */
const items = (v: Value): Value[] => {
  const out: Value[] = [];
  for (const x of enumerateValue(v)) {
    if (out.length >= MAX_ELEMENTS) throw new NetException('System.OutOfMemoryException', `Insufficient memory: more than ${MAX_ELEMENTS.toLocaleString('en')} elements in one sequence.`);
    out.push(x);
  }
  return out;
};
const pred = (f: Value | undefined) => (x: Value, i: number): boolean => (f === undefined ? true : (f as unknown as { arity: number }).arity === 2 ? call(f, x, i) === true : call(f, x) === true);
const sel = (f: Value, x: Value, i: number): Value => ((f as unknown as { arity: number }).arity === 2 ? call(f, x, i) : call(f, x));

type Op = (t: Value, args: Value[], typeArgs: readonly NetType[]) => Value;

function sum(values: Value[]): Value {
  let acc: Value = 0;
  let kind = 'int';
  for (const v of values) {
    if (v === null) continue;
    kind = numKind(v) ?? kind;
    acc = numericBinary('+', acc, v)!;
  }
  if (kind === 'int' && typeof acc === 'number' && values.length > 0) {
    const exact = values.reduce<number>((a, v) => a + (v === null ? 0 : Number(v)), 0);
    if (exact > 2147483647 || exact < -2147483648) throw new NetException('System.OverflowException', 'Arithmetic operation resulted in an overflow.');
  }
  return acc;
}

function extreme(values: Value[], max: boolean): Value {
  const present = values.filter((v) => v !== null);
  if (present.length === 0) {
    if (values.length > 0) return null;
    throw noElements();
  }
  return present.reduce((a, b) => (compareValues(b, a) * (max ? 1 : -1) > 0 ? b : a));
}

function average(values: Value[]): Value {
  const present = values.filter((v) => v !== null);
  if (present.length === 0) throw noElements();
  if (present[0] instanceof NetDecimal) return numericBinary('/', sum(present), new NetDecimal(BigInt(present.length), 0))!;
  return new NetDouble(present.reduce<number>((a, v) => a + toDouble(v), 0) / present.length);
}

/** OrderBy/ThenBy chains: keys compared in order, stable. */
interface SortKey {
  readonly f: Value;
  readonly desc: boolean;
  readonly cmp: (a: Value, b: Value) => number;
}

/** The IComparer argument of OrderBy/ThenBy: a StringComparer's ordering, else the default. */
function orderOf(c: Value | undefined): (a: Value, b: Value) => number {
  const order = c instanceof NetComparer ? c.comparer.order : undefined;
  if (!order) return compareValues;
  return (a, b) => (a === null || b === null ? compareValues(a, b) : order(a, b));
}

class Ordered extends NetSequence {
  readonly keys: SortKey[];
  readonly input: Value;
  constructor(input: Value, keys: SortKey[]) {
    super(() => {
      const list = items(input).map((x, i) => ({ x, i, k: keys.map((k) => call(k.f, x)) }));
      list.sort((a, b) => {
        for (let j = 0; j < keys.length; j++) {
          const c = keys[j]!.cmp(a.k[j]!, b.k[j]!);
          if (c !== 0) return keys[j]!.desc ? -c : c;
        }
        return a.i - b.i;
      });
      return list.map((e) => e.x);
    }, elementOf(input));
    this.keys = keys;
    this.input = input;
  }
}

const ops: Record<string, Op> = {
  Where: (t, [f]) => lazy(function* () { let i = 0; for (const x of enumerateValue(t)) if (pred(f)(x, i++)) yield x; }, elementOf(t)),
  Select: (t, [f]) => lazy(function* () { let i = 0; for (const x of enumerateValue(t)) yield sel(f!, x, i++); }),
  SelectMany: (t, [f]) => lazy(function* () { for (const x of enumerateValue(t)) yield* enumerateValue(call(f!, x)); }),
  Skip: (t, [n]) => lazy(() => items(t).slice(Math.max(0, n as number)), elementOf(t)),
  Take: (t, [n]) => lazy(() => items(t).slice(0, Math.max(0, n as number)), elementOf(t)),
  SkipWhile: (t, [f]) => lazy(() => { const a = items(t); const i = a.findIndex((x, k) => !pred(f)(x, k)); return i < 0 ? [] : a.slice(i); }, elementOf(t)),
  TakeWhile: (t, [f]) => lazy(() => { const a = items(t); const i = a.findIndex((x, k) => !pred(f)(x, k)); return i < 0 ? a : a.slice(0, i); }, elementOf(t)),
  Distinct: (t, [c]) => lazy(() => { const s = new NetHashSet(HASH_SET, c instanceof NetComparer ? c.comparer : DEFAULT_COMPARER); return items(t).filter((x) => s.add(x)); }, elementOf(t)),
  Concat: (t, [o]) => lazy(() => [...items(t), ...items(o!)], elementOf(t)),
  Union: (t, [o]) => lazy(() => { const s = new NetHashSet(HASH_SET); return [...items(t), ...items(o!)].filter((x) => s.add(x)); }, elementOf(t)),
  Intersect: (t, [o]) => lazy(() => { const other = new NetHashSet(HASH_SET); for (const x of items(o!)) other.add(x); const s = new NetHashSet(HASH_SET); return items(t).filter((x) => other.has(x) && s.add(x)); }, elementOf(t)),
  Except: (t, [o]) => lazy(() => { const other = new NetHashSet(HASH_SET); for (const x of items(o!)) other.add(x); const s = new NetHashSet(HASH_SET); return items(t).filter((x) => !other.has(x) && s.add(x)); }, elementOf(t)),
  Reverse: (t) => lazy(() => items(t).reverse(), elementOf(t)),
  OrderBy: (t, [f, c]) => new Ordered(t, [{ f: f!, desc: false, cmp: orderOf(c) }]),
  OrderByDescending: (t, [f, c]) => new Ordered(t, [{ f: f!, desc: true, cmp: orderOf(c) }]),
  ThenBy: (t, [f, c]) => new Ordered((t as Ordered).input, [...(t as Ordered).keys, { f: f!, desc: false, cmp: orderOf(c) }]),
  ThenByDescending: (t, [f, c]) => new Ordered((t as Ordered).input, [...(t as Ordered).keys, { f: f!, desc: true, cmp: orderOf(c) }]),
  Cast: (t, _a, [type]) => lazy(function* () { for (const x of enumerateValue(t)) { if (x !== null && type && !isInstanceOf(x, type) && type !== OBJECT) throw new NetException('System.InvalidCastException', `Unable to cast object of type '${typeOfValue(x).name}' to type '${type.name}'.`); yield x; } }, type),
  OfType: (t, _a, [type]) => lazy(() => items(t).filter((x) => x !== null && (!type || isInstanceOf(x, type))), type),
  DefaultIfEmpty: (t, [d]) => lazy(() => { const a = items(t); return a.length === 0 ? [d === undefined ? defaultOf(t) : d] : a; }, elementOf(t)),
  Zip: (t, [o, f]) => lazy(() => { const a = items(t); const b = items(o!); return a.slice(0, Math.min(a.length, b.length)).map((x, i) => call(f!, x, b[i]!)); }),
  GroupBy: (t, [k, e]) => lazy(() => {
    const groups = new Map<unknown, { key: Value; items: Value[] }>();
    for (const x of enumerateValue(t)) {
      const key = call(k!, x);
      const id = key === null ? null : DEFAULT_COMPARER.key(key);
      const g = groups.get(id) ?? { key, items: [] };
      g.items.push(e === undefined ? x : call(e, x));
      groups.set(id, g);
    }
    return [...groups.values()].map((g) => new Grouping(g.key, g.items));
  }),
  First: (t, [f]) => { for (const [i, x] of items(t).entries()) if (pred(f)(x, i)) return x; throw f === undefined ? noElements() : noMatch(); },
  FirstOrDefault: (t, [f]) => { for (const [i, x] of items(t).entries()) if (pred(f)(x, i)) return x; return defaultOf(t); },
  Last: (t, [f]) => { const a = items(t).filter((x, i) => pred(f)(x, i)); if (a.length === 0) throw f === undefined ? noElements() : noMatch(); return a.at(-1)!; },
  LastOrDefault: (t, [f]) => { const a = items(t).filter((x, i) => pred(f)(x, i)); return a.length > 0 ? a.at(-1)! : defaultOf(t); },
  Single: (t, [f]) => { const a = items(t).filter((x, i) => pred(f)(x, i)); if (a.length === 0) throw f === undefined ? noElements() : noMatch(); if (a.length > 1) throw moreThanOne(f !== undefined); return a[0]!; },
  SingleOrDefault: (t, [f]) => { const a = items(t).filter((x, i) => pred(f)(x, i)); if (a.length > 1) throw moreThanOne(f !== undefined); return a.length > 0 ? a[0]! : defaultOf(t); },
  ElementAt: (t, [n]) => { const a = items(t); const i = n as number; if (i < 0 || i >= a.length) throw new NetException('System.ArgumentOutOfRangeException', 'Index was out of range. Must be non-negative and less than the size of the collection.\nParameter name: index'); return a[i]!; },
  ElementAtOrDefault: (t, [n]) => { const a = items(t); const i = n as number; return i >= 0 && i < a.length ? a[i]! : defaultOf(t); },
  Any: (t, [f]) => items(t).some((x, i) => pred(f)(x, i)),
  All: (t, [f]) => items(t).every((x, i) => pred(f)(x, i)),
  Count: (t, [f]) => items(t).filter((x, i) => pred(f)(x, i)).length,
  LongCount: (t, [f]) => new NetLong(BigInt(items(t).filter((x, i) => pred(f)(x, i)).length)),
  Contains: (t, [v]) => items(t).some((x) => (x === null ? v === null : v !== null && DEFAULT_COMPARER.key(x) === DEFAULT_COMPARER.key(v!))),
  SequenceEqual: (t, [o]) => { const a = items(t); const b = items(o!); return a.length === b.length && a.every((x, i) => (x === null ? b[i] === null : b[i] !== null && DEFAULT_COMPARER.key(x) === DEFAULT_COMPARER.key(b[i]!))); },
  Sum: (t, [f]) => sum(items(t).map((x) => (f === undefined ? x : call(f, x)))),
  Max: (t, [f]) => extreme(items(t).map((x) => (f === undefined ? x : call(f, x))), true),
  Min: (t, [f]) => extreme(items(t).map((x) => (f === undefined ? x : call(f, x))), false),
  Average: (t, [f]) => average(items(t).map((x) => (f === undefined ? x : call(f, x)))),
  Aggregate: (t, args) => {
    const a = items(t);
    if (args.length === 1) {
      if (a.length === 0) throw noElements();
      return a.slice(1).reduce((acc, x) => call(args[0]!, acc, x), a[0]!);
    }
    const r = a.reduce((acc, x) => call(args[1]!, acc, x), args[0]!);
    return args[2] === undefined ? r : call(args[2], r);
  },
  ToList: (t) => { const a = items(t); return listOf(elementFor(t, a), a); },
  ToArray: (t) => { const a = items(t); return new NetArray(elementFor(t, a), a); },
  ToHashSet: (t, [c]) => { const a = items(t); const s = new NetHashSet(instantiate(HASH_SET, [elementFor(t, a)]), c instanceof NetComparer ? c.comparer : DEFAULT_COMPARER); for (const x of a) s.add(x); return s; },
  ToDictionary: (t, [k, v, c]) => {
    const comparer = [v, c].find((x) => x instanceof NetComparer) as NetComparer | undefined;
    const pairs = items(t).map((x) => [call(k!, x), v === undefined || !isDelegate(v) ? x : call(v, x)] as const);
    const d = new NetDictionary(instantiate(DICTIONARY, [commonType(pairs.map((p) => p[0])), commonType(pairs.map((p) => p[1]))]), comparer?.comparer);
    for (const [key, value] of pairs) {
      if (key === null) throw new NetException('System.ArgumentNullException', 'Value cannot be null.\nParameter name: key');
      if (d.get(key) !== undefined) throw new NetException('System.ArgumentException', 'An item with the same key has already been added.');
      d.set(key, value);
    }
    return d;
  },
};

class Grouping extends NetSequence {
  readonly key: Value;
  constructor(key: Value, values: Value[]) {
    super(() => values);
    this.key = key;
  }
  override get netType(): NetType {
    return GROUPING;
  }
}
const GROUPING: NetType = register({ name: 'System.Linq.IGrouping`2', base: OBJECT, props: { Key: (t: Grouping) => t.key }, enumerate: (t: Grouping) => t.source() });

/** Operators whose first argument is a lambda (a missing or non-delegate one cannot be bound). */
const NEEDS_DELEGATE = new Set(['Where', 'Select', 'SelectMany', 'SkipWhile', 'TakeWhile', 'OrderBy', 'OrderByDescending', 'ThenBy', 'ThenByDescending', 'GroupBy', 'ToDictionary', 'All']);
const OPTIONAL_DELEGATE = new Set(['First', 'FirstOrDefault', 'Last', 'LastOrDefault', 'Single', 'SingleOrDefault', 'Any', 'Count', 'LongCount', 'Sum', 'Max', 'Min', 'Average']);
function bound(name: string, op: Op): Op {
  if (!NEEDS_DELEGATE.has(name) && !OPTIONAL_DELEGATE.has(name)) return op;
  return (t, args, typeArgs) => {
    const f = args[0];
    if ((NEEDS_DELEGATE.has(name) || f !== undefined) && !isDelegate(f ?? null)) throw binderError(`Enumerable.${name}`);
    return op(t, args, typeArgs);
  };
}
for (const [name, op] of Object.entries(ops)) extend(name, (v) => v !== null && isEnumerable(v), bound(name, op) as never);

register({
  name: 'System.Linq.Enumerable',
  base: OBJECT,
  isStaticClass: true,
  statics: {
    Range: ([s, n]) => {
      if ((n as number) < 0 || (s as number) + (n as number) - 1 > 2147483647) throw argumentOutOfRange('count');
      return lazy(() => Array.from({ length: n as number }, (_, i) => (s as number) + i), INT32);
    },
    Repeat: ([v, n]) => {
      if ((n as number) < 0) throw argumentOutOfRange('count');
      return lazy(() => Array.from({ length: n as number }, () => v!), v === null || v === undefined ? OBJECT : typeOfValue(v));
    },
    Empty: (_a, [t]) => lazy(() => [], t),
    ...Object.fromEntries(Object.entries(ops).map(([n, op]) => [n, ([t, ...rest]: Value[], typeArgs: readonly NetType[]) => op(t!, rest, typeArgs)])),
  },
});
