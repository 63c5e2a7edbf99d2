// Runs every minute: for each ERP account with a budget it reclaims expired leases, sends the
// breaker's probe when the cooldown has passed and releases waiters capacity has room for. While
// something waits it looks again every few seconds until shortly before the next run, so a
// recovered ERP is probed within seconds, not a minute; when nothing waits it returns at once.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { budgetedSystems, capacityGate } from '../capacity';
import { tick } from '../capacity/keeper';
import { logger } from '../platform/logger';

const LOOK_EVERY_MS = 2_000;
/** Left before the function's timeout, and before the next scheduled run takes over. */
const STOP_BEFORE_END_MS = 8_000;

export const handler = middy(async (_event: unknown, context: Context) => {
  const systems = budgetedSystems();
  let looks = 0;
  let woken = 0;
  for (;;) {
    looks++;
    let busy = false;
    for (const system of systems) {
      const gate = capacityGate(system, system);
      if (!gate) continue;
      const result = await tick(gate);
      woken += result.woken;
      busy ||= result.busy;
      if (result.reclaimed > 0) logger.warn('Expired ERP leases reclaimed', { system, reclaimed: result.reclaimed });
    }
    if (!busy || context.getRemainingTimeInMillis() < STOP_BEFORE_END_MS + LOOK_EVERY_MS) break;
    await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
  }
  return { looks, woken };
}).use(injectLambdaContext(logger, { resetKeys: true }));
