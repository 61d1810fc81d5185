/**
 * The .NET library behind the expression evaluator: binds the ExprLibrary port (src/expr/port.ts)
 * to the type modules. Dispatch is dynamic (on the runtime type of each value), which is exact
 * for the members policies use; where C#'s static typing would pick a different overload or
 * conversion, docs/emulator-support.md lists the case.
 */
import { MAX_ELEMENTS } from '../budget.ts';
import type { ExprLibrary, NetFailure, TypeHandle, TypeQuery, Value } from '../port.ts';
import { NetChar, NetDecimal, NetDouble, NetEnum, NetException, NetLong, NetObject, type NetType, invalidCast, isDelegate, nullReference, TypedObject } from './core.ts';
import { NetArray, NetList, enumerateValue, filledItems } from './collections.ts';
import { NetDictionary } from './dictionaries.ts';
import { NetHashSet } from './sets.ts';
import { NetRecord } from './context.ts';
import { JToken, JValue, fromToken } from './jtoken.ts';
import { numericBinary, numKind, parseDecimal, toDouble } from './numeric.ts';
import { BOOLEAN, CHAR, INT32, OBJECT, enumBinary } from './primitives.ts';
import {
  arrayOf, cannotConvert, findMethod, register, findOnChain, findProp, findSetter, instantiate, isInstanceOf, isNamespace, lookupType, missingMember, nullableOf, typeName, typeOfValue,
} from './registry.ts';
import { STRING, formatHole } from './string.ts';
import { netEquals, setObjectType, toNetString } from './text.ts';
import { NetDateTime } from './time.ts';
import { NetTimeSpan } from './timespan.ts';
import { timeBinary } from './time-offset.ts';
import { isoDate, writeJson } from './json-text.ts';
import './json.ts';
import './linq.ts';
import './jwt.ts';
import './math.ts';
import './system.ts';
import './web.ts';
import './regex.ts';
import './hashes.ts';
import './symmetric.ts';
import { NetGuid } from './system.ts';
import { NetTypeValue } from './type-value.ts';
import { indexSite, memberSite, methodSite, setIndexSite } from './call-sites.ts';

setObjectType(OBJECT);

// ---- exceptions as values (`catch (Exception ex)`, `throw new ArgumentException(...)`)

export class NetExceptionValue extends TypedObject {
  readonly message: string;
  readonly inner: Value;
  constructor(type: NetType, message: string, inner: Value = null) {
    super(type);
    this.message = message;
    this.inner = inner;
  }
}

const EXCEPTION_BASES: Record<string, string> = {
  'System.SystemException': 'System.Exception',
  'System.ArgumentException': 'System.SystemException',
  'System.ArgumentNullException': 'System.ArgumentException',
  'System.ArgumentOutOfRangeException': 'System.ArgumentException',
  'System.FormatException': 'System.SystemException',
  'System.UriFormatException': 'System.FormatException',
  'System.InvalidOperationException': 'System.SystemException',
  'System.NotSupportedException': 'System.SystemException',
  'System.NotImplementedException': 'System.SystemException',
  'System.NullReferenceException': 'System.SystemException',
  'System.InvalidCastException': 'System.SystemException',
  'System.IndexOutOfRangeException': 'System.SystemException',
  'System.ArithmeticException': 'System.SystemException',
  'System.OverflowException': 'System.ArithmeticException',
  'System.DivideByZeroException': 'System.ArithmeticException',
  'System.Collections.Generic.KeyNotFoundException': 'System.SystemException',
  'System.ApplicationException': 'System.Exception',
  'Newtonsoft.Json.JsonException': 'System.Exception',
  'Newtonsoft.Json.JsonReaderException': 'Newtonsoft.Json.JsonException',
  'Newtonsoft.Json.JsonSerializationException': 'Newtonsoft.Json.JsonException',
};

const exceptionTypes = new Map<string, NetType>();
function exceptionType(name: string): NetType {
  let t = exceptionTypes.get(name);
  if (t) return t;
  const baseName = EXCEPTION_BASES[name];
  t = {
    name,
    base: baseName ? exceptionType(baseName) : OBJECT,
    construct: ([m, inner]) => new NetExceptionValue(exceptionType(name), typeof m === 'string' ? m : `Exception of type '${name}' was thrown.`, inner instanceof NetExceptionValue ? inner : null),
    props: { Message: (e: NetExceptionValue) => e.message, InnerException: (e: NetExceptionValue) => e.inner, StackTrace: () => null },
    methods: { ToString: (e: NetExceptionValue) => `${e.type.name}: ${e.message}` },
  };
  exceptionTypes.set(name, t);
  return t;
}
for (const name of ['System.Exception', ...Object.keys(EXCEPTION_BASES)]) register(exceptionType(name));

function isSubtype(name: string, of: string): boolean {
  for (let n: string | undefined = name; n; n = EXCEPTION_BASES[n]) if (n === of) return true;
  return of === 'System.Exception';
}

// ---- anonymous objects

class NetAnonymous extends NetObject {
  readonly anonymous: Map<string, Value>;
  constructor(m: Map<string, Value>) {
    super();
    this.anonymous = m;
  }
  get netType(): NetType {
    return ANONYMOUS;
  }
}
const ANONYMOUS: NetType = {
  name: '<>f__AnonymousType',
  base: OBJECT,
  methods: { ToString: (t: NetAnonymous) => `{ ${[...t.anonymous].map(([k, v]) => `${k} = ${toNetString(v)}`).join(', ')} }` },
};


// ---- operators

const STRING_TYPE = STRING;
function operatorError(op: string, l: Value, r: Value): NetException {
  const name = (v: Value) => (v === null ? 'null' : typeName(v));
  return new NetException('Microsoft.CSharp.RuntimeBinder.RuntimeBinderException', `Operator '${op}' cannot be applied to operands of type '${name(l)}' and '${name(r)}'`);
}

function equality(l: Value, r: Value): boolean {
  if (l === null || r === null) return l === r;
  if (typeof l === 'string' || typeof r === 'string') return l === r;
  if (typeof l === 'boolean' || typeof r === 'boolean') return l === r;
  if (l instanceof NetEnum && r instanceof NetEnum) return l.type === r.type && l.value === r.value;
  const numeric = numericBinary('==', l, r);
  if (numeric !== undefined) return numeric === true;
  if (l instanceof NetDateTime || l instanceof NetGuid || typeof (l as { valueKey?: unknown }).valueKey === 'function') return netEquals(l, r);
  return l === r;
}

function binary(op: string, l: Value, r: Value): Value {
  // chars are interned and compared by code: the hot path of character-scanning expressions
  if (l instanceof NetChar && r instanceof NetChar) {
    switch (op) {
      case '==': return l === r;
      case '!=': return l !== r;
      case '<': return l.code < r.code;
      case '>': return l.code > r.code;
      case '<=': return l.code <= r.code;
      case '>=': return l.code >= r.code;
    }
  }
  if (op === '+' && (typeof l === 'string' || typeof r === 'string')) return toNetString(l) + toNetString(r);
  if (op === '==' || op === '!=') return equality(l, r) !== (op === '!=');
  if (l === null || r === null) {
    // lifted operators on nullable values: arithmetic gives null, comparisons false
    if (['<', '>', '<=', '>='].includes(op)) return false;
    if (['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>'].includes(op) && (numKind(l) !== undefined || numKind(r) !== undefined || l === r)) return null;
    throw operatorError(op, l, r);
  }
  if (typeof l === 'boolean' && typeof r === 'boolean') {
    if (op === '&') return l && r;
    if (op === '|') return l || r;
    if (op === '^') return l !== r;
    throw operatorError(op, l, r);
  }
  const n = numericBinary(op, l, r);
  if (n !== undefined) return n;
  if (l instanceof NetEnum && r instanceof NetEnum) {
    const e = enumBinary(op, l, r);
    if (e !== undefined) return e;
  }
  const t = timeBinary(op, l, r);
  if (t !== undefined) return t;
  throw operatorError(op, l, r);
}

function unary(op: '+' | '-' | '!' | '~', v: Value): Value {
  if (v === null) return null;
  if (op === '!' && typeof v === 'boolean') return !v;
  if (op === '~' && (typeof v === 'number' || v instanceof NetChar)) return ~(typeof v === 'number' ? v : v.code);
  if (op === '~' && v instanceof NetLong) return new NetLong(~v.v);
  if (op === '+' && numKind(v)) return v instanceof NetChar ? v.code : v;
  if (op === '-') {
    if (typeof v === 'number') return -v | 0;
    if (v instanceof NetChar) return -v.code;
    if (v instanceof NetLong) return new NetLong(-v.v);
    if (v instanceof NetDouble) return new NetDouble(-v.v, v.single);
    if (v instanceof NetDecimal) return new NetDecimal(-v.m, v.scale);
    if (v instanceof NetTimeSpan) return new NetTimeSpan(-v.ticks);
  }
  throw new NetException('Microsoft.CSharp.RuntimeBinder.RuntimeBinderException', `Operator '${op}' cannot be applied to operand of type '${typeName(v)}'`);
}

// ---- conversions

function convert(v: Value, type: NetType, mode: 'explicit' | 'implicit'): Value {
  // typed locals convert on every write: the common identities first
  if (type === OBJECT || (type === INT32 && typeof v === 'number') || (type === STRING && (typeof v === 'string' || v === null)) || (type === BOOLEAN && typeof v === 'boolean') || (type === CHAR && v instanceof NetChar)) return v;
  // a value of exactly the target type (`(JObject)context.Variables["x"]`, read many times a request)
  if (v instanceof NetObject && v.netType === type) return v;
  const nullable = type.nullableOf !== undefined;
  const target = type.nullableOf ?? type;
  if (v === null) {
    if (target.isValueType && !nullable) throw nullReference();
    return null;
  }
  if (v instanceof JToken && !isJTokenType(target) && target !== OBJECT) return fromToken(v, target, nullable);
  if (isInstanceOf(v, target)) return v;
  const r = target.convertFrom?.(v, mode);
  if (r !== undefined) return r;
  // The evaluator does not track generic arguments statically: a List<object> from LINQ is
  // accepted where a List<string> is declared, as long as the definition matches.
  const vt = typeOfValue(v);
  if (target.definition && vt.definition === target.definition) return v;
  if (target.element && v instanceof NetArray && v.items.every((x) => x === null || isInstanceOf(x, target.element!) || typeof x === 'number')) return v;
  if (typeof v === 'number' && (target.name === 'System.Byte' || target.name === 'System.Int16' || target.name === 'System.UInt16' || target.name === 'System.SByte')) return v;
  throw cannotConvert(v, target);
}

/** Whether `t` is a Newtonsoft.Json.Linq type (remembered per type: every typed write asks). */
const jtokenTypes = new Map<NetType, boolean>();
function isJTokenType(t: NetType): boolean {
  let known = jtokenTypes.get(t);
  if (known === undefined) jtokenTypes.set(t, (known = t.name.startsWith('Newtonsoft.Json.Linq.')));
  return known;
}

function resolveType(q: TypeQuery): TypeHandle | undefined {
  let t = lookupType(q.name);
  if (!t) return undefined;
  if (q.typeArgs.length > 0) t = instantiate(t, q.typeArgs as NetType[]);
  if (q.nullable) t = nullableOf(t);
  for (let i = 0; i < q.arrayRanks.length; i++) t = arrayOf(t);
  return t;
}

function hasStatic(type: NetType, name: string, kind: 'value' | 'method'): boolean {
  for (let c: NetType | undefined = type; c; c = c.base) {
    if (c === OBJECT && type !== OBJECT && kind === 'value') return false;
    if ((kind === 'value' ? c.staticProps : c.statics)?.[name]) return true;
  }
  return false;
}

function staticMember<K extends 'staticProps' | 'statics'>(type: NetType, key: K, name: string): NonNullable<NetType[K]>[string] {
  for (let c: NetType | undefined = type; c; c = c.base) {
    const m = c[key]?.[name];
    if (m) return m as NonNullable<NetType[K]>[string];
  }
  throw new NetException('System.MissingMemberException', `'${type.name}' does not contain a definition for '${name}'`);
}

function getMember(target: Value, name: string): Value {
  if (target === null) {
    if (name === 'HasValue') return false;
    if (name === 'Value') throw new NetException('System.InvalidOperationException', 'Nullable object must have a value.');
    throw nullReference();
  }
  if (target instanceof NetRecord) {
    // own members only: a member table is a plain object, and `toString` is not a member
    if (Object.hasOwn(target.fields, name)) return target.fields[name]!(target);
  } else if (target instanceof NetAnonymous) {
    if (target.anonymous.has(name)) return target.anonymous.get(name)!;
  } else {
    const p = findProp(target, name);
    if (p) return p(target as never);
  }
  if (name === 'HasValue') return true;
  if (name === 'Value' && (typeOfValue(target).isValueType || typeof target !== 'object')) return target;
  throw missingMember(target, name);
}

function invokeMethod(target: Value, name: string, args: Value[], typeArgs: readonly TypeHandle[], argNames: readonly (string | undefined)[] | undefined): Value {
  if (target === null) {
    if (name === 'GetValueOrDefault' && args.length === 0) return null;
    throw nullReference();
  }
  if (target instanceof NetRecord && Object.hasOwn(target.methods, name)) return target.methods[name]!(args, target);
  if (name === 'Invoke' && isDelegate(target)) return target.invoke(args);
  const m = findMethod(target, name);
  if (!m) throw missingMember(target, name);
  return m(target as never, args, typeArgs as NetType[], argNames);
}

function inferElement(values: readonly Value[]): NetType {
  const types = new Set(values.filter((v) => v !== null).map((v) => typeOfValue(v)));
  return types.size === 1 ? [...types][0]! : types.size === 0 ? OBJECT : OBJECT;
}

/** `expr --json` "value": the result as JSON. */
export function toJsonValue(v: Value): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (v instanceof NetLong) return Number.isSafeInteger(Number(v.v)) ? Number(v.v) : v.v.toString();
  if (v instanceof NetDouble) return Number.isFinite(v.v) ? v.v : toNetString(v);
  if (v instanceof NetDecimal) return Number(toNetString(v));
  if (v instanceof NetChar) return String.fromCharCode(v.code);
  if (v instanceof JValue) return toJsonValue(v.value);
  if (v instanceof JToken) return JSON.parse(writeJson(v, undefined).replace(/\bNaN\b|-?Infinity\b/g, 'null')) as unknown;
  if (v instanceof NetDateTime) return isoDate(v);
  if (v instanceof NetDictionary) return Object.fromEntries([...v.entries.values()].map(([k, x]) => [toNetString(k), toJsonValue(x)]));
  if (v instanceof NetArray || v instanceof NetList || v instanceof NetHashSet) return [...enumerateValue(v)].map(toJsonValue);
  if (v instanceof NetAnonymous) return Object.fromEntries([...v.anonymous].map(([k, x]) => [k, toJsonValue(x)]));
  return toNetString(v);
}

export const netLibrary: ExprLibrary = {
  literal: (type, text) => {
    switch (type) {
      case 'int':
        return Number(text) | 0;
      case 'uint':
      case 'long':
      case 'ulong':
        return new NetLong(BigInt(text));
      case 'double':
        return new NetDouble(Number(text));
      case 'float':
        return new NetDouble(Number(text), true);
      case 'decimal':
        return parseDecimal(text)!;
      case 'char':
        return NetChar.fromString(text);
    }
  },
  resolveType,
  isNamespace,
  hasStatic: (type, name, kind) => hasStatic(type as NetType, name, kind),
  typeDisplayName: (t) => (t as NetType).name,
  getStatic: (type, name) => (staticMember(type as NetType, 'staticProps', name) as () => Value)(),
  invokeStatic: (type, name, args, typeArgs, argNames) => (staticMember(type as NetType, 'statics', name) as (a: Value[], t: readonly NetType[], n: typeof argNames) => Value)(args, typeArgs as NetType[], argNames),
  getMember,
  setMember: (target, name, value) => {
    if (target === null) throw nullReference();
    const s = findSetter(target, name);
    if (!s) throw new NetException('Microsoft.CSharp.RuntimeBinder.RuntimeBinderException', `Property or indexer '${typeName(target)}.${name}' cannot be assigned to -- it is read only`);
    s(target as never, value);
  },
  invokeMethod,
  getIndex: (target, args) => {
    if (target === null) throw nullReference();
    if (typeof target === 'string') return STRING_TYPE.index!(target as never, args);
    const ix = findOnChain(target, 'index');
    if (!ix) throw new NetException('Microsoft.CSharp.RuntimeBinder.RuntimeBinderException', `Cannot apply indexing with [] to an expression of type '${typeName(target)}'`);
    return ix(target as never, args);
  },
  setIndex: (target, args, value) => {
    if (target === null) throw nullReference();
    const ix = findOnChain(target, 'setIndex');
    if (!ix) throw new NetException('Microsoft.CSharp.RuntimeBinder.RuntimeBinderException', `Property or indexer '${typeName(target)}.this[]' cannot be assigned to -- it is read only`);
    ix(target as never, args, value);
  },
  memberSite: (name) => memberSite(name, getMember, (v) => v instanceof NetAnonymous),
  methodSite: (name, typeArgs, argNames) => methodSite(name, typeArgs as NetType[], argNames, invokeMethod as Parameters<typeof methodSite>[3]),
  indexSite: () => indexSite(netLibrary.getIndex),
  setIndexSite: () => setIndexSite(netLibrary.setIndex),
  construct: (type, args, argNames) => {
    const t = type as NetType;
    if (t.construct) return t.construct(args, t, argNames);
    if (t.isValueType && args.length === 0) return t.defaultValue ? t.defaultValue() : null;
    throw new NetException('System.MissingMethodException', `Type '${t.name}' has no constructor the emulator supports.`);
  },
  newArray: (elementType, elements) => {
    const e = (elementType as NetType | undefined) ?? inferElement(elements);
    return new NetArray(e, e === OBJECT ? elements : elements.map((x) => convert(x, e, 'implicit')));
  },
  newArrayOfSize: (elementType, size) => {
    const n = typeof size === 'number' ? size : Number(toDouble(size));
    if (n < 0) throw new NetException('System.OverflowException', 'Arithmetic operation resulted in an overflow.');
    if (n > MAX_ELEMENTS) throw new NetException('System.OutOfMemoryException', 'Array dimensions exceeded supported range.');
    const e = elementType as NetType;
    // value-type defaults of the array types policies allocate are immutable (0, false, null), so one value fills all
    const d = e.defaultValue ? e.defaultValue() : null;
    return new NetArray(e, typeof d === 'object' && d !== null ? Array.from({ length: n }, () => e.defaultValue!()) : filledItems(d, n));
  },
  newAnonymous: (names, values) => new NetAnonymous(new Map(names.map((n, i) => [n, values[i]!]))),
  addToCollection: (target, args) => {
    invokeMethod(target, 'Add', args, [], undefined);
  },
  unary,
  binary,
  charCode: (v) => (v instanceof NetChar ? v.code : -1),
  convert: (v, type, mode) => convert(v, type as NetType, mode),
  isInstance: (v, type) => isInstanceOf(v, type as NetType),
  as: (v, type) => (isInstanceOf(v, type as NetType) ? v : null),
  defaultValue: (type) => ((type as NetType).defaultValue ? (type as NetType).defaultValue!() : null),
  typeOf: (type) => new NetTypeValue(type as NetType),
  enumerate: enumerateValue,
  formatHole: (v, format, align) => formatHole(v, format, align === undefined || align === null ? undefined : Number(toDouble(align))),
  toNetString,
  typeName,
  toJsonValue,
  failureOf: (err): NetFailure | undefined => (err instanceof NetException ? { type: err.type, message: err.message } : undefined),
  exceptionMatches: (err, type) => err instanceof NetException && (type === undefined || isSubtype(err.type, (type as NetType).name)),
  exceptionValue: (err) => {
    const e = err as NetException;
    return (e.payload ??= new NetExceptionValue(exceptionType(e.type), e.message));
  },
  toThrowable: (v) => {
    if (v === null) return nullReference();
    if (v instanceof NetExceptionValue) return new NetException(v.type.name, v.message, v);
    return invalidCast(typeName(v), 'System.Exception');
  },
  exception: (type, message) => new NetException(type, message),
};
