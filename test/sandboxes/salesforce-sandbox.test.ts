// The Salesforce sandbox against the real contracts: OAuth client credentials, REST errors, SOQL
// with relationship paths, the daily API limit, and Outbound Messages (SOAP, retries, batching,
// workflow evaluation, redelivery), plus persistence across restarts.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_ACCOUNTS, CATALOG_PRODUCTS, SANDBOX_ORG_ID } from '../../sandboxes/catalog';
import {
  type SalesforceSandbox,
  type SalesforceSandboxOptions,
  startSalesforceSandbox,
} from '../../sandboxes/salesforce';
import type { DeliveryLogEntry } from '../../sandboxes/salesforce/outbound-messages';

const API = '/services/data/v62.0';
const ACME = CATALOG_ACCOUNTS[0].salesforceId;
const ACK_TRUE = soapAck(true);
const ACK_FALSE = soapAck(false);

// ---------------------------------------------------------------------------------------------
// Helpers

function soapAck(ack: boolean): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><out:notificationsResponse xmlns:out="http://soap.sforce.com/2005/09/outbound"><out:Ack>${ack}</out:Ack></out:notificationsResponse></soapenv:Body></soapenv:Envelope>`;
}

// JSON and SOAP bodies are explored field by field with expect(); the control API's own shapes are typed below.
// biome-ignore lint/suspicious/noExplicitAny: response bodies under test
type Json = any;

interface OutboxEntry {
  notificationId: string;
  recordId: string;
  status: 'pending' | 'in-flight' | 'acknowledged' | 'expired';
  attempts: number;
  enqueuedAt: string;
  lastAttemptAt: string | null;
  acknowledgedAt: string | null;
  lastError: string | null;
}

type Delivery = DeliveryLogEntry;

interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  startedAt: string;
  finishedAt: string;
}

interface HttpResult<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

async function call<T = Json>(url: string, init: RequestInit = {}): Promise<HttpResult<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: body as T };
}

function control<T = Json>(sandbox: SalesforceSandbox, method: string, path: string, body?: unknown) {
  return call<T>(`${sandbox.url}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function requestToken(sandbox: SalesforceSandbox, form: Record<string, string>) {
  return call(`${sandbox.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

async function accessToken(sandbox: SalesforceSandbox): Promise<string> {
  const res = await requestToken(sandbox, {
    grant_type: 'client_credentials',
    client_id: 'hub-local',
    client_secret: 'hub-local-secret',
  });
  expect(res.status).toBe(200);
  return res.body.access_token;
}

/** A REST call; a string body is sent as is (to send malformed JSON). */
function api<T = Json>(sandbox: SalesforceSandbox, token: string, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return call<T>(`${sandbox.url}${API}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function soql(sandbox: SalesforceSandbox, token: string, query: string) {
  return api(sandbox, token, 'GET', `/query?q=${encodeURIComponent(query)}`);
}

async function createOpportunity(sandbox: SalesforceSandbox, fields: Record<string, unknown> = {}): Promise<string> {
  const res = await control(sandbox, 'POST', '/records/Opportunity', {
    Name: 'Acme rollout',
    AccountId: ACME,
    StageName: 'Prospecting',
    CloseDate: '2026-12-15',
    Amount: 12500,
    ...fields,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function outbox(sandbox: SalesforceSandbox): Promise<OutboxEntry[]> {
  return (await control(sandbox, 'GET', '/state')).body.outbox;
}

async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface ReceivedMessage {
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  url: string;
  messages: ReceivedMessage[];
  close(): Promise<void>;
}

/** A stand-in for the hub's outbound-message endpoint; `reply` decides each answer by arrival order. */
async function startReceiver(reply: (index: number) => { status: number; body: string }): Promise<Receiver> {
  const messages: ReceivedMessage[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = reply(messages.length);
      messages.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer.status, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/salesforce/outbound`,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const soapParser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => name === 'Notification',
});

function notificationsOf(message: ReceivedMessage): Json {
  return soapParser.parse(message.body).Envelope.Body.notifications;
}

function notificationIds(message: ReceivedMessage): string[] {
  return notificationsOf(message).Notification.map((n: Json) => n.Id);
}

// Sandboxes and receivers a test starts are stopped after it.
const cleanups: (() => Promise<void>)[] = [];

async function sandboxWith(options: SalesforceSandboxOptions): Promise<SalesforceSandbox> {
  const sandbox = await startSalesforceSandbox(options);
  cleanups.push(() => sandbox.stop());
  return sandbox;
}

async function receiverWith(reply: (index: number) => { status: number; body: string }): Promise<Receiver> {
  const receiver = await startReceiver(reply);
  cleanups.push(() => receiver.close());
  return receiver;
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// ---------------------------------------------------------------------------------------------
// REST API against one shared sandbox

describe('Salesforce sandbox REST API', () => {
  let sandbox: SalesforceSandbox;
  let token: string;

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox();
    token = await accessToken(sandbox);
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  it('issues tokens by client credentials and rejects bad clients and grants', async () => {
    const good = await requestToken(sandbox, {
      grant_type: 'client_credentials',
      client_id: 'hub-local',
      client_secret: 'hub-local-secret',
    });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ instance_url: sandbox.url, token_type: 'Bearer', scope: 'api' });
    expect(good.body.access_token).toMatch(new RegExp(`^${SANDBOX_ORG_ID.slice(0, 15)}!`));
    expect(good.body.issued_at).toMatch(/^\d{13}$/);
    expect(good.body.id).toContain(`/id/${SANDBOX_ORG_ID}/005`);
    expect(typeof good.body.signature).toBe('string');

    const wrongSecret = await requestToken(sandbox, {
      grant_type: 'client_credentials',
      client_id: 'hub-local',
      client_secret: 'nope',
    });
    expect(wrongSecret).toMatchObject({
      status: 400,
      body: { error: 'invalid_client', error_description: 'invalid client credentials' },
    });
    const unknownClient = await requestToken(sandbox, {
      grant_type: 'client_credentials',
      client_id: 'someone-else',
      client_secret: 'x',
    });
    expect(unknownClient).toMatchObject({ status: 400, body: { error: 'invalid_client_id' } });
    const password = await requestToken(sandbox, { grant_type: 'password', client_id: 'hub-local' });
    expect(password).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
  });

  it('answers 401 INVALID_SESSION_ID without a live session, and after sessions are expired', async () => {
    const session = await accessToken(sandbox);
    const invalid = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];

    expect((await call(`${sandbox.url}${API}/sobjects/Account/${ACME}`)).body).toEqual(invalid);
    expect((await api(sandbox, 'not-a-token', 'GET', `/sobjects/Account/${ACME}`)).status).toBe(401);
    expect((await api(sandbox, session, 'GET', `/sobjects/Account/${ACME}`)).status).toBe(200);

    expect((await control(sandbox, 'POST', '/sessions/expire')).status).toBe(204);
    const expired = await api(sandbox, session, 'GET', `/sobjects/Account/${ACME}`);
    expect(expired).toMatchObject({ status: 401, body: invalid });

    const refreshed = await accessToken(sandbox);
    expect((await api(sandbox, refreshed, 'GET', `/sobjects/Account/${ACME}`)).status).toBe(200);
    token = refreshed;
  });

  it('times sessions out after sessionTtlSeconds without use', async () => {
    const session = await accessToken(sandbox);
    await control(sandbox, 'PUT', '/config', { sessionTtlSeconds: 0 });
    try {
      expect((await api(sandbox, session, 'GET', `/sobjects/Account/${ACME}`)).status).toBe(401);
    } finally {
      await control(sandbox, 'PUT', '/config', { sessionTtlSeconds: 7200 });
    }
    token = await accessToken(sandbox);
  });

  it('seeds the catalog accounts with their ids, products and standard price book entries', async () => {
    const accounts = await soql(sandbox, token, 'SELECT Id, Name FROM Account ORDER BY Name');
    expect(accounts.body.records.map((r: Json) => r.Id).sort()).toEqual(
      CATALOG_ACCOUNTS.map((a) => a.salesforceId).sort(),
    );

    const entries = await soql(
      sandbox,
      token,
      'SELECT UnitPrice, Product2.ProductCode, Pricebook2.IsStandard FROM PricebookEntry WHERE IsActive = true',
    );
    expect(entries.body.totalSize).toBe(CATALOG_PRODUCTS.length);
    const prices = Object.fromEntries(entries.body.records.map((r: Json) => [r.Product2.ProductCode, r.UnitPrice]));
    expect(prices).toEqual(Object.fromEntries(CATALOG_PRODUCTS.map((p) => [p.code, p.unitPrice])));
    expect(entries.body.records.every((r: Json) => r.Pricebook2.IsStandard === true)).toBe(true);
  });

  it('queries line items with PricebookEntry.Product2.ProductCode, nesting relationships like Salesforce', async () => {
    const opportunityId = await createOpportunity(sandbox, { Name: 'Query test' });
    const entries = await soql(sandbox, token, 'SELECT Id, Product2.ProductCode FROM PricebookEntry');
    const entryFor = (code: string) => entries.body.records.find((r: Json) => r.Product2.ProductCode === code).Id;
    for (const [code, quantity] of [
      ['SKU-LAPTOP-14', 10],
      ['SKU-DOCK-USB4', 3],
    ] as const) {
      const line = await control(sandbox, 'POST', '/records/OpportunityLineItem', {
        OpportunityId: opportunityId,
        PricebookEntryId: entryFor(code),
        Quantity: quantity,
      });
      expect(line.status).toBe(201);
    }

    // A 15-char id in the filter matches the stored 18-char id.
    const result = await soql(
      sandbox,
      token,
      `SELECT Id, Quantity, UnitPrice, TotalPrice, PricebookEntry.Product2.ProductCode FROM OpportunityLineItem WHERE OpportunityId = '${opportunityId.slice(0, 15)}' ORDER BY Quantity DESC`,
    );
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ totalSize: 2, done: true });
    const [laptop, dock] = result.body.records;
    expect(laptop).toEqual({
      attributes: { type: 'OpportunityLineItem', url: `${API}/sobjects/OpportunityLineItem/${laptop.Id}` },
      Id: laptop.Id,
      Quantity: 10,
      UnitPrice: 1899,
      TotalPrice: 18990,
      PricebookEntry: {
        attributes: { type: 'PricebookEntry', url: `${API}/sobjects/PricebookEntry/${entryFor('SKU-LAPTOP-14')}` },
        Product2: {
          attributes: { type: 'Product2', url: expect.stringMatching(new RegExp(`^${API}/sobjects/Product2/01t`)) },
          ProductCode: 'SKU-LAPTOP-14',
        },
      },
    });
    expect(laptop.Id).toMatch(/^00k[a-zA-Z0-9]{15}$/);
    expect(dock.PricebookEntry.Product2.ProductCode).toBe('SKU-DOCK-USB4');

    // Amount rolls up from the lines; the price book is set by the first product.
    const opportunity = await api(sandbox, token, 'GET', `/sobjects/Opportunity/${opportunityId}`);
    expect(opportunity.body.Amount).toBe(10 * 1899 + 3 * 249);
    expect(opportunity.body.Pricebook2Id).toMatch(/^01s/);
    expect(opportunity.body.LastModifiedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
  });

  it('nests null for an empty lookup, supports child subqueries, IN, LIKE and COUNT()', async () => {
    const withoutAccount = await createOpportunity(sandbox, { Name: 'No account yet', AccountId: null });
    const result = await soql(
      sandbox,
      token,
      `SELECT Name, Account.Name FROM Opportunity WHERE Id IN ('${withoutAccount}') AND Name LIKE 'no acc%'`,
    );
    expect(result.body.records).toEqual([
      {
        attributes: { type: 'Opportunity', url: `${API}/sobjects/Opportunity/${withoutAccount}` },
        Name: 'No account yet',
        Account: null,
      },
    ]);

    const children = await soql(
      sandbox,
      token,
      "SELECT Name, (SELECT Quantity FROM OpportunityLineItems) FROM Opportunity WHERE Name = 'query test'",
    );
    expect(children.body.records[0].OpportunityLineItems).toMatchObject({ totalSize: 2, done: true });
    const count = await soql(sandbox, token, 'SELECT COUNT() FROM Account');
    expect(count.body).toEqual({ totalSize: CATALOG_ACCOUNTS.length, done: true, records: [] });
  });

  it('rejects bad SOQL with MALFORMED_QUERY, INVALID_FIELD and INVALID_TYPE', async () => {
    const malformed = await soql(sandbox, token, 'SELECT Id FORM Opportunity');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual([
      { message: expect.stringContaining("unexpected token: 'FORM'"), errorCode: 'MALFORMED_QUERY' },
    ]);
    expect(malformed.body[0].message).toContain('ERROR at Row:1:Column:11');

    const unknownField = await soql(sandbox, token, 'SELECT Id, Foo FROM Opportunity');
    expect(unknownField.status).toBe(400);
    expect(unknownField.body[0].errorCode).toBe('INVALID_FIELD');
    expect(unknownField.body[0].message).toContain("No such column 'Foo' on entity 'Opportunity'.");

    const badPath = await soql(sandbox, token, 'SELECT PricebookEntry.Nope.ProductCode FROM OpportunityLineItem');
    expect(badPath.body[0]).toMatchObject({ errorCode: 'INVALID_FIELD' });
    expect(badPath.body[0].message).toContain("Didn't understand relationship 'Nope'");

    const unknownObject = await soql(sandbox, token, 'SELECT Id FROM Invoice__c');
    expect(unknownObject.body[0]).toMatchObject({ errorCode: 'INVALID_TYPE' });

    const quotedDate = await soql(sandbox, token, "SELECT Id FROM Opportunity WHERE CloseDate = '2026-12-15'");
    expect(quotedDate.body[0]).toMatchObject({ errorCode: 'INVALID_QUERY_FILTER_OPERATOR' });
    const dateLiteral = await soql(sandbox, token, 'SELECT Id FROM Opportunity WHERE CloseDate = 2026-12-15');
    expect(dateLiteral.status).toBe(200);

    const mixed = await soql(sandbox, token, "SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'");
    expect(mixed.body[0]).toMatchObject({ errorCode: 'MALFORMED_QUERY' });
  });

  it('reads records by 15- or 18-char id, with ?fields, and answers NOT_FOUND for unknown ones', async () => {
    const byShortId = await api(
      sandbox,
      token,
      'GET',
      `/sobjects/account/${ACME.slice(0, 15)}?fields=Name,billingcity`,
    );
    expect(byShortId.body).toEqual({
      attributes: { type: 'Account', url: `${API}/sobjects/Account/${ACME}` },
      Id: ACME,
      Name: 'Acme Robotics GmbH',
      BillingCity: 'Stuttgart',
    });
    const missing = await api(sandbox, token, 'GET', '/sobjects/Account/0015g00000ZZZZZ');
    expect(missing).toMatchObject({
      status: 404,
      body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
    });
  });

  it('writes back ERP fields with PATCH (204) and answers Salesforce error shapes', async () => {
    const id = await createOpportunity(sandbox, { Name: 'Write-back target' });
    const path = `/sobjects/Opportunity/${id}`;

    const ok = await api(sandbox, token, 'PATCH', path, {
      ERP_Order_Number__c: 'SO-1001',
      erp_sync_status__c: 'Synced',
    });
    expect(ok.status).toBe(204);
    const read = await api(sandbox, token, 'GET', `${path}?fields=ERP_Order_Number__c,ERP_Sync_Status__c`);
    expect(read.body).toMatchObject({ ERP_Order_Number__c: 'SO-1001', ERP_Sync_Status__c: 'Synced' });

    expect(await api(sandbox, token, 'PATCH', path, { Foo__c: 'x' })).toMatchObject({
      status: 400,
      body: [
        { message: "No such column 'Foo__c' on sobject of type Opportunity", errorCode: 'INVALID_FIELD', fields: [] },
      ],
    });
    const tooLong = await api(sandbox, token, 'PATCH', path, { ERP_Sync_Message__c: 'x'.repeat(256) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toEqual([
      {
        message: expect.stringContaining('data value too large'),
        errorCode: 'STRING_TOO_LONG',
        fields: ['ERP_Sync_Message__c'],
      },
    ]);
    const readOnly = await api(sandbox, token, 'PATCH', path, { LastModifiedDate: '2020-01-01T00:00:00.000Z' });
    expect(readOnly.body).toMatchObject([
      { errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['LastModifiedDate'] },
    ]);
    const badJson = await api(sandbox, token, 'PATCH', path, '{"ERP_Sync_Status__c": ');
    expect(badJson.body).toMatchObject([{ errorCode: 'JSON_PARSER_ERROR' }]);
    const badLookup = await api(sandbox, token, 'PATCH', path, { AccountId: '0015g00000ZZZZZ' });
    expect(badLookup.body).toMatchObject([{ errorCode: 'INVALID_CROSS_REFERENCE_KEY' }]);

    expect((await api(sandbox, token, 'DELETE', path)).status).toBe(204);
    const deleted = await api(sandbox, token, 'PATCH', path, { ERP_Sync_Status__c: 'Synced' });
    expect(deleted).toMatchObject({
      status: 404,
      body: [{ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }],
    });
    expect((await api(sandbox, token, 'GET', path)).body).toMatchObject([{ errorCode: 'ENTITY_IS_DELETED' }]);
  });

  it('creates records (201) and upserts accounts by ERP_Customer_Id__c', async () => {
    const created = await api(sandbox, token, 'POST', '/sobjects/Account', { Name: 'Umbrella Corp' });
    expect(created).toMatchObject({ status: 201, body: { success: true, errors: [] } });
    expect(created.body.id).toMatch(/^001[a-zA-Z0-9]{15}$/);
    const missingRequired = await api(sandbox, token, 'POST', '/sobjects/Opportunity', { Name: 'x' });
    expect(missingRequired.body).toMatchObject([
      { errorCode: 'REQUIRED_FIELD_MISSING', fields: ['StageName', 'CloseDate'] },
    ]);

    const upsertPath = '/sobjects/Account/ERP_Customer_Id__c/CUST-77';
    const inserted = await api(sandbox, token, 'PATCH', upsertPath, { Name: 'Vandelay Industries' });
    expect(inserted).toMatchObject({ status: 201, body: { success: true, created: true } });
    const updated = await api(sandbox, token, 'PATCH', upsertPath, { Phone: '+1 212 555 0100' });
    expect(updated).toMatchObject({ status: 200, body: { id: inserted.body.id, created: false } });
    const read = await api(sandbox, token, 'GET', `/sobjects/Account/${inserted.body.id}`);
    expect(read.body).toMatchObject({
      Name: 'Vandelay Industries',
      Phone: '+1 212 555 0100',
      ERP_Customer_Id__c: 'CUST-77',
    });
  });

  it('adds the configured latency to /services calls and validates settings', async () => {
    const set = await control(sandbox, 'PUT', '/config', { latencyMs: 120 });
    expect(set).toMatchObject({ status: 200, body: { latencyMs: 120, endpointUrl: null } });
    try {
      const started = Date.now();
      await api(sandbox, token, 'GET', `/sobjects/Account/${ACME}`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(115);
    } finally {
      await control(sandbox, 'PUT', '/config', { latencyMs: 0 });
    }
    expect((await control(sandbox, 'PUT', '/config', { latency: 5 })).status).toBe(400);
    expect((await control(sandbox, 'PUT', '/config', { dailyApiLimit: -1 })).status).toBe(400);
  });

  it('keeps referential integrity: cascades, in-use products and unknown resources', async () => {
    const id = await createOpportunity(sandbox, { Name: 'Cascade' });
    const entry = (
      await soql(sandbox, token, "SELECT Id, Product2Id FROM PricebookEntry WHERE Product2.ProductCode = 'SKU-MON-27'")
    ).body.records[0];
    const line = await control(sandbox, 'POST', '/records/OpportunityLineItem', {
      OpportunityId: id,
      PricebookEntryId: entry.Id,
      Quantity: 2,
      UnitPrice: 400,
    });
    expect(line.status).toBe(201);
    const inUse = await api(sandbox, token, 'DELETE', `/sobjects/Product2/${entry.Product2Id}`);
    expect(inUse.body).toMatchObject([{ errorCode: 'DELETE_FAILED' }]);
    const wrongType = await api(sandbox, token, 'PATCH', `/sobjects/Opportunity/${id}`, { AccountId: entry.Id });
    expect(wrongType.body).toMatchObject([{ errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['AccountId'] }]);

    expect((await control(sandbox, 'DELETE', `/records/Opportunity/${id}`)).status).toBe(204);
    const lines = await soql(sandbox, token, `SELECT Id FROM OpportunityLineItem WHERE OpportunityId = '${id}'`);
    expect(lines.body.totalSize).toBe(0);
    expect((await api(sandbox, token, 'GET', '/nothing-here')).body).toEqual([
      { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' },
    ]);
  });

  it('logs /services calls for inspection', async () => {
    expect((await control(sandbox, 'DELETE', '/requests')).status).toBe(204);
    await api(sandbox, token, 'GET', `/sobjects/Account/${ACME}`);
    await api(sandbox, 'bad', 'GET', `/sobjects/Account/${ACME}`);
    const log = await control<LoggedRequest[]>(sandbox, 'GET', '/requests');
    expect(log.body.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', `${API}/sobjects/Account/${ACME}`, 200],
      ['GET', `${API}/sobjects/Account/${ACME}`, 401],
    ]);
    expect(Date.parse(log.body[0].finishedAt)).toBeGreaterThanOrEqual(Date.parse(log.body[0].startedAt));
  });
});

describe('Salesforce sandbox API limit', () => {
  it('answers 403 REQUEST_LIMIT_EXCEEDED once the daily allowance is spent', async () => {
    const sandbox = await sandboxWith({ dailyApiLimit: 3 });
    const token = await accessToken(sandbox);
    for (let i = 0; i < 3; i++) {
      const res = await api(sandbox, token, 'GET', `/sobjects/Account/${ACME}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('sforce-limit-info')).toBe(`api-usage=${i + 1}/3`);
    }
    const over = await api(sandbox, token, 'GET', `/sobjects/Account/${ACME}`);
    expect(over).toMatchObject({
      status: 403,
      body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
    });
    // Token requests do not count and still work.
    expect(await accessToken(sandbox)).toBeTruthy();
    expect((await control(sandbox, 'GET', '/state')).body.apiUsage).toEqual({ used: 3, limit: 3 });
  });
});

// ---------------------------------------------------------------------------------------------
// Outbound Messages

describe('Salesforce sandbox outbound messages', () => {
  it('POSTs a SOAP notification, retries the same notification Id after a 500, and records the ack', async () => {
    const receiver = await receiverWith((i) =>
      i === 0 ? { status: 500, body: 'boom' } : { status: 200, body: ACK_TRUE },
    );
    const sandbox = await sandboxWith({ outboundMessage: { endpointUrl: receiver.url, retryBaseMs: 20 } });
    const id = await createOpportunity(sandbox);
    expect(await outbox(sandbox)).toEqual([]);

    await control(sandbox, 'PATCH', `/records/Opportunity/${id}`, { StageName: 'Closed Won' });
    const entry = await waitFor(
      async () => (await outbox(sandbox)).find((e) => e.status === 'acknowledged'),
      'the notification to be acknowledged',
    );

    expect(receiver.messages).toHaveLength(2);
    const [first, second] = receiver.messages;
    expect(first.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(first.headers.soapaction).toBe('""');
    expect(first.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(notificationIds(first)).toEqual([entry.notificationId]);
    expect(notificationIds(second)).toEqual([entry.notificationId]);
    expect(entry).toMatchObject({ recordId: id, attempts: 2, lastError: 'HTTP 500' });
    expect(entry.notificationId).toMatch(/^04l[a-zA-Z0-9]{15}$/);
    expect(entry.acknowledgedAt).not.toBeNull();

    const notifications = notificationsOf(second);
    const org15 = SANDBOX_ORG_ID.slice(0, 15);
    expect(notifications.OrganizationId).toBe(SANDBOX_ORG_ID);
    expect(notifications.ActionId).toMatch(/^04k[a-zA-Z0-9]{15}$/);
    expect(notifications.SessionId).toMatchObject({ '@nil': 'true' });
    expect(notifications.EnterpriseUrl).toBe(`${sandbox.url}/services/Soap/c/62.0/${org15}`);
    expect(notifications.PartnerUrl).toBe(`${sandbox.url}/services/Soap/u/62.0/${org15}`);
    const sObject = notifications.Notification[0].sObject;
    expect(sObject['@type']).toBe('sf:Opportunity');
    expect(sObject).toMatchObject({
      Id: id,
      Name: 'Acme rollout',
      AccountId: ACME,
      StageName: 'Closed Won',
      Amount: '12500.0',
      CloseDate: '2026-12-15',
      CurrencyIsoCode: 'USD',
    });
    expect(sObject.LastModifiedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // Null fields are left out, ERP write-back fields are not part of the message.
    expect(sObject).not.toHaveProperty('Pricebook2Id');
    expect(sObject).not.toHaveProperty('ERP_Sync_Status__c');
    expect(second.body).toMatch(
      /<sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">\s*<sf:Id>/,
    );

    const deliveries = (await control<Delivery[]>(sandbox, 'GET', '/deliveries')).body;
    expect(deliveries.map((d) => [d.outcome, d.httpStatus])).toEqual([
      ['failed', 500],
      ['acknowledged', 200],
    ]);
    expect(deliveries[0].messageId).not.toBe(deliveries[1].messageId);
  });

  it('treats Ack false and an unreachable endpoint as failed attempts', async () => {
    const receiver = await receiverWith((i) => ({ status: 200, body: i === 0 ? ACK_FALSE : ACK_TRUE }));
    const sandbox = await sandboxWith({ outboundMessage: { retryBaseMs: 20, retryMaxMs: 40 } });
    // Nothing listens here: attempts are refused until the endpoint changes.
    const closed = await startReceiver(() => ({ status: 200, body: ACK_TRUE }));
    await closed.close();
    sandbox.setOutboundEndpoint(closed.url);
    await createOpportunity(sandbox, { StageName: 'Closed Won' });
    await waitFor(async () => (await outbox(sandbox))[0]?.lastError?.includes('ECONNREFUSED'), 'a refused attempt');

    sandbox.setOutboundEndpoint(receiver.url);
    const entry = await waitFor(
      async () => (await outbox(sandbox)).find((e) => e.status === 'acknowledged'),
      'the notification to be acknowledged',
    );
    expect(entry.lastError).toBe('Ack false');
    expect(receiver.messages.map(notificationIds)).toEqual([[entry.notificationId], [entry.notificationId]]);
    const deliveries = (await control<Delivery[]>(sandbox, 'GET', '/deliveries')).body;
    const refused = deliveries.slice(0, -2);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.every((d) => d.outcome === 'failed' && d.error?.includes('ECONNREFUSED'))).toBe(true);
    expect(deliveries.slice(-2).map((d) => [d.outcome, d.httpStatus, d.error])).toEqual([
      ['failed', 200, 'Ack false'],
      ['acknowledged', 200, undefined],
    ]);
    expect(entry.attempts).toBe(deliveries.length);
  });

  it('expires notifications not acknowledged within maxAgeMs', async () => {
    const receiver = await receiverWith(() => ({ status: 503, body: 'down' }));
    const sandbox = await sandboxWith({
      outboundMessage: { endpointUrl: receiver.url, retryBaseMs: 10, maxAgeMs: 300 },
    });
    await createOpportunity(sandbox, { StageName: 'Closed Won' });
    const entry = await waitFor(async () => (await outbox(sandbox)).find((e) => e.status === 'expired'), 'expiry');
    expect(entry.attempts).toBeGreaterThanOrEqual(2);
    expect(entry.lastError).toBe('HTTP 503');
    // Every attempt reached the endpoint, and an expired notification is never sent again.
    expect(receiver.messages).toHaveLength(entry.attempts);
    expect(new Set(receiver.messages.flatMap(notificationIds))).toEqual(new Set([entry.notificationId]));
  });

  it('batches pending notifications into one message once an endpoint is set', async () => {
    const receiver = await receiverWith(() => ({ status: 200, body: ACK_TRUE }));
    const sandbox = await sandboxWith({ outboundMessage: { retryBaseMs: 20 } });
    const ids = [];
    for (const name of ['Deal A', 'Deal B', 'Deal C'])
      ids.push(await createOpportunity(sandbox, { Name: name, StageName: 'Closed Won' }));
    const pending = await outbox(sandbox);
    expect(pending.map((e) => [e.recordId, e.status, e.attempts])).toEqual(ids.map((id) => [id, 'pending', 0]));
    expect(receiver.messages).toHaveLength(0);

    sandbox.setOutboundEndpoint(receiver.url);
    await waitFor(async () => (await outbox(sandbox)).every((e) => e.status === 'acknowledged'), 'all acknowledged');
    expect(receiver.messages).toHaveLength(1);
    const notifications = notificationsOf(receiver.messages[0]).Notification;
    expect(notifications.map((n: Json) => n.sObject.Id)).toEqual(ids);
    expect(notifications.map((n: Json) => n.Id)).toEqual(pending.map((e) => e.notificationId));
  });

  it("'every-edit' fires on each qualifying save; write-back-only saves do not fire", async () => {
    const sandbox = await sandboxWith({ outboundMessage: { evaluation: 'every-edit' } });
    const token = await accessToken(sandbox);
    const id = await createOpportunity(sandbox, { StageName: 'Closed Won' });
    expect(await outbox(sandbox)).toHaveLength(1);

    await control(sandbox, 'PATCH', `/records/Opportunity/${id}`, { Description: 'Signed by the CFO' });
    expect(await outbox(sandbox)).toHaveLength(2);

    // The hub's write-back touches only ERP_* fields: no new notification, through REST or the UI.
    const writeBack = await api(sandbox, token, 'PATCH', `/sobjects/Opportunity/${id}`, {
      ERP_Order_Number__c: 'SO-42',
      ERP_Order_Status__c: 'Pending Fulfillment',
      ERP_Sync_Status__c: 'Synced',
      ERP_Sync_Message__c: 'Created sales order SO-42',
    });
    expect(writeBack.status).toBe(204);
    await control(sandbox, 'PATCH', `/records/Opportunity/${id}`, { ERP_Sync_Status__c: 'Failed' });
    expect(await outbox(sandbox)).toHaveLength(2);

    // A REST save that changes a business field does fire.
    await api(sandbox, token, 'PATCH', `/sobjects/Opportunity/${id}`, { Amount: 13000, ERP_Sync_Status__c: 'Synced' });
    expect(await outbox(sandbox)).toHaveLength(3);

    // Saves that leave the opportunity open never fire.
    const open = await createOpportunity(sandbox);
    await control(sandbox, 'PATCH', `/records/Opportunity/${open}`, { Amount: 99 });
    expect((await outbox(sandbox)).map((e) => e.recordId)).toEqual([id, id, id]);
  });

  it("'transition' fires only when a save makes the opportunity Closed Won", async () => {
    const sandbox = await sandboxWith({ outboundMessage: { evaluation: 'transition' } });
    const id = await createOpportunity(sandbox);
    expect(await outbox(sandbox)).toHaveLength(0);

    await control(sandbox, 'PATCH', `/records/Opportunity/${id}`, { StageName: 'Closed Won' });
    expect(await outbox(sandbox)).toHaveLength(1);
    await control(sandbox, 'PATCH', `/records/Opportunity/${id}`, { Description: 'Signed by the CFO' });
    expect(await outbox(sandbox)).toHaveLength(1);

    await control(sandbox, 'PATCH', `/records/Opportunity/${id}`, { StageName: 'Negotiation/Review' });
    await control(sandbox, 'PATCH', `/records/Opportunity/${id}`, { StageName: 'Closed Won' });
    expect(await outbox(sandbox)).toHaveLength(2);

    await createOpportunity(sandbox, { StageName: 'Closed Won' });
    expect(await outbox(sandbox)).toHaveLength(3);
  });

  it('redelivers an acknowledged notification in a new message with the same Id', async () => {
    const receiver = await receiverWith(() => ({ status: 200, body: ACK_TRUE }));
    const sandbox = await sandboxWith({ outboundMessage: { endpointUrl: receiver.url, retryBaseMs: 20 } });
    await createOpportunity(sandbox, { StageName: 'Closed Won' });
    const entry = await waitFor(async () => (await outbox(sandbox)).find((e) => e.status === 'acknowledged'), 'ack');

    const redeliver = await control(sandbox, 'POST', `/outbound/${entry.notificationId}/redeliver`);
    expect(redeliver.status).toBe(202);
    await waitFor(() => receiver.messages.length === 2, 'the redelivered message');
    expect(notificationIds(receiver.messages[1])).toEqual([entry.notificationId]);
    const deliveries = await waitFor(async () => {
      const log = (await control<Delivery[]>(sandbox, 'GET', '/deliveries')).body;
      return log.length === 2 ? log : undefined;
    }, 'the redelivery to be logged');
    expect(deliveries.every((d) => d.notificationIds[0] === entry.notificationId)).toBe(true);
    expect(deliveries[0].messageId).not.toBe(deliveries[1].messageId);
    expect((await outbox(sandbox))[0]).toMatchObject({ status: 'acknowledged', attempts: 1 });

    expect((await control(sandbox, 'POST', '/outbound/04l5g0000000000AAA/redeliver')).status).toBe(404);
  });

  it('refuses to redeliver a notification that is still pending', async () => {
    const sandbox = await sandboxWith({});
    await createOpportunity(sandbox, { StageName: 'Closed Won' });
    const [entry] = await outbox(sandbox);
    expect((await control(sandbox, 'POST', `/outbound/${entry.notificationId}/redeliver`)).status).toBe(409);
  });
});

// ---------------------------------------------------------------------------------------------
// Persistence

describe('Salesforce sandbox persistence', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'salesforce-sandbox-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps records and the outbox across stop and start, and delivers what was pending', async () => {
    const stateFile = join(dir, 'org.json');
    const first = await startSalesforceSandbox({ stateFile });
    const id = await createOpportunity(first, { Name: 'Survives restarts', StageName: 'Closed Won' });
    const [pending] = await outbox(first);
    await first.stop();

    const receiver = await receiverWith(() => ({ status: 200, body: ACK_TRUE }));
    const second = await sandboxWith({ stateFile, outboundMessage: { endpointUrl: receiver.url } });
    const state = (await control(second, 'GET', '/state')).body;
    expect(state.records.Account).toHaveLength(CATALOG_ACCOUNTS.length);
    expect(state.records.Opportunity).toEqual([expect.objectContaining({ Id: id, Name: 'Survives restarts' })]);

    await waitFor(
      async () => (await outbox(second))[0]?.status === 'acknowledged',
      'the saved notification to be delivered',
    );
    expect(notificationIds(receiver.messages[0])).toEqual([pending.notificationId]);

    // New ids never collide with restored ones.
    const another = await createOpportunity(second, { Name: 'After restart' });
    expect(another).not.toBe(id);
  });
});
