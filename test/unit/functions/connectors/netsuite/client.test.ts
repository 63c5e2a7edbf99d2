import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NetSuiteApiError, NetSuiteClient } from '../../../../../functions/connectors/netsuite/client';
import { restBaseUrl } from '../../../../../functions/connectors/netsuite/credentials';
import { BusinessException, ThrottledError, UnavailableError } from '../../../../../functions/domain/errors';
import { FakeHttp } from '../../support/fake-http';
import { fixtureJson } from '../../support/fixtures';
import { decodeJwt, NETSUITE_ORIGIN, netSuiteCredentials, RECORD_PATH, TOKEN_PATH } from '../../support/netsuite';
import { mockSecretsManager } from '../../support/secrets';

const SECRET_ID = 'hub/netsuite/api';
const CUSTOMER_PATH = `${RECORD_PATH}/customer/3481`;
const NOW = new Date('2026-11-22T08:30:00.000Z');

const secrets = mockSecretsManager();
let http: FakeHttp;

const token = (value: string, expiresIn = '3600') => ({
  status: 200,
  json: { access_token: value, expires_in: expiresIn, token_type: 'bearer' },
});
const nsError = (status: number, fixture: string) => ({ status, json: fixtureJson(`netsuite/${fixture}`) });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  secrets.reset();
  secrets.put(SECRET_ID, netSuiteCredentials());
  http = new FakeHttp().install();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('restBaseUrl', () => {
  it('derives the SuiteTalk host from the account id, sandboxes included', () => {
    expect(restBaseUrl(netSuiteCredentials())).toBe('https://tstdrv1234567.suitetalk.api.netsuite.com');
    expect(restBaseUrl(netSuiteCredentials({ accountId: '1234567_SB1' }))).toBe(
      'https://1234567-sb1.suitetalk.api.netsuite.com',
    );
  });

  it('prefers a configured base URL, without its trailing slash', () => {
    expect(restBaseUrl(netSuiteCredentials({ baseUrl: 'http://netsuite.localhost:4002/' }))).toBe(
      'http://netsuite.localhost:4002',
    );
  });
});

describe('NetSuiteClient.record', () => {
  it('gets a token, then calls the record API with it and returns the parsed body', async () => {
    http
      .on('POST', TOKEN_PATH, token('token-1'))
      .on('GET', CUSTOMER_PATH, { status: 200, json: fixtureJson('netsuite/customer.json') });

    const response = await new NetSuiteClient(SECRET_ID).record('GET', '/customer/3481');

    expect(response).toMatchObject({ status: 200, createdId: undefined });
    expect(JSON.parse(response.response.text)).toEqual(fixtureJson('netsuite/customer.json'));
    const [call] = http.to('GET', CUSTOMER_PATH);
    expect(call.url.origin).toBe(NETSUITE_ORIGIN);
    expect(call.headers.authorization).toBe('Bearer token-1');
    expect(call.headers.accept).toBe('application/json');
    expect(call.headers['content-type']).toBeUndefined();
    const assertion = decodeJwt(new URLSearchParams(http.to('POST', TOKEN_PATH)[0].body).get('client_assertion') ?? '');
    expect(assertion.payload.aud).toBe(`${NETSUITE_ORIGIN}${TOKEN_PATH}`);
  });

  it('sends a JSON body and reads the new record id from the Location of a 204', async () => {
    http.on('POST', TOKEN_PATH, token('token-1')).on('POST', `${RECORD_PATH}/salesOrder`, {
      status: 204,
      headers: { location: `${NETSUITE_ORIGIN}${RECORD_PATH}/salesOrder/5123` },
    });

    const response = await new NetSuiteClient(SECRET_ID).record('POST', '/salesOrder', { externalId: 'X' });

    expect(response).toMatchObject({ status: 204, createdId: '5123' });
    expect(response.response.text).toBe('');
    const [post] = http.to('POST', `${RECORD_PATH}/salesOrder`);
    expect(post.headers['content-type']).toBe('application/json');
    expect(JSON.parse(post.body ?? '')).toEqual({ externalId: 'X' });
  });

  it('reuses the token and the secret until shortly before the token expires', async () => {
    http.on('POST', TOKEN_PATH, token('token-1'), token('token-2')).on('GET', CUSTOMER_PATH, { status: 200, json: {} });
    const client = new NetSuiteClient(SECRET_ID);

    await client.record('GET', '/customer/3481');
    vi.setSystemTime(NOW.getTime() + 58 * 60_000);
    await client.record('GET', '/customer/3481');
    vi.setSystemTime(NOW.getTime() + 59 * 60_000 + 1);
    await client.record('GET', '/customer/3481');

    expect(http.to('GET', CUSTOMER_PATH).map((r) => r.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-2',
    ]);
    expect(secrets.reads(SECRET_ID)).toBe(1);
  });

  it('asks for one token when calls start in parallel', async () => {
    http.on('POST', TOKEN_PATH, token('token-1'), token('token-2')).on('GET', CUSTOMER_PATH, { status: 200, json: {} });
    const client = new NetSuiteClient(SECRET_ID);

    await Promise.all([client.record('GET', '/customer/3481'), client.record('GET', '/customer/3481')]);

    expect(http.to('POST', TOKEN_PATH)).toHaveLength(1);
    expect(http.to('GET', CUSTOMER_PATH).map((r) => r.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
    ]);
  });

  it('gets a fresh token once when NetSuite answers 401, and repeats the call', async () => {
    http
      .on('POST', TOKEN_PATH, token('token-1'), token('token-2'))
      .on('GET', CUSTOMER_PATH, nsError(401, 'error-invalid-login.json'), { status: 200, json: { id: '3481' } });

    const response = await new NetSuiteClient(SECRET_ID).record('GET', '/customer/3481');

    expect(JSON.parse(response.response.text)).toEqual({ id: '3481' });
    expect(http.to('GET', CUSTOMER_PATH).map((r) => r.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('gives up with CONNECTION_REJECTED when the fresh token is refused too', async () => {
    http
      .on('POST', TOKEN_PATH, token('token-1'), token('token-2'))
      .on('GET', CUSTOMER_PATH, nsError(401, 'error-invalid-login.json'));

    const failure = new NetSuiteClient(SECRET_ID).record('GET', '/customer/3481');

    await expect(failure).rejects.toBeInstanceOf(BusinessException);
    await expect(failure).rejects.toMatchObject({
      name: 'CONNECTION_REJECTED',
      message:
        'NetSuite refused a fresh token for GET /customer/3481 (INVALID_LOGIN); check the integration and role in secret hub/netsuite/api.',
    });
    expect(http.to('GET', CUSTOMER_PATH)).toHaveLength(2);
  });

  it('does not keep a failed token request: the next call asks again', async () => {
    http
      .on('POST', TOKEN_PATH, { status: 503, text: '' }, token('token-1'))
      .on('GET', CUSTOMER_PATH, { status: 200, json: {} });
    const client = new NetSuiteClient(SECRET_ID);

    await expect(client.record('GET', '/customer/3481')).rejects.toBeInstanceOf(UnavailableError);
    await expect(client.record('GET', '/customer/3481')).resolves.toMatchObject({ status: 200 });
    expect(http.to('POST', TOKEN_PATH)).toHaveLength(2);
  });

  it('reports a missing permission (403) as CONNECTION_REJECTED with NetSuite words', async () => {
    http
      .on('POST', TOKEN_PATH, token('token-1'))
      .on('POST', `${RECORD_PATH}/salesOrder`, nsError(403, 'error-insufficient-permission.json'));

    const failure = new NetSuiteClient(SECRET_ID).record('POST', '/salesOrder', {});

    await expect(failure).rejects.toMatchObject({
      name: 'CONNECTION_REJECTED',
      message:
        "NetSuite refused POST /salesOrder for the integration role (INSUFFICIENT_PERMISSION: Permission Violation: You need the 'Transactions -> Sales Order' permission to access this page. Please contact your account administrator.); grant the role the permission NetSuite names.",
    });
  });

  it('turns 429 (account concurrency limit) into Hub.Throttled', async () => {
    http
      .on('POST', TOKEN_PATH, token('token-1'))
      .on('GET', CUSTOMER_PATH, nsError(429, 'error-concurrency-limit.json'));

    const failure = new NetSuiteClient(SECRET_ID).record('GET', '/customer/3481');

    await expect(failure).rejects.toBeInstanceOf(ThrottledError);
    await expect(failure).rejects.toMatchObject({
      name: 'Hub.Throttled',
      message:
        'NetSuite throttled GET /customer/3481 (CONCURRENCY_LIMIT_EXCEEDED: Concurrent request limit exceeded. Request blocked.)',
    });
  });

  it('turns 5xx into Hub.Unavailable with NetSuite error details', async () => {
    http.on('POST', TOKEN_PATH, token('token-1')).on('GET', CUSTOMER_PATH, nsError(503, 'error-unavailable.json'));

    const failure = new NetSuiteClient(SECRET_ID).record('GET', '/customer/3481');

    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toThrow(
      'NetSuite failed GET /customer/3481 with HTTP 503 (SERVICE_UNAVAILABLE: The NetSuite service is temporarily unavailable. Try again later.)',
    );
  });

  it('describes a 5xx without NetSuite error body by its status and text', async () => {
    http.on('POST', TOKEN_PATH, token('token-1')).on('GET', CUSTOMER_PATH, { status: 502, text: 'Bad Gateway' });

    await expect(new NetSuiteClient(SECRET_ID).record('GET', '/customer/3481')).rejects.toThrow(
      'NetSuite failed GET /customer/3481 with HTTP 502 (HTTP_502: Bad Gateway)',
    );
  });

  it('hands other 4xx answers to the caller as NetSuiteApiError with the error details', async () => {
    http.on('POST', TOKEN_PATH, token('token-1')).on('GET', CUSTOMER_PATH, nsError(404, 'error-nonexistent-id.json'));

    const failure = new NetSuiteClient(SECRET_ID).record('GET', '/customer/3481');

    await expect(failure).rejects.toBeInstanceOf(NetSuiteApiError);
    const error = (await failure.catch((e: unknown) => e)) as NetSuiteApiError;
    expect(error.status).toBe(404);
    expect(error.details).toEqual(
      fixtureJson<{ 'o:errorDetails': unknown }>('netsuite/error-nonexistent-id.json')['o:errorDetails'],
    );
    expect(error.reasons).toBe('The record instance does not exist. Provide a valid record instance ID.');
    expect(error.message).toBe(
      'NetSuite answered 404: NONEXISTENT_ID The record instance does not exist. Provide a valid record instance ID.',
    );
  });

  it('names the missing keys of a malformed secret and calls nothing', async () => {
    secrets.put(SECRET_ID, { accountId: 'TSTDRV1234567', clientId: 'id', certificateId: 'kid', privateKeyPem: 'nope' });

    await expect(new NetSuiteClient(SECRET_ID).record('GET', '/customer/3481')).rejects.toThrow(
      'Secret hub/netsuite/api does not have the expected JSON keys (privateKeyPem)',
    );
    expect(http.requests).toHaveLength(0);
  });
});
