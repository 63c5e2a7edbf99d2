import { constants, generateKeyPairSync, verify } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clientAssertion, requestToken, tokenUrl } from '../../../../../functions/connectors/netsuite/auth';
import { BusinessException, ThrottledError, UnavailableError } from '../../../../../functions/domain/errors';
import { FakeHttp } from '../../support/fake-http';
import { fixtureJson } from '../../support/fixtures';
import { decodeJwt, integrationKeys, NETSUITE_ORIGIN, netSuiteCredentials, TOKEN_PATH } from '../../support/netsuite';

const NOW = new Date('2026-11-22T08:30:00.000Z');
const AUDIENCE = `${NETSUITE_ORIGIN}${TOKEN_PATH}`;
const SECRET_ID = 'hub/netsuite/api';

function pssVerify(signingInput: string, signature: Buffer, key = integrationKeys().publicKey): boolean {
  return verify(
    'sha256',
    Buffer.from(signingInput),
    { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
    signature,
  );
}

describe('tokenUrl', () => {
  it('is the OAuth 2.0 token endpoint of the account', () => {
    expect(tokenUrl(NETSUITE_ORIGIN)).toBe(AUDIENCE);
  });
});

describe('clientAssertion', () => {
  it('is a JWT with a PS256 header naming the certificate', () => {
    const jwt = clientAssertion(netSuiteCredentials(), AUDIENCE, NOW.getTime());

    expect(jwt.split('.')).toHaveLength(3);
    expect(decodeJwt(jwt).header).toEqual({
      alg: 'PS256',
      typ: 'JWT',
      kid: 'pYmL0nWq3xJ7kS2dR9tF1vB6hC8aE4gU5iO0zX7yT3c',
    });
  });

  it('claims the integration, the token endpoint, rest_webservices and a one-hour lifetime', () => {
    const jwt = clientAssertion(netSuiteCredentials(), AUDIENCE, NOW.getTime() + 999);

    const { payload } = decodeJwt(jwt);

    const issuedAt = NOW.getTime() / 1000;
    expect(payload).toEqual({
      iss: 'b5a4c1d2e3f40718293a4b5c6d7e8f90b5a4c1d2e3f40718293a4b5c6d7e8f90',
      scope: ['rest_webservices'],
      aud: AUDIENCE,
      iat: issuedAt,
      exp: issuedAt + 3600,
      jti: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
    });
  });

  it('is signed RSASSA-PSS with SHA-256 by the certificate key (verifiable with its public key)', () => {
    const { signingInput, signature } = decodeJwt(clientAssertion(netSuiteCredentials(), AUDIENCE, NOW.getTime()));

    expect(signature).toHaveLength(256);
    expect(pssVerify(signingInput, signature)).toBe(true);
  });

  it('does not verify with another key or once the payload is altered', () => {
    const { signingInput, signature } = decodeJwt(clientAssertion(netSuiteCredentials(), AUDIENCE, NOW.getTime()));
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const [header] = signingInput.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ iss: 'someone-else' })).toString('base64url')}`;

    expect(pssVerify(signingInput, signature, other)).toBe(false);
    expect(pssVerify(forged, signature)).toBe(false);
  });

  it('uses a new jti for every assertion so NetSuite cannot see a replay', () => {
    const first = decodeJwt(clientAssertion(netSuiteCredentials(), AUDIENCE, NOW.getTime())).payload.jti;
    const second = decodeJwt(clientAssertion(netSuiteCredentials(), AUDIENCE, NOW.getTime())).payload.jti;

    expect(second).not.toBe(first);
  });

  it('refuses a private key that is not a key', () => {
    const credentials = netSuiteCredentials({
      privateKeyPem: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----',
    });

    expect(() => clientAssertion(credentials, AUDIENCE)).toThrow();
  });
});

describe('requestToken', () => {
  let http: FakeHttp;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    http = new FakeHttp().install();
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('exchanges a signed assertion for a bearer token', async () => {
    http.on('POST', TOKEN_PATH, { status: 200, json: fixtureJson('netsuite/token-response.json') });

    const token = await requestToken(netSuiteCredentials(), NETSUITE_ORIGIN, SECRET_ID);

    expect(token.value).toBe(fixtureJson<{ access_token: string }>('netsuite/token-response.json').access_token);
    const [request] = http.requests;
    expect(request.url.href).toBe(AUDIENCE);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(request.body);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const assertion = decodeJwt(form.get('client_assertion') ?? '');
    expect(assertion.payload.aud).toBe(AUDIENCE);
    expect(pssVerify(assertion.signingInput, assertion.signature)).toBe(true);
  });

  it('expires the token a minute before NetSuite does ("expires_in" as NetSuite sends it, a string)', async () => {
    http.on('POST', TOKEN_PATH, {
      status: 200,
      json: { access_token: 'abc', expires_in: '3600', token_type: 'bearer' },
    });

    const token = await requestToken(netSuiteCredentials(), NETSUITE_ORIGIN, SECRET_ID);

    expect(token.expiresAt).toBe(NOW.getTime() + 3_540_000);
  });

  it('honours a numeric expires_in and assumes an hour when it is missing', async () => {
    http.on(
      'POST',
      TOKEN_PATH,
      { status: 200, json: { access_token: 'abc', expires_in: 900 } },
      { status: 200, json: { access_token: 'def' } },
    );

    const short = await requestToken(netSuiteCredentials(), NETSUITE_ORIGIN, SECRET_ID);
    const unspecified = await requestToken(netSuiteCredentials(), NETSUITE_ORIGIN, SECRET_ID);

    expect(short.expiresAt).toBe(NOW.getTime() + 840_000);
    expect(unspecified.expiresAt).toBe(NOW.getTime() + 3_540_000);
  });

  it('reports a 400 as CONNECTION_REJECTED naming the OAuth error and the secret', async () => {
    http.on('POST', TOKEN_PATH, { status: 400, json: fixtureJson('netsuite/token-error.json') });

    const failure = requestToken(netSuiteCredentials(), NETSUITE_ORIGIN, SECRET_ID);

    await expect(failure).rejects.toBeInstanceOf(BusinessException);
    await expect(failure).rejects.toMatchObject({
      name: 'CONNECTION_REJECTED',
      message:
        "NetSuite refused the hub's token request (invalid_grant); check clientId, certificateId and the private key in secret hub/netsuite/api, and that the certificate is mapped to the integration in NetSuite.",
    });
  });

  it('names the HTTP status when the refusal has no OAuth error', async () => {
    http.on('POST', TOKEN_PATH, { status: 401, text: '' });

    await expect(requestToken(netSuiteCredentials(), NETSUITE_ORIGIN, SECRET_ID)).rejects.toThrow(
      "NetSuite refused the hub's token request (HTTP 401)",
    );
  });

  it('treats a 200 without access_token as a refusal', async () => {
    http.on('POST', TOKEN_PATH, { status: 200, json: { token_type: 'bearer' } });

    await expect(requestToken(netSuiteCredentials(), NETSUITE_ORIGIN, SECRET_ID)).rejects.toMatchObject({
      name: 'CONNECTION_REJECTED',
    });
  });

  it('reports HTTP 429 from the token endpoint as Hub.Throttled, with the wait NetSuite asks for', async () => {
    http.on('POST', TOKEN_PATH, {
      status: 429,
      headers: { 'retry-after': '7' },
      json: fixtureJson('netsuite/error-concurrency-limit.json'),
    });

    const failure = requestToken(netSuiteCredentials(), NETSUITE_ORIGIN, SECRET_ID);

    await expect(failure).rejects.toBeInstanceOf(ThrottledError);
    await expect(failure).rejects.toMatchObject({ retryAfterSeconds: 7 });
  });

  it.each([500, 503])('reports HTTP %i from the token endpoint as Hub.Unavailable', async (status) => {
    http.on('POST', TOKEN_PATH, { status, json: fixtureJson('netsuite/error-unavailable.json') });

    const failure = requestToken(netSuiteCredentials(), NETSUITE_ORIGIN, SECRET_ID);

    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toThrow(`NetSuite token endpoint answered HTTP ${status}`);
  });
});
