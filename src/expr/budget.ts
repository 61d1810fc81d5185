/**
 * Work limits of one evaluation. APIM bounds a request's time; the emulator bounds the work an
 * expression may do so that `while (true) {}` or a billion-element array fails as a .NET
 * exception instead of hanging or exhausting the process.
 */
export const LOOP_BUDGET = 10_000_000;
export const MAX_ELEMENTS = 16_000_000;

export const budget = { loops: LOOP_BUDGET };

/** Called before each evaluation. */
export function resetBudget(): void {
  budget.loops = LOOP_BUDGET;
}

export const LOOP_BUDGET_MESSAGE = `The expression ran more than ${LOOP_BUDGET.toLocaleString('en')} loop iterations; the emulator stops it (APIM would time the request out).`;
