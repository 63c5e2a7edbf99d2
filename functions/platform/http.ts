import { UnavailableError } from '../domain/errors';

export interface HttpRequest {
  /** The system called, named in error messages a person will read ("NetSuite", "Salesforce"). */
  system: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
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

const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * Sends one request. Failures to get any answer (refused connection, DNS, timeout) become
 * UnavailableError so the state machine retries them; every answer, 4xx and 5xx included, is
 * returned for the connector to interpret, since only it knows the vendor's error contract.
 */
export async function send(request: HttpRequest): Promise<HttpResponse> {
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
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
    throw new UnavailableError(
      `${request.system} could not be reached (${request.method} ${pathOf(request.url)}: ${reason})`,
      {
        cause: error,
      },
    );
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

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function pathOf(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname;
}
