/**
 * Dictionary<K,V> (with its Keys/Values collections), KeyValuePair<K,V>, StringComparer and the
 * key comparers dictionaries and sets use. Keys compare by .NET equality (strings ordinal unless a
 * comparer says otherwise). Separate from collections.ts, which it builds on (sequences, default
 * ordering) and which does not depend on it.
 */
import type { Value } from '../port.ts';
import { NetChar, NetException, NetObject, type NetType, argumentNull, setOut, TypedObject } from './core.ts';
import { collator, compareValues, ENUMERABLE, NetSequence } from './collections.ts';
import { OBJECT } from './primitives.ts';
import { instantiate, register, typeName } from './registry.ts';
import { netEquals, toNetString } from './text.ts';

/** How a collection compares its keys: the default equality or a StringComparer. */
export interface KeyComparer {
  readonly name: string;
  key(v: Value): unknown;
  /** How a StringComparer orders two non-null strings (OrderBy(x => x, StringComparer.Ordinal)). */
  readonly order?: (a: Value, b: Value) => number;
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

// ---- Dictionary<K,V> and KeyValuePair<K,V>

export class NetKeyValuePair extends NetObject {
  readonly key: Value;
  readonly value: Value;
  /** KeyValuePair<K, V> when the key and value types are known (dictionaries), else the definition. */
  readonly type: NetType | undefined;
  constructor(key: Value, value: Value, type?: NetType) {
    super();
    this.key = key;
    this.value = value;
    this.type = type;
  }
  get netType(): NetType {
    return this.type ?? KEY_VALUE_PAIR;
  }
}

/** KeyValuePair<K, V> for a dictionary type Dictionary<K, V> (or any type with two type arguments). */
export const pairTypeOf = (dictionary: NetType): NetType | undefined =>
  dictionary.typeArgs?.length === 2 ? instantiate(KEY_VALUE_PAIR, dictionary.typeArgs) : undefined;

export const KEY_VALUE_PAIR: NetType = register({
  name: 'System.Collections.Generic.KeyValuePair`2',
  base: OBJECT,
  isValueType: true,
  construct: ([k, v], type) => new NetKeyValuePair(k!, v!, type === KEY_VALUE_PAIR ? undefined : type),
  props: { Key: (t: NetKeyValuePair) => t.key, Value: (t: NetKeyValuePair) => t.value },
  methods: { ToString: (t: NetKeyValuePair) => `[${toNetString(t.key)}, ${toNetString(t.value)}]` },
});

export class NetDictionary extends TypedObject {
  readonly comparer: KeyComparer;
  /** The entries by comparer key; made on first use (see `fill`). */
  protected made: Map<unknown, [Value, Value]> | undefined;
  constructor(type: NetType, comparer: KeyComparer = DEFAULT_COMPARER) {
    super(type);
    this.comparer = comparer;
  }
  /** Entries by comparer key, each with the key as given and the value. */
  get entries(): Map<unknown, [Value, Value]> {
    return (this.made ??= this.fill());
  }
  /** The first entries: none here; a dictionary that is a view of other data makes them from it. */
  protected fill(): Map<unknown, [Value, Value]> {
    return new Map();
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
    Keys: (t: NetDictionary) => new NetKeyCollection([...t.entries.values()].map((e) => e[0]), t.type.typeArgs?.[0]),
    Values: (t: NetDictionary) => new NetKeyCollection([...t.entries.values()].map((e) => e[1]), t.type.typeArgs?.[1]),
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
      setOut(o, v === undefined ? (t.type.typeArgs?.[1]?.defaultValue?.() ?? null) : v);
      return v !== undefined;
    },
  },
  index: (t: NetDictionary, [k]) => {
    const v = t.get(k!);
    if (v === undefined) throw keyNotFound(k!);
    return v;
  },
  setIndex: (t: NetDictionary, [k], v) => t.set(k!, v),
  enumerate: (t: NetDictionary) => {
    const type = pairTypeOf(t.type);
    return [...t.entries.values()].map(([k, v]) => new NetKeyValuePair(k, v, type));
  },
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
const str = (v: Value): string => (typeof v === 'string' ? v : toNetString(v));
const ordinalOrder = (a: Value, b: Value): number => {
  const x = str(a);
  const y = str(b);
  return x < y ? -1 : x > y ? 1 : 0;
};
const cultureIgnoreCase = new Intl.Collator('en-US', { sensitivity: 'accent' });
const ordinal = new NetComparer({ name: 'Ordinal', key: DEFAULT_COMPARER.key, order: ordinalOrder });
const ignoreCase = new NetComparer({ ...ORDINAL_IGNORE_CASE, order: (a, b) => ordinalOrder(str(a).toUpperCase(), str(b).toUpperCase()) });
// Culture comparers order like the invariant culture; for equality (dictionary keys) they fall back to ordinal.
const invariant = new NetComparer({ name: 'InvariantCulture', key: DEFAULT_COMPARER.key, order: (a, b) => collator.compare(str(a), str(b)) });
const invariantIgnoreCase = new NetComparer({ ...ORDINAL_IGNORE_CASE, name: 'InvariantCultureIgnoreCase', order: (a, b) => cultureIgnoreCase.compare(str(a), str(b)) });
export const STRING_COMPARER: NetType = register({
  name: 'System.StringComparer',
  base: OBJECT,
  staticProps: {
    Ordinal: () => ordinal, OrdinalIgnoreCase: () => ignoreCase, InvariantCulture: () => invariant, InvariantCultureIgnoreCase: () => invariantIgnoreCase,
    CurrentCulture: () => invariant, CurrentCultureIgnoreCase: () => invariantIgnoreCase,
  },
  methods: {
    Equals: (t: NetComparer, [a, b]) => (a === null || b === null ? a === b : t.comparer.key(a!) === t.comparer.key(b!)),
    Compare: (t: NetComparer, [a, b]) => (a === null || b === null ? compareValues(a ?? null, b ?? null) : (t.comparer.order ?? compareValues)(a!, b!)),
  },
});

// ---- the dictionary interfaces (IEnumerable<T> and its other interfaces are in collections.ts)

register({ ...ENUMERABLE, name: 'System.Collections.Generic.IDictionary`2', test: (v) => v instanceof NetDictionary });
register({ ...ENUMERABLE, name: 'System.Collections.Generic.IReadOnlyDictionary`2', test: (v) => v instanceof NetDictionary || (v instanceof NetObject && (v as unknown as { isReadOnlyDictionary?: boolean }).isReadOnlyDictionary === true) });

/** Dictionary<K,V>.Keys / .Values: an enumerable snapshot with Count. */
export class NetKeyCollection extends NetSequence {
  readonly items: readonly Value[];
  constructor(items: readonly Value[], element: NetType | undefined) {
    super(() => items, element);
    this.items = items;
  }
  override get netType(): NetType {
    return KEY_COLLECTION;
  }
}
// Not registered: it has no name a policy can write.
const KEY_COLLECTION: NetType = {
  name: 'System.Collections.Generic.Dictionary`2+KeyCollection',
  base: ENUMERABLE,
  props: { Count: (t: NetKeyCollection) => t.items.length },
  enumerate: (t: NetKeyCollection) => t.items,
};
