/**
 * Newtonsoft.Json.Linq: JToken, JValue, JObject, JArray, JProperty as values. Members and
 * statics are in json.ts; conversions between tokens and .NET values are here, because
 * everything that touches a token needs them.
 */
import type { Value } from '../port.ts';
import { NetBigInteger, NetChar, NetDecimal, NetDouble, NetEnum, NetException, NetLong, NetObject, type NetType, TypeSlot, formatError, invalidCast } from './core.ts';
import { toNetString } from './text.ts';
import { NetDateTime } from './time.ts';
import { NetTimeSpan } from './timespan.ts';
import { numKind, toDouble } from './numeric.ts';

export const JTOKEN_TYPE = new TypeSlot();
export const JVALUE_TYPE = new TypeSlot();
export const JOBJECT_TYPE = new TypeSlot();
export const JARRAY_TYPE = new TypeSlot();
export const JPROPERTY_TYPE = new TypeSlot();

export abstract class JToken extends NetObject {
  parent: JToken | undefined;
  abstract get tokenTypeName(): string;
  abstract deepClone(): JToken;
}

export type JValueKind = 'String' | 'Integer' | 'Float' | 'Boolean' | 'Null' | 'Date' | 'Undefined' | 'Guid' | 'TimeSpan' | 'Uri';

export class JValue extends JToken {
  value: Value;
  readonly tokenType: JValueKind;
  constructor(value: Value, kind?: JValueKind) {
    super();
    this.value = value;
    this.tokenType = kind ?? kindOf(value);
  }
  get netType(): NetType {
    return JVALUE_TYPE.current;
  }
  get tokenTypeName(): string {
    return this.tokenType;
  }
  deepClone(): JValue {
    return new JValue(this.value, this.tokenType);
  }
}

function kindOf(v: Value): JValueKind {
  if (v === null) return 'Null';
  if (typeof v === 'string' || v instanceof NetChar) return 'String';
  if (typeof v === 'boolean') return 'Boolean';
  if (typeof v === 'number' || v instanceof NetLong || v instanceof NetBigInteger) return 'Integer';
  if (v instanceof NetDouble || v instanceof NetDecimal) return 'Float';
  if (v instanceof NetDateTime) return 'Date';
  if (v instanceof NetTimeSpan) return 'TimeSpan';
  const t = (v as NetObject).netType?.name;
  if (t === 'System.Guid') return 'Guid';
  if (t === 'System.Uri') return 'Uri';
  throw new NetException('System.ArgumentException', `Could not determine JSON object type for type ${t ?? 'System.Object'}.`);
}

export class JProperty extends JToken {
  readonly name: string;
  private token: JToken;
  constructor(name: string, value: JToken) {
    super();
    this.name = name;
    this.token = adopt(this, value);
  }
  get valueToken(): JToken {
    return this.token;
  }
  set valueToken(t: JToken) {
    this.token.parent = undefined;
    this.token = adopt(this, t);
  }
  get netType(): NetType {
    return JPROPERTY_TYPE.current;
  }
  get tokenTypeName(): string {
    return 'Property';
  }
  deepClone(): JProperty {
    return new JProperty(this.name, this.token.deepClone());
  }
}

export class JObject extends JToken {
  readonly props = new Map<string, JProperty>();
  get netType(): NetType {
    return JOBJECT_TYPE.current;
  }
  get tokenTypeName(): string {
    return 'Object';
  }
  get(name: string): JToken | null {
    return this.props.get(name)?.valueToken ?? null;
  }
  /** Indexer set and parsing: replaces the value in place, keeping the property's position. */
  setProperty(name: string, value: JToken): void {
    const p = this.props.get(name);
    if (p) p.valueToken = value;
    else this.addProperty(new JProperty(name, value));
  }
  addProperty(p: JProperty): void {
    if (this.props.has(p.name)) throw new NetException('System.ArgumentException', `Can not add property ${p.name} to Newtonsoft.Json.Linq.JObject. Property with the same name already exists on object.`);
    const own = p.parent ? p.deepClone() : p;
    own.parent = this;
    this.props.set(own.name, own as JProperty);
  }
  remove(name: string): boolean {
    const p = this.props.get(name);
    if (!p) return false;
    p.parent = undefined;
    return this.props.delete(name);
  }
  deepClone(): JObject {
    const o = new JObject();
    for (const p of this.props.values()) o.addProperty(p.deepClone());
    return o;
  }
}

export class JArray extends JToken {
  readonly items: JToken[] = [];
  get netType(): NetType {
    return JARRAY_TYPE.current;
  }
  get tokenTypeName(): string {
    return 'Array';
  }
  add(t: JToken): void {
    this.items.push(adopt(this, t));
  }
  insert(i: number, t: JToken): void {
    if (i < 0 || i > this.items.length) throw new NetException('System.ArgumentOutOfRangeException', 'Index must be within the bounds of the List.\nParameter name: index');
    this.items.splice(i, 0, adopt(this, t));
  }
  deepClone(): JArray {
    const a = new JArray();
    for (const t of this.items) a.add(t.deepClone());
    return a;
  }
}

/** `o[k] = v` of a JObject (its indexer, and the call sites that skip its argument list). */
export function setObjectItem(o: JObject, k: Value, v: Value): void {
  o.setProperty(k as string, toToken(v));
}

/** A token added to a container that already has a parent is cloned (Newtonsoft's rule). */
function adopt(parent: JToken, t: JToken): JToken {
  const own = t.parent ? t.deepClone() : t;
  own.parent = parent;
  return own;
}

/** A value as a token (C#'s implicit conversions to JToken; null becomes a JSON null). */
export function toToken(v: Value): JToken {
  if (v instanceof JToken) return v;
  if (v instanceof NetEnum) return new JValue(v.value);
  if (v instanceof NetObject && v.netType.name.endsWith('[]')) {
    const a = new JArray();
    for (const x of (v as unknown as { items: Value[] }).items) a.add(toToken(x));
    return a;
  }
  return new JValue(v instanceof NetChar ? String.fromCharCode(v.code) : v);
}

const JSON_NAMES: Record<string, string> = {
  'System.String': 'String', 'System.Int32': 'Int32', 'System.Int64': 'Int64', 'System.Double': 'Double', 'System.Boolean': 'Boolean',
  'System.Decimal': 'Decimal', 'System.DateTime': 'DateTime', 'System.Single': 'Single', 'System.Guid': 'Guid',
};

/**
 * The explicit conversion operators of JToken (`(string)token`, `(int)token`, `(bool?)token`…):
 * null and JSON null give null for nullable targets, other tokens must be JValues.
 */
export function fromToken(t: JToken | null, target: NetType, nullable: boolean): Value {
  const name = target.name;
  if (t === null || (t instanceof JValue && t.value === null)) {
    if (name === 'System.String' || nullable) return null;
    // a missing token (C# null) fails in the operator's argument check, a JSON null in the conversion
    if (t === null) throw new NetException('System.ArgumentNullException', 'Value cannot be null.\nParameter name: value');
    throw new NetException('System.ArgumentException', `Can not convert Null to ${JSON_NAMES[name] ?? name}.`);
  }
  if (!(t instanceof JValue)) throw new NetException('System.ArgumentException', `Can not convert ${t.tokenTypeName} to ${JSON_NAMES[name] ?? name}.`);
  const v = t.value!;
  // (string) of a string and (int) of an Int32 are the value itself: policies read their JSON
  // variables this way many times a request
  if ((typeof v === 'string' && name === 'System.String') || (typeof v === 'number' && name === 'System.Int32')) return v;
  switch (name) {
    case 'System.String':
      return v instanceof NetDateTime ? toNetString(v) : toNetString(v);
    case 'System.Boolean':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') {
        const s = v.trim().toLowerCase();
        if (s === 'true' || s === 'false') return s === 'true';
        throw formatError('String was not recognized as a valid Boolean.');
      }
      if (numKind(v)) return toDouble(v) !== 0;
      break;
    case 'System.Int32':
    case 'System.Int64':
    case 'System.Double':
    case 'System.Single':
    case 'System.Decimal':
    case 'System.DateTime':
    case 'System.Guid':
      return convertScalar(v, target);
  }
  if (target.convertFrom) {
    const r = target.convertFrom(v, 'explicit');
    if (r !== undefined) return r;
  }
  throw invalidCast(t.netType.name, name);
}

/** Convert.ChangeType of a JValue's scalar into a numeric type (strings parsed, doubles rounded half-even). */
let changeType: ((v: Value, target: NetType) => Value) | undefined;
export function setChangeType(f: (v: Value, target: NetType) => Value): void {
  changeType = f;
}
function convertScalar(v: Value, target: NetType): Value {
  return changeType!(v, target);
}
