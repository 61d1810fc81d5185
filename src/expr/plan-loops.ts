/**
 * Planning of loops: `while`, `do … while`, `for` and `foreach`, with the loop budget and the
 * definite-assignment state after the loop (C# §9.4.4.8). Separate from plan-stmt.ts, which
 * plans the other statements and dispatches to these.
 */
import type * as A from './ast.ts';
import { budget, LOOP_BUDGET_MESSAGE } from './budget.ts';
import { exprJs, stmtJs, withJs } from './jit.ts';
import { BREAK, type Exec, jumpLabels, nothing, NORMAL, type Planned, RETURN } from './plan-completion.ts';
import { planExpr } from './plan-expr.ts';
import { planCondition } from './plan-operators.ts';
import { type Assigned, copy, type Eval, intersect, type JumpTarget, type PlanContext } from './plan-scope.ts';
import { planLocal, planStatement } from './plan-stmt.ts';

export function planLoop(p: PlanContext, s: A.While | A.DoWhile | A.For): Planned {
  const lib = p.lib;
  p.pushScope();
  let init: Exec = nothing;
  let initJs = '';
  if (s.kind === 'for' && s.init) {
    if (Array.isArray(s.init)) {
      const evs = (s.init as readonly A.Expr[]).map((e) => planExpr(p, e));
      init = (f) => {
        for (const e of evs) e(f);
        return NORMAL;
      };
      initJs = evs.map((e) => `${exprJs(p.code, e)};\n`).join('');
    } else {
      init = planLocal(p, s.init as A.LocalDeclaration).exec;
      initJs = stmtJs(p.code, init, jumpLabels(p));
    }
  }
  const jump: JumpTarget = { kind: 'loop', breaks: [], label: p.code.label() };
  let bodyJs: string;
  let test: Eval | undefined;
  let whenFalse: Assigned;
  let body: Planned;
  const before = copy(p.assigned);
  if (s.kind === 'do') {
    p.jumps.push(jump);
    body = planStatement(p, s.body);
    bodyJs = stmtJs(p.code, body.exec, { break: jump.label, continue: jump.label });
    p.jumps.pop();
    const c = planCondition(p, s.test);
    test = c.eval;
    whenFalse = c.whenFalse;
  } else {
    if (s.test) {
      const c = planCondition(p, s.test);
      test = c.eval;
      whenFalse = c.whenFalse;
      p.assigned = copy(c.whenTrue);
    } else whenFalse = undefined;
    p.jumps.push(jump);
    body = planStatement(p, s.body);
    bodyJs = stmtJs(p.code, body.exec, { break: jump.label, continue: jump.label });
    p.jumps.pop();
  }
  const update = s.kind === 'for' ? s.update.map((e) => planExpr(p, e)) : [];
  p.popScope();
  const infinite = !test || (s.test?.kind === 'literal' && s.test.value === true);
  // after the loop: the state when the condition is false, met with every break (C# §9.4.4.8)
  let after: Assigned = infinite ? undefined : s.kind === 'do' ? whenFalse : intersect(whenFalse, before);
  for (const b of jump.breaks) after = intersect(after, b);
  p.assigned = after ?? (jump.breaks.length > 0 || !infinite ? before : undefined);
  const completes = !infinite || jump.breaks.length > 0;
  const b = body.exec;
  const cond = test ?? (() => true);
  const exec: Exec =
    s.kind === 'do'
      ? (f) => {
          do {
            if (--budget.loops < 0) throw lib.exception('System.OperationCanceledException', LOOP_BUDGET_MESSAGE);
            const c = b(f);
            if (c === BREAK) break;
            if (c === RETURN) return RETURN;
          } while (cond(f) === true);
          return NORMAL;
        }
      : (f) => {
          init(f);
          while (cond(f) === true) {
            if (--budget.loops < 0) throw lib.exception('System.OperationCanceledException', LOOP_BUDGET_MESSAGE);
            const c = b(f);
            if (c === BREAK) break;
            if (c === RETURN) return RETURN;
            for (const u of update) u(f);
          }
          return NORMAL;
        };
  const code = p.code;
  const guard = `if (--budget.loops < 0) throw lib.exception('System.OperationCanceledException', LOOP_BUDGET_MESSAGE);\n`;
  const condJs = test ? `${exprJs(code, test)} === true` : 'true';
  const js =
    s.kind === 'do'
      ? `${jump.label}: do {\n${guard}${bodyJs}} while (${condJs});\n`
      : `{\n${initJs}${jump.label}: for (; ${condJs}; ${update.map((u) => exprJs(code, u)).join(', ')}) {\n${guard}${bodyJs}}\n}\n`;
  return { exec: withJs(exec, js), completes };
}

export function planForeach(p: PlanContext, s: A.Foreach): Planned {
  const lib = p.lib;
  const collection = planExpr(p, s.collection);
  p.pushScope();
  const type = s.type === 'var' ? undefined : p.resolveType(s.type);
  const v = p.declare(s.name, { start: s.nameStart, end: s.nameStart + s.name.length }, undefined, true);
  const before = copy(p.assigned);
  p.markAssigned(v);
  const jump: JumpTarget = { kind: 'loop', breaks: [], label: p.code.label() };
  p.jumps.push(jump);
  const body = planStatement(p, s.body);
  p.jumps.pop();
  p.popScope();
  p.assigned = before;
  const write = p.writer(v);
  const b = body.exec;
  const exec: Exec = (f) => {
    for (const item of lib.enumerate(collection(f))) {
      if (--budget.loops < 0) throw lib.exception('System.OperationCanceledException', LOOP_BUDGET_MESSAGE);
      write(f, type ? lib.convert(item, type, 'explicit') : item);
      const c = b(f);
      if (c === BREAK) break;
      if (c === RETURN) return RETURN;
    }
    return NORMAL;
  };
  // the same steps as generated code: the collection is enumerated once, before the first item
  const code = p.code;
  const item = code.temp();
  const converted = type ? `lib.convert(${item}, ${code.ref(type)}, 'explicit')` : item;
  const writeJs = p.writerJs(v, converted);
  const js = writeJs && `${jump.label}: for (${item} of lib.enumerate(${exprJs(code, collection)})) {\nif (--budget.loops < 0) throw lib.exception('System.OperationCanceledException', LOOP_BUDGET_MESSAGE);\n${writeJs};\n${stmtJs(code, b, { break: jump.label, continue: jump.label })}}\n`;
  return { exec: withJs(exec, js), completes: true };
}
