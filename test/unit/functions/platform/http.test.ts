import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { UnavailableError, UnexpectedResponseError } from '../../../../functions/domain/errors';
import { RESERVED_MS, timeLeftMs, withDeadline } from '../../../../functions/platform/deadline';
import { parseBody, parseJsonBody, parseValue, retryAfterSeconds, send } from '../../../../functions/platform/http';
import { connectionRefused, FakeHttp, timedOut } from '../support/fake-http';

let http: FakeHttp;

beforeEach(() => {
  http = new FakeHttp().install();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('send', () => {
  it('returns status, headers and text of any answer, errors included', async () => {
    http.on('POST', '/orders', { status: 422, text: 'nope', headers: { 'x-request-id': 'r-1' } });

    const response = await send({ system: 'Shop', method: 'POST', url: 'https://shop.example/orders', body: '{}' });

    expect(response.status).toBe(422);
    expect(response.text).toBe('nope');
    expect(response.headers.get('x-request-id')).toBe('r-1');
    expect(http.requests[0]).toMatchObject({ method: 'POST', body: '{}' });
  });

  it('names the system, method, path (without query) and cause when nothing answers', async () => {
    http.on('GET', '/query', connectionRefused());

    const failure = send({
      system: 'Salesforce',
      method: 'GET',
      url: 'https://acme.my.salesforce.com/query?q=SELECT+Id',
    });

    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toThrow('Salesforce could not be reached (GET /query: ECONNREFUSED)');
  });

  it('says how long it waited when the request timed out', async () => {
    http.on('GET', '/slow', timedOut());

    await expect(
      send({ system: 'NetSuite', method: 'GET', url: 'https://ns.example/slow', timeoutMs: 1500 }),
    ).rejects.toThrow('NetSuite could not be reached (GET /slow: no answer within 1500 ms)');
  });

  it('gives fetch a timeout signal', async () => {
    http.on('GET', '/ok', { status: 200, text: '' });
    const fetchSpy = vi.spyOn(http, 'fetch');
    vi.stubGlobal('fetch', fetchSpy);

    await send({ system: 'X', method: 'GET', url: 'https://x.example/ok' });

    expect(fetchSpy.mock.calls[0][1]?.signal).toBeInstanceOf(AbortSignal);
  });
});

describe('parseJsonBody', () => {
  const response = (text: string) => ({ status: 200, headers: new Headers(), text });

  it('parses a JSON body', () => {
    expect(parseJsonBody(response('[{"errorCode":"X"}]'))).toEqual([{ errorCode: 'X' }]);
  });

  it.each(['', '<html>Bad Gateway</html>', '{"truncated":'])('gives undefined for %j', (text) => {
    expect(parseJsonBody(response(text))).toBeUndefined();
  });
});

describe('send inside an invocation (withDeadline)', () => {
  const NOW = new Date('2026-11-22T08:30:00.000Z');

  beforeEach(() => {
    // Date only: the time left is exact, the timeout signal still runs on real timers.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the reserve free: the time left is the remaining time less RESERVED_MS', async () => {
    expect(timeLeftMs()).toBeUndefined();
    await expect(withDeadline(10_000, async () => timeLeftMs())).resolves.toBe(10_000 - RESERVED_MS);
    expect(timeLeftMs()).toBeUndefined();
  });

  it('refuses with Hub.Unavailable before calling the system when the attempt has run out of time', async () => {
    http.on('POST', '/salesOrder', { status: 204 });

    const failure = withDeadline(RESERVED_MS + 100, () =>
      send({ system: 'NetSuite', method: 'POST', url: 'https://ns.example/salesOrder?x=1', body: '{}' }),
    );

    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toMatchObject({
      name: 'Hub.Unavailable',
      message: 'NetSuite was not called (POST /salesOrder): this attempt ran out of time',
    });
    expect(http.requests).toHaveLength(0);
  });

  it('refuses when the invocation has less time than its reserve', async () => {
    http.on('GET', '/ok', { status: 200, text: '' });

    await expect(
      withDeadline(1_000, () => send({ system: 'X', method: 'GET', url: 'https://x.example/ok' })),
    ).rejects.toThrow('X was not called (GET /ok): this attempt ran out of time');
    expect(http.requests).toHaveLength(0);
  });

  it('still calls with the minimum of 250 ms left', async () => {
    http.on('GET', '/ok', { status: 200, text: 'fine' });

    const response = await withDeadline(RESERVED_MS + 250, () =>
      send({ system: 'X', method: 'GET', url: 'https://x.example/ok' }),
    );

    expect(response.text).toBe('fine');
    expect(http.requests).toHaveLength(1);
  });

  it('bounds the call by the time left when that is less than the default 15 s', async () => {
    http.on('GET', '/slow', timedOut());

    await expect(
      withDeadline(RESERVED_MS + 4_000, () =>
        send({ system: 'NetSuite', method: 'GET', url: 'https://ns.example/slow' }),
      ),
    ).rejects.toThrow('NetSuite could not be reached (GET /slow: no answer within 4000 ms)');
  });

  it('bounds the call by the time left when that is less than the timeout asked for', async () => {
    http.on('GET', '/slow', timedOut());

    await expect(
      withDeadline(RESERVED_MS + 2_500, () =>
        send({ system: 'NetSuite', method: 'GET', url: 'https://ns.example/slow', timeoutMs: 10_000 }),
      ),
    ).rejects.toThrow('no answer within 2500 ms');
  });

  it('waits no longer than the default 15 s when the invocation has more time', async () => {
    http.on('GET', '/slow', timedOut());

    await expect(
      withDeadline(900_000, () => send({ system: 'NetSuite', method: 'GET', url: 'https://ns.example/slow' })),
    ).rejects.toThrow('no answer within 15000 ms');
  });

  it('keeps a shorter timeout asked for', async () => {
    http.on('GET', '/slow', timedOut());

    await expect(
      withDeadline(900_000, () =>
        send({ system: 'NetSuite', method: 'GET', url: 'https://ns.example/slow', timeoutMs: 1_500 }),
      ),
    ).rejects.toThrow('no answer within 1500 ms');
  });

  it('counts down as the invocation goes on', async () => {
    http.on('GET', '/slow', timedOut());

    const failure = withDeadline(RESERVED_MS + 5_000, async () => {
      vi.setSystemTime(NOW.getTime() + 3_000);
      return send({ system: 'NetSuite', method: 'GET', url: 'https://ns.example/slow' });
    });

    await expect(failure).rejects.toThrow('no answer within 2000 ms');
  });

  it('gives each concurrent invocation its own deadline', async () => {
    const [short, long] = await Promise.all([
      withDeadline(RESERVED_MS + 1_000, async () => {
        await Promise.resolve();
        return timeLeftMs();
      }),
      withDeadline(RESERVED_MS + 9_000, async () => timeLeftMs()),
    ]);

    expect([short, long]).toEqual([1_000, 9_000]);
  });
});

describe('parseBody and parseValue', () => {
  const schema = z.object({
    id: z.string(),
    tranId: z.string(),
    item: z.object({ items: z.array(z.object({ quantity: z.number() })) }),
  });
  const response = (text: string) => ({ status: 200, headers: new Headers(), text });

  it('returns the parsed body when it has the documented shape', () => {
    const body = { id: '5123', tranId: 'SO1042', item: { items: [{ quantity: 25 }] } };

    expect(parseBody(response(JSON.stringify(body)), schema, 'NetSuite', 'GET /salesOrder/5123')).toEqual(body);
  });

  it('refuses a body of another shape as SYSTEM_RESPONSE_INVALID, naming the field paths', () => {
    const body = { id: 5123, item: { items: [{ quantity: '25' }] } };

    let failure: unknown;
    try {
      parseBody(response(JSON.stringify(body)), schema, 'NetSuite', 'GET /salesOrder/5123');
    } catch (error) {
      failure = error;
    }

    expect(failure).toBeInstanceOf(UnexpectedResponseError);
    expect(failure).toMatchObject({ name: 'SYSTEM_RESPONSE_INVALID', code: 'SYSTEM_RESPONSE_INVALID' });
    const message = (failure as Error).message;
    expect(message).toMatch(/^NetSuite answered GET \/salesOrder\/5123 in a form the hub does not understand \(/);
    expect(message).toContain('id: ');
    expect(message).toContain('tranId: ');
    expect(message).toContain('item.items.0.quantity: ');
  });

  it('names at most three problems', () => {
    const wide = z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string() });

    const failure = () => parseValue({}, wide, 'Odoo', 'call res.partner');

    expect(failure).toThrow(/\(a: .*; b: .*; c: [^;]*\)\.$/);
    expect(failure).not.toThrow(/d: /);
  });

  it('calls a body that is not JSON "body"', () => {
    expect(() => parseBody(response('<html>Bad Gateway</html>'), schema, 'SAP S/4HANA', 'GET /A_SalesOrder')).toThrow(
      /^SAP S\/4HANA answered GET \/A_SalesOrder in a form the hub does not understand \(body: /,
    );
  });
});

describe('retryAfterSeconds', () => {
  const NOW = new Date('2026-11-22T08:30:00.000Z');

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  const headers = (value?: string) => new Headers(value === undefined ? {} : { 'Retry-After': value });

  it.each([
    ['120', 120],
    ['0', 0],
    ['1.5', 1.5],
  ])('reads delta-seconds %j as %d', (value, seconds) => {
    expect(retryAfterSeconds(headers(value))).toBe(seconds);
  });

  it('reads an HTTP date as the seconds until then', () => {
    expect(retryAfterSeconds(headers('Sun, 22 Nov 2026 08:31:30 GMT'))).toBe(90);
  });

  it('rounds an HTTP date up to whole seconds', () => {
    vi.setSystemTime(NOW.getTime() + 400);

    expect(retryAfterSeconds(headers('Sun, 22 Nov 2026 08:31:30 GMT'))).toBe(90);
  });

  it('gives 0 for an HTTP date already past', () => {
    expect(retryAfterSeconds(headers('Sun, 22 Nov 2026 08:00:00 GMT'))).toBe(0);
  });

  it('gives 0 for negative seconds', () => {
    expect(retryAfterSeconds(headers('-5'))).toBe(0);
  });

  it('gives undefined when there is no header', () => {
    expect(retryAfterSeconds(headers())).toBeUndefined();
  });

  it.each(['soon', 'in a minute', ''])('gives undefined for %j', (value) => {
    expect(retryAfterSeconds(headers(value))).toBeUndefined();
  });
});
