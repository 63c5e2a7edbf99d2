// Turns a failed, timed-out or aborted execution into a business exception a person can act on:
// recorded on the transaction in the correlation table and written back to the CRM record.
import { isTransientError } from '../domain/errors';
import { EXCEPTIONS, type ExceptionCode, isExceptionCode } from '../domain/exceptions';
import { logger } from '../platform/logger';
import type { CrmPort } from '../ports/crm';
import type { CorrelationStore } from '../stores/correlation-store';

/** The `detail` of an EventBridge "Step Functions Execution Status Change" event. */
export interface ExecutionStatusChange {
  executionArn: string;
  stateMachineArn: string;
  status: 'FAILED' | 'TIMED_OUT' | 'ABORTED' | string;
  input?: string | null;
  error?: string | null;
  cause?: string | null;
}

export interface ClassifiedFailure {
  code: ExceptionCode;
  message: string;
}

export function classifyFailure(change: ExecutionStatusChange): ClassifiedFailure {
  if (change.status === 'TIMED_OUT') return { code: 'EXECUTION_TIMED_OUT', message: 'The execution timed out.' };
  if (change.status === 'ABORTED') return { code: 'EXECUTION_ABORTED', message: 'The execution was stopped.' };
  const error = change.error ?? 'Unknown';
  const message = causeMessage(change.cause);
  if (isExceptionCode(error)) return { code: error, message };
  // The state machine retried it until its retries ran out.
  if (isTransientError(error)) return { code: 'SYSTEM_UNAVAILABLE', message };
  return { code: 'UNEXPECTED_ERROR', message: `${error}: ${message}` };
}

/** The explanation shown to users: what happened to this record, then what to do. */
export function explain(failure: ClassifiedFailure): string {
  return `${failure.message} ${EXCEPTIONS[failure.code].action}`;
}

interface ExecutionInput {
  detail?: {
    correlationId?: string;
    source?: { system?: string };
    subject?: { type?: string; id?: string };
  };
}

export async function reportFailedExecution(
  /** `crm` gives the CRM adapter of a system, or undefined when this deployment does not connect it. */
  deps: { correlation: CorrelationStore; crm: (system: string) => Promise<CrmPort | undefined> },
  change: ExecutionStatusChange,
): Promise<{ reported: boolean; code?: ExceptionCode }> {
  const event = parseInput(change.input);
  const correlationId = event.detail?.correlationId;
  if (!correlationId) {
    logger.error('Failed execution has no correlation id in its input; nothing to report on', {
      executionArn: change.executionArn,
    });
    return { reported: false };
  }
  logger.appendKeys({ correlationId });
  const failure = classifyFailure(change);
  const explanation = explain(failure);
  const current = await deps.correlation.markNeedsAttention({
    correlationId,
    executionArn: change.executionArn,
    code: failure.code,
    message: explanation,
  });
  if (!current) {
    logger.info('A newer execution has taken over this transaction; the old failure is not reported', {
      executionArn: change.executionArn,
    });
    return { reported: false, code: failure.code };
  }
  const { source, subject } = event.detail ?? {};
  const crm = source?.system ? await deps.crm(source.system) : undefined;
  if (crm && subject?.id) {
    await crm.deals.writeException(subject.id, { code: failure.code, explanation });
  } else {
    logger.warn('The exception is recorded but not written back: no connected CRM sent this transaction', {
      system: source?.system,
    });
  }
  logger.info('Business exception reported', { code: failure.code, executionArn: change.executionArn });
  return { reported: true, code: failure.code };
}

/** Lambda failures arrive with a JSON cause holding errorMessage; other causes are plain text. */
function causeMessage(cause: string | null | undefined): string {
  if (!cause) return 'No cause was given.';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    return parsed.errorMessage ?? cause;
  } catch {
    return cause;
  }
}

function parseInput(input: string | null | undefined): ExecutionInput {
  try {
    return input ? (JSON.parse(input) as ExecutionInput) : {};
  } catch {
    return {};
  }
}
