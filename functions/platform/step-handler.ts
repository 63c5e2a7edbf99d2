// Every state-machine step runs through this wrapper: it validates the step's input, adds the
// correlation id to every log line, bounds the step's vendor calls by the invocation's remaining
// time, and records the attempt (and any business keys it found) in the correlation table,
// whatever the outcome.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { WAITING_FOR_ERP } from '../domain/errors';
import { type BusinessKeys, CorrelationStore } from '../stores/correlation-store';
import { withExecution } from './current-execution';
import { withDeadline } from './deadline';
import { requireEnv } from './env';
import { logger } from './logger';

export const stepContextSchema = z.object({
  correlationId: z.uuid(),
  executionArn: z.string().min(1),
});

export type StepContext = z.infer<typeof stepContextSchema>;

/** The step was started with an input its ASL state should never produce: a defect, not data. */
export class InvalidStepInputError extends Error {
  constructor(step: string, problems: string) {
    super(`Step ${step} received input it cannot use: ${problems}`);
    this.name = 'InvalidStepInputError';
  }
}

export interface StepDefinition<S extends z.ZodObject, O> {
  /** Name recorded in the correlation table, e.g. 'upsert-erp-customer'. */
  step: string;
  input: S;
  run: (input: z.infer<S> & StepContext) => Promise<O>;
  /** Business keys the input carries, indexed whatever the outcome, so failures can be found by them too. */
  inputKeys?: (input: z.infer<S> & StepContext) => BusinessKeys;
  /** Business keys the result reveals, indexed so the transaction can be found by them. */
  keys?: (result: O, input: z.infer<S> & StepContext) => BusinessKeys;
}

export function stepHandler<S extends z.ZodObject, O>(definition: StepDefinition<S, O>) {
  // Read when the handler module loads: a function deployed without its table fails at start.
  const correlation = new CorrelationStore(requireEnv('CORRELATION_TABLE_NAME'));
  const schema = stepContextSchema.extend(definition.input.shape);
  const run = async (event: unknown, context: Context): Promise<O> => {
    const parsed = schema.safeParse(event);
    if (!parsed.success) {
      throw new InvalidStepInputError(definition.step, z.prettifyError(parsed.error));
    }
    const input = parsed.data as z.infer<S> & StepContext;
    logger.appendKeys({ correlationId: input.correlationId, step: definition.step });
    const started = Date.now();
    try {
      const result = await withExecution(input.executionArn, () =>
        withDeadline(context.getRemainingTimeInMillis(), () => definition.run(input)),
      );
      await correlation.recordStep({
        correlationId: input.correlationId,
        executionArn: input.executionArn,
        step: definition.step,
        outcome: 'OK',
        durationMs: Date.now() - started,
        keys: { ...definition.inputKeys?.(input), ...definition.keys?.(result, input) },
      });
      return result;
    } catch (error) {
      const failure = error as Error;
      const waiting = failure.name === WAITING_FOR_ERP;
      if (waiting) logger.info('Step waits for ERP capacity', { reason: failure.message });
      else logger.warn('Step failed', { error: failure.name, reason: failure.message });
      // Recording the failure must not replace it: the state machine decides on the original error.
      await correlation
        .recordStep({
          correlationId: input.correlationId,
          executionArn: input.executionArn,
          step: definition.step,
          outcome: waiting ? 'WAITING' : 'FAILED',
          error: failure.name,
          message: failure.message,
          durationMs: Date.now() - started,
          keys: definition.inputKeys?.(input),
        })
        .catch((trackingError: Error) => logger.error('Failed step not recorded', { trackingError }));
      throw error;
    }
  };
  return middy(run).use(injectLambdaContext(logger, { resetKeys: true }));
}
