/**
 * Planner state: lexical scopes and slots, definite assignment (C# §9.4), load-time problems,
 * and type resolution through the library. The planner turns the AST into closures once; the
 * closures run against a `Frame` many times.
 */
import type * as A from './ast.ts';
import { CodeTable, withJs } from './jit.ts';
import type { ExprLibrary, TypeHandle, Value } from './port.ts';

/** Run-time storage of one function invocation (the top-level expression, a lambda, a local function). */
export interface Frame {
  readonly vars: Value[];
  readonly parent: Frame | undefined;
  readonly ctx: Value;
  ret: Value;
}

/** A planned expression. */
export type Eval = (f: Frame) => Value;

/** A problem found while planning, with offsets into the source text. */
export interface PlanProblem {
  readonly code: 'MA5004' | 'MA5010' | 'MA5011' | 'MA5012' | 'MA5013' | 'MA5014' | 'MA5015' | 'MA5016' | 'MA5017' | 'MA5018' | 'MA5019' | 'MA5020' | 'MA5021' | 'MA5022' | 'MA5023';
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** One function body's slot allocation. */
export class FunctionScope {
  readonly parent: FunctionScope | undefined;
  readonly depth: number;
  slots = 0;
  /** True for the `@{}` body, whose returns must carry a value. */
  readonly isPolicyBlock: boolean;
  constructor(parent: FunctionScope | undefined, isPolicyBlock = false) {
    this.parent = parent;
    this.depth = parent ? parent.depth + 1 : 0;
    this.isPolicyBlock = isPolicyBlock;
  }
}

export interface VarInfo {
  readonly name: string;
  readonly slot: number;
  readonly fn: FunctionScope;
  /** Declared type, used for the implicit conversion on assignment; undefined for `var`/untyped. */
  readonly type: TypeHandle | undefined;
  /** foreach/using/const variables cannot be assigned (CS1656, CS0131). */
  readonly readonly: boolean;
  /** For a local declared `T?` of a value type: T (what `x.GetValueOrDefault()` falls back to). */
  readonly underlying?: TypeHandle;
}

/** A local function: planned once, called by name. */
export interface LocalFunctionInfo {
  readonly name: string;
  readonly fn: FunctionScope;
  readonly arity: number;
  /** Filled when the declaration is planned (calls may precede it). */
  body: ((f: Frame) => Value) | undefined;
  readonly paramTypes: readonly (TypeHandle | undefined)[];
}

export class BlockScope {
  readonly parent: BlockScope | undefined;
  readonly fn: FunctionScope;
  readonly vars = new Map<string, VarInfo>();
  readonly functions = new Map<string, LocalFunctionInfo>();
  constructor(parent: BlockScope | undefined, fn: FunctionScope) {
    this.parent = parent;
    this.fn = fn;
  }
}

/** Set of definitely assigned variables; `undefined` means unreachable (everything assigned). */
export type Assigned = Set<VarInfo> | undefined;

export function intersect(a: Assigned, b: Assigned): Assigned {
  if (a === undefined) return b === undefined ? undefined : new Set(b);
  if (b === undefined) return new Set(a);
  const out = new Set<VarInfo>();
  for (const v of a) if (b.has(v)) out.add(v);
  return out;
}

export const copy = (a: Assigned): Assigned => (a === undefined ? undefined : new Set(a));

/** Namespaces a qualified name may start with (types themselves come from the library). */
const KNOWN_NAMESPACES = new Set([
  'System',
  'System.Collections',
  'System.Collections.Generic',
  'System.Globalization',
  'System.IO',
  'System.Linq',
  'System.Net',
  'System.Security',
  'System.Security.Cryptography',
  'System.Security.Cryptography.X509Certificates',
  'System.Text',
  'System.Text.RegularExpressions',
  'System.Xml',
  'System.Xml.Linq',
  'System.Web',
  'Newtonsoft',
  'Newtonsoft.Json',
  'Newtonsoft.Json.Linq',
]);

/** Breakable statements being planned (for break/continue and reachability). */
export interface JumpTarget {
  readonly kind: 'loop' | 'switch';
  breaks: Assigned[];
  /** The label of the loop or switch in generated code (jit.ts). */
  readonly label?: string;
}

export class PlanContext {
  readonly lib: ExprLibrary;
  readonly problems: PlanProblem[] = [];
  scope: BlockScope;
  /** Definitely-assigned variables at the current point of planning. */
  assigned: Assigned = new Set();
  readonly jumps: JumpTarget[] = [];
  /** Depth of enclosing catch clauses, for `throw;`. */
  catchDepth = 0;
  readonly catchSlots: { slot: number; fn: FunctionScope }[] = [];
  /** Constants and names of the generated JavaScript (jit.ts). */
  readonly code = new CodeTable();

  constructor(lib: ExprLibrary, root: FunctionScope) {
    this.lib = lib;
    this.scope = new BlockScope(undefined, root);
  }

  get fn(): FunctionScope {
    return this.scope.fn;
  }

  problem(code: PlanProblem['code'], message: string, node: { start: number; end: number }): Eval {
    this.problems.push({ code, message, start: node.start, end: Math.max(node.end, node.start) });
    return () => null;
  }

  pushScope(fn: FunctionScope = this.scope.fn): BlockScope {
    this.scope = new BlockScope(this.scope, fn);
    return this.scope;
  }

  popScope(): void {
    this.scope = this.scope.parent!;
  }

  lookup(name: string): VarInfo | undefined {
    for (let s: BlockScope | undefined = this.scope; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v) return v;
    }
    return undefined;
  }

  lookupFunction(name: string): LocalFunctionInfo | undefined {
    for (let s: BlockScope | undefined = this.scope; s; s = s.parent) {
      const v = s.functions.get(name);
      if (v) return v;
    }
    return undefined;
  }

  /** Declares a local in the current block (CS0128/CS0136 → MA5014). */
  declare(name: string, node: { start: number; end: number }, type: TypeHandle | undefined, readonly = false, underlying?: TypeHandle): VarInfo {
    if (name === 'context' || this.lookup(name) || this.lookupFunction(name)) {
      this.problem('MA5014', `A local variable or parameter named '${name}' is already defined in this or an enclosing scope.`, node);
    }
    const v: VarInfo = { name, slot: this.fn.slots++, fn: this.fn, type, readonly, ...(underlying ? { underlying } : {}) };
    this.scope.vars.set(name, v);
    return v;
  }

  markAssigned(v: VarInfo): void {
    this.assigned?.add(v);
  }

  isAssigned(v: VarInfo): boolean {
    return this.assigned === undefined || this.assigned.has(v);
  }

  /** A closure reading variable `v` from the current function. */
  reader(v: VarInfo): Eval {
    const slot = v.slot;
    const hops = this.fn.depth - v.fn.depth;
    if (hops === 0) return withJs((f: Frame) => f.vars[slot] as Value, `v[${slot}]`);
    if (hops === 1) return (f) => f.parent!.vars[slot] as Value;
    return (f) => {
      let g = f;
      for (let i = 0; i < hops; i++) g = g.parent!;
      return g.vars[slot] as Value;
    };
  }

  /** JavaScript writing `valueJs` to variable `v` of the current function, as `writer(v)` does. */
  writerJs(v: VarInfo, valueJs: string): string | undefined {
    if (this.fn.depth !== v.fn.depth) return undefined;
    if (!v.type) return `(v[${v.slot}] = ${valueJs})`;
    return `(v[${v.slot}] = ${this.code.ref(this.conversionTo(v.type))}(${valueJs}))`;
  }

  /** One conversion closure per declared type, shared by the closures and the generated code. */
  private readonly conversions = new Map<TypeHandle, (x: Value) => Value>();
  conversionTo(type: TypeHandle): (x: Value) => Value {
    let c = this.conversions.get(type);
    if (!c) {
      c = implicitConversion(this.lib, type);
      this.conversions.set(type, c);
    }
    return c;
  }

  /** A closure writing variable `v` (with its declared type's implicit conversion). */
  writer(v: VarInfo): (f: Frame, value: Value) => Value {
    const slot = v.slot;
    const hops = this.fn.depth - v.fn.depth;
    const type = v.type;
    const conv = type ? this.conversionTo(type) : (x: Value) => x;
    if (hops === 0) {
      return (f, x) => {
        const c = conv(x);
        f.vars[slot] = c;
        return c;
      };
    }
    return (f, x) => {
      let g = f;
      for (let i = 0; i < hops; i++) g = g.parent!;
      const c = conv(x);
      g.vars[slot] = c;
      return c;
    };
  }

  isNamespace(name: string): boolean {
    return KNOWN_NAMESPACES.has(name) || this.lib.isNamespace(name);
  }

  /** Resolves a written type, reporting MA5011 when it is unknown or not allowed. */
  resolveType(t: A.TypeRef): TypeHandle | undefined {
    const typeArgs: TypeHandle[] = [];
    for (const a of t.typeArgs) {
      const r = this.resolveType(a);
      if (!r) return undefined;
      typeArgs.push(r);
    }
    let handle: TypeHandle | undefined;
    try {
      handle = this.lib.resolveType({ name: t.name, typeArgs, nullable: t.nullable, arrayRanks: t.arrayRanks });
    } catch {
      handle = undefined;
    }
    if (!handle) {
      const shown = t.typeArgs.length > 0 ? `${t.name}<${t.typeArgs.map((a) => a.name).join(', ')}>` : t.name;
      this.problem('MA5011', `The type '${shown}' is unknown or not allowed in policy expressions.`, t);
    }
    return handle;
  }

  /** Like resolveType but silent: for names that may be a type or something else. */
  tryResolveType(name: string, typeArgs: readonly A.TypeRef[] = []): TypeHandle | undefined {
    const args: TypeHandle[] = [];
    for (const a of typeArgs) {
      const r = this.resolveType(a);
      if (!r) return undefined;
      args.push(r);
    }
    try {
      return this.lib.resolveType({ name, typeArgs: args, nullable: false, arrayRanks: [] });
    } catch {
      return undefined;
    }
  }
}

/**
 * The implicit conversion on a write to a typed local. A value already of the declared type is
 * the common case (every `i++` of an `int`, every `c = text[i]` of a `char`): it is checked
 * inline, and only other values go through the library's conversion.
 */
function implicitConversion(lib: ExprLibrary, type: TypeHandle): (x: Value) => Value {
  const convert = (x: Value) => lib.convert(x, type, 'implicit');
  switch (lib.typeDisplayName(type)) {
    case 'System.Int32':
      return (x) => (typeof x === 'number' ? x : convert(x));
    case 'System.String':
      return (x) => (typeof x === 'string' || x === null ? x : convert(x));
    case 'System.Boolean':
      return (x) => (typeof x === 'boolean' ? x : convert(x));
    case 'System.Char':
      return (x) => (lib.charCode(x) >= 0 ? x : convert(x));
    default:
      return convert;
  }
}
