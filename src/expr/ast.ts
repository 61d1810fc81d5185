/**
 * The syntax tree of a policy expression. Every node carries `start`/`end` offsets into
 * `ExpressionSource.text`; `spanOf(start, end)` maps them into the policy file.
 */

interface Node {
  readonly start: number;
  readonly end: number;
}

/** A type as written: `int`, `JObject`, `System.Text.Encoding`, `List<string>`, `int?`, `string[]`. */
export interface TypeRef extends Node {
  readonly kind: 'type';
  /** Dotted name as written, keywords kept (`int`, `System.String`). */
  readonly name: string;
  readonly typeArgs: readonly TypeRef[];
  /** Array ranks, outermost first: `int[][]` → [1, 1], `int[,]` → [2]. */
  readonly arrayRanks: readonly number[];
  readonly nullable: boolean;
}

export type LiteralType = 'int' | 'uint' | 'long' | 'ulong' | 'double' | 'float' | 'decimal' | 'string' | 'char' | 'bool' | 'null';

export interface Literal extends Node {
  readonly kind: 'literal';
  readonly type: LiteralType;
  /** Numbers keep their decimal digits as text (exact for long/ulong/decimal). */
  readonly value: string | boolean | null;
}

export interface InterpolationHole {
  readonly expr: Expr;
  readonly align?: Expr;
  readonly format?: string;
}

export interface Interpolated extends Node {
  readonly kind: 'interpolated';
  readonly parts: readonly (string | InterpolationHole)[];
}

export interface Name extends Node {
  readonly kind: 'name';
  readonly name: string;
  readonly typeArgs?: readonly TypeRef[];
  /** True for predefined type keywords (`int`, `string`) used as an expression (`int.Parse`). */
  readonly keyword?: boolean;
}

export interface Member extends Node {
  readonly kind: 'member';
  readonly target: Expr;
  readonly name: string;
  readonly nameStart: number;
  readonly typeArgs?: readonly TypeRef[];
  readonly conditional: boolean;
}

export interface Argument extends Node {
  readonly name?: string;
  readonly value: Expr;
  /** `out x`, `out var x`, `out int x`, `ref x`. */
  readonly modifier?: 'out' | 'ref';
  /** For `out var x` / `out T x`: the declared variable. */
  readonly declares?: { readonly type: TypeRef | 'var'; readonly name: string; readonly start: number; readonly end: number };
}

export interface Invocation extends Node {
  readonly kind: 'invoke';
  readonly target: Expr;
  readonly args: readonly Argument[];
}

export interface ElementAccess extends Node {
  readonly kind: 'index';
  readonly target: Expr;
  readonly args: readonly Argument[];
  readonly conditional: boolean;
}

export interface Unary extends Node {
  readonly kind: 'unary';
  /** `+ - ! ~`, prefix `++`/`--`, postfix `post++`/`post--`. */
  readonly op: '+' | '-' | '!' | '~' | '++' | '--' | 'post++' | 'post--';
  readonly operand: Expr;
}

export type BinaryOp = '*' | '/' | '%' | '+' | '-' | '<<' | '>>' | '<' | '>' | '<=' | '>=' | '==' | '!=' | '&' | '^' | '|' | '&&' | '||' | '??';

export interface Binary extends Node {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

export interface Conditional extends Node {
  readonly kind: 'conditional';
  readonly test: Expr;
  readonly then: Expr;
  readonly otherwise: Expr;
}

export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '&=' | '|=' | '^=' | '<<=' | '>>=';

export interface Assignment extends Node {
  readonly kind: 'assign';
  readonly op: AssignOp;
  readonly target: Expr;
  readonly value: Expr;
}

export interface Cast extends Node {
  readonly kind: 'cast';
  readonly type: TypeRef;
  readonly operand: Expr;
}

/** `x is T`, `x is T name`, `x is null`, `x is <constant>`. */
export interface Is extends Node {
  readonly kind: 'is';
  readonly operand: Expr;
  readonly type?: TypeRef;
  readonly constant?: Expr;
  readonly designation?: { readonly name: string; readonly start: number; readonly end: number };
}

export interface As extends Node {
  readonly kind: 'as';
  readonly operand: Expr;
  readonly type: TypeRef;
}

export interface TypeOf extends Node {
  readonly kind: 'typeof';
  readonly type: TypeRef;
}

export interface Default extends Node {
  readonly kind: 'default';
  readonly type: TypeRef;
}

/** `checked(x)` / `unchecked(x)`. */
export interface Checked extends Node {
  readonly kind: 'checked';
  readonly checked: boolean;
  readonly operand: Expr;
}

/** Object/collection initializer entries: `Name = v`, `[k] = v`, `{ a, b }` or a plain element. */
export type InitializerEntry =
  | { readonly kind: 'property'; readonly name: string; readonly value: Expr | ObjectInitializer; readonly start: number; readonly end: number }
  | { readonly kind: 'indexer'; readonly args: readonly Argument[]; readonly value: Expr; readonly start: number; readonly end: number }
  | { readonly kind: 'element'; readonly args: readonly Expr[]; readonly start: number; readonly end: number };

export interface ObjectInitializer extends Node {
  readonly kind: 'initializer';
  readonly entries: readonly InitializerEntry[];
}

export interface New extends Node {
  readonly kind: 'new';
  readonly type: TypeRef;
  readonly args: readonly Argument[];
  readonly initializer?: ObjectInitializer;
}

/** `new T[n]`, `new T[] { … }`, `new[] { … }`. */
export interface NewArray extends Node {
  readonly kind: 'newArray';
  /** Element type; absent for `new[] { … }`. */
  readonly elementType?: TypeRef;
  readonly size?: Expr;
  readonly elements?: readonly Expr[];
}

export interface NewAnonymous extends Node {
  readonly kind: 'newAnonymous';
  readonly members: readonly { readonly name: string; readonly value: Expr }[];
}

/** `{ a, b }` as an array initializer in a declaration: `string[] xs = { "a" };`. */
export interface ArrayInitializer extends Node {
  readonly kind: 'arrayInit';
  readonly elements: readonly Expr[];
}

export interface LambdaParam {
  readonly name: string;
  readonly type?: TypeRef;
  readonly start: number;
  readonly end: number;
}

export interface Lambda extends Node {
  readonly kind: 'lambda';
  readonly params: readonly LambdaParam[];
  readonly body: Expr | Block;
}

export type Expr =
  | Literal
  | Interpolated
  | Name
  | Member
  | Invocation
  | ElementAccess
  | Unary
  | Binary
  | Conditional
  | Assignment
  | Cast
  | Is
  | As
  | TypeOf
  | Default
  | Checked
  | New
  | NewArray
  | NewAnonymous
  | ArrayInitializer
  | Lambda;

// ---- statements ----

export interface Block extends Node {
  readonly kind: 'block';
  readonly body: readonly Stmt[];
}

export interface Declarator {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly init?: Expr;
}

export interface LocalDeclaration extends Node {
  readonly kind: 'local';
  readonly type: TypeRef | 'var';
  readonly declarators: readonly Declarator[];
  readonly isConst: boolean;
}

export interface ExpressionStatement extends Node {
  readonly kind: 'expr';
  readonly expr: Expr;
}

export interface If extends Node {
  readonly kind: 'if';
  readonly test: Expr;
  readonly then: Stmt;
  readonly otherwise?: Stmt;
}

export interface While extends Node {
  readonly kind: 'while';
  readonly test: Expr;
  readonly body: Stmt;
}

export interface DoWhile extends Node {
  readonly kind: 'do';
  readonly body: Stmt;
  readonly test: Expr;
}

export interface For extends Node {
  readonly kind: 'for';
  readonly init: LocalDeclaration | readonly Expr[] | undefined;
  readonly test?: Expr;
  readonly update: readonly Expr[];
  readonly body: Stmt;
}

export interface Foreach extends Node {
  readonly kind: 'foreach';
  readonly type: TypeRef | 'var';
  readonly name: string;
  readonly nameStart: number;
  readonly collection: Expr;
  readonly body: Stmt;
}

export interface SwitchSection extends Node {
  /** `undefined` is `default:`. */
  readonly labels: readonly (Expr | undefined)[];
  readonly body: readonly Stmt[];
}

export interface Switch extends Node {
  readonly kind: 'switch';
  readonly subject: Expr;
  readonly sections: readonly SwitchSection[];
}

export interface Return extends Node {
  readonly kind: 'return';
  readonly value?: Expr;
}

export interface Jump extends Node {
  readonly kind: 'break' | 'continue';
}

export interface Throw extends Node {
  readonly kind: 'throw';
  readonly value?: Expr;
}

export interface Catch extends Node {
  readonly type?: TypeRef;
  readonly name?: string;
  readonly filter?: Expr;
  readonly body: Block;
}

export interface Try extends Node {
  readonly kind: 'try';
  readonly body: Block;
  readonly catches: readonly Catch[];
  readonly finally?: Block;
}

/** `using (var x = …) body` (disposal is a no-op for the emulated types). */
export interface Using extends Node {
  readonly kind: 'using';
  readonly resource: LocalDeclaration | Expr;
  readonly body: Stmt;
}

/** `checked { … }` / `unchecked { … }`. */
export interface CheckedBlock extends Node {
  readonly kind: 'checkedBlock';
  readonly checked: boolean;
  readonly body: Block;
}

/** A local function `T Name(T1 a, …) { … }` or `=> expr;`. */
export interface LocalFunction extends Node {
  readonly kind: 'function';
  readonly returnType: TypeRef;
  readonly name: string;
  readonly nameStart: number;
  readonly params: readonly LambdaParam[];
  readonly body: Expr | Block;
}

export interface Empty extends Node {
  readonly kind: 'empty';
}

export type Stmt = Block | LocalDeclaration | ExpressionStatement | If | While | DoWhile | For | Foreach | Switch | Return | Jump | Throw | Try | Using | CheckedBlock | LocalFunction | Empty;
