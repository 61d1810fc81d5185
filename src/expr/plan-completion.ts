/**
 * How a planned statement finishes (normal, break, continue, return) and whether its end is
 * reachable. Shared by the statement planners (plan-stmt.ts, plan-loops.ts, plan-switch-try.ts);
 * a module of its own so that these constants sit outside the planners' import cycle.
 */
import type { Frame, PlanContext } from './plan-scope.ts';

/** How a statement finished. */
export const NORMAL = 0;
export const BREAK = 1;
export const CONTINUE = 2;
export const RETURN = 3;
export type Completion = 0 | 1 | 2 | 3;
export type Exec = (f: Frame) => Completion;

export interface Planned {
  readonly exec: Exec;
  /** Whether the end point of the statement is reachable. */
  readonly completes: boolean;
}

export const nothing: Exec = () => NORMAL;

/** Where `break` and `continue` go in generated code: the innermost loop or switch, and the innermost loop. */
export interface JumpLabels {
  readonly break: string | undefined;
  readonly continue: string | undefined;
}

/** The labels a `break`/`continue` here jumps to (undefined outside any loop or switch). */
export function jumpLabels(p: PlanContext): JumpLabels | undefined {
  const j = p.jumps[p.jumps.length - 1];
  if (!j) return undefined;
  const loop = j.kind === 'loop' ? j : [...p.jumps].reverse().find((x) => x.kind === 'loop');
  return { break: j.label, continue: loop?.label };
}
