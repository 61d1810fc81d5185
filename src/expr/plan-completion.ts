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

/** The label of the loop a `break`/`continue` here leaves, when that loop is generated code. */
export function innermostLoop(p: PlanContext): string | undefined {
  const j = p.jumps[p.jumps.length - 1];
  return j?.kind === 'loop' ? j.label : undefined;
}
