// Runs every minute: for each ERP account with a budget it reclaims expired leases, sends the
// breaker's probe when the cooldown has passed and releases waiters capacity has room for. While
// something waits it looks again every few seconds until shortly before the next run, so a
// recovered ERP is probed within seconds, not a minute; when nothing waits it returns at once.
// Every quarter of an hour it also asks each ERP that reports its limits what the hub may use.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { budgetedSystems, capacityGate } from '../capacity';
import { checkReportedLimit, tick } from '../capacity/keeper';
import { erp, isConnected } from '../connectors/registry';
import { logger } from '../platform/logger';

const LOOK_EVERY_MS = 2_000;
/** Left before the function's timeout, and before the next scheduled run takes over. */
const STOP_BEFORE_END_MS = 8_000;

export const handler = middy(async (_event: unknown, context: Context) => {
  const systems = budgetedSystems();
  for (const system of systems) await checkLimits(system);
  let looks = 0;
  let woken = 0;
  for (;;) {
    looks++;
    let busy = false;
    for (const system of systems) {
      const gate = capacityGate(system);
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

/** The ERP's own word on what the hub may use; an ERP that cannot answer now is asked next time. */
async function checkLimits(system: string): Promise<void> {
  const gate = capacityGate(system);
  if (!gate || !isConnected(system)) return;
  try {
    const reported = await checkReportedLimit(gate, await erp(system));
    if (reported) logger.info('ERP reported its concurrency limit', { system, ...reported });
  } catch (error) {
    logger.warn('ERP limits not read', { system, error: (error as Error).name, reason: (error as Error).message });
  }
}
