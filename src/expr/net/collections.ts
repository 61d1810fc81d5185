/**
 * Arrays, List<T> and lazy IEnumerable<T> sequences (what LINQ returns), with the helpers every
 * collection uses (enumeration, delegate calls, default ordering). Dictionary<K,V>,
 * KeyValuePair<K,V> and StringComparer are in dictionaries.ts, HashSet<T> in sets.ts.
 */
import type { Value } from '../port.ts';
import { NetChar, NetException, NetObject, type NetType, argumentNull, argumentOutOfRange, nullReference, TypedObject } from './core.ts';
import { OBJECT } from './primitives.ts';
import { arrayOf, defineArrayType, findOnChain, instantiate, register, typeName } from './registry.ts';
import { netEquals } from './text.ts';

const indexOutOfRange = () => new NetException('System.IndexOutOfRangeException', 'Index was outside the bounds of the array.');
const listIndex = () => argumentOutOfRange('index', 'Index was out of range. Must be non-negative and less than the size of the collection.');

// ---- arrays

export class NetArray extends TypedObject {
  readonly items: Value[];
  /** Bumped by every write to an element, so what is derived from the items (a char matcher) knows when it is stale. */
  version = 0;
  /** IndexOfAny's matcher for these items, made at `version`. */
  matcher: { readonly version: number; readonly matcher: unknown } | undefined;
  /** The string ToCharArray made these items from: they are its characters while `version` is 0. */
  source: string | undefined;
  constructor(element: NetType, items: Value[]) {
    super(arrayOf(element));
    this.items = items;
  }
}

/**
 * A new array of `n` copies of an immutable default. Copied from a kept array of the same size
 * and value: a classifier allocates its fixed-size arrays on every request, and copying a packed
 * array costs a fraction of filling a new one. Only small sizes are kept.
 */
const filledArrays = new Map<Value, Value[][]>();
export function filledItems(d: Value, n: number): Value[] {
  if (n > 1024) return new Array<Value>(n).fill(d);
  let bySize = filledArrays.get(d);
  if (!bySize) filledArrays.set(d, (bySize = []));
  let template = bySize[n];
  if (!template) {
    template = [];
    for (let i = 0; i < n; i++) template.push(d);
    bySize[n] = template;
  }
  return template.slice();
}

/** `a[i]` of an array (the indexer, and the call sites that skip its argument list). */
export function arrayItem(a: NetArray, i: Value): Value {
  if (typeof i !== 'number' || i < 0 || i >= a.items.length) throw indexOutOfRange();
  return a.items[i]!;
}

/** `a[i] = v` of an array; the write bumps the array's version. */
export function setArrayItem(a: NetArray, i: Value, v: Value): void {
  if (typeof i !== 'number' || i < 0 || i >= a.items.length) throw indexOutOfRange();
  a.items[i] = v;
  a.version++;
}

export const ARRAY: NetType = register({
  name: 'System.Array',
  base: OBJECT,
  props: { Length: (t: NetArray) => t.items.length, Count: (t: NetArray) => t.items.length },
  methods: { Clone: (t: NetArray) => new NetArray(t.type.element!, [...t.items]) },
  index: (t: NetArray, [i]) => arrayItem(t, i!),
  setIndex: (t: NetArray, [i], v) => setArrayItem(t, i!, v),
  enumerate: (t: NetArray) => t.items,
  staticProps: {},
  statics: {
    IndexOf: ([a, v]) => arrayArg(a).items.findIndex((x) => (x === null ? v === null : netEquals(x, v ?? null))),
    Empty: (_args, [t]) => new NetArray(t ?? OBJECT, []),
    Sort: ([a, f]) => {
      const arr = arrayArg(a);
      arr.items.sort(comparison(f));
      arr.version++;
      return null;
    },
    Reverse: ([a]) => {
      const arr = arrayArg(a);
      arr.items.reverse();
      arr.version++;
      return null;
    },
    Exists: ([a, f]) => arrayArg(a).items.some((x) => call(f!, x) === true),
    TrueForAll: ([a, f]) => arrayArg(a).items.every((x) => call(f!, x) === true),
    Find: ([a, f]) => {
      const arr = arrayArg(a);
      const i = arr.items.findIndex((x) => call(f!, x) === true);
      return i >= 0 ? arr.items[i]! : (arr.type.element?.defaultValue?.() ?? null);
    },
    FindIndex: ([a, f]) => arrayArg(a).items.findIndex((x) => call(f!, x) === true),
    FindAll: ([a, f]) => new NetArray(arrayArg(a).type.element!, arrayArg(a).items.filter((x) => call(f!, x) === true)),
  },
});
defineArrayType(ARRAY);

// ---- List<T>

export class NetList extends TypedObject {
  readonly items: Value[];
  /** Bumped by every change, so an enumeration notices the list changed under it (as .NET's does). */
  version = 0;
  constructor(type: NetType, items: Value[] = []) {
    super(type);
    this.items = items;
  }
  /** Records a change; returns null (the value of a void method). */
  changed(): null {
    this.version++;
    return null;
  }
}

const collectionModified = () => new NetException('System.InvalidOperationException', 'Collection was modified; enumeration operation may not execute.');

function* listItems(t: NetList): Iterable<Value> {
  const version = t.version;
  for (let i = 0; i < t.items.length; i++) {
    yield t.items[i]!;
    if (t.version !== version) throw collectionModified();
  }
}

/** List<T>.Find and friends return default(T) when nothing matches (0 for a List<int>). */
const defaultOf = (t: NetType): Value => t.typeArgs?.[0]?.defaultValue?.() ?? null;

/** Comparison<T> delegate (Sort((a, b) => …)) or the default ordering. */
const comparison = (f: Value | undefined) => (f === undefined || f === null ? compareValues : (a: Value, b: Value) => call(f, a, b) as number);

const at = (t: NetList, i: Value): number => {
  if (typeof i !== 'number' || i < 0 || i >= t.items.length) throw listIndex();
  return i;
};
const indexOf = (items: readonly Value[], v: Value): number => items.findIndex((x) => (x === null ? v === null : netEquals(x, v)));

export const LIST: NetType = register({
  name: 'System.Collections.Generic.List`1',
  base: OBJECT,
  construct: (args, type) => new NetList(type, args[0] !== undefined && typeof args[0] !== 'number' ? [...enumerateValue(args[0]!)] : []),
  props: { Count: (t: NetList) => t.items.length },
  methods: {
    Add: (t: NetList, [v]) => {
      t.items.push(v!);
      return t.changed();
    },
    AddRange: (t: NetList, [vs]) => {
      t.items.push(...[...enumerateValue(vs!)]);
      return t.changed();
    },
    Insert: (t: NetList, [i, v]) => {
      if (typeof i !== 'number' || i < 0 || i > t.items.length) throw argumentOutOfRange('index', 'Index must be within the bounds of the List.');
      t.items.splice(i, 0, v!);
      return t.changed();
    },
    Remove: (t: NetList, [v]) => {
      const i = indexOf(t.items, v!);
      if (i >= 0) t.items.splice(i, 1);
      t.changed();
      return i >= 0;
    },
    RemoveAt: (t: NetList, [i]) => {
      t.items.splice(at(t, i!), 1);
      return t.changed();
    },
    RemoveAll: (t: NetList, [f]) => {
      const keep = t.items.filter((x) => call(f!, x) !== true);
      const removed = t.items.length - keep.length;
      t.items.splice(0, t.items.length, ...keep);
      t.changed();
      return removed;
    },
    Clear: (t: NetList) => {
      t.items.length = 0;
      return t.changed();
    },
    Contains: (t: NetList, [v]) => indexOf(t.items, v!) >= 0,
    IndexOf: (t: NetList, [v]) => indexOf(t.items, v!),
    ToArray: (t: NetList) => new NetArray(t.type.typeArgs?.[0] ?? OBJECT, [...t.items]),
    Sort: (t: NetList, [f]) => {
      t.items.sort(comparison(f));
      return t.changed();
    },
    Reverse: (t: NetList) => {
      t.items.reverse();
      return t.changed();
    },
    Exists: (t: NetList, [f]) => t.items.some((x) => call(f!, x) === true),
    TrueForAll: (t: NetList, [f]) => t.items.every((x) => call(f!, x) === true),
    Find: (t: NetList, [f]) => {
      const i = t.items.findIndex((x) => call(f!, x) === true);
      return i >= 0 ? t.items[i]! : defaultOf(t.type);
    },
    FindIndex: (t: NetList, [f]) => t.items.findIndex((x) => call(f!, x) === true),
    FindLast: (t: NetList, [f]) => {
      const i = t.items.findLastIndex((x) => call(f!, x) === true);
      return i >= 0 ? t.items[i]! : defaultOf(t.type);
    },
    FindAll: (t: NetList, [f]) => new NetList(t.type, t.items.filter((x) => call(f!, x) === true)),
    GetRange: (t: NetList, [i, n]) => {
      if ((i as number) < 0 || (n as number) < 0 || (i as number) + (n as number) > t.items.length) throw new NetException('System.ArgumentException', 'Offset and length were out of bounds for the array or count is greater than the number of elements from index to the end of the source collection.');
      return new NetList(t.type, t.items.slice(i as number, (i as number) + (n as number)));
    },
    ForEach: (t: NetList, [f]) => {
      for (const x of [...t.items]) call(f!, x);
      return null;
    },
  },
  index: (t: NetList, [i]) => t.items[at(t, i!)]!,
  setIndex: (t: NetList, [i], v) => {
    t.items[at(t, i!)] = v;
    t.changed();
  },
  enumerate: (t: NetList) => listItems(t),
});

// ---- lazy sequences (LINQ results, Keys/Values)

export class NetSequence extends NetObject {
  readonly source: () => Iterable<Value>;
  /** The sequence's static element type when the operator that made it fixes one (Where keeps its source's). */
  readonly element: NetType | undefined;
  constructor(source: () => Iterable<Value>, element?: NetType) {
    super();
    this.source = source;
    this.element = element;
  }
  get netType(): NetType {
    return ENUMERABLE;
  }
}

export const ENUMERABLE: NetType = register({
  name: 'System.Collections.Generic.IEnumerable`1',
  base: OBJECT,
  isInterface: true,
  test: (v) => v !== null && findOnChain(v, 'enumerate') !== undefined,
  enumerate: (t: NetSequence) => t.source(),
});
register({ ...ENUMERABLE, name: 'System.Collections.Generic.ICollection`1' });
register({ ...ENUMERABLE, name: 'System.Collections.Generic.IList`1' });
register({ ...ENUMERABLE, name: 'System.Collections.Generic.IReadOnlyCollection`1' });
register({ ...ENUMERABLE, name: 'System.Collections.Generic.IReadOnlyList`1' });
register({ ...ENUMERABLE, name: 'System.Collections.IEnumerable' });

export const sequence = (items: readonly Value[]): NetSequence => new NetSequence(() => items);

/** Enumerates any enumerable value (arrays, lists, strings as chars, JArray, dictionaries…). */
export function enumerateValue(v: Value): Iterable<Value> {
  if (v === null) throw nullReference();
  if (typeof v === 'string') return charsOf(v);
  const e = findOnChain(v, 'enumerate');
  if (!e) throw new NetException('System.InvalidCastException', `Unable to cast object of type '${typeName(v)}' to type 'System.Collections.IEnumerable'.`);
  return e(v as never);
}

function* charsOf(s: string): Iterable<Value> {
  for (let i = 0; i < s.length; i++) yield NetChar.of(s.charCodeAt(i));
}

export const isEnumerable = (v: Value): boolean => v !== null && (typeof v === 'string' || findOnChain(v, 'enumerate') !== undefined);

export function call(f: Value, ...args: Value[]): Value {
  if (f === null) throw argumentNull('predicate');
  return (f as unknown as { invoke(a: readonly Value[]): Value }).invoke(args);
}

/** Default ordering (Comparer<T>.Default) for sorting: numbers numerically, strings culture-wise. */
export function compareValues(a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') return collator.compare(a, b);
  const ca = (a as unknown as { compareTo?: (o: Value) => number }).compareTo;
  if (typeof ca === 'function') return ca.call(a, b);
  const x = numericValue(a);
  const y = numericValue(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  throw new NetException('System.InvalidOperationException', 'Failed to compare two elements in the array.');
}

export const collator = new Intl.Collator('en-US', { sensitivity: 'variant', ignorePunctuation: false });

function numericValue(v: Value): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof NetChar) return v.code;
  const n = (v as unknown as { v?: unknown }).v;
  if (typeof n === 'number') return n;
  if (typeof n === 'bigint') return Number(n);
  const m = (v as unknown as { m?: bigint; scale?: number });
  if (typeof m.m === 'bigint') return Number(m.m) / 10 ** m.scale!;
  return undefined;
}

export const listOf = (element: NetType, items: Value[]): NetList => new NetList(instantiate(LIST, [element]), items);


function arrayArg(a: Value | undefined): NetArray {
  if (a === null || a === undefined) throw argumentNull('array');
  if (!(a instanceof NetArray)) throw new NetException('System.ArgumentException', 'Object is not an array.');
  return a;
}
