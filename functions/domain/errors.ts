// Error names are the contract with the state machines: ASL `Retry` and `Catch` match on them,
// and the Step Functions console shows them as the execution's error.
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
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Hub.Throttled';
  }
}

/** The remote system could not be reached or failed (timeouts, 5xx): retry with backoff. */
export class UnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Hub.Unavailable';
  }
}

export const TRANSIENT_ERROR_NAMES = ['Hub.Throttled', 'Hub.Unavailable'] as const;
