// SAP's answers that are not the record asked for, classified by what they are. The error body
// of the OData services is {"error":{"code","message":{"lang","value"},"innererror":{...,
// "errordetails":[{"code","message","propertyref","severity","target"}]}}}; SAP API Management
// in front of a tenant answers its policies' faults as {"fault":{"faultstring","detail":{"errorcode"}}}.
import * as z from 'zod';
import { BusinessException, ThrottledError, UnavailableError } from '../../domain/errors';
import { type HttpResponse, parseJsonBody, retryAfterSeconds } from '../../platform/http';
import type { Service } from './odata';

export const SYSTEM_TITLE = 'SAP S/4HANA';

export interface SapMessage {
  code: string;
  message: string;
  target: string;
  severity: string;
}

/** The communication scenario whose arrangement opens each service to the hub's user. */
export const SCENARIOS: Record<Service, string> = {
  API_BUSINESS_PARTNER: 'SAP_COM_0008 (Business Partner, Customer and Supplier Integration)',
  API_SALES_ORDER_SRV: 'SAP_COM_0109 (Sales Order Integration)',
  API_PRODUCT_SRV: 'SAP_COM_0009 (Product Integration)',
};

/** A 4xx answer in SAP's error shape, for the caller to interpret in business terms. */
export class SapApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: string,
    readonly details: SapMessage[],
    where: string,
  ) {
    super(`${SYSTEM_TITLE} answered ${where} with ${status} ${code}: ${text}`);
    this.name = 'SapApiError';
  }

  /** SAP's own words for a person: the error messages, without the generic closing ones. */
  get reasons(): string {
    const specific = this.details.filter((d) => d.severity !== 'warning' && !GENERIC_CODES.has(d.code));
    const messages = specific.length > 0 ? specific.map((d) => d.message) : [this.text];
    return [...new Set(messages)].join('; ');
  }
}

/** Messages that only say the document failed, or which item did: not a reason of their own. */
const GENERIC_CODES = new Set(['V4/219', 'V4/248']);

const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.union([z.object({ value: z.string() }), z.string()]),
    innererror: z
      .object({
        errordetails: z
          .array(
            z.object({
              code: z.string().default(''),
              message: z.string().default(''),
              propertyref: z.string().optional(),
              target: z.string().optional(),
              severity: z.string().default('error'),
            }),
          )
          .optional(),
      })
      .optional(),
  }),
});

const faultBody = z.object({
  fault: z.object({ faultstring: z.string().optional(), detail: z.object({ errorcode: z.string() }).optional() }),
});

export function apiError(response: HttpResponse, where: string): SapApiError {
  const parsed = errorBody.safeParse(parseJsonBody(response));
  if (!parsed.success) {
    const text = response.text
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200);
    return new SapApiError(response.status, `HTTP_${response.status}`, text || `HTTP ${response.status}`, [], where);
  }
  const { code, message, innererror } = parsed.data.error;
  const text = typeof message === 'string' ? message : message.value;
  const details = (innererror?.errordetails ?? []).map((d) => ({
    code: d.code,
    message: d.message,
    target: d.target || d.propertyref || '',
    severity: d.severity.toLowerCase(),
  }));
  return new SapApiError(response.status, code, text, details, where);
}

/**
 * Answers that are throttling whatever their status: an API Management rate limit policy
 * (Spike Arrest, Quota) answers 500 unless its proxy was configured otherwise.
 */
export function throttling(response: HttpResponse, where: string): ThrottledError | undefined {
  const fault = faultBody.safeParse(parseJsonBody(response));
  const policy = fault.success ? fault.data.fault.detail?.errorcode : undefined;
  if (response.status !== 429 && !policy?.startsWith('policies.ratelimit.')) return undefined;
  const reason = fault.success ? (fault.data.fault.faultstring ?? policy) : 'HTTP 429 Too Many Requests';
  return new ThrottledError(`${SYSTEM_TITLE} throttled ${where} (${reason})`, {
    retryAfterSeconds: retryAfterSeconds(response.headers),
  });
}

export function unavailable(response: HttpResponse, where: string): UnavailableError {
  const error = apiError(response, where);
  return new UnavailableError(
    `${SYSTEM_TITLE} failed ${where} with HTTP ${response.status} (${error.code}: ${error.text})`,
  );
}

/** A 403 that is not about CSRF: the user's arrangements do not include the service's scenario. */
export function forbidden(response: HttpResponse, where: string, service: Service, user: string, secretId: string) {
  const error = apiError(response, where);
  return new BusinessException(
    'CONNECTION_REJECTED',
    `${SYSTEM_TITLE} refused ${where} for communication user ${user} (${error.code}: ${error.text}); add communication scenario ${SCENARIOS[service]} to an arrangement with this user (on-premise: a role granting the service ${service}), credentials in secret ${secretId}.`,
  );
}

/** Gateway's answer to a modifying request whose CSRF token (or session) it no longer knows. */
export function isCsrfRefusal(response: HttpResponse): boolean {
  return response.status === 403 && response.headers.get('x-csrf-token')?.toLowerCase() === 'required';
}
