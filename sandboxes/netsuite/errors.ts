// NetSuite REST answers every failure with the same problem-details shape; connectors parse
// `o:errorDetails[].o:errorCode`, so every error the sandbox produces goes through here.
import type { SandboxResponse } from '../http';

export const ERROR_CONTENT_TYPE = 'application/vnd.oracle.resource+json; type=error';
export const RESOURCE_CONTENT_TYPE = 'application/vnd.oracle.resource+json; type=singular-resource';
export const COLLECTION_CONTENT_TYPE = 'application/vnd.oracle.resource+json; type=collection';

/** Prefix NetSuite puts in front of record-level business errors. */
export const RESOURCE_ERROR_PREFIX = 'Error while accessing a resource.';

export const INVALID_LOGIN_DETAIL =
  'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.';

export const NONEXISTENT_ID_DETAIL = 'The record instance does not exist. Provide a valid record instance ID.';

const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

// Current NetSuite releases point `type` at RFC 9110; 429 is defined by RFC 6585 instead.
const TYPE_URLS: Record<number, string> = {
  400: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1',
  401: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2',
  403: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.4',
  404: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5',
  405: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.6',
  409: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.10',
  429: 'https://www.rfc-editor.org/rfc/rfc6585.html#section-4',
  500: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.1',
  503: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.4',
};

export interface ErrorOptions {
  /** JSON path into the request body, e.g. `item.items[0].item`. */
  path?: string;
  headers?: Record<string, string>;
  /** Overrides the reason phrase; the idempotency conflict says 'Conflict' on a 400. */
  title?: string;
  /** Overrides the `type` URL (defaults to the one matching `status`). */
  typeStatus?: number;
}

export function nsError(status: number, code: string, detail: string, options: ErrorOptions = {}): SandboxResponse {
  const errorDetail: Record<string, string> = { detail, 'o:errorCode': code };
  if (options.path !== undefined) errorDetail['o:errorPath'] = options.path;
  const body = {
    type: TYPE_URLS[options.typeStatus ?? status] ?? TYPE_URLS[status >= 500 ? 500 : 400],
    title: options.title ?? REASON_PHRASES[status] ?? 'Error',
    status,
    'o:errorDetails': [errorDetail],
  };
  return {
    status,
    headers: { 'content-type': ERROR_CONTENT_TYPE, ...options.headers },
    body: JSON.stringify(body),
  };
}

export function resource(value: unknown, status = 200): SandboxResponse {
  return { status, headers: { 'content-type': RESOURCE_CONTENT_TYPE }, body: JSON.stringify(value) };
}

export function collection(value: unknown): SandboxResponse {
  return { status: 200, headers: { 'content-type': COLLECTION_CONTENT_TYPE }, body: JSON.stringify(value) };
}

export function invalidLogin(): SandboxResponse {
  return nsError(401, 'INVALID_LOGIN', INVALID_LOGIN_DETAIL);
}

export function nonexistentId(): SandboxResponse {
  return nsError(404, 'NONEXISTENT_ID', NONEXISTENT_ID_DETAIL, { path: 'id' });
}

/** "You have entered an Invalid Field Value 999 for the following field: item" (NetSuite's wording). */
export function invalidFieldValue(value: unknown, field: string, path: string): SandboxResponse {
  return nsError(
    400,
    'INVALID_CONTENT',
    `${RESOURCE_ERROR_PREFIX} You have entered an Invalid Field Value ${String(value)} for the following field: ${field}`,
    { path },
  );
}

export function userError(message: string, path?: string): SandboxResponse {
  return nsError(400, 'USER_ERROR', `${RESOURCE_ERROR_PREFIX} ${message}`, { path });
}

/** Thrown by body parsers deep in a handler; the route turns it back into its response. */
export class RequestRejected extends Error {
  constructor(readonly response: SandboxResponse) {
    super(`request rejected with ${response.status}`);
    this.name = 'RequestRejected';
  }
}

/** Runs a handler, answering with the carried response when a parser rejected the request. */
export function rejectionAware(run: () => SandboxResponse): SandboxResponse {
  try {
    return run();
  } catch (error) {
    if (error instanceof RequestRejected) return error.response;
    throw error;
  }
}
