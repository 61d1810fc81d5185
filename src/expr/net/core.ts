/**
 * The .NET value model of the expression library: exceptions, type descriptors, and the boxed
 * forms of the primitives JavaScript has no exact counterpart for.
 *
 * Boundary contract (src/expr/port.ts): `null`, `boolean` (System.Boolean), `string`
 * (System.String) and integral `number` (System.Int32) are unboxed; every other .NET value is an
 * object whose class names its NetType through `netType`.
 */
import { type Delegate, type Value, isOutRef } from '../port.ts';

/** A .NET exception raised by the library (or by a `throw` statement in an expression). */
export class NetException extends Error {
  readonly type: string;
  /** The exception object as expressions see it (`catch (Exception ex)`), created on demand. */
  payload: Value;
  constructor(type: string, message: string, payload: Value = null) {
    super(message);
    this.type = type;
    this.payload = payload;
  }
}

export const nullReference = (): NetException => new NetException('System.NullReferenceException', 'Object reference not set to an instance of an object.');
export const argumentNull = (param: string): NetException => new NetException('System.ArgumentNullException', `Value cannot be null.\nParameter name: ${param}`);
export const argumentOutOfRange = (param: string, detail = 'Specified argument was out of the range of valid values.'): NetException =>
  new NetException('System.ArgumentOutOfRangeException', `${detail}\nParameter name: ${param}`);
export const formatError = (message = 'Input string was not in a correct format.'): NetException => new NetException('System.FormatException', message);
export const invalidCast = (from: string, to: string): NetException => new NetException('System.InvalidCastException', `Unable to cast object of type '${from}' to type '${to}'.`);
/** Arguments no overload takes (C# refuses them when compiling; the dynamic evaluator when running). */
export const binderError = (member: string): NetException => new NetException('Microsoft.CSharp.RuntimeBinder.RuntimeBinderException', `The best overloaded method match for '${member}' has some invalid arguments`);
export const overflow = (message = 'Arithmetic operation resulted in an overflow.'): NetException => new NetException('System.OverflowException', message);

/** Instance method: `(target, args, typeArgs, argNames)`. */
export type Method = (target: never, args: Value[], typeArgs: readonly NetType[], argNames: readonly (string | undefined)[] | undefined) => Value;
export type StaticMethod = (args: Value[], typeArgs: readonly NetType[], argNames: readonly (string | undefined)[] | undefined) => Value;

/** A .NET type as the library knows it: what it is called, what it has, what converts to it. */
export interface NetType {
  /** Full name as `GetType().FullName` prints it (generic arguments in C# form for display). */
  readonly name: string;
  /** Generic definition and arguments for `List<string>` etc. */
  readonly definition?: NetType;
  readonly typeArgs?: readonly NetType[];
  readonly element?: NetType;
  readonly nullableOf?: NetType;
  readonly base?: NetType;
  readonly isValueType?: boolean;
  readonly isStaticClass?: boolean;
  readonly isInterface?: boolean;
  readonly props?: Readonly<Record<string, (target: never) => Value>>;
  readonly setProps?: Readonly<Record<string, (target: never, value: Value) => void>>;
  readonly methods?: Readonly<Record<string, Method>>;
  readonly staticProps?: Readonly<Record<string, () => Value>>;
  readonly statics?: Readonly<Record<string, StaticMethod>>;
  readonly construct?: (args: Value[], type: NetType, argNames: readonly (string | undefined)[] | undefined) => Value;
  readonly index?: (target: never, args: Value[]) => Value;
  readonly setIndex?: (target: never, args: Value[], value: Value) => void;
  readonly enumerate?: (target: never) => Iterable<Value>;
  /** For types a value does not carry itself (interfaces, generic instantiations): the instance test. */
  readonly test?: (v: Value) => boolean;
  /** Conversions into this type (explicit casts and implicit widening); undefined = not convertible. */
  readonly convertFrom?: (v: Value, mode: 'explicit' | 'implicit') => Value | undefined;
  readonly defaultValue?: () => Value;
}

/** The class of every boxed library value. */
export abstract class NetObject {
  abstract get netType(): NetType;
}

/** A value whose NetType is given when it is made (collections, enums, records). */
export abstract class TypedObject extends NetObject {
  readonly type: NetType;
  constructor(type: NetType) {
    super();
    this.type = type;
  }
  get netType(): NetType {
    return this.type;
  }
}

/** System.Char: interned per code unit, so `==` on chars is identity. */
export class NetChar extends NetObject {
  readonly code: number;
  private constructor(code: number) {
    super();
    this.code = code;
  }
  get netType(): NetType {
    return CHAR_TYPE.current;
  }
  private static readonly cache: NetChar[] = [];
  /** The ASCII chars, made up front: a scan asks for them on every character. */
  private static readonly ascii: readonly NetChar[] = Array.from({ length: 128 }, (_, code) => (NetChar.cache[code] = new NetChar(code)));
  static of(code: number): NetChar {
    return code < 128 ? NetChar.ascii[code]! : (NetChar.cache[code] ??= new NetChar(code));
  }
  static fromString(s: string, i = 0): NetChar {
    return NetChar.of(s.charCodeAt(i));
  }
  override toString(): string {
    return String.fromCharCode(this.code);
  }
}

/** System.Int64 (two's-complement 64-bit, wrapping like unchecked C#). */
export class NetLong extends NetObject {
  readonly v: bigint;
  constructor(v: bigint) {
    super();
    this.v = BigInt.asIntN(64, v);
  }
  get netType(): NetType {
    return LONG_TYPE.current;
  }
}

/** System.Double (and System.Single, kept apart by `single`). */
export class NetDouble extends NetObject {
  readonly v: number;
  readonly single: boolean;
  constructor(v: number, single = false) {
    super();
    this.single = single;
    this.v = single ? Math.fround(v) : v;
  }
  get netType(): NetType {
    return this.single ? SINGLE_TYPE.current : DOUBLE_TYPE.current;
  }
}

/** System.Decimal as a scaled integer: value = mantissa / 10^scale, scale ≤ 28, |mantissa| < 2^96. */
export class NetDecimal extends NetObject {
  readonly m: bigint;
  readonly scale: number;
  constructor(m: bigint, scale: number) {
    super();
    if (m > DECIMAL_MAX || m < -DECIMAL_MAX) throw overflow('Value was either too large or too small for a Decimal.');
    this.m = m;
    this.scale = scale;
  }
  get netType(): NetType {
    return DECIMAL_TYPE.current;
  }
}
export const DECIMAL_MAX = (1n << 96n) - 1n;

/** System.Numerics.BigInteger: what Newtonsoft reads a JSON integer beyond Int64 as. */
export class NetBigInteger extends NetObject {
  readonly v: bigint;
  constructor(v: bigint) {
    super();
    this.v = v;
  }
  get netType(): NetType {
    return BIG_INTEGER_TYPE.current;
  }
}

/** An enum member (`StringComparison.OrdinalIgnoreCase`). */
export class NetEnum extends TypedObject {
  readonly member: string;
  readonly value: number;
  constructor(type: NetType, member: string, value: number) {
    super(type);
    this.member = member;
    this.value = value;
  }
}

/** A lambda as a .NET value (what `Func<>` parameters receive). */
export class NetDelegate extends NetObject implements Delegate {
  readonly arity: number;
  private readonly fn: (args: readonly Value[]) => Value;
  constructor(arity: number, fn: (args: readonly Value[]) => Value) {
    super();
    this.arity = arity;
    this.fn = fn;
  }
  invoke(args: readonly Value[]): Value {
    return this.fn(args);
  }
  get netType(): NetType {
    return OBJECT_TYPE.current;
  }
}

/**
 * Late-bound type slots: the value classes above need their NetType, which the type modules
 * define later (they in turn import these classes). Each slot is filled once at module load.
 */
export class TypeSlot {
  private type: NetType | undefined;
  get current(): NetType {
    return this.type!;
  }
  set(t: NetType): void {
    this.type = t;
  }
}
export const CHAR_TYPE = new TypeSlot();
export const LONG_TYPE = new TypeSlot();
export const DOUBLE_TYPE = new TypeSlot();
export const SINGLE_TYPE = new TypeSlot();
export const DECIMAL_TYPE = new TypeSlot();
export const OBJECT_TYPE = new TypeSlot();
export const BIG_INTEGER_TYPE = new TypeSlot();

export const isDelegate = (v: Value): v is Delegate => typeof v === 'object' && v !== null && typeof (v as Delegate).invoke === 'function' && typeof (v as Delegate).arity === 'number';

/** Writes an `out` argument: the evaluator hands the library an OutRef and copies its value back. */
export function setOut(ref: Value | undefined, value: Value): void {
  if (!isOutRef(ref)) throw new NetException('Microsoft.CSharp.RuntimeBinder.RuntimeBinderException', 'An out argument is required here.');
  ref.value = value;
}

/** Reads an argument passed either positionally or by name (`preserveContent: true`). */
export function arg(args: readonly Value[], argNames: readonly (string | undefined)[] | undefined, index: number, name: string): Value | undefined {
  if (argNames) {
    const at = argNames.indexOf(name);
    if (at >= 0) return args[at];
    if (argNames[index] !== undefined) return undefined;
  }
  return index < args.length ? args[index] : undefined;
}
