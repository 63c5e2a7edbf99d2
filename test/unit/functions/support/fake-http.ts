// A stand-in for the global fetch: answers by method and path with vendor-shaped responses and
// records every request, so a test can check what the connector sent and how it read the answer.
import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface Answer {
  status: number;
  /** Serialized as the JSON body (content-type application/json). */
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export type Responder = (request: RecordedRequest) => Answer;

/** An answer, a function computing one, or an Error that fetch rejects with (no answer at all). */
export type Reply = Answer | Responder | Error;

interface Route {
  method: string;
  path: string | RegExp;
  replies: Reply[];
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export class FakeHttp {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];

  /** Answers matching requests with the replies in turn; the last reply repeats. */
  on(method: string, path: string | RegExp, ...replies: Reply[]): this {
    this.routes.unshift({ method, path, replies });
    return this;
  }

  /** The requests sent to one method and path, in order. */
  to(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && matches(path, r.url.pathname));
  }

  install(): this {
    vi.stubGlobal('fetch', this.fetch);
    return this;
  }

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const request: RecordedRequest = {
      method: init?.method ?? 'GET',
      url,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: typeof init?.body === 'string' ? init.body : undefined,
    };
    this.requests.push(request);
    const route = this.routes.find((r) => r.method === request.method && matches(r.path, url.pathname));
    if (!route) throw new Error(`FakeHttp has no answer for ${request.method} ${url.pathname}`);
    const reply = route.replies.length > 1 ? (route.replies.shift() as Reply) : route.replies[0];
    if (reply instanceof Error) throw reply;
    const answer = typeof reply === 'function' ? reply(request) : reply;
    const headers: Record<string, string> = { ...answer.headers };
    let body: string | null = answer.text ?? null;
    if (answer.json !== undefined) {
      body = JSON.stringify(answer.json);
      headers['content-type'] ??= 'application/json;charset=UTF-8';
    }
    return new Response(NULL_BODY_STATUSES.has(answer.status) ? null : body, { status: answer.status, headers });
  };
}

function matches(path: string | RegExp, pathname: string): boolean {
  return typeof path === 'string' ? pathname === path : path.test(pathname);
}

/** What undici's fetch rejects with when the connection is refused. */
export function connectionRefused(): Error {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }),
  });
}

/** What fetch rejects with when AbortSignal.timeout fires. */
export function timedOut(): Error {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}
