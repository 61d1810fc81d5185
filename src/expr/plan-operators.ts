/**
 * Planning of operators: unary and binary operators, casts, conditions with their
 * definite-assignment states (C# §9.4.4), and `is` patterns. Assignment and increments are in
 * plan-assign.ts, dispatch is in plan-expr.ts.
 */
import type * as A from './ast.ts';
import { type Assigned, copy, type Eval, type Frame, intersect, type PlanContext } from './plan-scope.ts';
import type { Value } from './port.ts';
import { exprJs, jsOf, literalJs, withJs } from './jit.ts';
import * as ops from './ops.ts';
import { planIncrement } from './plan-assign.ts';
import { planExpr } from './plan-expr.ts';

export function planUnary(p: PlanContext, e: A.Unary): Eval {
  const lib = p.lib;
  if (e.op === '++' || e.op === '--' || e.op === 'post++' || e.op === 'post--') return planIncrement(p, e);
  // C# §6.4.5.3: -2147483648 is an int and -9223372036854775808 a long, although the digits alone do not fit
  if (e.op === '-' && e.operand.kind === 'literal' && e.operand.start === e.start + 1) {
    const lit = e.operand;
    if (lit.type === 'uint' && lit.value === '2147483648' && !/[uU]/.test(lit.value)) return () => -2147483648;
    if (lit.type === 'ulong' && lit.value === '9223372036854775808') {
      const v = lib.literal('long', '-9223372036854775808');
      return () => v;
    }
  }
  const operand = planExpr(p, e.operand);
  const op = e.op;
  switch (op) {
    case '!':
      return withJs((f: Frame) => ops.not(lib, operand(f)), `ops.not(lib, ${exprJs(p.code, operand)})`);
    case '-':
      return withJs((f: Frame) => ops.negate(lib, operand(f)), `ops.negate(lib, ${exprJs(p.code, operand)})`);
    default:
      return (f) => lib.unary(op, operand(f));
  }
}

export function planCast(p: PlanContext, e: A.Cast): Eval {
  const operand = planExpr(p, e.operand);
  const t = p.resolveType(e.type);
  if (!t) return () => null;
  const lib = p.lib;
  if (staticType(p, e.operand) === 'object' && lib.typeDisplayName(t) !== 'System.Object') {
    // From `object` a cast is an unboxing or reference conversion: the run-time type must be the
    // target type itself (C# §10.3.7), so `(long)context.Variables["n"]` with an int inside throws.
    const fail = (v: Value): never => {
      throw lib.exception('System.InvalidCastException', `Unable to cast object of type '${lib.typeName(v)}' to type '${lib.typeDisplayName(t)}'.`);
    };
    const x = p.code.temp();
    const T = p.code.ref(t);
    const js = `(${x} = ${exprJs(p.code, operand)}, ${x} === null || lib.isInstance(${x}, ${T}) ? lib.convert(${x}, ${T}, 'explicit') : ${p.code.ref(fail)}(${x}))`;
    return withJs((f: Frame) => {
      const v = operand(f);
      if (v === null || lib.isInstance(v, t)) return lib.convert(v, t, 'explicit');
      return fail(v);
    }, js);
  }
  if (lib.defaultValue(t) !== null && yieldsToken(e.operand)) {
    // (int)token["missing"]: JToken's explicit operator rejects a null token with ArgumentNullException
    const missing = (): never => {
      throw lib.exception('System.ArgumentNullException', 'Value cannot be null.\nParameter name: value');
    };
    const x = p.code.temp();
    return withJs((f: Frame) => {
      const v = operand(f);
      if (v === null) return missing();
      return lib.convert(v, t, 'explicit');
    }, `(${x} = ${exprJs(p.code, operand)}, ${x} === null ? ${p.code.ref(missing)}() : lib.convert(${x}, ${p.code.ref(t)}, 'explicit'))`);
  }
  const simple = e.type.arrayRanks.length === 0 && !e.type.nullable && e.type.typeArgs.length === 0;
  const explicit = (v: Value): Value => lib.convert(v, t, 'explicit');
  const js = (test: string) => {
    const x = p.code.temp();
    return `(${x} = ${exprJs(p.code, operand)}, ${test.replaceAll('$', x)} ? ${x} : ${p.code.ref(explicit)}(${x}))`;
  };
  if (simple && (e.type.name === 'string' || e.type.name === 'String' || e.type.name === 'System.String')) {
    const closure = (f: Frame) => {
      const v = operand(f);
      return typeof v === 'string' || v === null ? v : explicit(v);
    };
    return withJs(closure, js("(typeof $ === 'string' || $ === null)"));
  }
  if (simple && (e.type.name === 'int' || e.type.name === 'Int32' || e.type.name === 'System.Int32')) {
    const closure = (f: Frame) => {
      const v = operand(f);
      return typeof v === 'number' ? v : explicit(v);
    };
    return withJs(closure, js("typeof $ === 'number'"));
  }
  if (simple && (e.type.name === 'bool' || e.type.name === 'Boolean' || e.type.name === 'System.Boolean')) {
    const closure = (f: Frame) => {
      const v = operand(f);
      return typeof v === 'boolean' ? v : explicit(v);
    };
    return withJs(closure, js("typeof $ === 'boolean'"));
  }
  return withJs((f: Frame) => explicit(operand(f)), `${p.code.ref(explicit)}(${exprJs(p.code, operand)})`);
}

export function planBinary(p: PlanContext, e: A.Binary): Eval {
  const lib = p.lib;
  if (e.op === '&&' || e.op === '||') {
    const c = planCondition(p, e);
    p.assigned = intersect(c.whenTrue, c.whenFalse);
    return c.eval;
  }
  if (e.op === '??') {
    const left = planExpr(p, e.left);
    const before = copy(p.assigned);
    const right = planExpr(p, e.right);
    p.assigned = before;
    const x = p.code.temp();
    return withJs(
      (f: Frame) => {
        const l = left(f);
        return l !== null ? l : right(f);
      },
      `((${x} = ${exprJs(p.code, left)}) !== null ? ${x} : ${exprJs(p.code, right)})`,
    );
  }
  const left = planExpr(p, e.left);
  const right = planExpr(p, e.right);
  const op = e.op;
  const c = p.code;
  const l = c.temp();
  const r = c.temp();
  // both operands are evaluated first, left to right, as the closures do
  const both = `${l} = ${exprJs(c, left)}, ${r} = ${exprJs(c, right)}`;
  if (op === '+' && (staticType(p, e.left) === 'string' || staticType(p, e.right) === 'string')) {
    return withJs((f: Frame) => ops.concat(lib, left(f), right(f)), `(${both}, ops.concat(lib, ${l}, ${r}))`);
  }
  switch (op) {
    case '+':
      return withJs((f: Frame) => ops.add(lib, left(f), right(f)), `(${both}, typeof ${l} === 'number' && typeof ${r} === 'number' ? (${l} + ${r}) | 0 : ops.add(lib, ${l}, ${r}))`);
    case '-':
      return withJs((f: Frame) => ops.subtract(lib, left(f), right(f)), `(${both}, typeof ${l} === 'number' && typeof ${r} === 'number' ? (${l} - ${r}) | 0 : ops.subtract(lib, ${l}, ${r}))`);
    case '==':
    case '!=': {
      const negate = op === '!=';
      if (e.right.kind === 'literal' && e.right.type === 'null') return withJs((f: Frame) => (left(f) === null) !== negate, `((${exprJs(c, left)} === null) !== ${negate})`);
      if (e.right.kind === 'literal' && e.right.type === 'char') {
        // `c == 'x'`: chars are interned, so a char equals the literal exactly when it is the literal
        const k = lib.literal('char', String(e.right.value));
        // and any other value of the literal's own class is another char
        const charClass = (k as object).constructor;
        return withJs((f: Frame) => ops.equalsChar(lib, left(f), k, negate), `((${l} = ${exprJs(c, left)}) === ${c.ref(k)} ? ${!negate} : ${l} instanceof ${c.ref(charClass)} ? ${negate} : ops.equalsChar(lib, ${l}, ${c.ref(k)}, ${negate}))`);
      }
      const closure = (f: Frame) => ops.equals(lib, left(f), right(f), negate);
      const literal = literalOperand(e.right, right);
      if (literal) {
        // `x == 3`, `s == "tools/call"`: a value of the literal's own kind is equal exactly when identical
        return withJs(closure, `((${l} = ${exprJs(c, left)}) === ${literal.js} ? ${!negate} : typeof ${l} === '${literal.kind}' ? ${negate} : ops.equals(lib, ${l}, ${literal.js}, ${negate}))`);
      }
      return withJs(closure, `(${both}, typeof ${l} === typeof ${r} && (typeof ${l} === 'number' || typeof ${l} === 'string') ? (${l} === ${r}) !== ${negate} : ops.equals(lib, ${l}, ${r}, ${negate}))`);
    }
    case '<':
    case '>':
    case '<=':
    case '>=':
    {
      const closure = (f: Frame) => ops.compare(lib, op, left(f), right(f));
      const literal = literalOperand(e.right, right);
      if (literal?.kind === 'number') return withJs(closure, `(typeof (${l} = ${exprJs(c, left)}) === 'number' ? ${l} ${op} ${literal.js} : ops.compare(lib, ${literalJs(op)}, ${l}, ${literal.js}))`);
      return withJs(closure, `(${both}, typeof ${l} === 'number' && typeof ${r} === 'number' ? ${l} ${op} ${r} : ops.compare(lib, ${literalJs(op)}, ${l}, ${r}))`);
    }
    default:
      return withJs((f: Frame) => lib.binary(op, left(f), right(f)), `(${both}, lib.binary(${literalJs(op)}, ${l}, ${r}))`);
  }
}

/** An int or string literal operand, with its JavaScript literal text and JavaScript type. */
function literalOperand(e: A.Expr, planned: Eval): { js: string; kind: 'number' | 'string' } | undefined {
  if (e.kind !== 'literal' || (e.type !== 'int' && e.type !== 'string')) return undefined;
  const js = jsOf(planned);
  return js === undefined ? undefined : { js, kind: e.type === 'int' ? 'number' : 'string' };
}

/** A boolean expression with the definite-assignment states after it is true and false (C# §9.4.4). */
export interface Condition {
  readonly eval: Eval;
  readonly whenTrue: Assigned;
  readonly whenFalse: Assigned;
}

/** Plans an expression used as a condition (`if`, `while`, `&&`, `?:`), tracking assignment states per outcome. */
export function planCondition(p: PlanContext, e: A.Expr): Condition {
  if (e.kind === 'binary' && (e.op === '&&' || e.op === '||')) {
    const l = planCondition(p, e.left);
    const and = e.op === '&&';
    p.assigned = copy(and ? l.whenTrue : l.whenFalse);
    const r = planCondition(p, e.right);
    const left = l.eval;
    const right = r.eval;
    const js = `(${exprJs(p.code, left)} === true ${and ? '&&' : '||'} ${exprJs(p.code, right)} === true)`;
    if (and) return { eval: withJs((f: Frame) => left(f) === true && right(f) === true, js), whenTrue: r.whenTrue, whenFalse: intersect(l.whenFalse, r.whenFalse) };
    return { eval: withJs((f: Frame) => left(f) === true || right(f) === true, js), whenTrue: intersect(l.whenTrue, r.whenTrue), whenFalse: r.whenFalse };
  }
  if (e.kind === 'unary' && e.op === '!') {
    const c = planCondition(p, e.operand);
    const inner = c.eval;
    const lib = p.lib;
    const x = p.code.temp();
    return {
      eval: withJs((f: Frame) => ops.not(lib, inner(f)), `(typeof (${x} = ${exprJs(p.code, inner)}) === 'boolean' ? !${x} : ops.not(lib, ${x}))`),
      whenTrue: c.whenFalse,
      whenFalse: c.whenTrue,
    };
  }
  if (e.kind === 'literal' && e.type === 'bool') {
    const v = e.value as boolean;
    // a constant condition makes one branch unreachable (C# §9.4.4.x)
    return { eval: withJs(() => v, String(v)), whenTrue: v ? copy(p.assigned) : undefined, whenFalse: v ? undefined : copy(p.assigned) };
  }
  if (e.kind === 'is') return planIs(p, e);
  const ev = planExpr(p, e);
  return { eval: ev, whenTrue: copy(p.assigned), whenFalse: copy(p.assigned) };
}

export function planIs(p: PlanContext, e: A.Is): Condition {
  const lib = p.lib;
  const operand = planExpr(p, e.operand);
  if (e.constant) {
    const c = planExpr(p, e.constant);
    const isNull = e.constant.kind === 'literal' && e.constant.type === 'null';
    const ev: Eval = isNull
      ? (f) => operand(f) === null
      : (f) => {
          const v = operand(f);
          const k = c(f);
          if (v === null) return k === null;
          return lib.typeName(v) === lib.typeName(k) && lib.binary('==', v, k) === true;
        };
    return { eval: ev, whenTrue: copy(p.assigned), whenFalse: copy(p.assigned) };
  }
  const t = e.type ? p.resolveType(e.type) : undefined;
  if (!t) return { eval: () => false, whenTrue: copy(p.assigned), whenFalse: copy(p.assigned) };
  if (!e.designation) return { eval: (f) => lib.isInstance(operand(f), t), whenTrue: copy(p.assigned), whenFalse: copy(p.assigned) };
  const v = p.declare(e.designation.name, e.designation, undefined);
  const write = p.writer(v);
  const whenFalse = copy(p.assigned);
  p.markAssigned(v);
  return {
    eval: (f) => {
      const x = operand(f);
      if (!lib.isInstance(x, t)) return false;
      write(f, lib.convert(x, t, 'explicit'));
      return true;
    },
    whenTrue: copy(p.assigned),
    whenFalse,
  };
}


/**
 * The little static typing the evaluator needs (it is otherwise dynamically typed): whether an
 * expression's C# type is `object` (casts from it unbox) or `string` (`+` concatenates).
 */
function staticType(p: PlanContext, e: A.Expr): 'object' | 'string' | undefined {
  switch (e.kind) {
    case 'literal':
      return e.type === 'string' ? 'string' : undefined;
    case 'interpolated':
      return 'string';
    case 'name': {
      const v = p.lookup(e.name);
      const t = v?.type ? p.lib.typeDisplayName(v.type) : undefined;
      return t === 'System.Object' ? 'object' : t === 'System.String' ? 'string' : undefined;
    }
    case 'cast': {
      if (e.type.arrayRanks.length > 0 || e.type.nullable || e.type.typeArgs.length > 0) return undefined;
      const n = e.type.name;
      return n === 'object' || n === 'Object' || n === 'System.Object' ? 'object' : n === 'string' || n === 'String' || n === 'System.String' ? 'string' : undefined;
    }
    case 'index':
      // context.Variables[name] is IReadOnlyDictionary<string, object>'s indexer
      return e.target.kind === 'member' && e.target.name === 'Variables' && e.target.target.kind === 'name' && e.target.target.name === 'context' && !p.lookup('context') ? 'object' : undefined;
    case 'binary':
      return e.op === '+' && (staticType(p, e.left) === 'string' || staticType(p, e.right) === 'string') ? 'string' : undefined;
    default:
      return undefined;
  }
}

/** Expressions whose C# type is (almost always) JToken: a string-keyed indexer, SelectToken(…). */
function yieldsToken(e: A.Expr): boolean {
  if (e.kind === 'index') return e.args.length === 1 && e.args[0]!.value.kind === 'literal' && e.args[0]!.value.type === 'string' && !(e.target.kind === 'member' && e.target.name === 'Variables');
  return e.kind === 'invoke' && e.target.kind === 'member' && e.target.name === 'SelectToken';
}
