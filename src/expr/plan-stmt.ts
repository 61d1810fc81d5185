/**
 * Statement planning for `@{ … }` bodies, block lambdas and local functions. A statement
 * becomes `(frame) => completion`; the planner also decides reachability (C# §13.2), which gives
 * "not all code paths return a value" (MA5015) and switch fall-through (MA5016) at load time.
 */
import type * as A from './ast.ts';
import { budget, LOOP_BUDGET_MESSAGE } from './budget.ts';
import { exprJs, stmtJs, withJs } from './jit.ts';
import { planExpr } from './plan-expr.ts';
import { planNewArray } from './plan-new.ts';
import { planCondition } from './plan-operators.ts';
import { type Assigned, copy, type Eval, type Frame, FunctionScope, intersect, type JumpTarget, type LocalFunctionInfo, type PlanContext } from './plan-scope.ts';
import type { TypeHandle, Value } from './port.ts';

/** How a statement finished. */
const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
const RETURN = 3;
type Completion = 0 | 1 | 2 | 3;
type Exec = (f: Frame) => Completion;

interface Planned {
  readonly exec: Exec;
  /** Whether the end point of the statement is reachable. */
  readonly completes: boolean;
}

const nothing: Exec = () => NORMAL;

/**
 * Plans a function body (the `@{}` block, a lambda, a local function). `returnType` converts
 * returned values (local functions); an expression body just returns its value.
 */
export function planFunctionBody(p: PlanContext, body: A.Expr | A.Block, returnType: TypeHandle | undefined): (f: Frame) => Value {
  if (body.kind !== 'block') {
    const e = planExpr(p, body);
    if (!returnType) return e;
    const lib = p.lib;
    return (f) => lib.convert(e(f), returnType, 'implicit');
  }
  const planned = planBlock(p, body, true);
  if (planned.completes && p.fn.isPolicyBlock) {
    const at = Math.max(body.start, body.end - 1);
    p.problem('MA5015', 'Not all code paths return a value: the policy expression block must end with a return statement on every path.', { start: at, end: body.end });
  }
  const exec = planned.exec;
  const lib = p.lib;
  const run = (f: Frame) => {
    exec(f);
    const r = f.ret;
    return returnType ? lib.convert(r, returnType, 'implicit') : r;
  };
  // the statements' JavaScript; planner.ts compiles the root body's (f.ret is its result)
  return returnType ? run : withJs(run, stmtJs(p.code, exec, undefined));
}

function planBlock(p: PlanContext, block: A.Block, isFunctionBody = false): Planned {
  if (!isFunctionBody) p.pushScope();
  // local functions are visible in the whole block (they may be called before their declaration)
  for (const s of block.body) if (s.kind === 'function') declareLocalFunction(p, s);
  const r = planList(p, block.body);
  if (!isFunctionBody) p.popScope();
  return r;
}

function planList(p: PlanContext, list: readonly A.Stmt[]): Planned {
  const execs: Exec[] = [];
  let completes = true;
  for (const s of list) {
    const planned = planStatement(p, s);
    if (planned.exec !== nothing) execs.push(planned.exec);
    if (!planned.completes) {
      completes = false;
      p.assigned = undefined;
    }
  }
  if (execs.length === 0) return { exec: nothing, completes };
  if (execs.length === 1) return { exec: execs[0]!, completes };
  const loop = innermostLoop(p);
  const exec: Exec = (f) => {
    for (let i = 0; i < execs.length; i++) {
      const c = execs[i]!(f);
      if (c !== NORMAL) return c;
    }
    return NORMAL;
  };
  return { exec: withJs(exec, `{\n${execs.map((e) => stmtJs(p.code, e, loop)).join('')}}\n`), completes };
}

/** The label of the loop a `break`/`continue` here leaves, when that loop is generated code. */
function innermostLoop(p: PlanContext): string | undefined {
  const j = p.jumps[p.jumps.length - 1];
  return j?.kind === 'loop' ? j.label : undefined;
}

const STATEMENT_EXPRESSIONS = new Set(['assign', 'invoke', 'new']);

function planStatement(p: PlanContext, s: A.Stmt): Planned {
  switch (s.kind) {
    case 'block':
      return planBlock(p, s);
    case 'empty':
      return { exec: nothing, completes: true };
    case 'expr': {
      const e = s.expr;
      const ok = STATEMENT_EXPRESSIONS.has(e.kind) || (e.kind === 'unary' && (e.op === '++' || e.op === '--' || e.op === 'post++' || e.op === 'post--'));
      if (!ok) p.problem('MA5019', 'Only assignment, call, increment, decrement and object creation expressions can be used as a statement.', e);
      const ev = planExpr(p, e);
      return {
        exec: withJs((f: Frame) => {
          ev(f);
          return NORMAL;
        }, `${exprJs(p.code, ev)};\n`),
        completes: true,
      };
    }
    case 'local':
      return planLocal(p, s);
    case 'return':
      return planReturn(p, s);
    case 'if':
      return planIf(p, s);
    case 'while':
    case 'do':
    case 'for':
      return planLoop(p, s);
    case 'foreach':
      return planForeach(p, s);
    case 'break':
    case 'continue': {
      const target = s.kind === 'break' ? p.jumps[p.jumps.length - 1] : [...p.jumps].reverse().find((j) => j.kind === 'loop');
      if (!target) {
        p.problem('MA5017', `No enclosing loop${s.kind === 'break' ? ' or switch' : ''} out of which to ${s.kind}.`, s);
        return { exec: nothing, completes: false };
      }
      if (s.kind === 'break') target.breaks.push(copy(p.assigned));
      const c: Completion = s.kind === 'break' ? BREAK : CONTINUE;
      const label = target.kind === 'loop' ? target.label : undefined;
      return { exec: withJs(() => c, label && `${s.kind} ${label};\n`), completes: false };
    }
    case 'throw':
      return planThrow(p, s);
    case 'switch':
      return planSwitch(p, s);
    case 'try':
      return planTry(p, s);
    case 'using': {
      p.pushScope();
      let init: Exec = nothing;
      if ('kind' in s.resource && s.resource.kind === 'local') init = planLocal(p, s.resource, true).exec;
      else {
        const ev = planExpr(p, s.resource as A.Expr);
        init = (f) => {
          ev(f);
          return NORMAL;
        };
      }
      const body = planStatement(p, s.body);
      p.popScope();
      const b = body.exec;
      return { exec: (f) => (init(f), b(f)), completes: body.completes };
    }
    case 'checkedBlock':
      if (s.checked) {
        p.problem('MA5004', 'checked { … } overflow checking is not supported in policy expressions.', { start: s.start, end: s.body.start });
      }
      return planBlock(p, s.body);
    case 'function':
      planLocalFunctionBody(p, s);
      return { exec: nothing, completes: true };
  }
}

function planLocal(p: PlanContext, s: A.LocalDeclaration, readonly = false): Planned {
  const execs: Exec[] = [];
  const declared = s.type === 'var' ? undefined : p.resolveType(s.type);
  if (s.type !== 'var' && s.type.name === 'dynamic') p.problem('MA5004', "'dynamic' is not supported in policy expressions.", s.type);
  for (const d of s.declarators) {
    let init: Eval | undefined;
    if (d.init) {
      if (d.init.kind === 'arrayInit') {
        if (s.type === 'var' || s.type.arrayRanks.length === 0) init = p.problem('MA5021', 'An array initializer needs an explicit array type.', d.init);
        else {
          const elementType = p.resolveType({ ...s.type, arrayRanks: s.type.arrayRanks.slice(1) });
          init = planNewArray(p, d.init, elementType);
        }
      } else {
        if (s.type === 'var' && d.init.kind === 'literal' && d.init.type === 'null') p.problem('MA5021', `Cannot assign null to the implicitly typed variable '${d.name}'.`, d.init);
        if (s.type === 'var' && d.init.kind === 'lambda') p.problem('MA5021', `Cannot assign a lambda expression to the implicitly typed variable '${d.name}'.`, d.init);
        init = planExpr(p, d.init);
      }
    } else if (s.type === 'var') p.problem('MA5021', `Implicitly typed variable '${d.name}' must be initialized.`, d);
    else if (s.isConst) p.problem('MA5021', `The constant '${d.name}' must be given a value.`, d);
    // the variable is in scope from its declarator on, so `var x = x;` is an error as in C#
    const underlying = s.type !== 'var' && s.type.nullable && s.type.arrayRanks.length === 0 ? p.tryResolveType(s.type.name, s.type.typeArgs) : undefined;
    const v = p.declare(d.name, d, declared, readonly || s.isConst, underlying);
    if (init) {
      p.markAssigned(v);
      const write = p.writer(v);
      const ev = init;
      const js = p.writerJs(v, exprJs(p.code, ev));
      execs.push(
        withJs((f: Frame) => {
          write(f, ev(f));
          return NORMAL;
        }, js && `${js};\n`),
      );
    } else {
      // a loop body re-entering the declaration must not see the previous iteration's value;
      // the slot holds the type's default (an unassigned `int v;` is never read before `out v`)
      const write = p.writer(v);
      const initial = declared ? p.lib.defaultValue(declared) : null;
      const js = p.writerJs(v, initial === null ? 'null' : p.code.ref(initial));
      execs.push(
        withJs((f: Frame) => {
          write(f, initial);
          return NORMAL;
        }, js && `${js};\n`),
      );
    }
  }
  const loop = innermostLoop(p);
  const exec: Exec =
    execs.length === 1
      ? execs[0]!
      : withJs((f: Frame) => {
          for (const e of execs) e(f);
          return NORMAL;
        }, execs.map((e) => stmtJs(p.code, e, loop)).join(''));
  return { exec, completes: true };
}

function planReturn(p: PlanContext, s: A.Return): Planned {
  if (!s.value) {
    if (p.fn.isPolicyBlock) p.problem('MA5020', 'A policy expression block must return a value: write `return <value>;`.', s);
    return { exec: () => RETURN, completes: false };
  }
  const v = planExpr(p, s.value);
  return {
    exec: withJs((f: Frame) => {
      f.ret = v(f);
      return RETURN;
    }, `f.ret = ${exprJs(p.code, v)}; return f.ret;\n`),
    completes: false,
  };
}

function planIf(p: PlanContext, s: A.If): Planned {
  const c = planCondition(p, s.test);
  p.assigned = copy(c.whenTrue);
  const then = planStatement(p, s.then);
  const afterThen = then.completes ? p.assigned : undefined;
  p.assigned = copy(c.whenFalse);
  const otherwise = s.otherwise ? planStatement(p, s.otherwise) : undefined;
  const afterElse = otherwise && !otherwise.completes ? undefined : p.assigned;
  p.assigned = intersect(afterThen, afterElse);
  const test = c.eval;
  const t = then.exec;
  const o = otherwise?.exec;
  const constant = s.test.kind === 'literal' ? s.test.value : undefined;
  // the end is reachable through a reachable branch that completes (C# reachability, constants included)
  const completes = (constant !== false && then.completes) || (constant !== true && (!otherwise || otherwise.completes));
  const loop = innermostLoop(p);
  const code = p.code;
  const js = `if (${exprJs(code, test)} === true) {\n${stmtJs(code, t, loop)}}${o ? ` else {\n${stmtJs(code, o, loop)}}` : ''}\n`;
  return {
    exec: withJs(o ? (f: Frame) => (test(f) === true ? t(f) : o(f)) : (f: Frame) => (test(f) === true ? t(f) : NORMAL), js),
    completes,
  };
}

function planLoop(p: PlanContext, s: A.While | A.DoWhile | A.For): Planned {
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
      initJs = stmtJs(p.code, init, innermostLoop(p));
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
    bodyJs = stmtJs(p.code, body.exec, jump.label);
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
    bodyJs = stmtJs(p.code, body.exec, jump.label);
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

function planForeach(p: PlanContext, s: A.Foreach): Planned {
  const lib = p.lib;
  const collection = planExpr(p, s.collection);
  p.pushScope();
  const type = s.type === 'var' ? undefined : p.resolveType(s.type);
  const v = p.declare(s.name, { start: s.nameStart, end: s.nameStart + s.name.length }, undefined, true);
  const before = copy(p.assigned);
  p.markAssigned(v);
  const jump: JumpTarget = { kind: 'loop', breaks: [] };
  p.jumps.push(jump);
  const body = planStatement(p, s.body);
  p.jumps.pop();
  p.popScope();
  p.assigned = before;
  const write = p.writer(v);
  const b = body.exec;
  return {
    exec: (f) => {
      for (const item of lib.enumerate(collection(f))) {
        if (--budget.loops < 0) throw lib.exception('System.OperationCanceledException', LOOP_BUDGET_MESSAGE);
        write(f, type ? lib.convert(item, type, 'explicit') : item);
        const c = b(f);
        if (c === BREAK) break;
        if (c === RETURN) return RETURN;
      }
      return NORMAL;
    },
    completes: true,
  };
}

function planThrow(p: PlanContext, s: A.Throw): Planned {
  const lib = p.lib;
  if (!s.value) {
    const slot = p.catchSlots[p.catchSlots.length - 1];
    if (!slot) {
      p.problem('MA5023', 'A throw statement with no arguments is not allowed outside of a catch clause.', s);
      return { exec: nothing, completes: false };
    }
    const hops = p.fn.depth - slot.fn.depth;
    const index = slot.slot;
    return {
      exec: (f) => {
        let g = f;
        for (let i = 0; i < hops; i++) g = g.parent!;
        throw g.vars[index];
      },
      completes: false,
    };
  }
  const v = planExpr(p, s.value);
  return {
    exec: (f) => {
      throw lib.toThrowable(v(f));
    },
    completes: false,
  };
}

function planSwitch(p: PlanContext, s: A.Switch): Planned {
  const lib = p.lib;
  const subject = planExpr(p, s.subject);
  const start = copy(p.assigned);
  const jump: JumpTarget = { kind: 'switch', breaks: [] };
  p.jumps.push(jump);
  p.pushScope();
  let hasDefault = false;
  const sections: { labels: Eval[]; isDefault: boolean; exec: Exec }[] = [];
  for (const section of s.sections) {
    const labels: Eval[] = [];
    let isDefault = false;
    for (const l of section.labels) {
      if (l === undefined) isDefault = true;
      else labels.push(planExpr(p, l));
    }
    hasDefault ||= isDefault;
    p.assigned = copy(start);
    const body = planList(p, section.body);
    if (body.completes) p.problem('MA5016', 'Control cannot fall through from one case label to another: end the section with break, return or throw.', { start: section.start, end: section.labels.length > 0 ? section.start + 4 : section.end });
    sections.push({ labels, isDefault, exec: body.exec });
  }
  p.popScope();
  p.jumps.pop();
  let after: Assigned = hasDefault ? undefined : start;
  for (const b of jump.breaks) after = intersect(after, b);
  const completes = !hasDefault || jump.breaks.length > 0;
  p.assigned = after ?? (completes ? start : undefined);
  const matches = (v: Value, k: Value): boolean => {
    if (v === null || k === null) return v === k;
    const tv = typeof v;
    if (tv === typeof k && tv !== 'object') return v === k;
    return lib.binary('==', v, k) === true;
  };
  return {
    exec: (f) => {
      const v = subject(f);
      let chosen: Exec | undefined;
      let fallback: Exec | undefined;
      for (const sec of sections) {
        if (sec.isDefault) fallback = sec.exec;
        if (sec.labels.some((l) => matches(v, l(f)))) {
          chosen = sec.exec;
          break;
        }
      }
      const run = chosen ?? fallback;
      if (!run) return NORMAL;
      const c = run(f);
      return c === BREAK ? NORMAL : c;
    },
    completes,
  };
}

function planTry(p: PlanContext, s: A.Try): Planned {
  const lib = p.lib;
  const before = copy(p.assigned);
  const body = planBlock(p, s.body);
  let after: Assigned = body.completes ? p.assigned : undefined;
  let completes = body.completes;
  const catches: { type: TypeHandle | undefined; write: ((f: Frame, v: Value) => Value) | undefined; filter: Eval | undefined; exec: Exec; rethrowSlot: number }[] = [];
  for (const c of s.catches) {
    p.assigned = copy(before);
    p.pushScope();
    const type = c.type ? p.resolveType(c.type) : undefined;
    let write: ((f: Frame, v: Value) => Value) | undefined;
    if (c.name && c.type) {
      const v = p.declare(c.name, c.type, undefined);
      p.markAssigned(v);
      write = p.writer(v);
    }
    // hidden slot holding the caught exception for `throw;`
    const rethrowSlot = p.fn.slots++;
    const filter = c.filter ? planExpr(p, c.filter) : undefined;
    p.catchSlots.push({ slot: rethrowSlot, fn: p.fn });
    const cb = planBlock(p, c.body);
    p.catchSlots.pop();
    p.popScope();
    if (cb.completes) {
      after = intersect(after, p.assigned);
      completes = true;
    }
    catches.push({ type, write, filter, exec: cb.exec, rethrowSlot });
  }
  let fin: Planned | undefined;
  if (s.finally) {
    p.assigned = copy(before);
    fin = planBlock(p, s.finally);
    if (!fin.completes) completes = false;
  }
  p.assigned = completes ? (after ?? before) : undefined;
  const b = body.exec;
  const f2 = fin?.exec;
  return {
    exec: (f) => {
      try {
        return b(f);
      } catch (err) {
        if (!lib.failureOf(err)) throw err;
        for (const c of catches) {
          if (!lib.exceptionMatches(err, c.type)) continue;
          if (c.write) c.write(f, lib.exceptionValue(err));
          if (c.filter && c.filter(f) !== true) continue;
          f.vars[c.rethrowSlot] = err as Value;
          return c.exec(f);
        }
        throw err;
      } finally {
        if (f2) f2(f);
      }
    },
    completes,
  };
}

function declareLocalFunction(p: PlanContext, s: A.LocalFunction): void {
  if (p.scope.functions.has(s.name) || p.lookup(s.name)) p.problem('MA5014', `A local function or variable named '${s.name}' is already defined in this scope.`, { start: s.nameStart, end: s.nameStart + s.name.length });
  const fn = new FunctionScope(p.fn);
  const paramTypes = s.params.map((x) => (x.type ? p.resolveType(x.type) : undefined));
  const info: LocalFunctionInfo = { name: s.name, fn, arity: s.params.length, body: undefined, paramTypes };
  p.scope.functions.set(s.name, info);
}

function planLocalFunctionBody(p: PlanContext, s: A.LocalFunction): void {
  const info = p.scope.functions.get(s.name);
  if (!info || info.body) return;
  const saved = p.scope;
  const savedAssigned = p.assigned;
  const savedJumps = p.jumps.splice(0);
  p.pushScope(info.fn);
  p.assigned = copy(p.assigned) ?? new Set();
  for (const [i, param] of s.params.entries()) p.markAssigned(p.declare(param.name, param, info.paramTypes[i]));
  const isVoid = s.returnType.name === 'void';
  const returnType = isVoid ? undefined : p.resolveType(s.returnType);
  if (s.body.kind === 'block') {
    const planned = planBlock(p, s.body, true);
    if (planned.completes && !isVoid) p.problem('MA5015', `Not all code paths of local function '${s.name}' return a value.`, { start: s.nameStart, end: s.nameStart + s.name.length });
    const exec = planned.exec;
    const lib = p.lib;
    info.body = (f) => {
      exec(f);
      return returnType ? lib.convert(f.ret, returnType, 'implicit') : isVoid ? null : f.ret;
    };
  } else info.body = planFunctionBody(p, s.body, returnType);
  p.scope = saved;
  p.assigned = savedAssigned;
  p.jumps.push(...savedJumps);
}
