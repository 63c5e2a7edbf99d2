import { constants, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../sandboxes/netsuite';

const CLIENT_ID = 'b1f5c3e0a9d84e7f9c2b6a1d3e5f7a9c';
const CERTIFICATE_ID = 'xK3pQ9rT2vW8yZ1aB4cD6eF8gH0jL2mN';
const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';
const RECORDS = '/services/rest/record/v1';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

interface AssertionOptions {
  alg?: string;
  key?: KeyObject;
  kid?: string;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
}

function signAssertion(sandbox: NetSuiteSandbox, options: AssertionOptions = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const alg = options.alg ?? 'PS256';
  const header = { alg, typ: 'JWT', kid: options.kid ?? CERTIFICATE_ID, ...options.header };
  const payload = {
    iss: CLIENT_ID,
    scope: ['rest_webservices'],
    aud: `${sandbox.url}${TOKEN_PATH}`,
    iat: now,
    exp: now + 3600,
    ...options.payload,
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = Buffer.from(`${encode(header)}.${encode(payload)}`);
  const key = options.key ?? rsa.privateKey;
  const signature =
    alg === 'ES256'
      ? sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' })
      : alg === 'RS256'
        ? sign('sha256', input, key)
        : sign('sha256', input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  return `${input.toString()}.${signature.toString('base64url')}`;
}

function requestToken(sandbox: NetSuiteSandbox, form: Record<string, string>): Promise<Response> {
  return fetch(`${sandbox.url}${TOKEN_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

function assertionForm(assertion: string): Record<string, string> {
  return {
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  };
}

async function getToken(sandbox: NetSuiteSandbox, options?: AssertionOptions): Promise<string> {
  const response = await requestToken(sandbox, assertionForm(signAssertion(sandbox, options)));
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

function call(
  sandbox: NetSuiteSandbox,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

interface ErrorBody {
  type: string;
  title: string;
  status: number;
  'o:errorDetails': { detail: string; 'o:errorCode': string; 'o:errorPath'?: string }[];
}

async function errorOf(response: Response): Promise<ErrorBody> {
  expect(response.headers.get('content-type')).toBe('application/vnd.oracle.resource+json; type=error');
  return (await response.json()) as ErrorBody;
}

async function expectError(response: Response, status: number, code: string, path?: string): Promise<ErrorBody> {
  expect(response.status).toBe(status);
  const body = await errorOf(response);
  expect(body.status).toBe(status);
  expect(body['o:errorDetails'][0]['o:errorCode']).toBe(code);
  if (path !== undefined) expect(body['o:errorDetails'][0]['o:errorPath']).toBe(path);
  return body;
}

async function control<T>(sandbox: NetSuiteSandbox, method: string, path: string, body?: unknown): Promise<T> {
  const response = await call(sandbox, undefined, method, `/_sandbox${path}`, body);
  expect(response.ok).toBe(true);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** Polls until `probe` yields a value; the sandbox's timers decide when, not the test. */
async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The fields the tests read from customer and sales order bodies. */
interface RecordBody {
  id: string;
  entityId: string;
  tranId: string;
  creditHoldOverride: { id: string; refName: string };
  addressBook: { items: { addressBookAddress: unknown }[] };
  item: { links: { href: string }[]; items: unknown[] };
}

async function readRecord(response: Response): Promise<RecordBody> {
  expect(response.status).toBe(200);
  return (await response.json()) as RecordBody;
}

const idFromLocation = (response: Response) => response.headers.get('location')?.split('/').pop() ?? '';

describe('NetSuite sandbox', () => {
  let sandbox: NetSuiteSandbox;
  let token: string;

  beforeAll(async () => {
    sandbox = await startNetSuiteSandbox({
      clients: [{ clientId: CLIENT_ID, certificateId: CERTIFICATE_ID, publicKeyPem: pem(rsa.publicKey) }],
    });
    token = await getToken(sandbox);
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  describe('OAuth 2.0 client credentials', () => {
    it('issues a bearer token for a PS256 assertion, with expires_in as a string', async () => {
      const response = await requestToken(sandbox, assertionForm(signAssertion(sandbox)));

      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ expires_in: '3600', token_type: 'bearer' });
      expect(body.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    });

    it('accepts ES256 from a certificate registered through the control API', async () => {
      await control(sandbox, 'POST', '/clients', {
        clientId: 'ec-client',
        certificateId: 'ec-cert',
        publicKeyPem: pem(ec.publicKey),
      });

      const assertion = signAssertion(sandbox, {
        alg: 'ES256',
        key: ec.privateKey,
        kid: 'ec-cert',
        payload: { iss: 'ec-client', scope: 'restlets,rest_webservices' },
      });
      const response = await requestToken(sandbox, assertionForm(assertion));

      expect(response.status).toBe(200);
    });

    it.each([
      ['a signature by another key', { key: otherRsa.privateKey }],
      ['a wrong audience', { payload: { aud: 'https://tstdrv1234567.suitetalk.api.netsuite.com/token' } }],
      ['an expired assertion', { payload: { iat: 1_700_000_000, exp: 1_700_003_600 } }],
      ['a lifetime over 60 minutes', { payload: { exp: Math.floor(Date.now() / 1000) + 7200 } }],
      ['an unknown certificate id', { kid: 'not-mapped' }],
      ['RS256, which NetSuite no longer lists', { alg: 'RS256' }],
      ['alg none', { header: { alg: 'none' } }],
    ])('answers 400 invalid_grant for %s', async (_case, options: AssertionOptions) => {
      const response = await requestToken(sandbox, assertionForm(signAssertion(sandbox, options)));

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'invalid_grant' });
    });

    it('answers invalid_client, invalid_scope, unsupported_grant_type and invalid_request', async () => {
      const unknownClient = signAssertion(sandbox, { payload: { iss: 'nobody' } });
      const noScope = signAssertion(sandbox, { payload: { scope: ['restlets'] } });
      const cases: [Record<string, string>, string][] = [
        [assertionForm(unknownClient), 'invalid_client'],
        [assertionForm(noScope), 'invalid_scope'],
        [{ ...assertionForm(signAssertion(sandbox)), grant_type: 'password' }, 'unsupported_grant_type'],
        [{ grant_type: 'client_credentials' }, 'invalid_request'],
        [assertionForm('not-a-jwt'), 'invalid_request'],
      ];

      for (const [form, error] of cases) {
        const response = await requestToken(sandbox, form);
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ error });
      }
    });

    it('refuses a JSON token request: NetSuite wants a form', async () => {
      const response = await fetch(`${sandbox.url}${TOKEN_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(assertionForm(signAssertion(sandbox))),
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'invalid_request' });
    });

    it('answers 401 INVALID_LOGIN without a bearer token or with a forged one', async () => {
      for (const bearer of [undefined, 'forged.token.value', `${token}x`]) {
        const response = await call(sandbox, bearer, 'GET', `${RECORDS}/customer/812`);
        const body = await expectError(response, 401, 'INVALID_LOGIN');
        expect(body.title).toBe('Unauthorized');
        expect(body.type).toBe('https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2');
        expect(body['o:errorDetails'][0].detail).toContain('Invalid login attempt.');
        expect(body['o:errorDetails'][0].detail).toContain('View Login Audit Trail');
      }
    });

    it('stops accepting a token once it expires', async () => {
      const shortLived = await startNetSuiteSandbox({
        tokenTtlSeconds: 1,
        clients: [{ clientId: CLIENT_ID, certificateId: CERTIFICATE_ID, publicKeyPem: pem(rsa.publicKey) }],
      });
      try {
        const response = await requestToken(shortLived, assertionForm(signAssertion(shortLived)));
        const { access_token, expires_in } = (await response.json()) as Record<string, string>;
        expect(expires_in).toBe('1');
        expect((await call(shortLived, access_token, 'GET', `${RECORDS}/customer/812`)).status).toBe(200);

        const expired = await waitFor(async () => {
          const attempt = await call(shortLived, access_token, 'GET', `${RECORDS}/customer/812`);
          return attempt.status === 401 ? attempt : undefined;
        });
        await expectError(expired, 401, 'INVALID_LOGIN');
      } finally {
        await shortLived.stop();
      }
    });
  });

  describe('customers', () => {
    const externalId = 'SF-0015g00000ACME1AAP';

    it('creates on the first upsert by external id: 204 and a Location', async () => {
      const response = await call(sandbox, token, 'PUT', `${RECORDS}/customer/eid:${externalId}`, {
        companyName: 'Acme Robotics GmbH',
        email: 'ap@acme.example',
        phone: '+49 711 555 0100',
        subsidiary: { id: '1' },
        currency: { id: '4' },
        addressBook: {
          items: [
            {
              defaultBilling: true,
              addressBookAddress: {
                addr1: 'Industriestrasse 12',
                city: 'Stuttgart',
                zip: '70565',
                country: { id: 'DE' },
              },
            },
          ],
        },
      });

      expect(response.status).toBe(204);
      expect(response.headers.get('location')).toMatch(new RegExp(`^${sandbox.url}${RECORDS}/customer/\\d+$`));
      const id = idFromLocation(response);
      const byId = await call(sandbox, token, 'GET', `${RECORDS}/customer/${id}`);
      expect(byId.status).toBe(200);
      expect(byId.headers.get('content-type')).toContain('application/vnd.oracle.resource+json');
      const customer = await readRecord(byId);
      expect(customer).toMatchObject({
        id,
        externalId,
        companyName: 'Acme Robotics GmbH',
        email: 'ap@acme.example',
        subsidiary: { id: '1' },
        currency: { id: '4', refName: 'EUR' },
        creditHoldOverride: { id: 'AUTO', refName: 'Auto' },
        links: [{ rel: 'self', href: `${sandbox.url}${RECORDS}/customer/${id}` }],
      });
      expect(customer.entityId).toMatch(/^CUST\d{4}$/);
    });

    it('updates only the fields sent when the external id exists', async () => {
      const before = await readRecord(await call(sandbox, token, 'GET', `${RECORDS}/customer/eid:${externalId}`));

      const response = await call(sandbox, token, 'PUT', `${RECORDS}/customer/eid:${externalId}`, {
        email: 'billing@acme.example',
      });

      expect(response.status).toBe(204);
      expect(idFromLocation(response)).toBe(before.id);
      const after = await readRecord(
        await call(sandbox, token, 'GET', `${RECORDS}/customer/eid:${externalId}?expandSubResources=true`),
      );
      expect(after).toMatchObject({
        id: before.id,
        entityId: before.entityId,
        companyName: 'Acme Robotics GmbH',
        phone: '+49 711 555 0100',
        email: 'billing@acme.example',
      });
      expect(after.addressBook.items[0].addressBookAddress).toMatchObject({ city: 'Stuttgart', country: { id: 'DE' } });
    });

    it('requires a company name and a subsidiary to create', async () => {
      const response = await call(sandbox, token, 'PUT', `${RECORDS}/customer/eid:NEW-1`, { email: 'x@y.example' });

      const body = await expectError(response, 400, 'USER_ERROR');
      expect(body['o:errorDetails'][0].detail).toContain('Please enter value(s) for: Company Name, Subsidiary');
    });

    it('forbids the integration role from setting credit hold or credit limit', async () => {
      for (const field of [{ creditHoldOverride: { id: 'OFF' } }, { creditLimit: 100000 }]) {
        const response = await call(sandbox, token, 'PUT', `${RECORDS}/customer/eid:0015g00000HOLD1AAP`, field);

        const body = await expectError(response, 403, 'INSUFFICIENT_PERMISSION', Object.keys(field)[0]);
        expect(body.title).toBe('Forbidden');
      }
      const hooli = await readRecord(await call(sandbox, token, 'GET', `${RECORDS}/customer/813`));
      expect(hooli.creditHoldOverride).toEqual({ id: 'ON', refName: 'On' });
    });

    it('creates with POST too, refusing an external id that is taken', async () => {
      const body = { externalId: 'POST-CUST-1', companyName: 'Initech Software Inc', subsidiary: { id: '1' } };

      const created = await call(sandbox, token, 'POST', `${RECORDS}/customer`, body);
      const duplicate = await call(sandbox, token, 'POST', `${RECORDS}/customer`, body);

      expect(created.status).toBe(204);
      const customer = await readRecord(await call(sandbox, token, 'GET', `${RECORDS}/customer/eid:POST-CUST-1`));
      expect(customer.id).toBe(idFromLocation(created));
      await expectError(duplicate, 400, 'DUP_RCRD', 'externalId');
    });

    it('rejects an external id outside [A-Za-z0-9_-]', async () => {
      const response = await call(sandbox, token, 'PUT', `${RECORDS}/customer/eid:bad%20id`, {
        companyName: 'X',
        subsidiary: { id: '1' },
      });

      await expectError(response, 400, 'INVALID_ID');
    });

    it('answers 404 NONEXISTENT_ID for an unknown customer', async () => {
      for (const ref of ['99999', 'eid:NOPE']) {
        const response = await call(sandbox, token, 'GET', `${RECORDS}/customer/${ref}`);
        const body = await expectError(response, 404, 'NONEXISTENT_ID', 'id');
        expect(body['o:errorDetails'][0].detail).toBe(
          'The record instance does not exist. Provide a valid record instance ID.',
        );
      }
    });

    it('is seeded with the catalog accounts finance already knows', async () => {
      const hooli = await readRecord(await call(sandbox, token, 'GET', `${RECORDS}/customer/eid:0015g00000HOLD1AAP`));
      expect(hooli).toMatchObject({ id: '813', companyName: 'Hooli Hardware LLC', creditHoldOverride: { id: 'ON' } });

      const unknown = await call(sandbox, token, 'GET', `${RECORDS}/customer/eid:0015g00000INITCAA5`);
      expect(unknown.status).toBe(404);
    });
  });

  describe('items', () => {
    it('serves catalog items under their record type only', async () => {
      const laptop = await call(sandbox, token, 'GET', `${RECORDS}/inventoryItem/1201`);
      expect(await laptop.json()).toMatchObject({
        id: '1201',
        itemId: 'SKU-LAPTOP-14',
        basePrice: 1899,
        isInactive: false,
      });
      const onboarding = await call(sandbox, token, 'GET', `${RECORDS}/serviceSaleItem/1301`);
      expect(await onboarding.json()).toMatchObject({ itemId: 'SVC-ONBOARD' });

      await expectError(await call(sandbox, token, 'GET', `${RECORDS}/inventoryItem/1301`), 404, 'NONEXISTENT_ID');
    });
  });

  describe('sales orders', () => {
    const order = (
      externalId: string,
      entity = '812',
      lines = [{ item: { id: '1201' }, quantity: 2, rate: 1850 }],
    ) => ({
      externalId,
      entity: { id: entity },
      tranDate: '2026-11-20',
      currency: { refName: 'GBP' },
      otherRefNum: 'PO-4711',
      item: { items: lines },
    });

    it('creates an order: 204 with Location, then tranId, status and total on GET', async () => {
      const response = await call(
        sandbox,
        token,
        'POST',
        `${RECORDS}/salesOrder`,
        order('OPP-001', '812', [
          { item: { id: '1201' }, quantity: 2, rate: 1850 },
          { item: { id: '1301' }, quantity: 1.5, rate: 1200 },
        ]),
      );

      expect(response.status).toBe(204);
      expect(response.headers.get('location')).toMatch(new RegExp(`^${sandbox.url}${RECORDS}/salesOrder/\\d+$`));
      const id = idFromLocation(response);
      const created = await readRecord(await call(sandbox, token, 'GET', `${RECORDS}/salesOrder/${id}`));
      expect(created).toMatchObject({
        id,
        externalId: 'OPP-001',
        entity: { id: '812' },
        tranDate: '2026-11-20',
        status: { id: 'B', refName: 'Pending Fulfillment' },
        total: 5500,
        currency: { refName: 'GBP' },
        otherRefNum: 'PO-4711',
      });
      expect(created.tranId).toMatch(/^SO\d+$/);
      expect(created.item.links[0].href).toBe(`${sandbox.url}${RECORDS}/salesOrder/${id}/item`);

      const expanded = await readRecord(
        await call(sandbox, token, 'GET', `${RECORDS}/salesOrder/eid:OPP-001?expandSubResources=true`),
      );
      expect(expanded.item.items).toMatchObject([
        { line: 1, item: { id: '1201', refName: 'SKU-LAPTOP-14' }, quantity: 2, rate: 1850, amount: 3700 },
        { line: 2, item: { id: '1301' }, quantity: 1.5, rate: 1200, amount: 1800 },
      ]);
    });

    it('numbers orders sequentially', async () => {
      const first = await call(sandbox, token, 'POST', `${RECORDS}/salesOrder`, order('OPP-SEQ-1'));
      const second = await call(sandbox, token, 'POST', `${RECORDS}/salesOrder`, order('OPP-SEQ-2'));
      const tranNumber = async (response: Response) => {
        const body = await readRecord(
          await call(sandbox, token, 'GET', `${RECORDS}/salesOrder/${idFromLocation(response)}`),
        );
        return Number(body.tranId.slice(2));
      };

      expect((await tranNumber(second)) - (await tranNumber(first))).toBe(1);
    });

    it('rejects an external id another order already uses', async () => {
      const response = await call(sandbox, token, 'POST', `${RECORDS}/salesOrder`, order('OPP-001'));

      const body = await expectError(response, 400, 'DUP_RCRD', 'externalId');
      expect(body['o:errorDetails'][0].detail).toContain('This record already exists');
    });

    it('rejects an unknown or inactive item with the path of the line', async () => {
      const unknown = await call(
        sandbox,
        token,
        'POST',
        `${RECORDS}/salesOrder`,
        order('OPP-BAD-ITEM', '812', [
          { item: { id: '1201' }, quantity: 1, rate: 1 },
          { item: { id: '999' }, quantity: 1, rate: 1 },
        ]),
      );
      const body = await expectError(unknown, 400, 'INVALID_CONTENT', 'item.items[1].item');
      expect(body['o:errorDetails'][0].detail).toContain('Invalid Field Value 999 for the following field: item');

      await control(sandbox, 'POST', '/items', {
        id: '1290',
        itemId: 'SKU-OLD',
        displayName: 'Old thing',
        basePrice: 5,
        isInactive: true,
      });
      const inactive = await call(
        sandbox,
        token,
        'POST',
        `${RECORDS}/salesOrder`,
        order('OPP-INACTIVE', '812', [{ item: { id: '1290' }, quantity: 1, rate: 5 }]),
      );
      await expectError(inactive, 400, 'INVALID_CONTENT', 'item.items[0].item');
    });

    it('rejects a missing or unknown customer and an order without lines', async () => {
      const { entity: _entity, ...withoutEntity } = order('OPP-NO-ENTITY');
      await expectError(
        await call(sandbox, token, 'POST', `${RECORDS}/salesOrder`, withoutEntity),
        400,
        'USER_ERROR',
        'entity',
      );
      await expectError(
        await call(sandbox, token, 'POST', `${RECORDS}/salesOrder`, order('OPP-GHOST', '4242')),
        400,
        'INVALID_CONTENT',
        'entity',
      );
      const noLines = await call(sandbox, token, 'POST', `${RECORDS}/salesOrder`, order('OPP-EMPTY', '812', []));
      const body = await expectError(noLines, 400, 'USER_ERROR');
      expect(body['o:errorDetails'][0].detail).toContain('You must enter at least one line item for this transaction.');
    });

    it('rejects orders for a customer on credit hold until finance releases it', async () => {
      const held = await call(sandbox, token, 'POST', `${RECORDS}/salesOrder`, order('OPP-HOOLI', '813'));
      const body = await expectError(held, 400, 'USER_ERROR');
      expect(body['o:errorDetails'][0].detail).toContain('Customer is on credit hold.');

      await control(sandbox, 'PUT', '/customers/813/credit-hold', { creditHold: 'OFF' });
      const released = await call(sandbox, token, 'POST', `${RECORDS}/salesOrder`, order('OPP-HOOLI', '813'));

      expect(released.status).toBe(204);
    });

    it('holds an AUTO customer once open orders would pass the credit limit', async () => {
      await control(sandbox, 'PUT', '/customers/812/credit-hold', { creditHold: 'AUTO', creditLimit: 0 });

      const response = await call(sandbox, token, 'POST', `${RECORDS}/salesOrder`, order('OPP-OVER-LIMIT'));

      await expectError(response, 400, 'USER_ERROR');
      await control(sandbox, 'PUT', '/customers/812/credit-hold', { creditHold: 'OFF', creditLimit: null });
    });

    it('answers a repeated idempotency key with IDEMPOTENCY_ERROR and the first Location', async () => {
      const headers = { 'X-NetSuite-Idempotency-Key': 'c0a8e7d2-5b1f-4e3a-9c6d-2f7e8a9b0c1d' };
      const first = await call(sandbox, token, 'POST', `${RECORDS}/salesOrder`, order('OPP-IDEM'), headers);
      expect(first.status).toBe(204);

      const again = await call(sandbox, token, 'POST', `${RECORDS}/salesOrder`, order('OPP-IDEM-2'), headers);

      const body = await expectError(again, 400, 'IDEMPOTENCY_ERROR');
      expect(body.title).toBe('Conflict');
      expect(again.headers.get('location')).toBe(first.headers.get('location'));
    });

    it('answers a NetSuite-style 404 for what the sandbox does not model', async () => {
      const unknownType = await call(sandbox, token, 'GET', `${RECORDS}/vendorBill/1`);
      const body = await expectError(unknownType, 404, 'NONEXISTENT_ID');
      expect(body['o:errorDetails'][0].detail).toBe("Record type 'vendorBill' does not exist.");

      await expectError(await call(sandbox, token, 'DELETE', `${RECORDS}/salesOrder/5001`), 404, 'NONEXISTENT_ID');
    });

    it('shows orders with their lines in the control state', async () => {
      const state = await control<{ salesOrders: { externalId: string; item: { items: unknown[] } }[] }>(
        sandbox,
        'GET',
        '/state',
      );

      const first = state.salesOrders.find((o) => o.externalId === 'OPP-001');
      expect(first?.item.items).toHaveLength(2);
    });
  });

  describe('governance and faults', () => {
    it('throttles requests over the concurrency limit with 429 CONCURRENCY_LIMIT_EXCEEDED', async () => {
      await control(sandbox, 'PUT', '/config', { latencyMs: 200, concurrencyLimit: 2 });
      const before = await control<{ stats: { throttled: number } }>(sandbox, 'GET', '/state');
      await control(sandbox, 'DELETE', '/requests');

      const responses = await Promise.all(
        Array.from({ length: 5 }, () => call(sandbox, token, 'GET', `${RECORDS}/customer/812`)),
      );

      const throttled = responses.filter((r) => r.status === 429);
      const served = responses.filter((r) => r.status === 200);
      expect(throttled.length).toBeGreaterThanOrEqual(1);
      expect(served.length).toBeGreaterThanOrEqual(1);
      expect(served.length).toBeLessThanOrEqual(2);
      expect(throttled.length + served.length).toBe(5);
      const body = await expectError(throttled[0], 429, 'CONCURRENCY_LIMIT_EXCEEDED');
      expect(body.title).toBe('Too Many Requests');
      expect(body['o:errorDetails'][0].detail).toBe('Concurrent request limit exceeded. Request blocked.');

      const after = await control<{ stats: { throttled: number; peakInFlight: number } }>(sandbox, 'GET', '/state');
      expect(after.stats.throttled - before.stats.throttled).toBe(throttled.length);
      expect(after.stats.peakInFlight).toBe(2);
      const log = await control<{ status: number; startedAt: string; finishedAt: string }[]>(
        sandbox,
        'GET',
        '/requests',
      );
      const servedEntries = log.filter((entry) => entry.status === 200);
      expect(servedEntries).toHaveLength(served.length);
      for (const entry of servedEntries) {
        expect(Date.parse(entry.finishedAt) - Date.parse(entry.startedAt)).toBeGreaterThanOrEqual(190);
      }

      await control(sandbox, 'PUT', '/config', { latencyMs: 0, concurrencyLimit: 5 });
    });

    it('reports the concurrency limit through governanceLimits, and a limit allocated to the integration', async () => {
      const limits = async () =>
        (await call(sandbox, token, 'GET', '/services/rest/system/v1/governanceLimits')).json();

      expect(await limits()).toEqual({
        accountConcurrencyLimit: 5,
        accountUnallocatedConcurrencyLimit: 5,
        integrationLimitType: 'accountLimit',
      });
      await control(sandbox, 'PUT', '/config', { integrationLimit: 2 });
      try {
        expect(await limits()).toEqual({
          accountConcurrencyLimit: 5,
          accountUnallocatedConcurrencyLimit: 3,
          integrationConcurrencyLimit: 2,
          integrationLimitType: 'integrationSpecific',
        });
        // The allocation is enforced: a third concurrent request is refused.
        await control(sandbox, 'PUT', '/config', { latencyMs: 150 });
        const answers = await Promise.all(
          [1, 2, 3].map(() => call(sandbox, token, 'GET', `${RECORDS}/customer/812`).then((r) => r.status)),
        );
        expect(answers.sort()).toEqual([200, 200, 429]);
      } finally {
        await control(sandbox, 'PUT', '/config', { integrationLimit: 0, latencyMs: 0 });
      }
    });

    it('answers 503 on every /services call during an outage', async () => {
      sandbox.configure({ outage: true });
      try {
        await expectError(await call(sandbox, token, 'GET', `${RECORDS}/customer/812`), 503, 'SERVICE_UNAVAILABLE');
        const tokenResponse = await requestToken(sandbox, assertionForm(signAssertion(sandbox)));
        expect(tokenResponse.status).toBe(503);
        const state = await control<{ config: { outage: boolean } }>(sandbox, 'GET', '/state');
        expect(state.config.outage).toBe(true);
      } finally {
        sandbox.configure({ outage: false });
      }
      expect((await call(sandbox, token, 'GET', `${RECORDS}/customer/812`)).status).toBe(200);
    });

    it('logs /services calls and rejects an invalid config', async () => {
      await control(sandbox, 'DELETE', '/requests');
      await call(sandbox, token, 'GET', `${RECORDS}/customer/812`);

      const log = await control<{ method: string; path: string; status: number }[]>(sandbox, 'GET', '/requests');
      expect(log).toMatchObject([{ method: 'GET', path: `${RECORDS}/customer/812`, status: 200 }]);

      const invalid = await call(sandbox, undefined, 'PUT', '/_sandbox/config', { concurrencyLimit: 0 });
      expect(invalid.status).toBe(400);
    });
  });

  describe('persistence', () => {
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'netsuite-sandbox-'));
    });

    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('keeps records, clients and tokens across stop and start on the same state file', async () => {
      const stateFile = join(dir, 'netsuite.json');
      const first = await startNetSuiteSandbox({ stateFile });
      first.addClient({ clientId: CLIENT_ID, certificateId: CERTIFICATE_ID, publicKeyPem: pem(rsa.publicKey) });
      const firstToken = await getToken(first);
      await call(first, firstToken, 'PUT', `${RECORDS}/customer/eid:PERSIST-1`, {
        companyName: 'Persisted AB',
        subsidiary: { id: '2' },
      });
      const created = await call(first, firstToken, 'POST', `${RECORDS}/salesOrder`, {
        externalId: 'OPP-PERSIST',
        entity: { id: '812' },
        item: { items: [{ item: { id: '1202' }, quantity: 3 }] },
      });
      expect(created.status).toBe(204);
      // The debounced save lands without waiting for stop.
      await waitFor(async () => {
        const saved = await readFile(stateFile, 'utf8').catch(() => '');
        return saved.includes('OPP-PERSIST') ? true : undefined;
      });
      await first.stop();

      const second = await startNetSuiteSandbox({ stateFile });
      try {
        const order = await readRecord(await call(second, firstToken, 'GET', `${RECORDS}/salesOrder/eid:OPP-PERSIST`));
        expect(order).toMatchObject({ total: 747, entity: { id: '812' } });
        const secondToken = await getToken(second);
        const customer = await readRecord(await call(second, secondToken, 'GET', `${RECORDS}/customer/eid:PERSIST-1`));
        expect(customer).toMatchObject({ companyName: 'Persisted AB', subsidiary: { id: '2' } });
      } finally {
        await second.stop();
      }
    });
  });
});
