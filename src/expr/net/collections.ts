/**
 * Arrays, List<T>, Dictionary<K,V>, HashSet<T>, KeyValuePair<K,V> and lazy IEnumerable<T>
 * sequences (what LINQ returns). Keys compare by .NET equality (strings ordinal unless a
 * comparer says otherwise).
 */
import type { OutRef, Value } from '../port.ts';
import { NetChar, NetException, NetObject, type NetType, argumentNull, argumentOutOfRange, nullReference } from './core.ts';
import { OBJECT } from './primitives.ts';
import { arrayOf, defineArrayType, findOnChain, instantiate, register, typeName } from './registry.ts';
import { netEquals, toNetString } from './text.ts';

const out = (r: Value, v: Value): void => {
  (r as unknown as OutRef).value = v;
};

/** How a collection compares its keys: the default equality or a StringComparer. */
export interface KeyComparer {
  readonly name: string;
  key(v: Value): unknown;
}

export const DEFAULT_COMPARER: KeyComparer = {
  name: 'Default',
  key: (v) => {
    if (typeof v === 'string' || typeof v === 'number') return v;
    if (v === null) throw argumentNull('key');
    if (v instanceof NetChar) return v;
    return `${typeName(v)}\u0000${toNetString(v)}`;
  },
};
export const ORDINAL_IGNORE_CASE: KeyComparer = { name: 'OrdinalIgnoreCase', key: (v) => (typeof v === 'string' ? v.toUpperCase() : DEFAULT_COMPARER.key(v)) };

const indexOutOfRange = () => new NetException('System.IndexOutOfRangeException', 'Index was outside the bounds of the array.');
const listIndex = () => argumentOutOfRange('index', 'Index was out of range. Must be non-negative and less than the size of the collection.');

// ---- arrays

export class NetArray extends NetObject {
  readonly type: NetType;
  readonly items: Value[];
  constructor(element: NetType, items: Value[]) {
    super();
    this.type = arrayOf(element);
    this.items = items;
  }
  get netType(): NetType {
    return this.type;
  }
}

export const ARRAY: NetType = register({
  name: 'System.Array',
  base: OBJECT,
  props: { Length: (t: NetArray) => t.items.length, Count: (t: NetArray) => t.items.length },
  methods: { Clone: (t: NetArray) => new NetArray(t.type.element!, [...t.items]) },
  index: (t: NetArray, [i]) => {
    const n = i as number;
    if (typeof n !== 'number' || n < 0 || n >= t.items.length) throw indexOutOfRange();
    return t.items[n]!;
  },
  setIndex: (t: NetArray, [i], v) => {
    const n = i as number;
    if (typeof n !== 'number' || n < 0 || n >= t.items.length) throw indexOutOfRange();
    t.items[n] = v;
  },
  enumerate: (t: NetArray) => t.items,
  staticProps: {},
  statics: {
    IndexOf: ([a, v]) => (a as NetArray).items.findIndex((x) => (x === null ? v === null : netEquals(x, v ?? null))),
    Empty: (_args, [t]) => new NetArray(t ?? OBJECT, []),
  },
});
defineArrayType(ARRAY);

// ---- List<T>

export class NetList extends NetObject {
  readonly type: NetType;
  readonly items: Value[];
  constructor(type: NetType, items: Value[] = []) {
    super();
    this.type = type;
    this.items = items;
  }
  get netType(): NetType {
    return this.type;
  }
}

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
      return null;
    },
    AddRange: (t: NetList, [vs]) => {
      t.items.push(...enumerateValue(vs!));
      return null;
    },
    Insert: (t: NetList, [i, v]) => {
      t.items.splice(i as number, 0, v!);
      return null;
    },
    Remove: (t: NetList, [v]) => {
      const i = indexOf(t.items, v!);
      if (i >= 0) t.items.splice(i, 1);
      return i >= 0;
    },
    RemoveAt: (t: NetList, [i]) => {
      t.items.splice(at(t, i!), 1);
      return null;
    },
    Clear: (t: NetList) => {
      t.items.length = 0;
      return null;
    },
    Contains: (t: NetList, [v]) => indexOf(t.items, v!) >= 0,
    IndexOf: (t: NetList, [v]) => indexOf(t.items, v!),
    ToArray: (t: NetList) => new NetArray(t.type.typeArgs?.[0] ?? OBJECT, [...t.items]),
    Sort: (t: NetList) => {
      t.items.sort(compareValues);
      return null;
    },
    Reverse: (t: NetList) => {
      t.items.reverse();
      return null;
    },
    Exists: (t: NetList, [f]) => t.items.some((x) => call(f!, x) === true),
    Find: (t: NetList, [f]) => t.items.find((x) => call(f!, x) === true) ?? null,
    FindAll: (t: NetList, [f]) => new NetList(t.type, t.items.filter((x) => call(f!, x) === true)),
    ForEach: (t: NetList, [f]) => {
      for (const x of [...t.items]) call(f!, x);
      return null;
    },
  },
  index: (t: NetList, [i]) => t.items[at(t, i!)]!,
  setIndex: (t: NetList, [i], v) => {
    t.items[at(t, i!)] = v;
  },
  enumerate: (t: NetList) => t.items,
});

// ---- Dictionary<K,V> and KeyValuePair<K,V>

export class NetKeyValuePair extends NetObject {
  readonly key: Value;
  readonly value: Value;
  constructor(key: Value, value: Value) {
    super();
    this.key = key;
    this.value = value;
  }
  get netType(): NetType {
    return KEY_VALUE_PAIR;
  }
}

export const KEY_VALUE_PAIR: NetType = register({
  name: 'System.Collections.Generic.KeyValuePair`2',
  base: OBJECT,
  isValueType: true,
  construct: ([k, v]) => new NetKeyValuePair(k!, v!),
  props: { Key: (t: NetKeyValuePair) => t.key, Value: (t: NetKeyValuePair) => t.value },
  methods: { ToString: (t: NetKeyValuePair) => `[${toNetString(t.key)}, ${toNetString(t.value)}]` },
});

export class NetDictionary extends NetObject {
  readonly type: NetType;
  readonly comparer: KeyComparer;
  readonly entries = new Map<unknown, [Value, Value]>();
  constructor(type: NetType, comparer: KeyComparer = DEFAULT_COMPARER) {
    super();
    this.type = type;
    this.comparer = comparer;
  }
  get netType(): NetType {
    return this.type;
  }
  get(key: Value): Value | undefined {
    return this.entries.get(this.comparer.key(key))?.[1];
  }
  set(key: Value, value: Value): void {
    const k = this.comparer.key(key);
    const existing = this.entries.get(k);
    this.entries.set(k, [existing ? existing[0] : key, value]);
  }
}

const keyNotFound = (k: Value) => new NetException('System.Collections.Generic.KeyNotFoundException', `The given key '${toNetString(k)}' was not present in the dictionary.`);

export const DICTIONARY: NetType = register({
  name: 'System.Collections.Generic.Dictionary`2',
  base: OBJECT,
  construct: (args, type) => {
    const comparer = args.find((a) => a instanceof NetComparer) as NetComparer | undefined;
    const d = new NetDictionary(type, comparer?.comparer);
    const source = args.find((a) => a instanceof NetDictionary) as NetDictionary | undefined;
    if (source) for (const [k, v] of source.entries.values()) d.set(k, v);
    return d;
  },
  props: {
    Count: (t: NetDictionary) => t.entries.size,
    Keys: (t: NetDictionary) => sequence([...t.entries.values()].map((e) => e[0])),
    Values: (t: NetDictionary) => sequence([...t.entries.values()].map((e) => e[1])),
  },
  methods: {
    Add: (t: NetDictionary, [k, v]) => {
      if (t.get(k!) !== undefined) throw new NetException('System.ArgumentException', 'An item with the same key has already been added.');
      t.set(k!, v!);
      return null;
    },
    TryAdd: (t: NetDictionary, [k, v]) => {
      if (t.get(k!) !== undefined) return false;
      t.set(k!, v!);
      return true;
    },
    ContainsKey: (t: NetDictionary, [k]) => t.get(k!) !== undefined,
    ContainsValue: (t: NetDictionary, [v]) => [...t.entries.values()].some((e) => (e[1] === null ? v === null : netEquals(e[1], v!))),
    Remove: (t: NetDictionary, [k]) => t.entries.delete(t.comparer.key(k!)),
    Clear: (t: NetDictionary) => {
      t.entries.clear();
      return null;
    },
    TryGetValue: (t: NetDictionary, [k, o]) => {
      const v = t.get(k!);
      out(o!, v === undefined ? null : v);
      return v !== undefined;
    },
  },
  index: (t: NetDictionary, [k]) => {
    const v = t.get(k!);
    if (v === undefined) throw keyNotFound(k!);
    return v;
  },
  setIndex: (t: NetDictionary, [k], v) => t.set(k!, v),
  enumerate: (t: NetDictionary) => [...t.entries.values()].map(([k, v]) => new NetKeyValuePair(k, v)),
});

// ---- HashSet<T>

export class NetHashSet extends NetObject {
  readonly type: NetType;
  readonly comparer: KeyComparer;
  readonly items = new Map<unknown, Value>();
  constructor(type: NetType, comparer: KeyComparer = DEFAULT_COMPARER) {
    super();
    this.type = type;
    this.comparer = comparer;
  }
  get netType(): NetType {
    return this.type;
  }
  add(v: Value): boolean {
    const k = v === null ? null : this.comparer.key(v);
    if (this.items.has(k)) return false;
    this.items.set(k, v);
    return true;
  }
  has(v: Value): boolean {
    return this.items.has(v === null ? null : this.comparer.key(v));
  }
}

export const HASH_SET: NetType = register({
  name: 'System.Collections.Generic.HashSet`1',
  base: OBJECT,
  construct: (args, type) => {
    const comparer = args.find((a) => a instanceof NetComparer) as NetComparer | undefined;
    const s = new NetHashSet(type, comparer?.comparer);
    const source = args.find((a) => a !== undefined && !(a instanceof NetComparer));
    if (source !== undefined) {
      if (source === null) throw argumentNull('collection');
      for (const v of enumerateValue(source)) s.add(v);
    }
    return s;
  },
  props: { Count: (t: NetHashSet) => t.items.size },
  methods: {
    Add: (t: NetHashSet, [v]) => t.add(v!),
    Contains: (t: NetHashSet, [v]) => t.has(v!),
    Remove: (t: NetHashSet, [v]) => t.items.delete(v === null ? null : t.comparer.key(v!)),
    UnionWith: (t: NetHashSet, [vs]) => {
      for (const v of enumerateValue(vs!)) t.add(v);
      return null;
    },
    IntersectWith: (t: NetHashSet, [vs]) => {
      const other = new NetHashSet(t.type, t.comparer);
      for (const v of enumerateValue(vs!)) other.add(v);
      for (const [k, v] of [...t.items]) if (!other.has(v)) t.items.delete(k);
      return null;
    },
    Overlaps: (t: NetHashSet, [vs]) => [...enumerateValue(vs!)].some((v) => t.has(v)),
    IsSubsetOf: (t: NetHashSet, [vs]) => {
      const other = new NetHashSet(t.type, t.comparer);
      for (const v of enumerateValue(vs!)) other.add(v);
      return [...t.items.values()].every((v) => other.has(v));
    },
    SetEquals: (t: NetHashSet, [vs]) => {
      const other = new NetHashSet(t.type, t.comparer);
      for (const v of enumerateValue(vs!)) other.add(v);
      return other.items.size === t.items.size && [...t.items.values()].every((v) => other.has(v));
    },
  },
  enumerate: (t: NetHashSet) => t.items.values(),
});

// ---- StringComparer (as the comparer argument of dictionaries and sets)

export class NetComparer extends NetObject {
  readonly comparer: KeyComparer;
  constructor(comparer: KeyComparer) {
    super();
    this.comparer = comparer;
  }
  get netType(): NetType {
    return STRING_COMPARER;
  }
}
const ordinal = new NetComparer({ name: 'Ordinal', key: DEFAULT_COMPARER.key });
const ignoreCase = new NetComparer(ORDINAL_IGNORE_CASE);
export const STRING_COMPARER: NetType = register({
  name: 'System.StringComparer',
  base: OBJECT,
  staticProps: {
    Ordinal: () => ordinal, OrdinalIgnoreCase: () => ignoreCase, InvariantCulture: () => ordinal, InvariantCultureIgnoreCase: () => ignoreCase,
    CurrentCulture: () => ordinal, CurrentCultureIgnoreCase: () => ignoreCase,
  },
  methods: { Equals: (t: NetComparer, [a, b]) => (a === null || b === null ? a === b : t.comparer.key(a!) === t.comparer.key(b!)) },
});

// ---- lazy sequences (LINQ results, Keys/Values)

export class NetSequence extends NetObject {
  readonly source: () => Iterable<Value>;
  constructor(source: () => Iterable<Value>) {
    super();
    this.source = source;
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
register({ ...ENUMERABLE, name: 'System.Collections.Generic.IDictionary`2', test: (v) => v instanceof NetDictionary });
register({ ...ENUMERABLE, name: 'System.Collections.Generic.IReadOnlyDictionary`2', test: (v) => v instanceof NetDictionary || (v instanceof NetObject && (v as unknown as { isReadOnlyDictionary?: boolean }).isReadOnlyDictionary === true) });

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
