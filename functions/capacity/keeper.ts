// What keeps the waiting lines moving when no call returns a lease: leases of crashed functions
// expire, an open breaker needs a probe once its cooldown has passed, and a waiter parked just as
// the last lease came back would otherwise wait for the next release.
import type { ErpPort } from '../ports/erp';
import type { BudgetState } from './budget';
import type { ErpGate } from './gate';

/** How often the ERP is asked what it allows the hub (a request against its own limit). */
export const LIMITS_CHECK_EVERY_MS = 15 * 60_000;

export interface Tick {
  system: string;
  reclaimed: number;
  woken: number;
  /** True while something waits or the breaker is not closed: worth looking again soon. */
  busy: boolean;
}

/** One look at an ERP account's budget: reclaim, probe, release what fits. */
export async function tick(gate: ErpGate, now = Date.now(), known?: BudgetState): Promise<Tick> {
  const { budget } = gate;
  let state = known ?? (await budget.state());
  const reclaimed = await budget.reclaimExpired(state, now);
  if (reclaimed > 0) state = await budget.state();
  // The keeper releases only what fits now (an open breaker's one probe included), none ahead.
  const woken = await gate.line.wake(gate.line.releasable(state, 0, now), state);
  return { system: budget.system, reclaimed, woken, busy: state.waiting > 0 || state.breaker !== 'closed' };
}

/**
 * Asks the ERP what it allows the hub, where it says (NetSuite governanceLimits), at most every
 * LIMITS_CHECK_EVERY_MS; the budget's ceiling follows it down and back up to the configured one.
 */
export async function checkReportedLimit(
  gate: ErpGate,
  port: ErpPort,
  now = Date.now(),
): Promise<{ limit: number; basis: string } | undefined> {
  if (!port.governance) return undefined;
  const state = await gate.budget.state();
  if (now - (state.limitsCheckedAt ?? 0) < LIMITS_CHECK_EVERY_MS) return undefined;
  const reported = await port.governance.concurrencyLimit();
  if (reported === undefined) {
    await gate.budget.limitsChecked(now);
    return undefined;
  }
  await gate.budget.adoptReportedLimit(reported.limit, now);
  return reported;
}
