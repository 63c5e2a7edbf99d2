import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { SapClient } from '../../../../../functions/connectors/sap-s4hana/client';
import { apiError, throttling } from '../../../../../functions/connectors/sap-s4hana/errors';
import type { HttpResponse } from '../../../../../functions/platform/http';
import { FakeHttp } from '../../support/fake-http';
import { mockSecretsManager } from '../../support/secrets';

const SECRET_ID = 'hub/sap-s4hana/api';
const ORIGIN = 'https://my300000-api.s4hana.cloud.sap';
const TOKEN = '/sap/bc/sec/oauth2/token';
const SERVICE_ROOT = '/sap/opu/odata/sap/API_SALES_ORDER_SRV/';
const ORDERS = '/sap/opu/odata/sap/API_SALES_ORDER_SRV/A_SalesOrder';

const secrets = mockSecretsManager();
let http: FakeHttp;

const tokenAnswer = { status: 200, json: { access_token: 'token-1', token_type: 'Bearer', expires_in: '3600' } };
const csrfAnswer = {
  status: 200,
  json: { d: { EntitySets: [] } },
  headers: { 'x-csrf-token': 'csrf-1', 'set-cookie': 'SAP_SESSIONID_S4H_100=abc; path=/' },
};

function response(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: new Headers(headers), text: typeof body === 'string' ? body : JSON.stringify(body) };
}

beforeEach(() => {
  secrets.reset();
  secrets.put(SECRET_ID, { baseUrl: ORIGIN, clientId: 'HUB COMM+USER', clientSecret: 'p@ss:word', sapClient: '100' });
  http = new FakeHttp().install();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('SapClient', () => {
  it('authenticates the token request with the form-encoded id and secret, and sends sap-client everywhere', async () => {
    http.on('POST', TOKEN, tokenAnswer).on('GET', ORDERS, { status: 200, json: { d: { results: [] } } });

    await new SapClient(SECRET_ID).get('API_SALES_ORDER_SRV', 'A_SalesOrder?$top=1', z.unknown());

    const [tokenRequest, read] = http.requests;
    expect(tokenRequest.headers.authorization).toBe(
      `Basic ${Buffer.from('HUB%20COMM%2BUSER:p%40ss%3Aword').toString('base64')}`,
    );
    expect(tokenRequest.body).toBe('grant_type=client_credentials');
    expect(tokenRequest.url.searchParams.get('sap-client')).toBe('100');
    expect(read.url.searchParams.get('sap-client')).toBe('100');
    expect(read.url.searchParams.get('$top')).toBe('1');
    expect(read.headers.authorization).toBe('Bearer token-1');
  });

  it('sends the CSRF token with the session cookies of the fetch that issued it', async () => {
    http
      .on('POST', TOKEN, tokenAnswer)
      .on('GET', SERVICE_ROOT, csrfAnswer)
      .on('POST', ORDERS, { status: 201, json: { d: {} } });

    await new SapClient(SECRET_ID).write('POST', 'API_SALES_ORDER_SRV', 'A_SalesOrder', {});

    expect(http.to('GET', SERVICE_ROOT)[0].headers['x-csrf-token']).toBe('Fetch');
    expect(http.to('POST', ORDERS)[0].headers).toMatchObject({
      'x-csrf-token': 'csrf-1',
      cookie: 'SAP_SESSIONID_S4H_100=abc',
    });
  });

  it('gives up with CONNECTION_REJECTED when a freshly fetched CSRF token is refused too', async () => {
    const refused = { status: 403, text: 'CSRF token validation failed', headers: { 'x-csrf-token': 'Required' } };
    http.on('POST', TOKEN, tokenAnswer).on('GET', SERVICE_ROOT, csrfAnswer).on('POST', ORDERS, refused);

    const error = await new SapClient(SECRET_ID)
      .write('POST', 'API_SALES_ORDER_SRV', 'A_SalesOrder', {})
      .catch((e: Error) => e);

    expect(error).toMatchObject({
      name: 'CONNECTION_REJECTED',
      message: expect.stringContaining('drops the session cookies'),
    });
    expect(http.to('GET', SERVICE_ROOT)).toHaveLength(2);
    expect(http.to('POST', ORDERS)).toHaveLength(2);
  });

  it('takes a logon page answered with 200 for what it is: the arrangement does not take the token', async () => {
    http
      .on('POST', TOKEN, tokenAnswer)
      .on('GET', ORDERS, { status: 200, text: '<html>Logon</html>', headers: { 'content-type': 'text/html' } });

    const error = await new SapClient(SECRET_ID)
      .get('API_SALES_ORDER_SRV', 'A_SalesOrder', z.unknown())
      .catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'CONNECTION_REJECTED', message: expect.stringContaining('logon page') });
  });

  it('renews the token once on 401, then reports CONNECTION_REJECTED', async () => {
    http.on('POST', TOKEN, tokenAnswer).on('GET', ORDERS, { status: 401, text: 'Logon failed' });

    const error = await new SapClient(SECRET_ID)
      .get('API_SALES_ORDER_SRV', 'A_SalesOrder', z.unknown())
      .catch((e: Error) => e);

    expect(error).toMatchObject({ name: 'CONNECTION_REJECTED', message: expect.stringContaining(SECRET_ID) });
    expect(http.to('POST', TOKEN)).toHaveLength(2);
  });
});

describe('classifying answers', () => {
  it('reads SAP’s error body, and keeps a short text of any other', () => {
    const sap = apiError(
      response(400, {
        error: {
          code: 'V1/392',
          message: { lang: 'en', value: 'Material X is not defined' },
          innererror: {
            errordetails: [
              {
                code: 'V1/392',
                message: 'Material X is not defined',
                propertyref: '',
                severity: 'error',
                target: 'Material',
              },
            ],
          },
        },
      }),
      'POST x',
    );
    const other = apiError(response(400, '<html><body>Bad request</body></html>'), 'POST x');

    expect(sap).toMatchObject({
      status: 400,
      code: 'V1/392',
      text: 'Material X is not defined',
      details: [{ code: 'V1/392', target: 'Material', severity: 'error' }],
    });
    expect(other).toMatchObject({ code: 'HTTP_400', text: 'Bad request' });
  });

  it('takes 429 with Retry-After and API Management rate limit faults (even as 500) as throttling', () => {
    const gateway = throttling(response(429, 'Too Many Requests', { 'retry-after': '17' }), 'GET x');
    const spike = throttling(
      response(500, {
        fault: {
          faultstring: 'Spike arrest violation. Allowed rate : 10ps',
          detail: { errorcode: 'policies.ratelimit.SpikeArrestViolation' },
        },
      }),
      'GET x',
    );
    const quota = throttling(
      response(429, {
        fault: {
          faultstring: 'Rate limit quota violation',
          detail: { errorcode: 'policies.ratelimit.QuotaViolation' },
        },
      }),
      'GET x',
    );

    expect(gateway).toMatchObject({ name: 'Hub.Throttled', retryAfterSeconds: 17 });
    expect(spike).toMatchObject({ name: 'Hub.Throttled', message: expect.stringContaining('Spike arrest violation') });
    expect(quota?.name).toBe('Hub.Throttled');
    expect(throttling(response(500, { error: { code: 'X', message: { value: 'dump' } } }), 'GET x')).toBeUndefined();
  });
});
