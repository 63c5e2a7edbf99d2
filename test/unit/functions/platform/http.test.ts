import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UnavailableError } from '../../../../functions/domain/errors';
import { parseJsonBody, send } from '../../../../functions/platform/http';
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
