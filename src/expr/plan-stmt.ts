/**
 * Statement planning for `@{ … }` bodies, block lambdas and local functions. A statement
 * becomes `(frame) => completion`; the planner also decides reachability (C# §13.2), which gives
 * "not all code paths return a value" (MA5015) and switch fall-through (MA5016) at load time.
 *
 * Loops are planned in plan-loops.ts, switch/try/throw in plan-switch-try.ts; the completion
 * values they share are in plan-completion.ts.
 */
import type * as A from './ast.ts';
import { exprJs, stmtJs, withJs } from './jit.ts';
import { BREAK, type Completion, CONTINUE, type Exec, jumpLabels, nothing, NORMAL, type Planned, RETURN } from './plan-completion.ts';
import { planExpr } from './plan-expr.ts';
import { planForeach, planLoop } from './plan-loops.ts';
import { planNewArray } from './plan-new.ts';
import { planCondition } from './plan-operators.ts';
import { copy, type Eval, type Frame, FunctionScope, intersect, type LocalFunctionInfo, type PlanContext } from './plan-scope.ts';
import { planSwitch, planThrow, planTry } from './plan-switch-try.ts';
import type { TypeHandle, Value } from './port.ts';


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

export function planBlock(p: PlanContext, block: A.Block, isFunctionBody = false): Planned {
  if (!isFunctionBody) p.pushScope();
  // local functions are visible in the whole block (they may be called before their declaration)
  for (const s of block.body) if (s.kind === 'function') declareLocalFunction(p, s);
  const r = planList(p, block.body);
  if (!isFunctionBody) p.popScope();
  return r;
}

export function planList(p: PlanContext, list: readonly A.Stmt[]): Planned {
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
  const jumps = jumpLabels(p);
  const exec: Exec = (f) => {
    for (let i = 0; i < execs.length; i++) {
      const c = execs[i]!(f);
      if (c !== NORMAL) return c;
    }
    return NORMAL;
  };
  return { exec: withJs(exec, `{\n${execs.map((e) => stmtJs(p.code, e, jumps)).join('')}}\n`), completes };
}

const STATEMENT_EXPRESSIONS = new Set(['assign', 'invoke', 'new']);

export function planStatement(p: PlanContext, s: A.Stmt): Planned {
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
      return { exec: withJs(() => c, target.label && `${s.kind} ${target.label};\n`), completes: false };
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

export function planLocal(p: PlanContext, s: A.LocalDeclaration, readonly = false): Planned {
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
  const jumps = jumpLabels(p);
  const exec: Exec =
    execs.length === 1
      ? execs[0]!
      : withJs((f: Frame) => {
          for (const e of execs) e(f);
          return NORMAL;
        }, execs.map((e) => stmtJs(p.code, e, jumps)).join(''));
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
  const jumps = jumpLabels(p);
  const code = p.code;
  const js = `if (${exprJs(code, test)} === true) {\n${stmtJs(code, t, jumps)}}${o ? ` else {\n${stmtJs(code, o, jumps)}}` : ''}\n`;
  return {
    exec: withJs(o ? (f: Frame) => (test(f) === true ? t(f) : o(f)) : (f: Frame) => (test(f) === true ? t(f) : NORMAL), js),
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
