/**
 * What the language half of the expression engine needs from the .NET library half
 * (src/expr/net). The planner and evaluator are written only against this interface;
 * `library.ts` binds it to src/expr/net, so a change of names there touches one file.
 *
 * Values follow the boundary contract: `null | boolean | string | number | object`, a bare
 * number is System.Int32, a bare string System.String, a boolean System.Boolean.
 */
import type { LiteralType } from './ast.ts';

/** A .NET value as the evaluator passes it around (opaque beyond the unboxed primitives). */
export type Value = null | boolean | string | number | object;

/** The storage behind an `out`/`ref` argument; the library writes `value`, the evaluator copies it back. */
export interface OutRef {
  readonly isOutRef: true;
  value: Value;
}

/** A lambda as the library sees it (LINQ, List.Find, …). */
export interface Delegate {
  readonly arity: number;
  invoke(args: readonly Value[]): Value;
}

/** A resolved type (opaque to the language). */
export type TypeHandle = object;

/** A type written in source, with its type arguments already resolved. */
export interface TypeQuery {
  readonly name: string;
  readonly typeArgs: readonly TypeHandle[];
  readonly nullable: boolean;
  readonly arrayRanks: readonly number[];
}

/** A caught runtime failure in .NET terms. */
export interface NetFailure {
  readonly type: string;
  readonly message: string;
}

/** The operations of src/expr/net the evaluator calls. Every operation may throw a NetException. */
export interface ExprLibrary {
  /** A numeric or char literal: `text` is decimal digits / a real number text / the one character. */
  literal(type: Exclude<LiteralType, 'string' | 'bool' | 'null'>, text: string): Value;
  resolveType(query: TypeQuery): TypeHandle | undefined;
  /** True if `name` is a namespace (`System`, `System.Text`, `Newtonsoft.Json.Linq`). */
  isNamespace(name: string): boolean;
  /** Load-time check: does `type` have an allowed static member `name` (property, field or method)? */
  hasStatic(type: TypeHandle, name: string, kind: 'value' | 'method'): boolean;
  typeDisplayName(type: TypeHandle): string;

  getStatic(type: TypeHandle, name: string): Value;
  invokeStatic(type: TypeHandle, name: string, args: Value[], typeArgs: readonly TypeHandle[], argNames: readonly (string | undefined)[] | undefined): Value;
  getMember(target: Value, name: string): Value;
  setMember(target: Value, name: string, value: Value): void;
  invokeMethod(target: Value, name: string, args: Value[], typeArgs: readonly TypeHandle[], argNames: readonly (string | undefined)[] | undefined): Value;
  getIndex(target: Value, args: Value[]): Value;
  setIndex(target: Value, args: Value[], value: Value): void;
  /**
   * Optional call sites for one planned call, member read or indexer (net/call-sites.ts): the same
   * results as invokeMethod / getMember / getIndex / setIndex, remembering what the last receiver's
   * type resolved to.
   */
  methodSite?(name: string, typeArgs: readonly TypeHandle[], argNames: readonly (string | undefined)[] | undefined): (target: Value, args: Value[]) => Value;
  memberSite?(name: string): (target: Value) => Value;
  indexSite?(): (target: Value, index: Value) => Value;
  setIndexSite?(): (target: Value, index: Value, value: Value) => void;
  construct(type: TypeHandle, args: Value[], argNames: readonly (string | undefined)[] | undefined): Value;
  /** `new T[] { … }`, `new[] { … }` (element type inferred when undefined), `new T[n]`. */
  newArray(elementType: TypeHandle | undefined, elements: Value[]): Value;
  newArrayOfSize(elementType: TypeHandle, size: Value): Value;
  newAnonymous(names: readonly string[], values: Value[]): Value;
  /** Collection-initializer element: `Add(args)` on the new object. */
  addToCollection(target: Value, args: Value[]): void;

  unary(op: '+' | '-' | '!' | '~', v: Value): Value;
  binary(op: string, l: Value, r: Value): Value;
  /** The UTF-16 code of a `char` value, -1 for anything else (the planner's fast path for character scans). */
  charCode(v: Value): number;
  convert(v: Value, type: TypeHandle, mode: 'explicit' | 'implicit'): Value;
  isInstance(v: Value, type: TypeHandle): boolean;
  as(v: Value, type: TypeHandle): Value;
  defaultValue(type: TypeHandle): Value;
  typeOf(type: TypeHandle): Value;
  enumerate(v: Value): Iterable<Value>;
  /** `{v,align:format}` of an interpolated string (String.Format rules, invariant culture). */
  formatHole(v: Value, format: string | undefined, align: Value | undefined): string;

  toNetString(v: Value): string;
  typeName(v: Value): string;
  toJsonValue(v: Value): unknown;

  /** Is `err` a .NET exception raised by the library (or by a `throw` statement)? */
  failureOf(err: unknown): NetFailure | undefined;
  /** Does the exception match `catch (T)`? (`undefined` type: `catch { }`.) */
  exceptionMatches(err: unknown, type: TypeHandle | undefined): boolean;
  /** The exception object bound by `catch (T ex)`. */
  exceptionValue(err: unknown): Value;
  /** What `throw v;` throws (v an Exception value; null → NullReferenceException). */
  toThrowable(v: Value): unknown;
  /** A `System.NullReferenceException` etc. raised by the language itself. */
  exception(type: string, message: string): unknown;
}

export const isOutRef = (v: unknown): v is OutRef => typeof v === 'object' && v !== null && (v as OutRef).isOutRef === true;
