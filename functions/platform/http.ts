import type * as z from 'zod';
import { UnavailableError, UnexpectedResponseError } from '../domain/errors';
import { timeLeftMs } from './deadline';

export interface HttpRequest {
  /** The system called, named in error messages a person will read ("NetSuite", "SAP S/4HANA"). */
  system: string;
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** One vendor call never waits longer than this, even when the invocation has more time. */
const DEFAULT_TIMEOUT_MS = 15_000;
/** Below this there is no point in starting a call. */
const MINIMUM_CALL_MS = 250;

/**
 * Sends one request. Failures to get any answer (refused connection, DNS, timeout, no time left
 * in this invocation) become UnavailableError so the state machine retries them; every answer,
 * 4xx and 5xx included, is returned for the connector to interpret, since only it knows the
 * vendor's error contract.
 */
export async function send(request: HttpRequest): Promise<HttpResponse> {
  const left = timeLeftMs();
  const timeoutMs = Math.min(request.timeoutMs ?? DEFAULT_TIMEOUT_MS, left ?? Number.POSITIVE_INFINITY);
  const where = `${request.method} ${pathOf(request.url)}`;
  if (timeoutMs < MINIMUM_CALL_MS) {
    throw new UnavailableError(`${request.system} was not called (${where}): this attempt ran out of time`);
  }
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : describe(error);
    throw new UnavailableError(`${request.system} could not be reached (${where}: ${reason})`, { cause: error });
  }
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export function parseJsonBody(response: HttpResponse): unknown {
  if (response.text.length === 0) return undefined;
  try {
    return JSON.parse(response.text);
  } catch {
    return undefined;
  }
}

/**
 * A successful answer's body, checked against what the vendor documents. A body that does not
 * match is SYSTEM_RESPONSE_INVALID, naming the fields, rather than a crash further on.
 */
export function parseBody<T>(response: HttpResponse, schema: z.ZodType<T>, system: string, where: string): T {
  return parseValue(parseJsonBody(response), schema, system, where);
}

/** `value` (a decoded answer of `system` to `where`) checked against its schema. */
export function parseValue<T>(value: unknown, schema: z.ZodType<T>, system: string, where: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
      .join('; ');
    throw new UnexpectedResponseError(system, where, problems);
  }
  return parsed.data;
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), if there is one. */
export function retryAfterSeconds(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

export function pathOf(url: string): string {
  return new URL(url).pathname;
}
