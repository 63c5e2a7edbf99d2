// The Business Central sandbox's own contract over raw HTTP: Entra's token endpoint and its
// error bodies, bearer checks, OData answers and error bodies, If-Match, deep insert, the
// operational limits, 413, malformed JSON, and state-file persistence.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BusinessCentralSandbox, startBusinessCentralSandbox } from '../../sandboxes/business-central';
import { ErpDesk } from '../../sandboxes/erp-sandbox';

const SCOPE = 'https://api.businesscentral.dynamics.com/.default';

let sandbox: BusinessCentralSandbox;
let desk: ErpDesk;
let secret: { tenantId: string; clientId: string; clientSecret: string };
let token: string;
let base: string;

beforeAll(async () => {
  sandbox = await startBusinessCentralSandbox({ tokenTtlSeconds: 3600 });
  desk = new ErpDesk(sandbox.url);
  secret = (await desk.connection()) as typeof secret;
  base = `${sandbox.url}/v2.0/${sandbox.tenantId}/${sandbox.environment}/api/v2.0/companies(${sandbox.companyId})`;
});

afterAll(async () => {
  await sandbox?.stop();
});

beforeEach(async () => {
  await desk.configure({
    latencyMs: 0,
    outage: false,
    rateLimitRequests: 6000,
    rateLimitWindowSeconds: 300,
    dropNextCreates: 0,
  });
  token = await fetchToken();
});

function tokenRequest(form: Record<string, string>, tenant = sandbox.tenantId): Promise<Response> {
  return fetch(`${sandbox.url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

const goodForm = () => ({
  grant_type: 'client_credentials',
  client_id: secret.clientId,
  client_secret: secret.clientSecret,
  scope: SCOPE,
});

async function fetchToken(): Promise<string> {
  const response = await tokenRequest(goodForm());
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

function api(path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  return fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    body: init.body,
  });
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe('Microsoft Entra token endpoint', () => {
  it('issues a bearer token for the Business Central scope', async () => {
    const response = await tokenRequest(goodForm());
    const body = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, access_token: expect.any(String) });
  });

  it('answers a wrong secret with invalid_client AADSTS7000215', async () => {
    const response = await tokenRequest({ ...goodForm(), client_secret: 'nope' });
    const body = (await response.json()) as { error: string; error_codes: number[]; error_description: string };

    expect(response.status).toBe(401);
    expect(body.error).toBe('invalid_client');
    expect(body.error_codes).toEqual([7000215]);
    expect(body.error_description).toMatch(/^AADSTS7000215: /);
  });

  it('answers an unknown app with unauthorized_client AADSTS700016, and a wrong scope with invalid_scope', async () => {
    const unknown = await tokenRequest({ ...goodForm(), client_id: '99999999-9999-4999-8999-999999999999' });
    const scope = await tokenRequest({ ...goodForm(), scope: 'https://graph.microsoft.com/.default' });

    expect(((await unknown.json()) as { error_codes: number[] }).error_codes).toEqual([700016]);
    expect(((await scope.json()) as { error: string }).error).toBe('invalid_scope');
  });

  it('answers an unknown tenant with AADSTS90002', async () => {
    const response = await tokenRequest(goodForm(), '00000000-0000-4000-8000-000000000001');

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
  });
});

describe('API', () => {
  it('refuses a missing or expired token with 401 Authentication_InvalidCredentials', async () => {
    const missing = await fetch(`${base}/customers`);
    await desk.expireSessions();
    const expired = await api('/customers');

    expect(missing.status).toBe(401);
    expect((await errorOf(missing)).code).toBe('Authentication_InvalidCredentials');
    expect(expired.status).toBe(401);
    expect((await errorOf(expired)).message).toMatch(/CorrelationId:/);
  });

  it('answers collections in OData v4 JSON with etags, filtered by eq', async () => {
    const response = await api(`/items?$filter=${encodeURIComponent("number eq 'SKU-LAPTOP-14'")}`);
    const body = (await response.json()) as { '@odata.context': string; value: Record<string, unknown>[] };

    expect(response.status).toBe(200);
    expect(body['@odata.context']).toContain('items');
    expect(body.value).toHaveLength(1);
    expect(body.value[0]).toMatchObject({
      number: 'SKU-LAPTOP-14',
      blocked: false,
      unitPrice: 1899,
      '@odata.etag': expect.any(String),
    });
  });

  it('answers an unknown company with 404 Internal_CompanyNotFound and an unknown record with 404', async () => {
    const company = await fetch(
      `${base.replace(sandbox.companyId, '12345678-1234-4234-8234-123456789012')}/customers`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    const record = await api('/customers(12345678-1234-4234-8234-123456789012)');

    expect(company.status).toBe(404);
    expect((await errorOf(company)).code).toBe('Internal_CompanyNotFound');
    expect(record.status).toBe(404);
  });

  it('creates customers upper-casing the number, refuses a duplicate, and checks If-Match on PATCH', async () => {
    const created = await api('/customers', {
      method: 'POST',
      body: JSON.stringify({ number: 'raw-1', displayName: 'Raw One' }),
    });
    const customer = (await created.json()) as { id: string; number: string; '@odata.etag': string };
    const duplicate = await api('/customers', {
      method: 'POST',
      body: JSON.stringify({ number: 'RAW-1', displayName: 'Again' }),
    });
    const noMatch = await api(`/customers(${customer.id})`, { method: 'PATCH', body: '{"city":"Bonn"}' });
    const patched = await api(`/customers(${customer.id})`, {
      method: 'PATCH',
      body: '{"city":"Bonn"}',
      headers: { 'if-match': customer['@odata.etag'] },
    });
    const stale = await api(`/customers(${customer.id})`, {
      method: 'PATCH',
      body: '{"city":"Köln"}',
      headers: { 'if-match': customer['@odata.etag'] },
    });

    expect(created.status).toBe(201);
    expect(customer.number).toBe('RAW-1');
    expect(duplicate.status).toBe(400);
    expect((await errorOf(duplicate)).code).toBe('Internal_EntityWithSameKeyExists');
    expect(noMatch.status).toBe(428);
    expect(patched.status).toBe(200);
    expect(stale.status).toBe(412);
    expect((await errorOf(stale)).code).toBe('Request_EntityChanged');
  });

  it('takes a sales order as a deep insert and numbers it, not refusing a repeated externalDocumentNumber', async () => {
    const body = JSON.stringify({
      customerNumber: 'RAW-1',
      externalDocumentNumber: 'OPP-RAW-1',
      orderDate: '2026-12-01',
      salesOrderLines: [{ lineType: 'Item', lineObjectNumber: 'SKU-DOCK-USB4', quantity: 2, unitPrice: 249 }],
    });
    const first = await api('/salesOrders', { method: 'POST', body });
    const second = await api('/salesOrders', { method: 'POST', body });
    const order = (await first.json()) as {
      id: string;
      number: string;
      status: string;
      totalAmountExcludingTax: number;
    };
    const read = await api(`/salesOrders(${order.id})?$expand=salesOrderLines`);

    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(order).toMatchObject({
      number: expect.stringMatching(/^S-ORD\d{6}$/),
      status: 'Draft',
      totalAmountExcludingTax: 498,
    });
    expect(((await read.json()) as { salesOrderLines: unknown[] }).salesOrderLines).toHaveLength(1);
  });

  it('refuses a blocked item and a blocked customer with 400 Application_DialogException', async () => {
    const dock = (await desk.itemMappings()).find((m) => m.sku === 'SKU-DOCK-USB4')?.itemId ?? '';
    await desk.setItemSellable(dock, false);
    const item = await api('/salesOrders', {
      method: 'POST',
      body: JSON.stringify({
        customerNumber: 'RAW-1',
        salesOrderLines: [{ lineType: 'Item', itemId: dock, quantity: 1 }],
      }),
    });
    await desk.setItemSellable(dock, true);
    await desk.setCreditHold('RAW-1', true);
    const customer = await api('/salesOrders', { method: 'POST', body: JSON.stringify({ customerNumber: 'RAW-1' }) });
    await desk.setCreditHold('RAW-1', false);

    expect(item.status).toBe(400);
    expect(await errorOf(item)).toMatchObject({
      code: 'Application_DialogException',
      message: expect.stringContaining("Blocked must be equal to 'No' in Item"),
    });
    expect(await errorOf(customer)).toMatchObject({
      code: 'Application_DialogException',
      message: expect.stringContaining('is blocked with type All'),
    });
  });

  it('answers malformed JSON with 400 BadRequest and a body over the limit with 413', async () => {
    const malformed = await api('/customers', { method: 'POST', body: '{"number":' });
    const huge = await api('/customers', {
      method: 'POST',
      body: JSON.stringify({ displayName: 'x'.repeat(11 * 1024 * 1024) }),
    }).catch(() => undefined);

    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).code).toBe('BadRequest');
    if (huge) expect(huge.status).toBe(413);
  });

  it('survives odd input: unsupported filters, bad keys, non-object bodies', async () => {
    const filter = await api(`/customers?$filter=${encodeURIComponent('startswith(number,1)')}`);
    const key = await api('/customers(not-a-guid)');
    const array = await api('/salesOrders', { method: 'POST', body: '[1,2]' });
    const lines = await api('/salesOrders', {
      method: 'POST',
      body: '{"customerNumber":"RAW-1","salesOrderLines":[null, 3]}',
    });

    expect([filter.status, key.status, array.status, lines.status]).toEqual([400, 400, 400, 400]);
  });
});

describe('operational limits', () => {
  it('answers over the rate limit with 429 Application_TooManyRequests and Retry-After', async () => {
    await desk.configure({ rateLimitRequests: 1, rateLimitWindowSeconds: 60 });
    await api('/items');
    const response = await api('/items');

    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await errorOf(response)).code).toBe('Application_TooManyRequests');
  });

  it('answers an outage with 503', async () => {
    await desk.configure({ outage: true });
    const response = await api('/items');

    expect(response.status).toBe(503);
  });

  it('refuses unknown or invalid settings', async () => {
    await expect(desk.configure({ concurrencyLimit: 0 })).rejects.toThrow(/concurrencyLimit/);
    await expect(desk.configure({ nonsense: 1 })).rejects.toThrow(/unknown setting/);
  });
});

describe('state file', () => {
  it('keeps customers, orders and the app registration across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bc-sandbox-'));
    try {
      const stateFile = join(dir, 'state.json');
      const first = await startBusinessCentralSandbox({ stateFile });
      const firstSecret = await new ErpDesk(first.url).connection();
      await new ErpDesk(first.url).setCreditHold('0015G00000GLOBXAA5', true);
      await first.stop();

      const second = await startBusinessCentralSandbox({ stateFile });
      try {
        const secondDesk = new ErpDesk(second.url);
        const state = (await secondDesk.state()) as { customers: { number: string; blocked: string }[] };
        const again = await secondDesk.connection({
          clientId: firstSecret.clientId,
          clientSecret: firstSecret.clientSecret,
        });

        expect(state.customers.find((c) => c.number === '0015G00000GLOBXAA5')?.blocked).toBe('All');
        expect(again.clientSecret).toBe(firstSecret.clientSecret);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
