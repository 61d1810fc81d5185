/**
 * Planning of `switch` (sections, fall-through MA5016), `try`/`catch`/`finally` (exception
 * filters, the hidden slot for `throw;`) and `throw`. Separate from plan-stmt.ts, which plans
 * the other statements and dispatches to these.
 */
import type * as A from './ast.ts';
import { exprJs, stmtJs, withJs } from './jit.ts';
import { BREAK, type Exec, jumpLabels, nothing, NORMAL, type Planned } from './plan-completion.ts';
import { planExpr } from './plan-expr.ts';
import { type Assigned, copy, type Eval, type Frame, intersect, type JumpTarget, type PlanContext } from './plan-scope.ts';
import { planBlock, planList } from './plan-stmt.ts';
import type { TypeHandle, Value } from './port.ts';

export function planThrow(p: PlanContext, s: A.Throw): Planned {
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

export function planSwitch(p: PlanContext, s: A.Switch): Planned {
  const lib = p.lib;
  const subject = planExpr(p, s.subject);
  const start = copy(p.assigned);
  const jump: JumpTarget = { kind: 'switch', breaks: [], label: p.code.label() };
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
    exec: withJs((f) => {
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
    }, switchJs(p, subject, sections, matches, jump.label!)),
    completes,
  };
}

/**
 * The switch as generated code: the subject once, then the sections' labels in order (the first
 * match wins), the default section when none matches; `break` leaves the labelled block.
 */
function switchJs(p: PlanContext, subject: Eval, sections: readonly { labels: Eval[]; isDefault: boolean; exec: Exec }[], matches: (v: Value, k: Value) => boolean, label: string): string {
  const code = p.code;
  const v = code.temp();
  const jumps = { break: label, continue: jumpLabels(p)?.continue };
  const branches: string[] = [];
  let fallback: string | undefined;
  for (const sec of sections) {
    const body = `{\n${stmtJs(code, sec.exec, jumps)}}\n`;
    if (sec.isDefault) fallback = body;
    if (sec.labels.length > 0) branches.push(`if (${sec.labels.map((l) => `${code.ref(matches)}(${v}, ${exprJs(code, l)})`).join(' || ')}) ${body}`);
  }
  if (fallback) branches.push(fallback);
  return `${label}: {\n${v} = ${exprJs(code, subject)};\n${branches.join('else ')}}\n`;
}

export function planTry(p: PlanContext, s: A.Try): Planned {
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
