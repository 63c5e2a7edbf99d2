import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { SalesforceApiError, SalesforceClient } from '../../../../../functions/connectors/salesforce/client';
import { BusinessException, ThrottledError, UnavailableError } from '../../../../../functions/domain/errors';
import { connectionRefused, FakeHttp, timedOut } from '../../support/fake-http';
import { fixtureJson } from '../../support/fixtures';
import { mockSecretsManager } from '../../support/secrets';

const SECRET_ID = 'hub/salesforce/api';
const LOGIN_URL = 'https://acme.my.salesforce.com';
const TOKEN_PATH = '/services/oauth2/token';
const QUERY_PATH = '/services/data/v62.0/query';
const OPPORTUNITY_PATH = '/services/data/v62.0/sobjects/Opportunity/0065g00000AbCdEAAZ';
const ROW = z.looseObject({ Id: z.string() });
const SOQL = "SELECT Id, Name FROM Opportunity WHERE Id = '0065g00000AbCdEAAZ'";

const secrets = mockSecretsManager();
let http: FakeHttp;

const tokenAnswer = (accessToken: string) => ({
  status: 200,
  json: { ...fixtureJson<object>('salesforce/token-response.json'), access_token: accessToken },
});
const rows = { status: 200, json: { totalSize: 1, done: true, records: [{ Id: '0065g00000AbCdEAAZ', Name: 'Deal' }] } };
const errorAnswer = (status: number, fixture: string) => ({ status, json: fixtureJson(`salesforce/${fixture}`) });

beforeEach(() => {
  secrets.reset();
  secrets.put(SECRET_ID, { loginUrl: LOGIN_URL, clientId: '3MVG9fake.client.id', clientSecret: 'fake-client-secret' });
  http = new FakeHttp().install();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the call succeeded');
}

describe('SalesforceClient session', () => {
  it('logs in with the client-credentials flow, then queries with the bearer token', async () => {
    http.on('POST', TOKEN_PATH, tokenAnswer('token-1')).on('GET', QUERY_PATH, rows);
    const client = new SalesforceClient(SECRET_ID);

    const records = await client.query(SOQL, ROW);

    expect(records).toEqual([{ Id: '0065g00000AbCdEAAZ', Name: 'Deal' }]);
    const [login] = http.to('POST', TOKEN_PATH);
    expect(login.url.origin).toBe(LOGIN_URL);
    expect(login.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(login.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: '3MVG9fake.client.id',
      client_secret: 'fake-client-secret',
    });
    const [query] = http.to('GET', QUERY_PATH);
    expect(query.url.origin).toBe('https://acme.my.salesforce.com');
    expect(query.url.searchParams.get('q')).toBe(SOQL);
    expect(query.headers.authorization).toBe('Bearer token-1');
    expect(query.headers.accept).toBe('application/json');
    expect(query.headers['content-type']).toBeUndefined();
  });

  it('uses the instance URL from the token answer and the API version from the secret', async () => {
    secrets.put(SECRET_ID, { loginUrl: LOGIN_URL, clientId: 'id', clientSecret: 'secret', apiVersion: '61.0' });
    http
      .on('POST', TOKEN_PATH, {
        status: 200,
        json: { access_token: 't', instance_url: 'https://acme--uat.sandbox.my.salesforce.com' },
      })
      .on('GET', '/services/data/v61.0/query', rows);

    await new SalesforceClient(SECRET_ID).query(SOQL, ROW);

    expect(http.requests.at(-1)?.url.origin).toBe('https://acme--uat.sandbox.my.salesforce.com');
  });

  it('keeps the session for later calls instead of logging in again', async () => {
    http.on('POST', TOKEN_PATH, tokenAnswer('token-1')).on('GET', QUERY_PATH, rows);
    const client = new SalesforceClient(SECRET_ID);

    await client.query(SOQL, ROW);
    await client.query(SOQL, ROW);

    expect(http.to('POST', TOKEN_PATH)).toHaveLength(1);
    expect(http.to('GET', QUERY_PATH).map((r) => r.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
    ]);
    expect(secrets.reads(SECRET_ID)).toBe(1);
  });

  it('logs in once for calls made in parallel', async () => {
    http.on('POST', TOKEN_PATH, tokenAnswer('token-1')).on('GET', QUERY_PATH, rows);
    const client = new SalesforceClient(SECRET_ID);

    await Promise.all([client.query(SOQL, ROW), client.query(SOQL, ROW), client.query(SOQL, ROW)]);

    expect(http.to('POST', TOKEN_PATH)).toHaveLength(1);
    expect(http.to('GET', QUERY_PATH)).toHaveLength(3);
  });

  it('follows nextRecordsUrl until the query result is done', async () => {
    const nextPath = '/services/data/v62.0/query/01gD0000002HU6KIAW-2000';
    http
      .on('POST', TOKEN_PATH, tokenAnswer('token-1'))
      .on('GET', QUERY_PATH, {
        status: 200,
        json: { totalSize: 3, done: false, nextRecordsUrl: nextPath, records: [{ Id: 'a' }, { Id: 'b' }] },
      })
      .on('GET', nextPath, { status: 200, json: { totalSize: 3, done: true, records: [{ Id: 'c' }] } });

    const records = await new SalesforceClient(SECRET_ID).query(SOQL, ROW);

    expect(records.map((r) => r.Id)).toEqual(['a', 'b', 'c']);
    expect(http.to('GET', nextPath)).toHaveLength(1);
  });

  it('reports a query answer without records as SYSTEM_RESPONSE_INVALID, naming the field', async () => {
    http.on('POST', TOKEN_PATH, tokenAnswer('token-1')).on('GET', QUERY_PATH, { status: 200, json: { done: true } });

    const error = await failure(new SalesforceClient(SECRET_ID).query(SOQL, ROW));

    expect(error.name).toBe('SYSTEM_RESPONSE_INVALID');
    expect(error.message).toMatch(
      /^Salesforce answered GET \/query \(Opportunity\) in a form the hub does not understand \(records: /,
    );
  });

  it('logs in again once when Salesforce says the session expired, and repeats the call', async () => {
    http
      .on('POST', TOKEN_PATH, tokenAnswer('token-1'), tokenAnswer('token-2'))
      .on('GET', QUERY_PATH, errorAnswer(401, 'error-invalid-session.json'), rows);
    const client = new SalesforceClient(SECRET_ID);

    const records = await client.query(SOQL, ROW);

    expect(records).toHaveLength(1);
    expect(http.to('POST', TOKEN_PATH)).toHaveLength(2);
    expect(http.to('GET', QUERY_PATH).map((r) => r.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('gives up with CONNECTION_REJECTED when the fresh session is refused too', async () => {
    http
      .on('POST', TOKEN_PATH, tokenAnswer('token-1'), tokenAnswer('token-2'))
      .on('GET', QUERY_PATH, errorAnswer(401, 'error-invalid-session.json'));

    const error = await failure(new SalesforceClient(SECRET_ID).query(SOQL, ROW));

    expect(error).toBeInstanceOf(BusinessException);
    expect(error.name).toBe('CONNECTION_REJECTED');
    expect(error.message).toBe(
      'Salesforce refused a fresh session for GET /query (INVALID_SESSION_ID); check the connected app and integration user in secret hub/salesforce/api.',
    );
    expect(http.to('GET', QUERY_PATH)).toHaveLength(2);
  });

  it('reports a refused login as CONNECTION_REJECTED naming the reason and the secret', async () => {
    http.on('POST', TOKEN_PATH, errorAnswer(400, 'token-error.json'));

    const error = await failure(new SalesforceClient(SECRET_ID).query(SOQL, ROW));

    expect(error.name).toBe('CONNECTION_REJECTED');
    expect(error.message).toBe(
      "Salesforce refused the hub's login (invalid_client: invalid client credentials); check clientId, clientSecret and loginUrl in secret hub/salesforce/api.",
    );
    expect(http.to('GET', QUERY_PATH)).toHaveLength(0);
  });

  it('treats a 200 login answer without token or instance URL as a refusal', async () => {
    http.on('POST', TOKEN_PATH, { status: 200, json: { access_token: 'token-1' } });

    const error = await failure(new SalesforceClient(SECRET_ID).query(SOQL, ROW));

    expect(error.name).toBe('CONNECTION_REJECTED');
    expect(error.message).toContain('(200: no reason given)');
  });

  it('does not keep a failed login: the next call tries again', async () => {
    http
      .on('POST', TOKEN_PATH, errorAnswer(400, 'token-error.json'), tokenAnswer('token-1'))
      .on('GET', QUERY_PATH, rows);
    const client = new SalesforceClient(SECRET_ID);

    await expect(client.query(SOQL, ROW)).rejects.toThrow(BusinessException);
    await expect(client.query(SOQL, ROW)).resolves.toHaveLength(1);
    expect(http.to('POST', TOKEN_PATH)).toHaveLength(2);
  });

  it('reports a failing token endpoint as unavailable, not as refused credentials', async () => {
    http.on('POST', TOKEN_PATH, { status: 503, text: 'Service Unavailable' });

    const error = await failure(new SalesforceClient(SECRET_ID).query(SOQL, ROW));

    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toBe('Salesforce failed POST /services/oauth2/token with HTTP 503');
  });

  it('names the missing keys of a malformed secret', async () => {
    secrets.put(SECRET_ID, { loginUrl: LOGIN_URL, clientId: 'id' });

    const error = await failure(new SalesforceClient(SECRET_ID).query(SOQL, ROW));

    expect(error.message).toBe(
      'Secret hub/salesforce/api does not have the expected JSON keys (clientSecret); put the JSON the README shows for this system.',
    );
    expect(http.requests).toHaveLength(0);
  });
});

describe('SalesforceClient answers', () => {
  beforeEach(() => {
    http.on('POST', TOKEN_PATH, tokenAnswer('token-1'));
  });

  it('updates a record with a JSON PATCH and accepts the 204', async () => {
    http.on('PATCH', OPPORTUNITY_PATH, { status: 204 });

    await new SalesforceClient(SECRET_ID).update('Opportunity', '0065g00000AbCdEAAZ', { ERP_Sync_Status__c: 'Synced' });

    const [patch] = http.to('PATCH', OPPORTUNITY_PATH);
    expect(patch.headers['content-type']).toBe('application/json');
    expect(JSON.parse(patch.body ?? '')).toEqual({ ERP_Sync_Status__c: 'Synced' });
  });

  it('turns 429 into Hub.Throttled', async () => {
    http.on('GET', QUERY_PATH, { status: 429, text: '' });

    const error = await failure(new SalesforceClient(SECRET_ID).query(SOQL, ROW));

    expect(error).toBeInstanceOf(ThrottledError);
    expect(error.name).toBe('Hub.Throttled');
    expect(error.message).toBe('Salesforce throttled GET /query (429)');
  });

  it.each([500, 502, 503])('turns HTTP %i into Hub.Unavailable', async (status) => {
    http.on('PATCH', OPPORTUNITY_PATH, { status, text: '<html>Maintenance</html>' });

    const error = await failure(new SalesforceClient(SECRET_ID).update('Opportunity', '0065g00000AbCdEAAZ', {}));

    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.name).toBe('Hub.Unavailable');
    expect(error.message).toBe(`Salesforce failed PATCH /sobjects/Opportunity/0065g00000AbCdEAAZ with HTTP ${status}`);
  });

  it('turns a refused connection into Hub.Unavailable naming the cause', async () => {
    http.on('GET', QUERY_PATH, connectionRefused());

    const error = await failure(new SalesforceClient(SECRET_ID).query(SOQL, ROW));

    expect(error.name).toBe('Hub.Unavailable');
    expect(error.message).toBe('Salesforce could not be reached (GET /services/data/v62.0/query: ECONNREFUSED)');
  });

  it('turns a timeout into Hub.Unavailable saying how long it waited', async () => {
    http.on('GET', QUERY_PATH, timedOut());

    const error = await failure(new SalesforceClient(SECRET_ID).query(SOQL, ROW));

    expect(error.name).toBe('Hub.Unavailable');
    expect(error.message).toBe(
      'Salesforce could not be reached (GET /services/data/v62.0/query: no answer within 15000 ms)',
    );
  });

  it('turns the daily API limit into CRM_API_LIMIT_REACHED', async () => {
    http.on('GET', QUERY_PATH, errorAnswer(403, 'error-request-limit-daily.json'));

    const error = await failure(new SalesforceClient(SECRET_ID).query(SOQL, ROW));

    expect(error).toBeInstanceOf(BusinessException);
    expect(error.name).toBe('CRM_API_LIMIT_REACHED');
    expect(error.message).toBe('Salesforce refused GET /query: TotalRequests Limit exceeded.');
  });

  it('turns the concurrent-request limit into Hub.Throttled, which is retried soon', async () => {
    http.on('GET', QUERY_PATH, errorAnswer(403, 'error-request-limit-concurrent.json'));

    const error = await failure(new SalesforceClient(SECRET_ID).query(SOQL, ROW));

    expect(error).toBeInstanceOf(ThrottledError);
    expect(error.message).toContain('ConcurrentPerOrgLongTxn Limit exceeded.');
  });

  it('hands other 4xx answers to the caller as SalesforceApiError with the error array', async () => {
    http.on('PATCH', OPPORTUNITY_PATH, errorAnswer(400, 'error-field-validation.json'));

    const error = await failure(new SalesforceClient(SECRET_ID).update('Opportunity', '0065g00000AbCdEAAZ', {}));

    expect(error).toBeInstanceOf(SalesforceApiError);
    const apiError = error as SalesforceApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.errors).toEqual(fixtureJson('salesforce/error-field-validation.json'));
    expect(apiError.hasCode('INVALID_FIELD')).toBe(true);
    expect(apiError.hasCode('ENTITY_IS_DELETED')).toBe(false);
    expect(apiError.message).toBe(
      "Salesforce answered 400: FIELD_CUSTOM_VALIDATION_EXCEPTION ERP order number can only be set by the integration user.; INVALID_FIELD No such column 'ERP_Sync_Message__c' on sobject of type Opportunity",
    );
  });

  it('keeps a 4xx body that is not an error array as an error named by its status', async () => {
    http.on('GET', QUERY_PATH, { status: 404, text: 'The requested resource does not exist' });

    const error = (await failure(new SalesforceClient(SECRET_ID).query(SOQL, ROW))) as SalesforceApiError;

    expect(error).toBeInstanceOf(SalesforceApiError);
    expect(error.errors).toEqual([{ errorCode: 'HTTP_404', message: 'The requested resource does not exist' }]);
  });
});
