/**
 * The token cursor of the expression parser and the syntax of types (names, generic arguments,
 * nullable and array suffixes). Kept apart from expression parsing because everything else —
 * expressions, primaries, statements — builds on these helpers, and they need nothing back.
 */
import type * as A from './ast.ts';
import { type LexError, lex, type Token } from './lexer.ts';

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

export const PREDEFINED_TYPES = new Set(['bool', 'byte', 'char', 'decimal', 'double', 'float', 'int', 'long', 'object', 'sbyte', 'short', 'string', 'uint', 'ulong', 'ushort']);

/** Tokens after `>` that make `a < b > …` a generic name rather than comparisons (C# §6.2.5). */
const AFTER_TYPE_ARGS = new Set(['(', ')', ']', '}', ':', ';', ',', '.', '?', '==', '!=', '|', '^', '&&', '||', '&', '[', '?.', 'eof']);

/** Token-stream state, token helpers and types. The expression parser (parser.ts) extends it. */
export class TokenParser {
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
}
