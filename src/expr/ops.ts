/**
 * Operator semantics shared by the planner's closures and the JavaScript the planner generates
 * (jit.ts): both call these, so the two ways of running an expression cannot disagree. Each
 * starts with the common fast case (two ints, two strings, two chars) and leaves everything
 * else to the library's full C# rules.
 */
import type { ExprLibrary, Value } from './port.ts';

export type Comparison = '<' | '>' | '<=' | '>=';

/** `l == r` (or `!=` when `negate`). */
export function equals(lib: ExprLibrary, l: Value, r: Value, negate: boolean): Value {
  const tl = typeof l;
  if (tl === typeof r && (tl === 'string' || tl === 'number' || tl === 'boolean')) return (l === r) !== negate;
  // chars are interned: two chars are equal exactly when they are the same object
  if (lib.charCode(l) >= 0 && lib.charCode(r) >= 0) return (l === r) !== negate;
  return lib.binary(negate ? '!=' : '==', l, r);
}

/** `c == 'x'` against a char literal `k`: the hot test of character scans. */
export function equalsChar(lib: ExprLibrary, l: Value, k: Value, negate: boolean): Value {
  if (l === k) return !negate;
  return lib.charCode(l) >= 0 ? negate : lib.binary(negate ? '!=' : '==', l, k);
}

export function compare(lib: ExprLibrary, op: Comparison, l: Value, r: Value): Value {
  if (typeof l === 'number' && typeof r === 'number') return ordered(op, l, r);
  const lc = lib.charCode(l);
  const rc = lc >= 0 ? lib.charCode(r) : -1;
  return rc >= 0 ? ordered(op, lc, rc) : lib.binary(op, l, r);
}

function ordered(op: Comparison, a: number, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
  }
}

/** `+` where neither operand is statically a string. */
export function add(lib: ExprLibrary, l: Value, r: Value): Value {
  if (typeof l === 'number' && typeof r === 'number') return (l + r) | 0;
  if (typeof l === 'string' && typeof r === 'string') return l + r;
  return lib.binary('+', l, r);
}

/** String concatenation: null operands are empty strings, even when both are null. */
export function concat(lib: ExprLibrary, l: Value, r: Value): string {
  return (typeof l === 'string' ? l : lib.toNetString(l)) + (typeof r === 'string' ? r : lib.toNetString(r));
}

export function subtract(lib: ExprLibrary, l: Value, r: Value): Value {
  return typeof l === 'number' && typeof r === 'number' ? (l - r) | 0 : lib.binary('-', l, r);
}

export function not(lib: ExprLibrary, v: Value): Value {
  return typeof v === 'boolean' ? !v : lib.unary('!', v);
}

export function negate(lib: ExprLibrary, v: Value): Value {
  return typeof v === 'number' ? -v | 0 : lib.unary('-', v);
}

/**
 * The value `x++`/`x--` stores: ints wrap; a char stays a char (C# §12.8.15: the result is
 * converted back to the operand's type). `charType` is the planner's handle for `char`.
 */
export function stepped(lib: ExprLibrary, charType: unknown, up: boolean, old: Value): Value {
  if (typeof old === 'number') return up ? (old + 1) | 0 : (old - 1) | 0;
  const next = lib.binary(up ? '+' : '-', old, 1);
  if (charType && old !== null && typeof old === 'object' && lib.typeName(old) === 'System.Char') return lib.convert(next, charType, 'explicit');
  return next;
}
