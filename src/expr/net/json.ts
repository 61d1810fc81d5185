/**
 * Members and statics of the Newtonsoft.Json.Linq types, JsonConvert, Formatting, JTokenType and
 * the `Value<T>`/`Values<T>` extensions. The tree navigation they use (indexer, children, Path,
 * SelectToken's JSONPath subset) is in jtoken-navigation.ts.
 */
import type { Value } from '../port.ts';
import { NetEnum, NetException, type NetType, setOut } from './core.ts';
import { NetArray, NetList, enumerateValue, isEnumerable, listOf } from './collections.ts';
import { NetDictionary, NetKeyValuePair } from './dictionaries.ts';
import { parseJson, writeJson } from './json-text.ts';
import { JARRAY_TYPE, JArray, JOBJECT_TYPE, JObject, JPROPERTY_TYPE, JProperty, JTOKEN_TYPE, JToken, JVALUE_TYPE, JValue, fromToken, setObjectItem, toToken } from './jtoken.ts';
import { children, pathOf, selectTokens, sibling, tokenIndex } from './jtoken-navigation.ts';
import { makeEnum, OBJECT } from './primitives.ts';
import { extend, isInstanceOf, lookupType, register } from './registry.ts';
import { toNetString } from './text.ts';

export const FORMATTING = makeEnum('Newtonsoft.Json.Formatting', { None: 0, Indented: 1 });
export const JTOKEN_TYPE_ENUM = makeEnum('Newtonsoft.Json.Linq.JTokenType', {
  None: 0, Object: 1, Array: 2, Constructor: 3, Property: 4, Comment: 5, Integer: 6, Float: 7, String: 8, Boolean: 9, Null: 10, Undefined: 11, Date: 12, Raw: 13, Bytes: 14, Guid: 15, Uri: 16, TimeSpan: 17,
});

const tokenTypeOf = (t: JToken): Value => JTOKEN_TYPE_ENUM.staticProps![t.tokenTypeName]!();
const indented = (f: Value | undefined): boolean => !(f instanceof NetEnum) || f.value === 1;

/** Converts a token to `T` as `Value<T>`, `Values<T>` and `ToObject<T>` do. */
export function tokenAs(t: JToken | null, type: NetType | undefined): Value {
  if (!type || type === OBJECT) return t instanceof JValue ? t.value : t;
  if (isInstanceOf(t ?? null, type) || type === JTOKEN_TYPE.current) return t;
  if (t === null) return type.defaultValue ? type.defaultValue() : null;
  if (type.element || type.definition === lookupType('List')) {
    const element = type.element ?? type.typeArgs?.[0] ?? OBJECT;
    const items = children(t).map((c) => tokenAs(c, element));
    return type.element ? new NetArray(element, items) : listOf(element, items);
  }
  if (type.definition === lookupType('Dictionary') && t instanceof JObject) {
    const d = new NetDictionary(type);
    for (const p of t.props.values()) d.set(p.name, tokenAs(p.valueToken, type.typeArgs?.[1]));
    return d;
  }
  return fromToken(t, type.nullableOf ?? type, type.nullableOf !== undefined);
}

const typeArg = (typeArgs: readonly NetType[]): NetType | undefined => typeArgs[0];

const JTOKEN: NetType = register({
  name: 'Newtonsoft.Json.Linq.JToken',
  base: OBJECT,
  props: {
    Type: (t: JToken) => tokenTypeOf(t),
    Parent: (t: JToken) => t.parent ?? null,
    Root: (t: JToken) => {
      let r = t;
      while (r.parent) r = r.parent;
      return r;
    },
    HasValues: (t: JToken) => children(t).length > 0,
    First: (t: JToken) => children(t)[0] ?? null,
    Last: (t: JToken) => children(t).at(-1) ?? null,
    Next: (t: JToken) => sibling(t, 1),
    Previous: (t: JToken) => sibling(t, -1),
    Path: (t: JToken) => pathOf(t),
  },
  methods: {
    ToString: (t: JToken, [f]) => (t instanceof JValue && f === undefined ? toNetString(t.value) : writeJson(t, indented(f) ? '  ' : undefined)),
    Value: (t: JToken, [key], typeArgs) => tokenAs(key === undefined ? t : tokenIndex(t, key), typeArg(typeArgs)),
    Values: (t: JToken, [key], typeArgs) => listOf(typeArg(typeArgs) ?? OBJECT, (key === undefined ? children(t) : children(tokenIndex(t, key) ?? new JArray())).map((c) => tokenAs(c instanceof JProperty ? c.valueToken : c, typeArg(typeArgs)))),
    ToObject: (t: JToken, _a, typeArgs) => tokenAs(t, typeArg(typeArgs)),
    Children: (t: JToken) => listOf(JTOKEN, children(t)),
    DeepClone: (t: JToken) => t.deepClone(),
    SelectToken: (t: JToken, [path, error]) => {
      const r = selectTokens(t, path as string);
      if (r.length > 1) throw new NetException('Newtonsoft.Json.JsonException', 'Path returned multiple tokens.');
      if (r.length === 0 && error === true) throw new NetException('Newtonsoft.Json.JsonException', `Path '${path as string}' does not exist.`);
      return r[0] ?? null;
    },
    SelectTokens: (t: JToken, [path]) => listOf(JTOKEN, selectTokens(t, path as string)),
    Remove: (t: JToken) => {
      const p = t.parent;
      if (!p) throw new NetException('System.InvalidOperationException', 'The parent is missing.');
      if (p instanceof JObject && t instanceof JProperty) p.remove(t.name);
      else if (p instanceof JArray) p.items.splice(p.items.indexOf(t), 1);
      else if (p instanceof JProperty) throw new NetException('System.InvalidOperationException', 'Cannot add or remove items from Newtonsoft.Json.Linq.JProperty.');
      t.parent = undefined;
      return null;
    },
    Replace: (t: JToken, [v]) => {
      const p = t.parent;
      const n = toToken(v!);
      if (p instanceof JProperty) p.valueToken = n;
      else if (p instanceof JArray) {
        const i = p.items.indexOf(t);
        p.items.splice(i, 1);
        p.insert(i, n);
      } else if (p instanceof JObject && t instanceof JProperty && n instanceof JProperty) {
        p.remove(t.name);
        p.addProperty(n);
      }
      t.parent = undefined;
      return null;
    },
    AddAfterSelf: (t: JToken, [v]) => {
      const p = t.parent;
      if (!(p instanceof JArray)) throw new NetException('System.InvalidOperationException', 'The parent is missing.');
      p.insert(p.items.indexOf(t) + 1, toToken(v!));
      return null;
    },
  },
  statics: {
    Parse: ([s]) => parseJson(s as string | null),
    FromObject: ([v]) => fromObject(v!),
    DeepEquals: ([a, b]) => deepEquals(a as JToken | null, b as JToken | null),
  },
  index: (t: JToken, [k]) => tokenIndex(t, k!),
  enumerate: (t: JToken) => children(t),
  convertFrom: (v) => (v === null || v instanceof JToken ? v : toToken(v)),
});
JTOKEN_TYPE.set(JTOKEN);
register({ ...JTOKEN, name: 'Newtonsoft.Json.Linq.JContainer', test: (v) => v instanceof JObject || v instanceof JArray || v instanceof JProperty });

register({
  name: 'Newtonsoft.Json.Linq.JValue',
  base: JTOKEN,
  construct: ([v]) => new JValue(v instanceof JValue ? v.value : v ?? null),
  props: { Value: (t: JValue) => t.value },
  setProps: { Value: (t: JValue, v) => { t.value = v; } },
  statics: { CreateNull: () => new JValue(null), CreateString: ([s]) => new JValue(s!), CreateUndefined: () => new JValue(null, 'Undefined') },
  convertFrom: (v) => (v instanceof JValue ? v : v === null || v instanceof JToken ? undefined : new JValue(v)),
});
JVALUE_TYPE.set(lookupType('JValue')!);

function addContent(target: JObject | JArray, content: Value): void {
  if (content instanceof JToken || !isEnumerable(content) || typeof content === 'string') {
    if (target instanceof JObject) {
      if (content instanceof JProperty) target.addProperty(content);
      else if (content instanceof JObject) for (const p of content.props.values()) target.addProperty(p);
      else if (content !== null) throw new NetException('System.ArgumentException', `Can not add ${content instanceof JToken ? content.netType.name : 'Newtonsoft.Json.Linq.JValue'} to Newtonsoft.Json.Linq.JObject.`);
    } else target.add(toToken(content));
    return;
  }
  for (const c of enumerateValue(content)) addContent(target, c);
}

register({
  name: 'Newtonsoft.Json.Linq.JObject',
  base: JTOKEN,
  construct: (args) => {
    const o = new JObject();
    for (const a of args) addContent(o, a);
    return o;
  },
  props: { Count: (t: JObject) => t.props.size },
  methods: {
    Properties: (t: JObject) => listOf(lookupType('JProperty')!, [...t.props.values()]),
    Property: (t: JObject, [n]) => t.props.get(n as string) ?? null,
    Add: (t: JObject, [a, b]) => {
      if (b === undefined) addContent(t, a!);
      else t.addProperty(new JProperty(a as string, toToken(b)));
      return null;
    },
    Remove: (t: JObject, [n]) => (typeof n === 'string' ? t.remove(n) : false),
    ContainsKey: (t: JObject, [n]) => t.props.has(n as string),
    TryGetValue: (t: JObject, [n, o]) => {
      const v = t.props.get(n as string);
      setOut(o, v ? v.valueToken : null);
      return v !== undefined;
    },
    GetValue: (t: JObject, [n, c]) => {
      if (c instanceof NetEnum && (c.value === 5 || c.value === 1 || c.value === 3)) {
        const exact = t.props.get(n as string);
        if (exact) return exact.valueToken;
        for (const p of t.props.values()) if (p.name.toUpperCase() === (n as string).toUpperCase()) return p.valueToken;
        return null;
      }
      return t.get(n as string);
    },
    Merge: (t: JObject, [other]) => {
      merge(t, other ?? null);
      return null;
    },
  },
  statics: { Parse: ([s]) => expectKind(parseJson(s as string | null), JObject, 'JObject', 'StartObject'), FromObject: ([v]) => expectKind(fromObject(v!), JObject, 'JObject', 'StartObject') },
  setIndex: (t: JObject, [k], v) => setObjectItem(t, k!, v),
  enumerate: (t: JObject) => [...t.props.values()].map((p) => new NetKeyValuePair(p.name, p.valueToken)),
});
JOBJECT_TYPE.set(lookupType('JObject')!);

register({
  name: 'Newtonsoft.Json.Linq.JArray',
  base: JTOKEN,
  construct: (args) => {
    const a = new JArray();
    for (const c of args) addContent(a, c);
    return a;
  },
  props: { Count: (t: JArray) => t.items.length },
  methods: {
    Add: (t: JArray, [v]) => {
      t.add(toToken(v!));
      return null;
    },
    Insert: (t: JArray, [i, v]) => {
      t.insert(i as number, toToken(v!));
      return null;
    },
    Remove: (t: JArray, [v]) => {
      const i = t.items.indexOf(v as JToken);
      if (i >= 0) t.items.splice(i, 1)[0]!.parent = undefined;
      return i >= 0;
    },
    RemoveAt: (t: JArray, [i]) => {
      tokenIndex(t, i!);
      t.items.splice(i as number, 1)[0]!.parent = undefined;
      return null;
    },
    Clear: (t: JArray) => {
      t.items.length = 0;
      return null;
    },
    IndexOf: (t: JArray, [v]) => t.items.indexOf(v as JToken),
    Merge: (t: JArray, [other]) => {
      merge(t, other ?? null);
      return null;
    },
    Contains: (t: JArray, [v]) => t.items.includes(v as JToken),
  },
  statics: { Parse: ([s]) => expectKind(parseJson(s as string | null), JArray, 'JArray', 'StartArray'), FromObject: ([v]) => expectKind(fromObject(v!), JArray, 'JArray', 'StartArray') },
  setIndex: (t: JArray, [k], v) => {
    tokenIndex(t, k!);
    t.items[k as number]!.parent = undefined;
    const n = toToken(v);
    t.items.splice(k as number, 1);
    t.insert(k as number, n);
  },
});
JARRAY_TYPE.set(lookupType('JArray')!);

register({
  name: 'Newtonsoft.Json.Linq.JProperty',
  base: JTOKEN,
  construct: ([n, v]) => new JProperty(n as string, toToken(v ?? null)),
  props: { Name: (t: JProperty) => t.name, Value: (t: JProperty) => t.valueToken },
  setProps: { Value: (t: JProperty, v) => { t.valueToken = toToken(v); } },
});
JPROPERTY_TYPE.set(lookupType('JProperty')!);

/**
 * JContainer.Merge with Newtonsoft's default settings: objects merge property by property
 * (recursively when both sides hold containers of one kind), arrays concatenate, and a null
 * never overwrites an existing value.
 */
function merge(target: JObject | JArray, content: Value): void {
  if (content === null) return;
  if (target instanceof JArray) {
    for (const item of enumerateValue(content)) target.add(toToken(item));
    return;
  }
  if (!(content instanceof JObject)) return;
  for (const p of content.props.values()) {
    const existing = target.get(p.name);
    const incoming = p.valueToken;
    if (existing === null) target.setProperty(p.name, incoming.deepClone());
    else if ((existing instanceof JObject && incoming instanceof JObject) || (existing instanceof JArray && incoming instanceof JArray)) merge(existing, incoming);
    else if (!(incoming instanceof JValue && incoming.value === null)) target.setProperty(p.name, incoming.deepClone());
  }
}

function expectKind<T extends JToken>(t: JToken, kind: abstract new () => T, name: string, start: string): T {
  if (t instanceof kind) return t;
  const found = t instanceof JArray ? 'StartArray' : t instanceof JObject ? 'StartObject' : t instanceof JValue ? t.tokenType : 'None';
  throw new NetException('Newtonsoft.Json.JsonReaderException', `Error reading ${name} from JsonReader. Current JsonReader item is not ${start === 'StartArray' ? 'an array' : 'an object'}: ${found}. Path '', line 1, position 1.`);
}

/** JToken.FromObject for the values expressions build: tokens, scalars, collections, anonymous objects. */
export function fromObject(v: Value): JToken {
  if (v === null) throw new NetException('System.ArgumentNullException', 'Value cannot be null.\nParameter name: o');
  if (v instanceof JToken) return v.deepClone();
  if (v instanceof NetDictionary) {
    const o = new JObject();
    for (const [k, x] of v.entries.values()) o.setProperty(toNetString(k), x === null ? new JValue(null) : fromObject(x));
    return o;
  }
  if (v instanceof NetArray || v instanceof NetList || (isEnumerable(v) && typeof v !== 'string')) {
    const a = new JArray();
    for (const x of enumerateValue(v)) a.add(x === null ? new JValue(null) : fromObject(x));
    return a;
  }
  const anon = (v as unknown as { anonymous?: Map<string, Value> }).anonymous;
  if (anon instanceof Map) {
    const o = new JObject();
    for (const [k, x] of anon) o.setProperty(k, x === null ? new JValue(null) : fromObject(x));
    return o;
  }
  return toToken(v);
}

function deepEquals(a: JToken | null, b: JToken | null): boolean {
  if (a === null || b === null) return a === b;
  return writeJson(a, undefined) === writeJson(b, undefined);
}

// ---- JsonConvert

register({
  name: 'Newtonsoft.Json.JsonConvert',
  base: OBJECT,
  isStaticClass: true,
  statics: {
    SerializeObject: ([v, f]) => (v === null ? 'null' : writeJson(fromObject(v!), f instanceof NetEnum && f.value === 1 ? '  ' : undefined)),
    DeserializeObject: ([s], typeArgs) => {
      if (s === null) throw new NetException('System.ArgumentNullException', 'Value cannot be null.\nParameter name: value');
      const t = parseJson(s as string);
      const want = typeArgs[0];
      if (!want) return t instanceof JValue ? t.value : t;
      if (want.name.startsWith('Newtonsoft.Json.Linq.') && !isInstanceOf(t, want)) {
        throw new NetException('Newtonsoft.Json.JsonSerializationException', `Deserialized JSON type '${t.netType.name}' is not compatible with expected type '${want.name}'. Path '', line 1, position ${(s as string).length}.`);
      }
      try {
        return tokenAs(t, want);
      } catch (e) {
        // the serializer reports a value it cannot convert as a reader error
        if (e instanceof NetException && (e.type === 'System.FormatException' || e.type === 'System.OverflowException')) {
          throw new NetException('Newtonsoft.Json.JsonReaderException', `Could not convert string to ${want.name}: ${toNetString(t)}. Path '', line 1, position ${(s as string).length}.`);
        }
        throw e;
      }
    },
  },
});

// `Value<T>(key)` and `Values<T>()` are also extension methods on IEnumerable<JToken>
extend('Value', (v) => v instanceof NetList && v.items.every((x) => x instanceof JToken), (t: NetList, [key], typeArgs) => tokenAs(tokenIndex(t.items[0] as JToken, key!), typeArgs[0]));
