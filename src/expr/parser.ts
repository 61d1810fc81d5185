/**
 * Recursive-descent parser for the C# 7 subset of APIM policy expressions: expressions with
 * C# precedence, types, casts and generics disambiguated the way the C# specification does
 * (§12.9.7 casts, §6.2.5 grammar ambiguities). This module holds the operators; the terms they
 * combine are in parser-primary.ts, the token cursor and types in parser-tokens.ts, and statements
 * in parser-statements.ts.
 *
 * The parser stops at the first syntax error (reported with its position); lexical errors are
 * all reported.
 */
import type * as A from './ast.ts';
import { PrimaryParser } from './parser-primary.ts';
import { PREDEFINED_TYPES } from './parser-tokens.ts';

const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=']);

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

/** The expression parser (operators over the terms of parser-primary.ts). Statement parsing (parser-statements.ts) extends it. */
export class Parser extends PrimaryParser {
  // ---- expressions ----

  override parseExpression(): A.Expr {
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

  override parseUnary(): A.Expr {
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
