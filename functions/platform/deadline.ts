// The time an invocation has left, so every vendor call fits inside the function's timeout: a
// call that cannot finish in time fails as Hub.Unavailable (retried by the state machine) instead
// of being cut off by Lambda halfway, with nothing recorded.
import { AsyncLocalStorage } from 'node:async_hooks';

/** Kept free at the end of every invocation to record the step's outcome and answer. */
export const RESERVED_MS = 3_000;

const deadlines = new AsyncLocalStorage<number>();

/** Runs `work` with calls made inside it bounded by the invocation's remaining time. */
export function withDeadline<T>(remainingMs: number, work: () => Promise<T>): Promise<T> {
  return deadlines.run(Date.now() + remainingMs - RESERVED_MS, work);
}

/** Milliseconds left for calls, or undefined outside an invocation (scripts, tests). */
export function timeLeftMs(): number | undefined {
  const deadline = deadlines.getStore();
  return deadline === undefined ? undefined : deadline - Date.now();
}
