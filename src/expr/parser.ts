/**
 * Recursive-descent parser for the C# 7 subset of APIM policy expressions: expressions with
 * C# precedence, types, casts and generics disambiguated the way the C# specification does
 * (§12.9.7 casts, §6.2.5 grammar ambiguities). Statements live in parser-statements.ts.
 *
 * The parser stops at the first syntax error (reported with its position); lexical errors are
 * all reported.
 */
import type * as A from './ast.ts';
import { type InterpPart, type LexError, lex, type Token } from './lexer.ts';

/** A syntax problem at [start, end). */
export interface SyntaxProblem {
  readonly code: 'MA5000' | 'MA5001' | 'MA5002' | 'MA5003' | 'MA5004' | 'MA5005';
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** Thrown inside the parser to unwind to `parse…`; never escapes this module's public functions. */
export class ParseAbort extends Error {
  readonly problem: SyntaxProblem;
  constructor(problem: SyntaxProblem) {
    super(problem.message);
    this.problem = problem;
  }
}

const PREDEFINED_TYPES = new Set(['bool', 'byte', 'char', 'decimal', 'double', 'float', 'int', 'long', 'object', 'sbyte', 'short', 'string', 'uint', 'ulong', 'ushort']);

const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=']);

/** Tokens after `>` that make `a < b > …` a generic name rather than comparisons (C# §6.2.5). */
const AFTER_TYPE_ARGS = new Set(['(', ')', ']', '}', ':', ';', ',', '.', '?', '==', '!=', '|', '^', '&&', '||', '&', '[', '?.', 'eof']);

/** Binary operator precedence, higher binds tighter (`??` and assignment handled separately). */
const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  is: 7,
  as: 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

/** Token-stream parser state. Statement parsing (parser-statements.ts) extends it. */
export class Parser {
  readonly text: string;
  tokens: Token[];
  pos = 0;
  readonly lexErrors: LexError[];

  constructor(text: string, start = 0, end = text.length) {
    this.text = text;
    const r = lex(text, start, end);
    this.tokens = r.tokens;
    this.lexErrors = r.errors;
  }

  // ---- token helpers ----
  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)]!;
  }
  is(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return (t.kind === 'punct' || t.kind === 'keyword') && t.text === text;
  }
  isIdent(ahead = 0, word?: string): boolean {
    const t = this.peek(ahead);
    return t.kind === 'ident' && (word === undefined || t.text === word);
  }
  next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }
  accept(text: string): Token | undefined {
    return this.is(text) ? this.next() : undefined;
  }
  expect(text: string): Token {
    if (this.is(text)) return this.next();
    return this.fail(`${JSON.stringify(text)} expected${this.foundText()}.`);
  }
  expectIdent(): Token {
    if (this.peek().kind === 'ident') return this.next();
    return this.fail(`Identifier expected${this.foundText()}.`);
  }
  foundText(): string {
    const t = this.peek();
    if (t.kind === 'eof') return ', found the end of the expression';
    return `, found '${this.text.slice(t.start, t.end)}'`;
  }
  fail(message: string, start = this.peek().start, end = this.peek().end, code: SyntaxProblem['code'] = 'MA5000'): never {
    if (this.peek().kind === 'error') {
      // a lexical error already explains this position
      const le = this.lexErrors.find((e) => e.start <= this.peek().start && e.end >= this.peek().start);
      if (le) throw new ParseAbort(le);
    }
    throw new ParseAbort({ code, message, start, end: Math.max(end, start) });
  }
  unsupported(what: string, start: number, end: number): never {
    throw new ParseAbort({ code: 'MA5004', message: `${what} is not supported in policy expressions.`, start, end });
  }
  /** `>` `>` written adjacently (shift operator, split by the lexer for generics). */
  isShiftRight(): boolean {
    return this.is('>') && this.is('>', 1) && this.peek(1).start === this.peek().end;
  }

  // ---- types ----

  /** Tries to parse a type at the current position; restores the position and returns undefined if it is not one. */
  tryType(options: { allowNullable?: boolean } = {}): A.TypeRef | undefined {
    const save = this.pos;
    try {
      return this.parseType(options);
    } catch (e) {
      if (!(e instanceof ParseAbort)) throw e;
      this.pos = save;
      return undefined;
    }
  }

  parseType(options: { allowNullable?: boolean } = {}): A.TypeRef {
    const first = this.peek();
    let name: string;
    let typeArgs: A.TypeRef[] = [];
    if (first.kind === 'keyword' && (PREDEFINED_TYPES.has(first.text) || first.text === 'void')) {
      this.next();
      name = first.text;
    } else if (first.kind === 'ident') {
      this.next();
      name = first.text;
      if (this.is('::')) {
        this.next();
        name = `${name}::${this.expectIdent().text}`;
      }
      typeArgs = this.is('<') ? this.parseTypeArgs() : [];
      while (this.is('.') && this.peek(1).kind === 'ident') {
        if (typeArgs.length > 0) this.fail('Nested generic types are not supported.');
        this.next();
        name = `${name}.${this.next().text}`;
        typeArgs = this.is('<') ? this.parseTypeArgs() : [];
      }
    } else {
      return this.fail(`Type expected${this.foundText()}.`);
    }
    let nullable = false;
    if (this.is('?') && options.allowNullable !== false) {
      this.next();
      nullable = true;
    }
    const ranks: number[] = [];
    while (this.is('[') && (this.is(']', 1) || this.is(',', 1))) {
      this.next();
      let rank = 1;
      while (this.accept(',')) rank++;
      this.expect(']');
      ranks.push(rank);
    }
    const end = this.tokens[this.pos - 1]!.end;
    return { kind: 'type', name, typeArgs, arrayRanks: ranks, nullable, start: first.start, end };
  }

  parseTypeArgs(): A.TypeRef[] {
    this.expect('<');
    const args = [this.parseType()];
    while (this.accept(',')) args.push(this.parseType());
    this.expect('>');
    return args;
  }

  /** At `<` after a name: a type-argument list if it parses and the next token allows it (C# §6.2.5). */
  tryTypeArgsInExpression(): A.TypeRef[] | undefined {
    if (!this.is('<')) return undefined;
    const save = this.pos;
    try {
      const args = this.parseTypeArgs();
      const t = this.peek();
      const key = t.kind === 'eof' ? 'eof' : t.text;
      if ((t.kind === 'punct' || t.kind === 'eof') && AFTER_TYPE_ARGS.has(key)) return args;
    } catch (e) {
      if (!(e instanceof ParseAbort)) throw e;
    }
    this.pos = save;
    return undefined;
  }

  // ---- expressions ----

  parseExpression(): A.Expr {
    return this.parseAssignment();
  }

  parseAssignment(): A.Expr {
    const lambda = this.tryLambda();
    if (lambda) return lambda;
    const left = this.parseConditional();
    const t = this.peek();
    if (t.kind === 'punct' && (ASSIGN_OPS.has(t.text) || (t.text === '>' && this.isShiftAssign()))) {
      let op = t.text as A.AssignOp;
      if (t.text === '>') {
        this.next();
        this.next();
        op = '>>=';
      } else this.next();
      const value = this.parseAssignment();
      return { kind: 'assign', op, target: left, value, start: left.start, end: value.end };
    }
    return left;
  }

  isShiftAssign(): boolean {
    return this.is('>') && this.is('>=', 1) && this.peek(1).start === this.peek().end;
  }

  parseConditional(): A.Expr {
    const test = this.parseCoalesce();
    if (!this.is('?')) return test;
    this.next();
    const then = this.parseAssignment();
    this.expect(':');
    const otherwise = this.parseAssignment();
    return { kind: 'conditional', test, then, otherwise, start: test.start, end: otherwise.end };
  }

  parseCoalesce(): A.Expr {
    const left = this.parseBinary(1);
    if (!this.is('??')) return left;
    this.next();
    const right = this.parseCoalesce();
    return { kind: 'binary', op: '??', left, right, start: left.start, end: right.end };
  }

  parseBinary(minPrec: number): A.Expr {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      let op = t.kind === 'punct' || t.kind === 'keyword' ? t.text : '';
      if (op === '>' && this.isShiftAssign()) return left;
      if (op === '>' && this.isShiftRight()) op = '>>';
      const prec = BINARY_PRECEDENCE[op];
      if (prec === undefined || prec < minPrec || (t.kind === 'keyword' && op !== 'is' && op !== 'as')) return left;
      if (op === '>>' && this.isShiftAssign()) return left;
      this.next();
      if (op === '>>') this.next();
      if (op === 'is') {
        left = this.parseIsRest(left);
        continue;
      }
      if (op === 'as') {
        let type = this.parseType({ allowNullable: false });
        // `x as int?` is a nullable type when the `?` cannot begin a conditional's branch
        const after = this.peek(1);
        if (this.is('?') && (after.kind === 'eof' || (after.kind === 'punct' && [')', ']', '}', ';', ',', '??', '==', '!=', '&&', '||'].includes(after.text)))) {
          const q = this.next();
          type = { ...type, nullable: true, end: q.end };
        }
        left = { kind: 'as', operand: left, type, start: left.start, end: type.end };
        continue;
      }
      const right = this.parseBinary(prec + 1);
      left = { kind: 'binary', op: op as A.BinaryOp, left, right, start: left.start, end: right.end };
    }
  }

  private parseIsRest(operand: A.Expr): A.Expr {
    const t = this.peek();
    // constant patterns: null, literals, -literal
    if (t.kind === 'int' || t.kind === 'real' || t.kind === 'string' || t.kind === 'char' || (t.kind === 'keyword' && (t.text === 'null' || t.text === 'true' || t.text === 'false')) || this.is('-')) {
      const constant = this.parseUnary();
      return { kind: 'is', operand, constant, start: operand.start, end: constant.end };
    }
    if (this.isIdent(0, 'var') && this.isIdent(1)) this.unsupported("The 'var' pattern", t.start, t.end);
    const type = this.parseType({ allowNullable: false });
    if (this.peek().kind === 'ident' && !this.isContextualBinary()) {
      const d = this.next();
      return { kind: 'is', operand, type, designation: { name: d.text, start: d.start, end: d.end }, start: operand.start, end: d.end };
    }
    return { kind: 'is', operand, type, start: operand.start, end: type.end };
  }

  private isContextualBinary(): boolean {
    // `x is T when …` and query keywords are not designations we support; identifiers are.
    return false;
  }

  parseUnary(): A.Expr {
    const t = this.peek();
    if (t.kind === 'punct') {
      if (t.text === '+' || t.text === '-' || t.text === '!' || t.text === '~' || t.text === '++' || t.text === '--') {
        this.next();
        const operand = this.parseUnary();
        return { kind: 'unary', op: t.text, operand, start: t.start, end: operand.end };
      }
      if (t.text === '(') {
        const cast = this.tryCast();
        if (cast) return cast;
      }
      if (t.text === '*' || t.text === '&') this.unsupported('Pointer syntax', t.start, t.end);
    }
    return this.parsePostfix(this.parsePrimary());
  }

  /** C# §12.9.7: `(T)x` is a cast when T is a type and either T cannot be an expression or the next token starts an operand. */
  private tryCast(): A.Expr | undefined {
    const save = this.pos;
    const open = this.next();
    const type = this.tryType();
    if (!type || !this.is(')')) {
      this.pos = save;
      return undefined;
    }
    this.next();
    const after = this.peek();
    const typeOnly = PREDEFINED_TYPES.has(type.name) || type.arrayRanks.length > 0 || type.nullable;
    const startsOperand =
      after.kind === 'ident' ||
      after.kind === 'int' ||
      after.kind === 'real' ||
      after.kind === 'string' ||
      after.kind === 'char' ||
      after.kind === 'interp' ||
      (after.kind === 'keyword' && after.text !== 'as' && after.text !== 'is') ||
      (after.kind === 'punct' && (after.text === '(' || after.text === '!' || after.text === '~'));
    const typeOnlyOperand = typeOnly && after.kind === 'punct' && (after.text === '-' || after.text === '+' || after.text === '++' || after.text === '--');
    if (!startsOperand && !typeOnlyOperand) {
      this.pos = save;
      return undefined;
    }
    const operand = this.parseUnary();
    return { kind: 'cast', type, operand, start: open.start, end: operand.end };
  }

  /** `x =>`, `(a, b) =>`, `(string s) =>`, `() =>`. */
  private tryLambda(): A.Lambda | undefined {
    const t = this.peek();
    if (t.kind === 'ident' && this.is('=>', 1)) {
      this.next();
      this.next();
      const body = this.parseLambdaBody();
      return { kind: 'lambda', params: [{ name: t.text, start: t.start, end: t.end }], body, start: t.start, end: body.end };
    }
    if (!this.is('(')) return undefined;
    // find the matching ')' and look for '=>' after it
    let depth = 0;
    let i = this.pos;
    for (; i < this.tokens.length; i++) {
      const k = this.tokens[i]!;
      if (k.kind === 'eof') return undefined;
      if (k.kind === 'punct' && k.text === '(') depth++;
      else if (k.kind === 'punct' && k.text === ')' && --depth === 0) break;
    }
    const arrow = this.tokens[i + 1];
    if (!arrow || arrow.kind !== 'punct' || arrow.text !== '=>') return undefined;
    this.next();
    const params: A.LambdaParam[] = [];
    if (!this.is(')')) {
      do {
        if (this.is('ref') || this.is('out')) this.unsupported('ref/out lambda parameters', this.peek().start, this.peek().end);
        if (this.peek().kind === 'ident' && (this.is(',', 1) || this.is(')', 1))) {
          const n = this.next();
          params.push({ name: n.text, start: n.start, end: n.end });
        } else {
          const type = this.parseType();
          const n = this.expectIdent();
          params.push({ name: n.text, type, start: type.start, end: n.end });
        }
      } while (this.accept(','));
    }
    this.expect(')');
    this.expect('=>');
    const body = this.parseLambdaBody();
    return { kind: 'lambda', params, body, start: t.start, end: body.end };
  }

  /** Overridden by the statement parser to allow block bodies. */
  parseLambdaBody(): A.Expr | A.Block {
    return this.parseExpression();
  }

  parsePrimary(): A.Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'int': {
        this.next();
        return { kind: 'literal', type: intLiteralType(t), value: t.value ?? '0', start: t.start, end: t.end };
      }
      case 'real': {
        this.next();
        const type = t.suffix === 'f' ? 'float' : t.suffix === 'm' ? 'decimal' : 'double';
        return { kind: 'literal', type, value: t.value ?? '0', start: t.start, end: t.end };
      }
      case 'string':
        this.next();
        return { kind: 'literal', type: 'string', value: t.value ?? '', start: t.start, end: t.end };
      case 'char':
        this.next();
        return { kind: 'literal', type: 'char', value: t.value ?? '', start: t.start, end: t.end };
      case 'interp':
        this.next();
        return this.parseInterpolated(t);
      case 'ident': {
        this.next();
        if (this.is('::')) this.unsupported("The '::' alias qualifier", this.peek().start, this.peek().end);
        const typeArgs = this.tryTypeArgsInExpression();
        const end = typeArgs ? this.tokens[this.pos - 1]!.end : t.end;
        return { kind: 'name', name: t.text, ...(typeArgs ? { typeArgs } : {}), start: t.start, end };
      }
      case 'keyword':
        return this.parseKeywordPrimary(t);
      case 'punct':
        if (t.text === '(') {
          this.next();
          const inner = this.parseExpression();
          const close = this.expect(')');
          // keep the parentheses in the span so diagnostics underline what the author wrote
          return { ...inner, start: t.start, end: close.end } as A.Expr;
        }
        break;
      case 'error':
        this.fail('Invalid token.');
        break;
      case 'eof':
        return this.fail('Expression expected, found the end of the expression.');
    }
    return this.fail(`Invalid expression term '${this.text.slice(t.start, t.end)}'.`);
  }

  private parseKeywordPrimary(t: Token): A.Expr {
    switch (t.text) {
      case 'true':
      case 'false':
        this.next();
        return { kind: 'literal', type: 'bool', value: t.text === 'true', start: t.start, end: t.end };
      case 'null':
        this.next();
        return { kind: 'literal', type: 'null', value: null, start: t.start, end: t.end };
      case 'new':
        return this.parseNew();
      case 'typeof': {
        this.next();
        this.expect('(');
        const type = this.parseType();
        const close = this.expect(')');
        return { kind: 'typeof', type, start: t.start, end: close.end };
      }
      case 'default': {
        this.next();
        if (!this.is('(')) this.unsupported("The 'default' literal without a type", t.start, t.end);
        this.next();
        const type = this.parseType();
        const close = this.expect(')');
        return { kind: 'default', type, start: t.start, end: close.end };
      }
      case 'checked':
      case 'unchecked': {
        this.next();
        this.expect('(');
        const operand = this.parseExpression();
        const close = this.expect(')');
        return { kind: 'checked', checked: t.text === 'checked', operand, start: t.start, end: close.end };
      }
      case 'this':
      case 'base':
      case 'sizeof':
      case 'stackalloc':
      case 'delegate':
      case 'ref':
      case 'await':
        return this.unsupported(`'${t.text}'`, t.start, t.end);
      default:
        // a predefined type is an expression term only as the target of a member access (`int.Parse`)
        if (PREDEFINED_TYPES.has(t.text) && this.is('.', 1)) {
          this.next();
          return { kind: 'name', name: t.text, keyword: true, start: t.start, end: t.end };
        }
    }
    return this.fail(`Invalid expression term '${t.text}'.`);
  }

  private parseInterpolated(t: Token): A.Interpolated {
    const parts: (string | A.InterpolationHole)[] = [];
    for (const p of t.parts as InterpPart[]) {
      if ('text' in p) {
        parts.push(p.text);
        continue;
      }
      const expr = this.subExpression(p.exprStart, p.exprEnd);
      const align = p.align ? this.subExpression(p.align.start, p.align.end) : undefined;
      parts.push({ expr, ...(align ? { align } : {}), ...(p.format !== undefined ? { format: p.format } : {}) });
    }
    return { kind: 'interpolated', parts, start: t.start, end: t.end };
  }

  /** Parses `text[start, end)` as one complete expression (interpolation holes). */
  subExpression(start: number, end: number): A.Expr {
    const sub = new (this.constructor as new (text: string, start: number, end: number) => Parser)(this.text, start, end);
    if (sub.lexErrors.length > 0) throw new ParseAbort(sub.lexErrors[0]!);
    if (sub.peek().kind === 'eof') throw new ParseAbort({ code: 'MA5000', message: 'Empty expression in an interpolation hole.', start: start - 1, end: end + 1 });
    const e = sub.parseExpression();
    if (sub.peek().kind !== 'eof') sub.fail(`Unexpected '${sub.peek().text}' in an interpolation hole.`);
    return e;
  }

  private parseNew(): A.Expr {
    const kw = this.next();
    if (this.is('[')) {
      this.next();
      this.expect(']');
      const elements = this.parseArrayElements();
      return { kind: 'newArray', elements, start: kw.start, end: this.tokens[this.pos - 1]!.end };
    }
    if (this.is('{')) {
      this.next();
      const members: { name: string; value: A.Expr }[] = [];
      while (!this.is('}')) {
        const value = this.parseExpression();
        let name: string;
        if (value.kind === 'assign' && value.op === '=' && value.target.kind === 'name') {
          name = value.target.name;
          members.push({ name, value: value.value });
        } else if (value.kind === 'name') members.push({ name: value.name, value });
        else if (value.kind === 'member') members.push({ name: value.name, value });
        else this.fail('Invalid anonymous type member declarator.', value.start, value.end);
        if (!this.accept(',')) break;
      }
      const close = this.expect('}');
      return { kind: 'newAnonymous', members, start: kw.start, end: close.end };
    }
    const type = this.parseTypeForNew();
    if (this.is('[')) {
      // new T[n] or new T[] { … }
      this.next();
      if (this.accept(']')) {
        const elementType = { ...type, arrayRanks: [] as number[] };
        while (this.is('[')) {
          this.next();
          this.expect(']');
          this.unsupported('Jagged array creation', kw.start, this.peek().end);
        }
        const elements = this.parseArrayElements();
        return { kind: 'newArray', elementType, elements, start: kw.start, end: this.tokens[this.pos - 1]!.end };
      }
      const size = this.parseExpression();
      if (this.is(',')) this.unsupported('Multi-dimensional arrays', this.peek().start, this.peek().end);
      const close = this.expect(']');
      let elements: A.Expr[] | undefined;
      if (this.is('{')) elements = this.parseArrayElements();
      return { kind: 'newArray', elementType: type, size, ...(elements ? { elements } : {}), start: kw.start, end: elements ? this.tokens[this.pos - 1]!.end : close.end };
    }
    if (type.arrayRanks.length > 0) {
      // `new string[] { … }` where parseType consumed `[]`
      const elementType = { ...type, arrayRanks: type.arrayRanks.slice(1) };
      if (elementType.arrayRanks.length > 0 || type.arrayRanks[0] !== 1) this.unsupported('Jagged or multi-dimensional arrays', type.start, type.end);
      const elements = this.parseArrayElements();
      return { kind: 'newArray', elementType, elements, start: kw.start, end: this.tokens[this.pos - 1]!.end };
    }
    let args: A.Argument[] = [];
    const hasParens = this.is('(');
    if (hasParens) args = this.parseArguments('(', ')');
    let initializer: A.ObjectInitializer | undefined;
    if (this.is('{')) initializer = this.parseObjectInitializer();
    else if (!hasParens) this.fail(`'(' or '{' expected after 'new ${type.name}'${this.foundText()}.`);
    const end = this.tokens[this.pos - 1]!.end;
    return { kind: 'new', type, args, ...(initializer ? { initializer } : {}), start: kw.start, end };
  }

  /** Like parseType, but stops before `[n]` so that `new int[3]` parses. */
  private parseTypeForNew(): A.TypeRef {
    const save = this.pos;
    const t = this.parseType();
    if (t.arrayRanks.length > 0 || !this.is('[')) return t;
    this.pos = save;
    return this.parseType();
  }

  private parseArrayElements(): A.Expr[] {
    this.expect('{');
    const elements: A.Expr[] = [];
    while (!this.is('}')) {
      elements.push(this.is('{') ? this.parseNestedArrayInit() : this.parseExpression());
      if (!this.accept(',')) break;
    }
    this.expect('}');
    return elements;
  }

  parseNestedArrayInit(): A.ArrayInitializer {
    const open = this.peek();
    const elements = this.parseArrayElements();
    return { kind: 'arrayInit', elements, start: open.start, end: this.tokens[this.pos - 1]!.end };
  }

  private parseObjectInitializer(): A.ObjectInitializer {
    const open = this.expect('{');
    const entries: A.InitializerEntry[] = [];
    while (!this.is('}')) {
      const s = this.peek().start;
      if (this.peek().kind === 'ident' && this.is('=', 1)) {
        const name = this.next().text;
        this.next();
        const value = this.is('{') ? this.parseObjectInitializer() : this.parseExpression();
        entries.push({ kind: 'property', name, value, start: s, end: value.end });
      } else if (this.is('[')) {
        const args = this.parseArguments('[', ']');
        this.expect('=');
        const value = this.parseExpression();
        entries.push({ kind: 'indexer', args, value, start: s, end: value.end });
      } else if (this.is('{')) {
        this.next();
        const args: A.Expr[] = [];
        while (!this.is('}')) {
          args.push(this.parseExpression());
          if (!this.accept(',')) break;
        }
        const close = this.expect('}');
        entries.push({ kind: 'element', args, start: s, end: close.end });
      } else {
        const value = this.parseExpression();
        entries.push({ kind: 'element', args: [value], start: s, end: value.end });
      }
      if (!this.accept(',')) break;
    }
    const close = this.expect('}');
    return { kind: 'initializer', entries, start: open.start, end: close.end };
  }

  parseArguments(open: '(' | '[', close: ')' | ']'): A.Argument[] {
    this.expect(open);
    const args: A.Argument[] = [];
    if (!this.is(close)) {
      do args.push(this.parseArgument());
      while (this.accept(','));
    }
    this.expect(close);
    return args;
  }

  private parseArgument(): A.Argument {
    const s = this.peek().start;
    let name: string | undefined;
    if (this.peek().kind === 'ident' && this.is(':', 1)) {
      name = this.next().text;
      this.next();
    }
    const named = name !== undefined ? { name } : {};
    if (this.is('out') || this.is('ref') || this.is('in')) {
      const mod = this.next();
      if (mod.text === 'in') this.unsupported("'in' arguments", mod.start, mod.end);
      const modifier = mod.text as 'out' | 'ref';
      // out var x / out T x / out x
      if (modifier === 'out' && (this.isIdent(0, 'var') || this.peek().kind === 'keyword' || this.peek().kind === 'ident') && this.declaresOutVariable()) {
        let type: A.TypeRef | 'var';
        if (this.isIdent(0, 'var')) {
          this.next();
          type = 'var';
        } else type = this.parseType();
        const n = this.expectIdent();
        const value: A.Name = { kind: 'name', name: n.text, start: n.start, end: n.end };
        return { ...named, value, modifier, declares: { type, name: n.text, start: n.start, end: n.end }, start: s, end: n.end };
      }
      const value = this.parseUnary();
      return { ...named, value, modifier, start: s, end: value.end };
    }
    const value = this.parseExpression();
    return { ...named, value, start: s, end: value.end };
  }

  /** After `out`: is this `T name` (a declaration) rather than an expression? */
  private declaresOutVariable(): boolean {
    const save = this.pos;
    if (this.isIdent(0, 'var') && this.peek(1).kind === 'ident') return true;
    const type = this.tryType();
    const ok = type !== undefined && this.peek().kind === 'ident';
    this.pos = save;
    return ok;
  }

  parsePostfix(expr: A.Expr): A.Expr {
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punct') return expr;
      switch (t.text) {
        case '?': {
          // `a?[i]`: null-conditional element access (an array never starts an operand of `?:`)
          if (!this.is('[', 1)) return expr;
          this.next();
          const args = this.parseArguments('[', ']');
          expr = { kind: 'index', target: expr, args, conditional: true, start: expr.start, end: this.tokens[this.pos - 1]!.end };
          break;
        }
        case '.':
        case '?.': {
          this.next();
          const n = this.peek();
          if (n.kind !== 'ident' && !(n.kind === 'keyword' && PREDEFINED_TYPES.has(n.text))) this.fail(`Identifier expected after '${t.text}'${this.foundText()}.`);
          this.next();
          const typeArgs = this.tryTypeArgsInExpression();
          const end = this.tokens[this.pos - 1]!.end;
          expr = { kind: 'member', target: expr, name: n.text, nameStart: n.start, ...(typeArgs ? { typeArgs } : {}), conditional: t.text === '?.', start: expr.start, end };
          break;
        }
        case '(': {
          const args = this.parseArguments('(', ')');
          expr = { kind: 'invoke', target: expr, args, start: expr.start, end: this.tokens[this.pos - 1]!.end };
          break;
        }
        case '[': {
          const args = this.parseArguments('[', ']');
          expr = { kind: 'index', target: expr, args, conditional: false, start: expr.start, end: this.tokens[this.pos - 1]!.end };
          break;
        }
        case '++':
        case '--':
          this.next();
          expr = { kind: 'unary', op: t.text === '++' ? 'post++' : 'post--', operand: expr, start: expr.start, end: t.end };
          break;
        case '->':
          return this.unsupported('Pointer member access', t.start, t.end);
        default:
          return expr;
      }
    }
  }
}

/** C# §6.4.5.3: the type of an integer literal from its value and suffix. */
function intLiteralType(t: Token): A.LiteralType {
  const v = BigInt(t.value ?? '0');
  const s = t.suffix ?? '';
  if (s === 'ul') return 'ulong';
  if (s === 'u') return v <= 0xffffffffn ? 'uint' : 'ulong';
  if (s === 'l') return v <= 0x7fffffffffffffffn ? 'long' : 'ulong';
  if (v <= 0x7fffffffn) return 'int';
  if (v <= 0xffffffffn) return 'uint';
  if (v <= 0x7fffffffffffffffn) return 'long';
  return 'ulong';
}
