// Error names are the contract with the state machines: ASL `Retry` and `Catch` match on them,
// and the Step Functions console shows them as the execution's error. This file is the one
// definition of which names are transient: the ASL's Retry lists (checked by a test), the
// failure reporter and the local runtime all take it from here.
import type { ExceptionCode } from './exceptions';

/**
 * A problem with the business data or a system's setup that retrying cannot fix. The code is the
 * error name; the message says, in business words, what is wrong with which record.
 */
export class BusinessException extends Error {
  constructor(
    readonly code: ExceptionCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code;
  }
}

/** The remote system asked us to slow down (HTTP 429, concurrency limits): retry with backoff. */
export class ThrottledError extends Error {
  constructor(
    message: string,
    options?: {
      cause?: unknown /** What the system asked for (Retry-After), in seconds. */;
      retryAfterSeconds?: number;
    },
  ) {
    super(message, options);
    this.name = THROTTLED;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  readonly retryAfterSeconds?: number;
}

/** The remote system could not be reached or failed (timeouts, 5xx): retry with backoff. */
export class UnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = UNAVAILABLE;
  }
}

/**
 * The ERP has no capacity for the hub right now (its budget is in use, or its circuit breaker is
 * open): not a failure. The state machine parks the transaction in the ERP's waiting line and
 * runs the step again when capacity frees.
 */
export class WaitingForErpError extends Error {
  constructor(
    readonly system: string,
    message: string,
  ) {
    super(`${message} (ERP account: ${system})`);
    this.name = WAITING_FOR_ERP;
  }
}

/** The ERP account a Hub.WaitingForErp message names: the line its transaction waits in. */
export function waitingSystemOf(message: string): string | undefined {
  return /\(ERP account: ([a-z0-9-]+)\)$/.exec(message)?.[1];
}

const THROTTLED = 'Hub.Throttled';
const UNAVAILABLE = 'Hub.Unavailable';
export const WAITING_FOR_ERP = 'Hub.WaitingForErp';

/** What Lambda reports when a function runs out of time; Step Functions shows it as the task's error. */
export const LAMBDA_TIMEOUT_ERROR = 'Sandbox.Timedout';

export interface RetryPolicy {
  readonly errors: readonly string[];
  readonly intervalSeconds: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds: number;
  readonly maxAttempts: number;
}

/**
 * How every Lambda step of every state machine retries. Throttling waits longer between tries
 * than an outage; both give up after about ten minutes and leave the execution to a redrive.
 */
export const RETRY_POLICIES: readonly RetryPolicy[] = [
  { errors: [THROTTLED], intervalSeconds: 2, backoffRate: 2, maxDelaySeconds: 120, maxAttempts: 8 },
  {
    errors: [
      UNAVAILABLE,
      LAMBDA_TIMEOUT_ERROR,
      'States.Timeout',
      // The Lambda service's own transient failures, as AWS recommends retrying them.
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
    ],
    intervalSeconds: 3,
    backoffRate: 2,
    maxDelaySeconds: 300,
    maxAttempts: 8,
  },
];

export const TRANSIENT_ERROR_NAMES: readonly string[] = RETRY_POLICIES.flatMap((policy) => policy.errors);

/** True when the state machine retries an error of this name by itself. */
export function isTransientError(name: string): boolean {
  return TRANSIENT_ERROR_NAMES.includes(name);
}

/**
 * A connected system answered, but not in the shape its API documents: a version or setup
 * problem, not something a retry fixes.
 */
export class UnexpectedResponseError extends BusinessException {
  constructor(system: string, where: string, problems: string) {
    super(
      'SYSTEM_RESPONSE_INVALID',
      `${system} answered ${where} in a form the hub does not understand (${problems}).`,
    );
  }
}
