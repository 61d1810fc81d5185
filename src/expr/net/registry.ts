/**
 * Type registry: C# names and aliases → NetType, generic instantiations, arrays, nullables,
 * member lookup along the base chain and extension methods. The type modules register
 * themselves here when imported (library.ts imports them all, once).
 */
import type { Value } from '../port.ts';
import { type Method, NetException, NetObject, type NetType, invalidCast } from './core.ts';

const byName = new Map<string, NetType>();
const namespaces = new Set<string>(['System', 'System.Text', 'System.Linq', 'System.Collections', 'System.Collections.Generic', 'System.Text.RegularExpressions', 'System.Net', 'Newtonsoft', 'Newtonsoft.Json', 'Newtonsoft.Json.Linq', 'System.Globalization', 'System.Security', 'System.Security.Cryptography']);

/** Registers `type` under its full name, its short name and any aliases (`int`, `JObject`). */
export function register(type: NetType, ...aliases: string[]): NetType {
  const generic = type.name.indexOf('`');
  const full = generic >= 0 ? type.name.slice(0, generic) : type.name;
  byName.set(full, type);
  byName.set(full.slice(full.lastIndexOf('.') + 1), type);
  for (const a of aliases) byName.set(a, type);
  return type;
}

export const isNamespace = (name: string): boolean => namespaces.has(name);
export const lookupType = (name: string): NetType | undefined => byName.get(name);

// ---- generic instantiations, arrays and nullables (cached so `List<string>` is one object)

const instantiations = new Map<NetType, Map<string, NetType>>();

export function instantiate(definition: NetType, typeArgs: readonly NetType[]): NetType {
  let cache = instantiations.get(definition);
  if (!cache) instantiations.set(definition, (cache = new Map()));
  const key = typeArgs.map((t) => t.name).join(',');
  let t = cache.get(key);
  if (!t) {
    const base = definition.name.slice(0, definition.name.indexOf('`') >= 0 ? definition.name.indexOf('`') : undefined);
    t = { ...definition, name: `${base}<${typeArgs.map(displayName).join(', ')}>`, definition, typeArgs };
    cache.set(key, t);
  }
  return t;
}

const arrays = new Map<NetType, NetType>();
const nullables = new Map<NetType, NetType>();
let arrayDefinition: NetType | undefined;
let nullableFactory: ((of: NetType) => NetType) | undefined;

export function defineArrayType(definition: NetType): void {
  arrayDefinition = definition;
}
export function defineNullable(factory: (of: NetType) => NetType): void {
  nullableFactory = factory;
}

export function arrayOf(element: NetType): NetType {
  let t = arrays.get(element);
  if (!t) arrays.set(element, (t = { ...arrayDefinition!, name: `${element.name}[]`, element }));
  return t;
}

export function nullableOf(of: NetType): NetType {
  if (!of.isValueType || of.nullableOf) return of;
  let t = nullables.get(of);
  if (!t) nullables.set(of, (t = nullableFactory!(of)));
  return t;
}

/** C# display name (`int`, `string`, `List<string>`) for messages. */
export function displayName(t: NetType): string {
  return t.name;
}

// ---- instances

let primitiveTypes: { string: NetType; int: NetType; bool: NetType; object: NetType } | undefined;
export function definePrimitives(p: { string: NetType; int: NetType; bool: NetType; object: NetType }): void {
  primitiveTypes = p;
}

/** The runtime type of a non-null value. */
export function typeOfValue(v: Value): NetType {
  switch (typeof v) {
    case 'string':
      return primitiveTypes!.string;
    case 'number':
      return primitiveTypes!.int;
    case 'boolean':
      return primitiveTypes!.bool;
  }
  if (v instanceof NetObject) return v.netType;
  return primitiveTypes!.object;
}

/** `GetType().FullName` (generic instantiations in CLR form are not needed by any case). */
export function typeName(v: Value): string {
  if (v === null) throw new NetException('System.NullReferenceException', 'Object reference not set to an instance of an object.');
  return typeOfValue(v).name;
}

/** Is `v`'s runtime type `t`, derived from it, or (for interfaces) does it pass `t.test`? */
export function isInstanceOf(v: Value, t: NetType): boolean {
  if (v === null) return false;
  if (t === primitiveTypes!.object) return true;
  if (t.nullableOf) return isInstanceOf(v, t.nullableOf);
  if (t.test) return t.test(v);
  for (let c: NetType | undefined = typeOfValue(v); c; c = c.base) {
    if (c === t || (c.definition !== undefined && c.definition === t.definition && sameArgs(c, t)) || (t.definition === undefined && c.definition === t)) return true;
    if (c.element && t.element && c.name === t.name) return true;
  }
  return false;
}

const sameArgs = (a: NetType, b: NetType): boolean => (a.typeArgs ?? []).every((x, i) => x === b.typeArgs?.[i]);

// ---- members

interface Extension {
  readonly applies: (v: Value) => boolean;
  readonly fn: Method;
}
const extensions = new Map<string, Extension[]>();

/** Registers an extension method (LINQ, APIM's GetValueOrDefault/AsJwt, Newtonsoft's Value<T>). */
export function extend(name: string, applies: (v: Value) => boolean, fn: Method): void {
  const list = extensions.get(name) ?? [];
  list.push({ applies, fn });
  extensions.set(name, list);
}

/** Every instance member name the library knows: the load-time check of member names uses it. */
export function knownMemberNames(): Set<string> {
  const names = new Set<string>(extensions.keys());
  for (const t of new Set(byName.values())) {
    for (const k of Object.keys(t.props ?? {})) names.add(k);
    for (const k of Object.keys(t.methods ?? {})) names.add(k);
  }
  for (const t of arrays.values()) for (const k of Object.keys(t.methods ?? {})) names.add(k);
  return names;
}

/** A method of `type` or a base type (not an extension method). */
export function chainMethod(type: NetType, name: string): Method | undefined {
  for (let c: NetType | undefined = type; c; c = c.base) {
    const m = c.methods?.[name];
    if (m) return m;
  }
  return undefined;
}

export function findMethod(v: Value, name: string): Method | undefined {
  const m = chainMethod(typeOfValue(v), name);
  if (m) return m;
  const ext = extensions.get(name);
  if (ext) for (const e of ext) if (e.applies(v)) return e.fn;
  return undefined;
}

/** A property of `type` or a base type. */
export function chainProp(type: NetType, name: string): ((t: never) => Value) | undefined {
  for (let c: NetType | undefined = type; c; c = c.base) {
    const p = c.props?.[name];
    if (p) return p;
  }
  return undefined;
}

export function findProp(v: Value, name: string): ((t: never) => Value) | undefined {
  return chainProp(typeOfValue(v), name);
}

export function findSetter(v: Value, name: string): ((t: never, value: Value) => void) | undefined {
  for (let c: NetType | undefined = typeOfValue(v); c; c = c.base) {
    const p = c.setProps?.[name];
    if (p) return p;
  }
  return undefined;
}

export function findOnChain<K extends 'index' | 'setIndex' | 'enumerate'>(v: Value, key: K): NetType[K] {
  for (let c: NetType | undefined = typeOfValue(v); c; c = c.base) if (c[key]) return c[key];
  return undefined;
}

export const missingMember = (v: Value, name: string): NetException =>
  new NetException('Microsoft.CSharp.RuntimeBinder.RuntimeBinderException', `'${typeName(v)}' does not contain a definition for '${name}'`);

/** Standard conversion failure for a value that cannot become `t`. */
export const cannotConvert = (v: Value, t: NetType): NetException => invalidCast(typeName(v), t.name);
