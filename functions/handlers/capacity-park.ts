// Parks a transaction that found no ERP capacity: its task token goes into the ERP's waiting
// line, and the execution waits without running anything until a lease is free for it.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import { capacityGate } from '../capacity';
import { tick } from '../capacity/keeper';
import { waitingSystemOf } from '../domain/errors';
import { logger } from '../platform/logger';

const parkInput = z.object({
  taskToken: z.string().min(1),
  system: z.string().min(1),
  flow: z.string().min(1),
  step: z.string().min(1),
  arrivedAt: z.string().min(1),
  executionArn: z.string().min(1),
  correlationId: z.string().optional(),
  /** The step's error as Step Functions caught it: `Cause` holds Lambda's error JSON. */
  waiting: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});

export const handler = middy(async (event: unknown) => {
  const input = parkInput.parse(event);
  const reason = reasonOf(input.waiting?.Cause);
  // A step calling two ERPs (shadow mode) names the one that had no capacity in its message.
  const system = (reason && waitingSystemOf(reason)) || input.system;
  logger.appendKeys({ correlationId: input.correlationId, system });
  const gate = capacityGate(system);
  if (!gate) throw new Error(`No capacity budget is configured for ${system}; check hub:capacity`);
  const state = await gate.line.park({
    system,
    flow: input.flow,
    arrivedAt: input.arrivedAt,
    executionArn: input.executionArn,
    correlationId: input.correlationId,
    step: input.step,
    taskToken: input.taskToken,
    reason: reason?.slice(0, 500),
  });
  logger.info('Transaction waits for ERP capacity', { step: input.step, reason });
  // Capacity may have come back between the refusal and the park: nobody else would release it.
  const looked = await tick(gate, Date.now(), state);
  return { parked: true, released: looked.woken };
}).use(injectLambdaContext(logger, { resetKeys: true }));

function reasonOf(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    return String((JSON.parse(cause) as { errorMessage?: string }).errorMessage ?? cause);
  } catch {
    return cause;
  }
}
