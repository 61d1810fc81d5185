/**
 * System.Linq.Enumerable as extension methods on every enumerable value. Sequence operators
 * are lazy (a NetSequence re-runs its source on each enumeration, as LINQ does); aggregates
 * and element operators run at once and throw .NET's exceptions.
 */
import type { Value } from '../port.ts';
import { NetException, type NetType, isDelegate } from './core.ts';
import {
  DEFAULT_COMPARER, DICTIONARY, HASH_SET, NetArray, NetComparer, NetDictionary, NetHashSet, NetSequence, call, compareValues, enumerateValue, isEnumerable, listOf,
} from './collections.ts';
import { numKind, numericBinary, toDouble } from './numeric.ts';
import { NetDecimal, NetDouble, NetLong } from './core.ts';
import { OBJECT } from './primitives.ts';
import { extend, instantiate, isInstanceOf, register } from './registry.ts';

const noElements = () => new NetException('System.InvalidOperationException', 'Sequence contains no elements');
const noMatch = () => new NetException('System.InvalidOperationException', 'Sequence contains no matching element');
const moreThanOne = (match: boolean) => new NetException('System.InvalidOperationException', `Sequence contains more than one ${match ? 'matching ' : ''}element`);

const lazy = (gen: () => Iterable<Value>): NetSequence => new NetSequence(gen);
const items = (v: Value): Value[] => [...enumerateValue(v)];
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
class Ordered extends NetSequence {
  readonly keys: { readonly f: Value; readonly desc: boolean }[];
  readonly input: Value;
  constructor(input: Value, keys: { readonly f: Value; readonly desc: boolean }[]) {
    super(() => {
      const list = items(input).map((x, i) => ({ x, i, k: keys.map((k) => call(k.f, x)) }));
      list.sort((a, b) => {
        for (let j = 0; j < keys.length; j++) {
          const c = compareValues(a.k[j]!, b.k[j]!);
          if (c !== 0) return keys[j]!.desc ? -c : c;
        }
        return a.i - b.i;
      });
      return list.map((e) => e.x);
    });
    this.keys = keys;
    this.input = input;
  }
}

const ops: Record<string, Op> = {
  Where: (t, [f]) => lazy(function* () { let i = 0; for (const x of enumerateValue(t)) if (pred(f)(x, i++)) yield x; }),
  Select: (t, [f]) => lazy(function* () { let i = 0; for (const x of enumerateValue(t)) yield sel(f!, x, i++); }),
  SelectMany: (t, [f]) => lazy(function* () { for (const x of enumerateValue(t)) yield* enumerateValue(call(f!, x)); }),
  Skip: (t, [n]) => lazy(() => items(t).slice(Math.max(0, n as number))),
  Take: (t, [n]) => lazy(() => items(t).slice(0, Math.max(0, n as number))),
  SkipWhile: (t, [f]) => lazy(() => { const a = items(t); const i = a.findIndex((x, k) => !pred(f)(x, k)); return i < 0 ? [] : a.slice(i); }),
  TakeWhile: (t, [f]) => lazy(() => { const a = items(t); const i = a.findIndex((x, k) => !pred(f)(x, k)); return i < 0 ? a : a.slice(0, i); }),
  Distinct: (t, [c]) => lazy(() => { const s = new NetHashSet(HASH_SET, c instanceof NetComparer ? c.comparer : DEFAULT_COMPARER); return items(t).filter((x) => s.add(x)); }),
  Concat: (t, [o]) => lazy(() => [...items(t), ...items(o!)]),
  Union: (t, [o]) => lazy(() => { const s = new NetHashSet(HASH_SET); return [...items(t), ...items(o!)].filter((x) => s.add(x)); }),
  Intersect: (t, [o]) => lazy(() => { const other = new NetHashSet(HASH_SET); for (const x of items(o!)) other.add(x); const s = new NetHashSet(HASH_SET); return items(t).filter((x) => other.has(x) && s.add(x)); }),
  Except: (t, [o]) => lazy(() => { const other = new NetHashSet(HASH_SET); for (const x of items(o!)) other.add(x); const s = new NetHashSet(HASH_SET); return items(t).filter((x) => !other.has(x) && s.add(x)); }),
  Reverse: (t) => lazy(() => items(t).reverse()),
  OrderBy: (t, [f]) => new Ordered(t, [{ f: f!, desc: false }]),
  OrderByDescending: (t, [f]) => new Ordered(t, [{ f: f!, desc: true }]),
  ThenBy: (t, [f]) => new Ordered((t as Ordered).input, [...(t as Ordered).keys, { f: f!, desc: false }]),
  ThenByDescending: (t, [f]) => new Ordered((t as Ordered).input, [...(t as Ordered).keys, { f: f!, desc: true }]),
  Cast: (t, _a, [type]) => lazy(function* () { for (const x of enumerateValue(t)) { if (x !== null && type && !isInstanceOf(x, type) && type !== OBJECT) throw new NetException('System.InvalidCastException', `Unable to cast object of type '${(x as { netType?: NetType }).netType?.name ?? typeof x}' to type '${type.name}'.`); yield x; } }),
  OfType: (t, _a, [type]) => lazy(() => items(t).filter((x) => x !== null && (!type || isInstanceOf(x, type)))),
  DefaultIfEmpty: (t, [d]) => lazy(() => { const a = items(t); return a.length === 0 ? [d ?? null] : a; }),
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
  FirstOrDefault: (t, [f]) => { for (const [i, x] of items(t).entries()) if (pred(f)(x, i)) return x; return null; },
  Last: (t, [f]) => { const a = items(t).filter((x, i) => pred(f)(x, i)); if (a.length === 0) throw f === undefined ? noElements() : noMatch(); return a.at(-1)!; },
  LastOrDefault: (t, [f]) => items(t).filter((x, i) => pred(f)(x, i)).at(-1) ?? null,
  Single: (t, [f]) => { const a = items(t).filter((x, i) => pred(f)(x, i)); if (a.length === 0) throw f === undefined ? noElements() : noMatch(); if (a.length > 1) throw moreThanOne(f !== undefined); return a[0]!; },
  SingleOrDefault: (t, [f]) => { const a = items(t).filter((x, i) => pred(f)(x, i)); if (a.length > 1) throw moreThanOne(f !== undefined); return a[0] ?? null; },
  ElementAt: (t, [n]) => { const a = items(t); const i = n as number; if (i < 0 || i >= a.length) throw new NetException('System.ArgumentOutOfRangeException', 'Index was out of range. Must be non-negative and less than the size of the collection.\nParameter name: index'); return a[i]!; },
  ElementAtOrDefault: (t, [n]) => items(t)[n as number] ?? null,
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
  ToList: (t) => listOf(OBJECT, items(t)),
  ToArray: (t) => new NetArray(OBJECT, items(t)),
  ToHashSet: (t) => { const s = new NetHashSet(instantiate(HASH_SET, [OBJECT])); for (const x of items(t)) s.add(x); return s; },
  ToDictionary: (t, [k, v]) => {
    const d = new NetDictionary(instantiate(DICTIONARY, [OBJECT, OBJECT]));
    for (const x of items(t)) {
      const key = call(k!, x);
      if (d.get(key) !== undefined) throw new NetException('System.ArgumentException', 'An item with the same key has already been added.');
      d.set(key, v === undefined || !isDelegate(v) ? x : call(v, x));
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

for (const [name, op] of Object.entries(ops)) extend(name, (v) => v !== null && isEnumerable(v), op as never);

register({
  name: 'System.Linq.Enumerable',
  base: OBJECT,
  isStaticClass: true,
  statics: {
    Range: ([s, n]) => lazy(() => Array.from({ length: n as number }, (_, i) => (s as number) + i)),
    Repeat: ([v, n]) => lazy(() => Array.from({ length: n as number }, () => v!)),
    Empty: () => lazy(() => []),
    ...Object.fromEntries(Object.entries(ops).map(([n, op]) => [n, ([t, ...rest]: Value[], typeArgs: readonly NetType[]) => op(t!, rest, typeArgs)])),
  },
});
