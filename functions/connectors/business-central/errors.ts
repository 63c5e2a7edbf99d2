// Business Central's error contract: every refusal is {"error":{"code","message"}}, the code's
// prefix saying whose problem it is (BadRequest_, Authentication_, Authorization_, Internal_,
// Application_, Request_). Answers that would mislead on status or code alone are classified
// here by what they are.
import * as z from 'zod';
import { BusinessException, ThrottledError, UnavailableError } from '../../domain/errors';
import { type HttpResponse, parseJsonBody, retryAfterSeconds } from '../../platform/http';

export const SYSTEM_TITLE = 'Business Central';

const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** A refusal of the record or request, for the caller to interpret in business terms. */
export class BusinessCentralApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** Business Central's own words, without the correlation id it appends. */
    readonly reason: string,
  ) {
    super(`Business Central answered ${status} ${code}: ${reason}`);
    this.name = 'BusinessCentralApiError';
  }
}

export interface ErrorContext {
  where: string;
  /** True for a collection of the company (customers, salesOrders): a 404 there means the company or environment is wrong. */
  collection: boolean;
  settingsHint: string;
}

export function readError(response: HttpResponse): { code: string; reason: string } {
  const parsed = errorBody.safeParse(parseJsonBody(response));
  if (!parsed.success) return { code: `HTTP_${response.status}`, reason: response.text.slice(0, 200) || 'no body' };
  return { code: parsed.data.error.code, reason: withoutCorrelationId(parsed.data.error.message) };
}

/** Throws the error a non-2xx answer (other than 401, which the client handles) stands for. */
export function interpretFailure(response: HttpResponse, context: ErrorContext): never {
  const { code, reason } = readError(response);
  const summary = `${code}: ${reason}`;
  const where = context.where;
  // Missing permissions arrive as 403, and on some releases with an Internal_ code or a 5xx
  // status: a permission set to assign, never a retry.
  const permission = missingPermission(reason);
  if (permission) {
    throw new BusinessException(
      'CONNECTION_REJECTED',
      `Business Central refused ${where}: the hub's Entra application lacks a permission (${permission}); on the Microsoft Entra Applications page assign it a permission set that includes it (e.g. D365 BUS FULL ACCESS, or a custom set with ${permission}) for this company.`,
    );
  }
  if (response.status === 429) {
    throw new ThrottledError(`Business Central throttled ${where} (${summary})`, {
      retryAfterSeconds: retryAfterSeconds(response.headers),
    });
  }
  // A request that waited in the per-user queue behind 5 running ones until it timed out was
  // never processed: the hub is sending faster than its share, i.e. throttling, not an outage.
  // "The request was blocked due to operational limits" arrives as 503 too: also a share exceeded.
  if (
    response.status === 503 &&
    (/queue|operational limits|too many requests|rate limit/i.test(reason) || code === 'Application_TooManyRequests')
  ) {
    throw new ThrottledError(
      `Business Central did not process ${where} in time: it waited in the request queue (${summary})`,
      {
        retryAfterSeconds: retryAfterSeconds(response.headers),
      },
    );
  }
  if (response.status >= 500 || response.status === 408) {
    throw new UnavailableError(`Business Central failed ${where} with HTTP ${response.status} (${summary})`);
  }
  if (response.status === 403 || code.startsWith('Authorization_')) {
    throw new BusinessException(
      'CONNECTION_REJECTED',
      `Business Central refused ${where} for the hub's Entra application (${summary}); check its permission sets on the Microsoft Entra Applications page.`,
    );
  }
  if (response.status === 404 && (context.collection || code === 'Internal_CompanyNotFound')) {
    throw new BusinessException(
      'CONNECTION_REJECTED',
      `Business Central does not serve ${where} (${summary}); ${context.settingsHint}`,
    );
  }
  throw new BusinessCentralApiError(response.status, code, reason);
}

/** "TableData 18 Customer Insert" from either wording Business Central has used. */
export function missingPermission(message: string): string | undefined {
  const current = /current permissions prevented the action\.?\s*\(([^)]+)\)/i.exec(message);
  if (current) return current[1].replace(/:\s*Base Application$/i, '').trim();
  const earlier = /You do not have the following permissions on ([^.]+)/i.exec(message);
  return earlier ? earlier[1].trim() : undefined;
}

function withoutCorrelationId(message: string): string {
  return message.replace(/\s*CorrelationId:\s*[0-9a-fA-F-]+\.?\s*$/i, '').trim();
}
