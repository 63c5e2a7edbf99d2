// The local HTTP API: requests become payload-format-2.0 events, results become responses as API
// Gateway maps them, with its own 404, 413, 500 and 503 answers.
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHttpApi } from '../../../local/apigateway/http-api';
import { FunctionError } from '../../../local/lambda/runtime';

const ECHO = 'arn:aws:lambda:us-east-1:000000000000:function:echo';
const RESPOND = 'arn:aws:lambda:us-east-1:000000000000:function:respond';
const FAIL = 'arn:aws:lambda:us-east-1:000000000000:function:fail';
const HANG = 'arn:aws:lambda:us-east-1:000000000000:function:hang';

interface ApiEvent {
  version: string;
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: string;
    stage: string;
    time: string;
    timeEpoch: number;
  };
  body?: string;
  isBase64Encoded: boolean;
}

const events: ApiEvent[] = [];
/** What the `respond` function returns next. */
let response: unknown;
const hanging: (() => void)[] = [];
let api: { url: string; stop(): Promise<void> };

beforeAll(async () => {
  api = await startHttpApi({
    routes: [
      { method: 'POST', path: '/orders', functionArn: ECHO },
      { method: 'GET', path: '/orders', functionArn: ECHO },
      { method: 'GET', path: '/respond', functionArn: RESPOND },
      { method: 'GET', path: '/fail', functionArn: FAIL },
      { method: 'GET', path: '/hang', functionArn: HANG },
    ],
    integrationTimeoutMs: 200,
    invoke: async (functionArn, event) => {
      events.push(event as ApiEvent);
      if (functionArn === FAIL) {
        throw new FunctionError({ errorType: 'OrderRejected', errorMessage: 'no', trace: [] });
      }
      if (functionArn === HANG) await new Promise<void>((resolve) => hanging.push(resolve));
      if (functionArn === RESPOND) return response;
      return { statusCode: 200, body: 'ok' };
    },
  });
});

afterAll(async () => {
  for (const release of hanging) release();
  await api?.stop();
});

beforeEach(() => {
  events.length = 0;
  response = undefined;
});

/** A raw request with exactly the given header names (fetch would normalize them). */
function rawRequest(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}${path}`, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('request event', () => {
  it('builds the payload-format-2.0 event from the request', async () => {
    // Prepare
    const body = JSON.stringify({ orderId: 'o-1' });

    // Act
    const answer = await rawRequest('/orders?b=1&a=x&a=y', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Trace-Id': 'Trace-ABC', 'User-Agent': 'unit-test/1.0' },
      body,
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /orders',
      rawPath: '/orders',
      rawQueryString: 'b=1&a=x&a=y',
      queryStringParameters: { b: '1', a: 'x,y' },
      body,
      isBase64Encoded: false,
    });
    expect(event.headers).toMatchObject({
      'content-type': 'application/json',
      'x-trace-id': 'Trace-ABC',
      'user-agent': 'unit-test/1.0',
      'content-length': String(Buffer.byteLength(body)),
    });
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event.requestContext).toMatchObject({
      accountId: '000000000000',
      apiId: 'localapi',
      domainName: new URL(api.url).host,
      routeKey: 'POST /orders',
      stage: '$default',
      http: {
        method: 'POST',
        path: '/orders',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'unit-test/1.0',
      },
    });
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(10_000);
    expect(new Date(event.requestContext.time).getTime()).toBe(
      Math.floor(event.requestContext.timeEpoch / 1000) * 1000,
    );
  });

  it('leaves out query parameters and body when the request has none', async () => {
    // Act
    await fetch(`${api.url}/orders`);

    // Assess
    const [event] = events;
    expect(event.rawQueryString).toBe('');
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
    expect(event.routeKey).toBe('GET /orders');
  });

  it('base64-encodes a binary body', async () => {
    // Prepare
    const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13]);

    // Act
    await fetch(`${api.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });

    // Assess
    const [event] = events;
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body as string, 'base64')).toEqual(bytes);
  });

  it.each([
    ['text/plain; charset=utf-8', false],
    ['text/xml', false],
    ['application/xml', false],
    ['application/soap+xml', false],
    ['application/vnd.api+json', false],
    ['application/x-www-form-urlencoded', false],
    ['image/png', true],
    ['application/pdf', true],
  ])('treats a %s body as base64 %s', async (contentType, base64) => {
    // Act
    await fetch(`${api.url}/orders`, { method: 'POST', headers: { 'content-type': contentType }, body: 'a=b' });

    // Assess
    const [event] = events;
    expect(event.isBase64Encoded).toBe(base64);
    expect(event.body).toBe(base64 ? Buffer.from('a=b').toString('base64') : 'a=b');
  });

  it('accepts a body of exactly 10 MB', async () => {
    // Prepare
    const body = 'x'.repeat(10 * 1024 * 1024);

    // Act
    const answer = await fetch(`${api.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(events[0].body).toHaveLength(body.length);
  });
});

describe('response mapping', () => {
  it('maps a structured result: status, headers and cookies', async () => {
    // Prepare
    response = {
      statusCode: 201,
      headers: { 'x-order-id': 'o-1', 'content-type': 'text/plain' },
      cookies: ['session=abc; HttpOnly', 'theme=dark'],
      body: 'created',
    };

    // Act
    const answer = await fetch(`${api.url}/respond`);

    // Assess
    expect(answer.status).toBe(201);
    expect(answer.headers.get('x-order-id')).toBe('o-1');
    expect(answer.headers.get('content-type')).toBe('text/plain');
    expect(answer.headers.getSetCookie()).toEqual(['session=abc; HttpOnly', 'theme=dark']);
    expect(await answer.text()).toBe('created');
  });

  it('decodes a base64 body of a structured result', async () => {
    // Prepare
    const bytes = Buffer.from([137, 80, 78, 71, 0, 255]);
    response = {
      statusCode: 200,
      headers: { 'content-type': 'image/png' },
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    };

    // Act
    const answer = await fetch(`${api.url}/respond`);

    // Assess
    expect(Buffer.from(await answer.arrayBuffer())).toEqual(bytes);
  });

  it('answers a structured result without body with an empty body', async () => {
    // Prepare
    response = { statusCode: 204 };

    // Act
    const answer = await fetch(`${api.url}/respond`);

    // Assess
    expect(answer.status).toBe(204);
    expect(await answer.text()).toBe('');
  });

  it('answers a plain object result as 200 JSON', async () => {
    // Prepare
    response = { received: true, count: 2 };

    // Act
    const answer = await fetch(`${api.url}/respond`);

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(await answer.json()).toEqual({ received: true, count: 2 });
  });

  it('answers a string result as a 200 body as is', async () => {
    // Prepare
    response = 'plain answer';

    // Act
    const answer = await fetch(`${api.url}/respond`);

    // Assess
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('plain answer');
  });
});

describe('API Gateway answers', () => {
  it('answers a function error with 500 Internal Server Error', async () => {
    // Act
    const answer = await fetch(`${api.url}/fail`);

    // Assess
    expect(answer.status).toBe(500);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(await answer.json()).toEqual({ message: 'Internal Server Error' });
  });

  it.each([
    ['an unknown path', 'GET', '/nowhere'],
    ['a known path with another method', 'DELETE', '/orders'],
    ['a path that differs in case', 'GET', '/Orders'],
  ])('answers %s with 404 Not Found, without invoking', async (_, method, path) => {
    // Act
    const answer = await fetch(`${api.url}${path}`, { method });

    // Assess
    expect(answer.status).toBe(404);
    expect(await answer.json()).toEqual({ message: 'Not Found' });
    expect(events).toEqual([]);
  });

  it('answers a body over 10 MB with 413, without invoking', async () => {
    // Prepare
    const body = Buffer.alloc(10 * 1024 * 1024 + 1, 120);

    // Act
    const answer = await fetch(`${api.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });

    // Assess
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({ message: 'Request Entity Too Large' });
    expect(events).toEqual([]);
  });

  it('answers 503 when the function runs past the integration timeout', async () => {
    // Prepare
    const started = performance.now();

    // Act
    const answer = await fetch(`${api.url}/hang`);

    // Assess
    expect(answer.status).toBe(503);
    expect(await answer.json()).toEqual({ message: 'Service Unavailable' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });
});

describe('lifecycle', () => {
  it('listens on loopback on a free port and stops listening when stopped', async () => {
    // Prepare
    const other = await startHttpApi({ routes: [], invoke: async () => null });
    const url = new URL(other.url);
    const before = await fetch(`${other.url}/x`);

    // Act
    await other.stop();

    // Assess
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBeGreaterThan(0);
    expect(before.status).toBe(404);
    await expect(fetch(`${other.url}/x`)).rejects.toThrow();
  });
});
