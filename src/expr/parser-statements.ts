/**
 * Statements of `@{ … }` blocks (a C# method body) and the two entry points `parseSource`
 * for expressions and blocks.
 */
import type * as A from './ast.ts';
import { Parser } from './parser.ts';
import { ParseAbort, type SyntaxProblem } from './parser-tokens.ts';

/** The parse of one expression source: a tree, or the problems that prevented it. */
export type ParseResult = { readonly ok: true; readonly tree: A.Expr | A.Block } | { readonly ok: false; readonly problems: readonly SyntaxProblem[] };

/** Parser with statements; lambdas may have block bodies. */
export class StatementParser extends Parser {
  override parseLambdaBody(): A.Expr | A.Block {
    return this.is('{') ? this.parseBlock() : this.parseExpression();
  }

  parseBlock(): A.Block {
    const open = this.expect('{');
    const body: A.Stmt[] = [];
    while (!this.is('}')) {
      if (this.peek().kind === 'eof') this.fail("'}' expected, found the end of the expression.");
      body.push(this.parseStatement());
    }
    const close = this.next();
    return { kind: 'block', body, start: open.start, end: close.end };
  }

  /** Statements until end of input (the body of `@{ … }`). */
  parseBody(start: number, end: number): A.Block {
    const body: A.Stmt[] = [];
    while (this.peek().kind !== 'eof') body.push(this.parseStatement());
    return { kind: 'block', body, start, end };
  }

  parseStatement(): A.Stmt {
    const t = this.peek();
    if (t.kind === 'punct') {
      if (t.text === '{') return this.parseBlock();
      if (t.text === ';') {
        this.next();
        return { kind: 'empty', start: t.start, end: t.end };
      }
    }
    if (t.kind === 'keyword') {
      switch (t.text) {
        case 'if':
          return this.parseIf();
        case 'while': {
          this.next();
          this.expect('(');
          const test = this.parseExpression();
          this.expect(')');
          const body = this.parseEmbedded();
          return { kind: 'while', test, body, start: t.start, end: body.end };
        }
        case 'do': {
          this.next();
          const body = this.parseEmbedded();
          this.expect('while');
          this.expect('(');
          const test = this.parseExpression();
          this.expect(')');
          const semi = this.expect(';');
          return { kind: 'do', body, test, start: t.start, end: semi.end };
        }
        case 'for':
          return this.parseFor();
        case 'foreach':
          return this.parseForeach();
        case 'switch':
          return this.parseSwitch();
        case 'return': {
          this.next();
          const value = this.is(';') ? undefined : this.parseExpression();
          const semi = this.expect(';');
          return { kind: 'return', ...(value ? { value } : {}), start: t.start, end: semi.end };
        }
        case 'break':
        case 'continue': {
          this.next();
          const semi = this.expect(';');
          return { kind: t.text, start: t.start, end: semi.end };
        }
        case 'throw': {
          this.next();
          const value = this.is(';') ? undefined : this.parseExpression();
          const semi = this.expect(';');
          return { kind: 'throw', ...(value ? { value } : {}), start: t.start, end: semi.end };
        }
        case 'try':
          return this.parseTry();
        case 'const': {
          this.next();
          const decl = this.tryLocalDeclaration(true);
          if (!decl) this.fail('Type expected after const.');
          return decl;
        }
        case 'using': {
          this.next();
          this.expect('(');
          const resource = this.tryLocalDeclaration(false, true) ?? this.parseExpression();
          this.expect(')');
          const body = this.parseEmbedded();
          return { kind: 'using', resource, body, start: t.start, end: body.end };
        }
        case 'goto':
        case 'lock':
        case 'fixed':
        case 'unsafe':
        case 'yield':
          return this.unsupported(`The '${t.text}' statement`, t.start, t.end);
        case 'checked':
        case 'unchecked':
          if (this.is('{', 1)) {
            this.next();
            const body = this.parseBlock();
            return { kind: 'checkedBlock', checked: t.text === 'checked', body, start: t.start, end: body.end };
          }
          break;
        case 'static':
        case 'public':
        case 'private':
        case 'class':
        case 'struct':
        case 'async':
          return this.unsupported('Declarations other than local variables', t.start, t.end);
      }
    }
    if (t.kind === 'ident' && t.text === 'yield' && (this.is('return', 1) || this.is('break', 1))) this.unsupported("The 'yield' statement", t.start, t.end);
    const decl = this.tryLocalDeclaration(false);
    if (decl) return decl;
    const fn = this.tryLocalFunction();
    if (fn) return fn;
    const expr = this.parseExpression();
    if (this.is('(') || this.peek().kind === 'ident') {
      // `T Name(…) { … }`: a local function
      this.fail(`';' expected${this.foundText()}.`);
    }
    const semi = this.expect(';');
    return { kind: 'expr', expr, start: t.start, end: semi.end };
  }

  /** A statement in an `if`/loop body: declarations are not allowed there (CS1023). */
  private parseEmbedded(): A.Stmt {
    const s = this.parseStatement();
    if (s.kind === 'local') this.fail('Embedded statement cannot be a declaration.', s.start, s.end);
    return s;
  }

  private parseIf(): A.If {
    const kw = this.next();
    this.expect('(');
    const test = this.parseExpression();
    this.expect(')');
    const then = this.parseEmbedded();
    if (this.accept('else')) {
      const otherwise = this.parseEmbedded();
      return { kind: 'if', test, then, otherwise, start: kw.start, end: otherwise.end };
    }
    return { kind: 'if', test, then, start: kw.start, end: then.end };
  }

  private parseFor(): A.For {
    const kw = this.next();
    this.expect('(');
    let init: A.LocalDeclaration | A.Expr[] | undefined;
    if (!this.is(';')) {
      const decl = this.tryLocalDeclaration(false, true);
      if (decl) init = decl;
      else {
        const list = [this.parseExpression()];
        while (this.accept(',')) list.push(this.parseExpression());
        init = list;
      }
    }
    this.expect(';');
    const test = this.is(';') ? undefined : this.parseExpression();
    this.expect(';');
    const update: A.Expr[] = [];
    if (!this.is(')')) {
      update.push(this.parseExpression());
      while (this.accept(',')) update.push(this.parseExpression());
    }
    this.expect(')');
    const body = this.parseEmbedded();
    return { kind: 'for', init, ...(test ? { test } : {}), update, body, start: kw.start, end: body.end };
  }

  private parseForeach(): A.Foreach {
    const kw = this.next();
    this.expect('(');
    let type: A.TypeRef | 'var';
    if (this.isIdent(0, 'var') && this.isIdent(1)) {
      this.next();
      type = 'var';
    } else type = this.parseType();
    const n = this.expectIdent();
    this.expect('in');
    const collection = this.parseExpression();
    this.expect(')');
    const body = this.parseEmbedded();
    return { kind: 'foreach', type, name: n.text, nameStart: n.start, collection, body, start: kw.start, end: body.end };
  }

  private parseSwitch(): A.Switch {
    const kw = this.next();
    this.expect('(');
    const subject = this.parseExpression();
    this.expect(')');
    this.expect('{');
    const sections: A.SwitchSection[] = [];
    while (!this.is('}')) {
      const s = this.peek().start;
      const labels: (A.Expr | undefined)[] = [];
      while (this.is('case') || this.is('default')) {
        const k = this.next();
        if (k.text === 'default') labels.push(undefined);
        else {
          const value = this.parseExpression();
          if (this.isIdent(0, 'when') || this.peek().kind === 'ident') this.unsupported('Pattern matching in case labels', this.peek().start, this.peek().end);
          labels.push(value);
        }
        this.expect(':');
      }
      if (labels.length === 0) this.fail(`'case' or 'default' expected${this.foundText()}.`);
      const body: A.Stmt[] = [];
      while (!this.is('case') && !this.is('default') && !this.is('}')) {
        if (this.peek().kind === 'eof') this.fail("'}' expected, found the end of the expression.");
        body.push(this.parseStatement());
      }
      sections.push({ labels, body, start: s, end: this.tokens[this.pos - 1]!.end });
    }
    const close = this.next();
    return { kind: 'switch', subject, sections, start: kw.start, end: close.end };
  }

  private parseTry(): A.Try {
    const kw = this.next();
    const body = this.parseBlock();
    const catches: A.Catch[] = [];
    while (this.is('catch')) {
      const c = this.next();
      let type: A.TypeRef | undefined;
      let name: string | undefined;
      if (this.accept('(')) {
        type = this.parseType();
        if (this.peek().kind === 'ident') name = this.next().text;
        this.expect(')');
      }
      let filter: A.Expr | undefined;
      if (this.isIdent(0, 'when')) {
        this.next();
        this.expect('(');
        filter = this.parseExpression();
        this.expect(')');
      }
      const block = this.parseBlock();
      catches.push({ ...(type ? { type } : {}), ...(name ? { name } : {}), ...(filter ? { filter } : {}), body: block, start: c.start, end: block.end });
    }
    let fin: A.Block | undefined;
    if (this.accept('finally')) fin = this.parseBlock();
    if (catches.length === 0 && !fin) this.fail(`'catch' or 'finally' expected${this.foundText()}.`);
    const end = fin ? fin.end : catches[catches.length - 1]!.end;
    return { kind: 'try', body, catches, ...(fin ? { finally: fin } : {}), start: kw.start, end };
  }

  /** `T Name(T a, …) { … }` — a type, a name and `(`. */
  private tryLocalFunction(): A.LocalFunction | undefined {
    const save = this.pos;
    const returnType = this.tryType();
    if (!returnType || !this.isIdent() || !this.is('(', 1)) {
      this.pos = save;
      return undefined;
    }
    const n = this.next();
    this.next();
    const params: A.LambdaParam[] = [];
    if (!this.is(')')) {
      do {
        if (this.is('ref') || this.is('out') || this.is('params')) this.unsupported(`'${this.peek().text}' parameters`, this.peek().start, this.peek().end);
        const type = this.parseType();
        const p = this.expectIdent();
        if (this.is('=')) this.unsupported('Optional parameters', this.peek().start, this.peek().end);
        params.push({ name: p.text, type, start: type.start, end: p.end });
      } while (this.accept(','));
    }
    this.expect(')');
    let body: A.Expr | A.Block;
    if (this.accept('=>')) {
      body = this.parseExpression();
      this.expect(';');
    } else body = this.parseBlock();
    return { kind: 'function', returnType, name: n.text, nameStart: n.start, params, body, start: returnType.start, end: this.tokens[this.pos - 1]!.end };
  }

  /**
   * `T a = 1, b;` or `var x = …;` when the tokens are a type followed by an identifier and then
   * `=`, `,` or `;` (otherwise this is an expression statement and the position is restored).
   */
  private tryLocalDeclaration(isConst: boolean, inFor = false): A.LocalDeclaration | undefined {
    const save = this.pos;
    const s = this.peek().start;
    let type: A.TypeRef | 'var' | undefined;
    if (this.isIdent(0, 'var') && this.isIdent(1)) {
      this.next();
      type = 'var';
    } else type = this.tryType();
    if (!type || !this.isIdent() || !(this.is('=', 1) || this.is(',', 1) || this.is(';', 1) || (inFor && this.is(')', 1)))) {
      if (isConst) this.fail('A const declaration needs a type and a name.');
      this.pos = save;
      return undefined;
    }
    const declarators: A.Declarator[] = [];
    do {
      const n = this.expectIdent();
      let init: A.Expr | undefined;
      if (this.accept('=')) init = this.is('{') ? this.parseNestedArrayInit() : this.parseExpression();
      declarators.push({ name: n.text, start: n.start, end: n.end, ...(init ? { init } : {}) });
    } while (this.accept(','));
    const end = inFor ? this.tokens[this.pos - 1]!.end : this.expect(';').end;
    return { kind: 'local', type, declarators, isConst, start: s, end };
  }
}

/**
 * Parses a policy expression: `kind: 'expression'` is one C# expression, `kind: 'block'` a
 * method body. Never throws.
 */
export function parseSource(text: string, kind: 'expression' | 'block'): ParseResult {
  let p: StatementParser;
  try {
    p = new StatementParser(text);
  } catch (e) {
    return { ok: false, problems: [{ code: 'MA5000', message: `The expression could not be read: ${String(e)}`, start: 0, end: text.length }] };
  }
  if (p.lexErrors.length > 0) return { ok: false, problems: p.lexErrors };
  if (p.peek().kind === 'eof') {
    return { ok: false, problems: [{ code: 'MA5005', message: kind === 'block' ? 'The statement block is empty; it must return a value.' : 'The expression is empty.', start: 0, end: text.length }] };
  }
  try {
    if (kind === 'block') return { ok: true, tree: p.parseBody(0, text.length) };
    const e = p.parseExpression();
    if (p.peek().kind !== 'eof') p.fail(`Unexpected '${text.slice(p.peek().start, p.peek().end)}' after the end of the expression.`);
    return { ok: true, tree: e };
  } catch (e) {
    if (e instanceof ParseAbort) return { ok: false, problems: [e.problem] };
    if (e instanceof RangeError) return { ok: false, problems: [{ code: 'MA5004', message: 'The expression is nested too deeply.', start: 0, end: text.length }] };
    throw e;
  }
}
