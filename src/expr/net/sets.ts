/** System.Collections.Generic.HashSet<T>, keyed by .NET equality or a StringComparer. */
import type { Value } from '../port.ts';
import { TypedObject, type NetType, argumentNull } from './core.ts';
import { enumerateValue } from './collections.ts';
import { DEFAULT_COMPARER, type KeyComparer, NetComparer } from './dictionaries.ts';
import { OBJECT } from './primitives.ts';
import { register } from './registry.ts';

export class NetHashSet extends TypedObject {
  readonly comparer: KeyComparer;
  readonly items = new Map<unknown, Value>();
  constructor(type: NetType, comparer: KeyComparer = DEFAULT_COMPARER) {
    super(type);
    this.comparer = comparer;
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
    ExceptWith: (t: NetHashSet, [vs]) => {
      for (const v of enumerateValue(vs!)) t.items.delete(v === null ? null : t.comparer.key(v));
      return null;
    },
    SymmetricExceptWith: (t: NetHashSet, [vs]) => {
      const other = new NetHashSet(t.type, t.comparer);
      for (const v of enumerateValue(vs!)) other.add(v);
      for (const v of other.items.values()) if (!t.add(v)) t.items.delete(v === null ? null : t.comparer.key(v));
      return null;
    },
    IsSupersetOf: (t: NetHashSet, [vs]) => [...enumerateValue(vs!)].every((v) => t.has(v)),
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
