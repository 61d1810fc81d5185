/**
 * Primary expressions of the parser: literals, names, interpolated strings, keyword terms
 * (`typeof`, `default`, `checked`), lambdas, object and array creation with their initializers,
 * and argument lists (named, `out`/`ref`). Separate from parser.ts, which holds the operators
 * (precedence climbing, casts, `is`/`as`, postfix) that combine these terms.
 */
import type * as A from './ast.ts';
import type { InterpPart, Token } from './lexer.ts';
import { ParseAbort, PREDEFINED_TYPES, TokenParser } from './parser-tokens.ts';

/** The terms of expressions; the operator layer (parser.ts) supplies `parseExpression` and `parseUnary`. */
export abstract class PrimaryParser extends TokenParser {
  abstract parseExpression(): A.Expr;
  abstract parseUnary(): A.Expr;

  /** `x =>`, `(a, b) =>`, `(string s) =>`, `() =>`. */
  protected tryLambda(): A.Lambda | undefined {
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
    const sub = new (this.constructor as new (text: string, start: number, end: number) => PrimaryParser)(this.text, start, end);
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
