// What keeps the waiting lines moving when no call returns a lease: leases of crashed functions
// expire, an open breaker needs a probe once its cooldown has passed, and a waiter parked just as
// the last lease came back would otherwise wait for the next release.
import type { ErpGate } from './gate';

export interface Tick {
  system: string;
  reclaimed: number;
  woken: number;
  /** True while something waits or the breaker is not closed: worth looking again soon. */
  busy: boolean;
}

/** One look at an ERP account's budget: reclaim, probe, release what fits. */
export async function tick(gate: ErpGate, now = Date.now()): Promise<Tick> {
  const { budget } = gate;
  let state = await budget.state();
  const reclaimed = await budget.reclaimExpired(state, now);
  if (reclaimed > 0) state = await budget.state();
  let woken = 0;
  if (state.waiting > 0) {
    if (state.breaker === 'open' && now >= state.reopenAt) {
      // One waiter is released; its call takes the probe lease.
      woken = await gate.line.wake(1, state);
    } else if (state.breaker === 'closed' && state.holdUntil <= now) {
      woken = await gate.line.wake(Math.max(0, state.slots - Object.keys(state.leases).length), state);
    }
  }
  return { system: budget.system, reclaimed, woken, busy: state.waiting > 0 || state.breaker !== 'closed' };
}
