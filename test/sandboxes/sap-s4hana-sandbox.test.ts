// The SAP S/4HANA sandbox's contract, as the real tenant would answer: the OAuth 2.0 token
// endpoint of a communication arrangement, bearer tokens that expire, Gateway's CSRF protection
// bound to session cookies, authorization per communication scenario, OData v2 shapes (d,
// results, __metadata, /Date()/, decimals as strings), ETags on business partners (428, 412),
// SAP's error body, the rate limit (429 or API Management's fault), outages, lost answers,
// persistence across restarts, and the common ERP control surface.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sapCredentialsSchema } from '../../functions/connectors/sap-s4hana/credentials';
import { ErpDesk } from '../../sandboxes/erp-sandbox';
import { type SapSandbox, startSapSandbox } from '../../sandboxes/sap-s4hana';

const ODATA = '/sap/opu/odata/sap';
const TOKEN_PATH = '/sap/bc/sec/oauth2/token';
const USER = 'HUB_INTEGRATION';
const SECRET = 'a-communication-user-password-of-some-length';
const ALL = ['SAP_COM_0008', 'SAP_COM_0009', 'SAP_COM_0109'];

interface SapErrorBody {
  error: {
    code: string;
    message: { lang: string; value: string };
    innererror: {
      transactionid: string;
      timestamp: string;
      errordetails: { code: string; message: string; propertyref: string; severity: string; target: string }[];
    };
  };
}

interface Session {
  token: string;
  csrf: string;
  cookie: string;
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function tokenRequest(
  sandbox: SapSandbox,
  authorization: string | undefined,
  body: string,
  contentType = 'application/x-www-form-urlencoded',
) {
  return fetch(`${sandbox.url}${TOKEN_PATH}`, {
    method: 'POST',
    headers: { ...(authorization ? { authorization } : {}), 'content-type': contentType },
    body,
  });
}

async function token(sandbox: SapSandbox, user = USER, password = SECRET): Promise<string> {
  const response = await tokenRequest(sandbox, basic(user, password), 'grant_type=client_credentials');
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function session(sandbox: SapSandbox, bearer: string, service = 'API_SALES_ORDER_SRV'): Promise<Session> {
  const response = await fetch(`${sandbox.url}${ODATA}/${service}/`, {
    headers: { authorization: `Bearer ${bearer}`, 'x-csrf-token': 'Fetch' },
  });
  expect(response.status).toBe(200);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { token: bearer, csrf: response.headers.get('x-csrf-token') as string, cookie };
}

function odata(
  sandbox: SapSandbox,
  method: string,
  path: string,
  options: { bearer?: string; session?: Session; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const bearer = options.session?.token ?? options.bearer;
  return fetch(`${sandbox.url}${ODATA}/${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(options.session ? { 'x-csrf-token': options.session.csrf, cookie: options.session.cookie } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
}

async function sapError(response: Response, status: number, code: string): Promise<SapErrorBody['error']> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as SapErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message.lang).toBe('en');
  expect(body.error.innererror.transactionid).toMatch(/^[0-9A-F]{32}$/);
  expect(body.error.innererror.timestamp).toMatch(/^\d{14}\.\d{7}$/);
  return body.error;
}

/** Polls until `probe` yields a value; the sandbox's clock decides when, not the test. */
async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function salesOrder(overrides: Record<string, unknown> = {}, items?: unknown[]) {
  return {
    SalesOrderType: 'OR',
    SalesOrganization: '1010',
    DistributionChannel: '10',
    OrganizationDivision: '00',
    SoldToParty: '10100001',
    PurchaseOrderByCustomer: '0065g00000SBXTEST01',
    SalesOrderDate: '/Date(1763596800000)/',
    TransactionCurrency: 'GBP',
    to_Item: items ?? [
      {
        SalesOrderItem: '10',
        Material: 'TG11',
        RequestedQuantity: '2',
        to_PricingElement: [{ ConditionType: 'PMP0', ConditionRateValue: '1750.00' }],
      },
      { SalesOrderItem: '20', Material: 'SRV_01', RequestedQuantity: '1.5' },
    ],
    ...overrides,
  };
}

const partner = (externalId: string, overrides: Record<string, unknown> = {}) => ({
  BusinessPartnerCategory: '2',
  OrganizationBPName1: 'Initech Software Inc',
  BusinessPartnerIDByExtSystem: externalId,
  to_BusinessPartnerAddress: [
    {
      Country: 'US',
      CityName: 'Austin',
      PostalCode: '78744',
      StreetName: '4120 Freidrich Lane',
      to_PhoneNumber: [{ PhoneNumber: '+1 512 555 0142' }],
    },
  ],
  to_BusinessPartnerRole: [{ BusinessPartnerRole: 'FLCU01' }],
  to_Customer: {
    to_CustomerSalesArea: [{ SalesOrganization: '1010', DistributionChannel: '10', Division: '00', Currency: 'USD' }],
  },
  ...overrides,
});

describe('SAP S/4HANA sandbox', () => {
  let sandbox: SapSandbox;
  let desk: ErpDesk;
  let bearer: string;

  beforeAll(async () => {
    sandbox = await startSapSandbox({ users: [{ clientId: USER, clientSecret: SECRET, scenarios: ALL }] });
    desk = new ErpDesk(sandbox.url);
    bearer = await token(sandbox);
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  beforeEach(() => {
    sandbox.configure({
      latencyMs: 0,
      outage: false,
      rateLimitRequests: 1200,
      rateLimitWindowSeconds: 60,
      rateLimitStyle: 'gateway',
      sessionTtlSeconds: 1800,
      tokenTtlSeconds: 3600,
      dropNextCreates: 0,
      conflictNextPatches: 0,
    });
  });

  describe('OAuth 2.0 client credentials of a communication user', () => {
    it('issues a bearer token with its lifetime as a string and the services as scope', async () => {
      const response = await tokenRequest(sandbox, basic(USER, SECRET), 'grant_type=client_credentials');

      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: '3600',
        scope: 'API_BUSINESS_PARTNER_0001 API_PRODUCT_SRV_0001 API_SALES_ORDER_SRV_0001',
      });
    });

    it.each([
      ['a wrong password', basic(USER, 'wrong')],
      ['an unknown user', basic('SOMEONE_ELSE', SECRET)],
      ['no client authentication', undefined],
    ])('answers 401 invalid_client for %s', async (_case, authorization) => {
      const response = await tokenRequest(sandbox, authorization, 'grant_type=client_credentials');

      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="SAP NetWeaver Application Server [S4H/100]"');
      expect(await response.json()).toEqual({
        error: 'invalid_client',
        error_description: 'Client authentication failed',
      });
    });

    it('answers 400 for another grant type, a missing one, or a body that is not a form', async () => {
      const auth = basic(USER, SECRET);
      const [password, missing, jsonBody] = await Promise.all([
        tokenRequest(sandbox, auth, 'grant_type=password&username=x&password=y'),
        tokenRequest(sandbox, auth, ''),
        tokenRequest(sandbox, auth, '{"grant_type":"client_credentials"}', 'application/json'),
      ]);

      expect([password.status, missing.status, jsonBody.status]).toEqual([400, 400, 400]);
      expect(((await password.json()) as { error: string }).error).toBe('unsupported_grant_type');
      expect(((await missing.json()) as { error: string }).error).toBe('invalid_request');
    });

    it('refuses OData calls without a token, with a foreign one, and once the token expired', async () => {
      sandbox.configure({ tokenTtlSeconds: 1 });
      const shortLived = await token(sandbox);

      const [none, forged] = await Promise.all([
        odata(sandbox, 'GET', 'API_PRODUCT_SRV/A_Product'),
        odata(sandbox, 'GET', 'API_PRODUCT_SRV/A_Product', { bearer: `${shortLived.split('.')[0]}.forged` }),
      ]);
      const expired = await waitFor(async () => {
        const response = await odata(sandbox, 'GET', 'API_PRODUCT_SRV/A_Product', { bearer: shortLived });
        return response.status === 401 ? response : undefined;
      });

      for (const response of [none, forged, expired]) {
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(
          /^Bearer realm="SAP NetWeaver Application Server \[S4H\/100\]"/,
        );
      }
      expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });

    it('ends every token when the control surface expires the sessions', async () => {
      const before = await token(sandbox);
      await desk.expireSessions();

      const response = await odata(sandbox, 'GET', 'API_PRODUCT_SRV/A_Product', { bearer: before });

      expect(response.status).toBe(401);
      bearer = await token(sandbox);
    });
  });

  describe('CSRF protection', () => {
    it('returns a token and the session cookies to a GET or HEAD with X-CSRF-Token: Fetch', async () => {
      for (const method of ['GET', 'HEAD']) {
        const response = await fetch(`${sandbox.url}${ODATA}/API_SALES_ORDER_SRV/`, {
          method,
          headers: { authorization: `Bearer ${bearer}`, 'x-csrf-token': 'Fetch' },
        });

        expect(response.status).toBe(200);
        expect(response.headers.get('x-csrf-token')).toMatch(/^[A-Za-z0-9+/]{22}==$/);
        expect(response.headers.getSetCookie()).toEqual([
          expect.stringMatching(/^SAP_SESSIONID_S4H_100=[\w-]+; path=\/; HttpOnly/),
          'sap-usercontext=sap-client=100; path=/',
        ]);
      }
    });

    it('refuses a write without the token, with a token but not its cookies, or with another session’s token', async () => {
      const [mine, other] = [await session(sandbox, bearer), await session(sandbox, bearer)];
      const body = salesOrder();

      const responses = await Promise.all([
        odata(sandbox, 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', { bearer, body }),
        odata(sandbox, 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', {
          bearer,
          body,
          headers: { 'x-csrf-token': mine.csrf },
        }),
        odata(sandbox, 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', { session: { ...mine, csrf: other.csrf }, body }),
      ]);

      for (const response of responses) {
        expect(response.status).toBe(403);
        expect(response.headers.get('x-csrf-token')).toBe('Required');
        expect(await response.text()).toBe('CSRF token validation failed');
      }
      expect(await desk.ordersFor(body.PurchaseOrderByCustomer)).toEqual([]);
    });

    it('keeps the token of a session across services, and ends the session after its idle time', async () => {
      const current = await session(sandbox, bearer, 'API_BUSINESS_PARTNER');
      const created = await odata(sandbox, 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', {
        session: current,
        body: salesOrder({ PurchaseOrderByCustomer: 'CSRF-ACROSS' }),
      });
      expect(created.status).toBe(201);
      sandbox.configure({ sessionTtlSeconds: 0.2 });

      await waitFor(async () => ((await desk.state()) as { liveSessions: number }).liveSessions === 0 || undefined);
      const refused = await odata(sandbox, 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', {
        session: current,
        body: salesOrder({ PurchaseOrderByCustomer: 'CSRF-IDLE' }),
      });

      expect(refused.status).toBe(403);
      expect(refused.headers.get('x-csrf-token')).toBe('Required');
      expect(await desk.ordersFor('CSRF-IDLE')).toHaveLength(0);
    });
  });

  describe('authorization by communication scenario', () => {
    it('answers 403 /IWFND/CM_CONSUMER/101 for a service the user’s arrangements do not include', async () => {
      const put = await fetch(`${sandbox.url}/_sandbox/communication-users/ORDERS_ONLY`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientSecret: SECRET, scenarios: ['SAP_COM_0109'] }),
      });
      expect(put.status).toBe(200);
      const limited = await token(sandbox, 'ORDERS_ONLY');

      const error = await sapError(
        await odata(sandbox, 'GET', 'API_BUSINESS_PARTNER/A_BusinessPartner', { bearer: limited }),
        403,
        '/IWFND/CM_CONSUMER/101',
      );

      expect(error.message.value).toBe("No authorization to access Service 'ZAPI_BUSINESS_PARTNER_0001'");
      expect((await odata(sandbox, 'GET', 'API_SALES_ORDER_SRV/A_SalesOrder', { bearer: limited })).status).toBe(200);
    });
  });

  describe('business partners', () => {
    it('finds partners by the external system id, in the v2 JSON shape with ETags', async () => {
      const response = await odata(
        sandbox,
        'GET',
        "API_BUSINESS_PARTNER/A_BusinessPartner?$filter=BusinessPartnerIDByExtSystem%20eq%20'0015g00000HOLD1AAP'&$expand=to_Customer/to_CustomerSalesArea",
        { bearer },
      );

      expect(response.status).toBe(200);
      const { d } = (await response.json()) as { d: { results: Record<string, unknown>[] } };
      expect(d.results).toHaveLength(1);
      const [hooli] = d.results;
      expect(hooli).toMatchObject({
        __metadata: {
          uri: `${sandbox.url}${ODATA}/API_BUSINESS_PARTNER/A_BusinessPartner('10100002')`,
          type: 'API_BUSINESS_PARTNER.A_BusinessPartnerType',
          etag: expect.stringMatching(/^W\/"'\d+'"$/),
        },
        BusinessPartner: '10100002',
        BusinessPartnerCategory: '2',
        OrganizationBPName1: 'Hooli Hardware LLC',
        CreationDate: expect.stringMatching(/^\/Date\(\d+\)\/$/),
        to_BusinessPartnerAddress: {
          __deferred: { uri: expect.stringContaining("A_BusinessPartner('10100002')/to_BusinessPartnerAddress") },
        },
        to_Customer: {
          Customer: '10100002',
          OrderIsBlockedForCustomer: '01',
          to_CustomerSalesArea: { results: [expect.objectContaining({ SalesOrganization: '1010' })] },
        },
      });
    });

    it('creates a partner by deep insert, answering 201 with Location and ETag', async () => {
      const current = await session(sandbox, bearer, 'API_BUSINESS_PARTNER');

      const response = await odata(sandbox, 'POST', 'API_BUSINESS_PARTNER/A_BusinessPartner', {
        session: current,
        body: partner('0015g00000INITCAA5'),
      });

      expect(response.status).toBe(201);
      const { d } = (await response.json()) as { d: Record<string, unknown> & { __metadata: { uri: string } } };
      expect(response.headers.get('location')).toBe(d.__metadata.uri);
      expect(response.headers.get('etag')).toMatch(/^W\//);
      expect(d).toMatchObject({
        BusinessPartner: expect.stringMatching(/^101001\d\d$/),
        Customer: d.BusinessPartner,
        to_BusinessPartnerAddress: {
          results: [
            expect.objectContaining({
              CityName: 'Austin',
              to_PhoneNumber: { results: [expect.objectContaining({ PhoneNumber: '+1 512 555 0142' })] },
            }),
          ],
        },
        to_BusinessPartnerRole: { results: [expect.objectContaining({ BusinessPartnerRole: 'FLCU01' })] },
      });
    });

    it('refuses a partner with SAP’s messages: postal code form, name length, unknown country', async () => {
      const current = await session(sandbox, bearer, 'API_BUSINESS_PARTNER');
      const body = partner('0015g00000BADADDRA', {
        OrganizationBPName1: 'x'.repeat(41),
        to_BusinessPartnerAddress: [
          { Country: 'DE', CityName: 'München', PostalCode: '8080', StreetName: 'Leopoldstraße 12' },
        ],
      });

      const error = await sapError(
        await odata(sandbox, 'POST', 'API_BUSINESS_PARTNER/A_BusinessPartner', { session: current, body }),
        400,
        'R11/110',
      );

      expect(error.innererror.errordetails.map((d) => d.message)).toEqual([
        'Entry in field OrganizationBPName1 is longer than 40 characters',
        'Postal code 8080 must have length 5',
      ]);
      const unknownCountry = partner('0015g00000BADADDRB', {
        to_BusinessPartnerAddress: [{ Country: 'XX', CityName: 'Nowhere', PostalCode: '1', StreetName: 'Main' }],
      });
      const second = await sapError(
        await odata(sandbox, 'POST', 'API_BUSINESS_PARTNER/A_BusinessPartner', {
          session: current,
          body: unknownCountry,
        }),
        400,
        'AM/217',
      );
      expect(second.message.value).toBe('Country XX does not exist');
    });

    it('protects updates with the ETag: 428 without If-Match, 412 when stale, 204 with a new ETag', async () => {
      const current = await session(sandbox, bearer, 'API_BUSINESS_PARTNER');
      const read = await odata(sandbox, 'GET', "API_BUSINESS_PARTNER/A_BusinessPartner('10100001')", { bearer });
      const etag = read.headers.get('etag') as string;
      const path = "API_BUSINESS_PARTNER/A_BusinessPartner('10100001')";
      const body = { OrganizationBPName1: 'Globex Logistics Limited' };

      await sapError(await odata(sandbox, 'PATCH', path, { session: current, body }), 428, '/IWBEP/CM_MGW_RT/178');
      const ok = await odata(sandbox, 'PATCH', path, { session: current, body, headers: { 'if-match': etag } });
      const stale = await odata(sandbox, 'PATCH', path, { session: current, body, headers: { 'if-match': etag } });

      expect(ok.status).toBe(204);
      expect(ok.headers.get('etag')).not.toBe(etag);
      await sapError(stale, 412, '/IWBEP/CM_MGW_RT/179');
      const after = (await (await odata(sandbox, 'GET', path, { bearer })).json()) as {
        d: { OrganizationBPName1: string };
      };
      expect(after.d.OrganizationBPName1).toBe('Globex Logistics Limited');
    });

    it('lets finance’s concurrent edit make the next PATCH stale (conflictNextPatches)', async () => {
      const current = await session(sandbox, bearer, 'API_BUSINESS_PARTNER');
      const path = "API_BUSINESS_PARTNER/A_BusinessPartner('10100001')";
      const etag = (await odata(sandbox, 'GET', path, { bearer })).headers.get('etag') as string;
      sandbox.configure({ conflictNextPatches: 1 });

      const response = await odata(sandbox, 'PATCH', path, {
        session: current,
        body: { SearchTerm1: 'GLOBEX' },
        headers: { 'if-match': etag },
      });

      expect(response.status).toBe(412);
    });
  });

  describe('sales orders', () => {
    it('creates an order by deep insert, priced by the manual condition, in v2 JSON', async () => {
      const current = await session(sandbox, bearer);

      const response = await odata(sandbox, 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', {
        session: current,
        body: salesOrder(),
      });

      expect(response.status).toBe(201);
      const { d } = (await response.json()) as {
        d: Record<string, unknown> & { to_Item: { results: Record<string, unknown>[] } };
      };
      expect(response.headers.get('location')).toBe(
        `${sandbox.url}${ODATA}/API_SALES_ORDER_SRV/A_SalesOrder('${d.SalesOrder}')`,
      );
      expect(response.headers.get('etag')).toMatch(/^W\/"datetimeoffset'.+Z'"$/);
      expect(d).toMatchObject({
        SalesOrder: expect.stringMatching(/^5\d{6}$/),
        SalesOrderType: 'OR',
        SoldToParty: '10100001',
        PurchaseOrderByCustomer: '0065g00000SBXTEST01',
        SalesOrderDate: '/Date(1763596800000)/',
        TransactionCurrency: 'GBP',
        TotalNetAmount: '5300.00',
        OverallSDProcessStatus: 'A',
      });
      expect(
        d.to_Item.results.map((i) => [
          i.SalesOrderItem,
          i.Material,
          i.SalesOrderItemText,
          i.RequestedQuantity,
          i.NetPriceAmount,
          i.NetAmount,
        ]),
      ).toEqual([
        ['10', 'TG11', 'Laptop 14" Pro', '2', '1750.00', '3500.00'],
        ['20', 'SRV_01', 'Onboarding Service (day)', '1.5', '1200.00', '1800.00'],
      ]);
      const pricing = (d.to_Item.results[0].to_PricingElement as { results: Record<string, unknown>[] }).results;
      expect(pricing.map((p) => [p.ConditionType, p.ConditionRateValue, p.ConditionInactiveReason])).toEqual([
        ['PPR0', '1899.00', 'X'],
        ['PMP0', '1750.00', ''],
      ]);
    });

    it('takes a second order with the same customer reference: finding it is the caller’s job', async () => {
      const current = await session(sandbox, bearer);
      const body = salesOrder({ PurchaseOrderByCustomer: 'SAME-REFERENCE' });
      await odata(sandbox, 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', { session: current, body });
      await odata(sandbox, 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', { session: current, body });

      const response = await odata(
        sandbox,
        'GET',
        "API_SALES_ORDER_SRV/A_SalesOrder?$filter=PurchaseOrderByCustomer%20eq%20'SAME-REFERENCE'&$orderby=SalesOrder%20desc&$top=5",
        { bearer },
      );

      const { d } = (await response.json()) as { d: { results: { SalesOrder: string; to_Item: unknown }[] } };
      expect(d.results).toHaveLength(2);
      expect(Number(d.results[0].SalesOrder)).toBeGreaterThan(Number(d.results[1].SalesOrder));
      expect(d.results[0].to_Item).toEqual({ __deferred: { uri: expect.stringContaining('/to_Item') } });
    });

    it('refuses an unknown or blocked material naming the item, as the BAPI messages come', async () => {
      const current = await session(sandbox, bearer);
      const body = salesOrder({ PurchaseOrderByCustomer: 'UNKNOWN-MATERIAL' }, [
        { Material: 'TG11', RequestedQuantity: '1' },
        { Material: 'TG99', RequestedQuantity: '1' },
      ]);

      const error = await sapError(
        await odata(sandbox, 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', { session: current, body }),
        400,
        'V1/392',
      );

      expect(error.message.value).toBe('Material TG99 is not defined for sales org.1010, distr.chan.10, language EN');
      expect(error.innererror.errordetails.map((d) => [d.code, d.message, d.target])).toEqual([
        [
          'V1/392',
          'Material TG99 is not defined for sales org.1010, distr.chan.10, language EN',
          "/A_SalesOrderItem(SalesOrder='',SalesOrderItem='20')/Material",
        ],
        ['V4/248', 'Error in SALES_ITEM_IN 000020', ''],
        ['V4/219', 'Sales document was not changed', ''],
      ]);
      await desk.setItemSellable('TG12', false);
      const blocked = salesOrder({ PurchaseOrderByCustomer: 'BLOCKED-MATERIAL' }, [
        { Material: 'TG12', RequestedQuantity: '1' },
      ]);
      const second = await sapError(
        await odata(sandbox, 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', { session: current, body: blocked }),
        400,
        'V1/028',
      );
      await desk.setItemSellable('TG12', true);
      expect(second.message.value).toBe('Material TG12 has status: Blocked for sales');
    });

    it('refuses an order for a sold-to party with an order block', async () => {
      const current = await session(sandbox, bearer);

      const error = await sapError(
        await odata(sandbox, 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', {
          session: current,
          body: salesOrder({ SoldToParty: '10100002' }),
        }),
        400,
        'V1/462',
      );

      expect(error.message.value).toBe(
        'Sold-to party 10100002 is blocked for sales orders (order block 01: Credit limit exceeded)',
      );
      expect(error.innererror.errordetails[0].target).toBe('SoldToParty');
    });

    it('commits the order and then drops the connection when told to lose the next answer', async () => {
      const current = await session(sandbox, bearer);
      sandbox.configure({ dropNextCreates: 1 });

      const lost = await odata(sandbox, 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', {
        session: current,
        body: salesOrder({ PurchaseOrderByCustomer: 'LOST-ANSWER' }),
      }).then(
        () => 'answered',
        () => 'lost',
      );

      expect(lost).toBe('lost');
      expect(await desk.ordersFor('LOST-ANSWER')).toHaveLength(1);
    });
  });

  describe('OData requests SAP refuses', () => {
    it.each([
      ['a missing entity', 'GET', "API_SALES_ORDER_SRV/A_SalesOrder('999')", undefined, 404, '/IWBEP/CM_MGW_RT/020'],
      ['an unknown entity set', 'GET', 'API_SALES_ORDER_SRV/A_Nothing', undefined, 404, '/IWBEP/CM_MGW_RT/020'],
      ['an unknown service', 'GET', 'API_NOTHING_SRV/A_Nothing', undefined, 404, '/IWFND/MED/170'],
      [
        'a filter the sandbox does not evaluate',
        'GET',
        'API_SALES_ORDER_SRV/A_SalesOrder?$filter=TotalNetAmount%20gt%20100',
        undefined,
        400,
        '/IWBEP/CM_MGW_RT/020',
      ],
      [
        'a broken escape in the path',
        'GET',
        "API_SALES_ORDER_SRV/A_SalesOrder('%E0%A4%A')",
        undefined,
        400,
        '/IWBEP/CM_MGW_RT/020',
      ],
      [
        'a malformed key predicate',
        'GET',
        "API_SALES_ORDER_SRV/A_SalesOrder('1'",
        undefined,
        400,
        '/IWBEP/CM_MGW_RT/020',
      ],
      ['malformed JSON', 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', '{"SalesOrderType":', 400, '/IWBEP/CM_MGW_RT/020'],
      [
        'an unknown property',
        'POST',
        'API_SALES_ORDER_SRV/A_SalesOrder',
        { ...salesOrder(), Colour: 'red' },
        400,
        '/IWBEP/CM_MGW_RT/022',
      ],
      ['a JSON array', 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', '[]', 400, '/IWBEP/CM_MGW_RT/020'],
      ['a change of an order', 'PATCH', "API_SALES_ORDER_SRV/A_SalesOrder('5000001')", {}, 405, '/IWBEP/CM_MGW_RT/021'],
    ])('answers %s in SAP’s error shape', async (_case, method, path, body, status, code) => {
      const current = await session(sandbox, bearer);

      await sapError(await odata(sandbox, method, path, { session: current, body }), status, code);
    });

    it('refuses a body over the size limit and keeps serving', async () => {
      const current = await session(sandbox, bearer);

      // The shared HTTP layer answers 413 but closes the upload early, which clients may see as a reset.
      const outcome = await odata(sandbox, 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', {
        session: current,
        body: 'x'.repeat(11 * 1024 * 1024),
      }).then(
        (response) => response.status,
        () => 'reset',
      );

      expect([413, 'reset']).toContain(outcome);
      expect((await odata(sandbox, 'GET', 'API_PRODUCT_SRV/A_Product', { bearer })).status).toBe(200);
    });
  });

  describe('limits and failures', () => {
    it('answers over the rate limit with 429 and Retry-After, as the tenant’s gateway', async () => {
      sandbox.configure({ rateLimitRequests: 2, rateLimitWindowSeconds: 20 });

      const statuses: Response[] = [];
      for (let i = 0; i < 3; i++) statuses.push(await odata(sandbox, 'GET', 'API_PRODUCT_SRV/A_Product', { bearer }));

      expect(statuses.map((r) => r.status)).toEqual([200, 200, 429]);
      const retryAfter = Number(statuses[2].headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(20);
    });

    it('answers as API Management’s Spike Arrest policy does: a fault body with status 500', async () => {
      sandbox.configure({ rateLimitRequests: 1, rateLimitWindowSeconds: 60, rateLimitStyle: 'api-management' });

      await odata(sandbox, 'GET', 'API_PRODUCT_SRV/A_Product', { bearer });
      const response = await odata(sandbox, 'GET', 'API_PRODUCT_SRV/A_Product', { bearer });

      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({
        fault: {
          faultstring: 'Spike arrest violation. Allowed rate : 1pm',
          detail: { errorcode: 'policies.ratelimit.SpikeArrestViolation' },
        },
      });
    });

    it('answers 503 during an outage and adds the configured latency', async () => {
      sandbox.configure({ outage: true, latencyMs: 120 });
      const started = Date.now();

      const response = await odata(sandbox, 'GET', 'API_PRODUCT_SRV/A_Product', { bearer });

      expect(response.status).toBe(503);
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    });

    it('refuses settings out of range with 400, naming the setting', async () => {
      const response = await fetch(`${sandbox.url}/_sandbox/config`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rateLimitStyle: 'apigee' }),
      });

      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toContain('rateLimitStyle');
      await expect(desk.configure({ tokenTtlSeconds: 0 })).rejects.toThrow(/tokenTtlSeconds/);
      await expect(desk.configure({ concurrency: 3 })).rejects.toThrow(/unknown settings: concurrency/);
    });
  });

  describe('common ERP control surface', () => {
    it('hands out the secret JSON the connector reads, keeping the password of the user it made', async () => {
      const first = await desk.connection();
      const again = await desk.connection(first);

      expect(sapCredentialsSchema.parse(first)).toEqual({ baseUrl: sandbox.url, clientId: USER, clientSecret: SECRET });
      expect(again).toEqual(first);
      await token(sandbox, first.clientId as string, first.clientSecret as string);
    });

    it('maps the catalog products to materials, lists orders neutrally, holds and releases customers', async () => {
      const mappings = await desk.itemMappings();
      const [order] = await desk.ordersFor('0065g00000SBXTEST01');

      expect(mappings).toContainEqual({ sku: 'SKU-LAPTOP-14', itemId: 'TG11' });
      expect(mappings.map((m) => m.sku)).not.toContain('SKU-HEADSET-LEGACY');
      expect(order).toEqual({
        crmReference: '0065g00000SBXTEST01',
        orderNumber: expect.any(String),
        customerNumber: '10100001',
        currency: 'GBP',
        total: 5300,
        lines: [
          { itemId: 'TG11', quantity: 2, unitPrice: 1750 },
          { itemId: 'SRV_01', quantity: 1.5, unitPrice: 1200 },
        ],
      });
      await desk.setCreditHold('0015g00000GLOBXAA5', true);
      const held = await odata(sandbox, 'GET', "API_BUSINESS_PARTNER/A_Customer('10100001')", { bearer });
      await desk.setCreditHold('0015g00000GLOBXAA5', false);
      expect(((await held.json()) as { d: { OrderIsBlockedForCustomer: string } }).d.OrderIsBlockedForCustomer).toBe(
        '01',
      );
      await expect(desk.setCreditHold('0015g00000UNKNOWN1', true)).rejects.toThrow(/404/);
      await expect(desk.setItemSellable('NOPE', false)).rejects.toThrow(/404/);
    });

    it('logs the API calls with their status, and clears the log', async () => {
      await desk.clearRequests();
      await odata(sandbox, 'GET', "API_SALES_ORDER_SRV/A_SalesOrder('999')", { bearer });

      expect(await desk.requests()).toEqual([
        expect.objectContaining({
          method: 'GET',
          path: `${ODATA}/API_SALES_ORDER_SRV/A_SalesOrder('999')`,
          status: 404,
        }),
      ]);
    });
  });
});

describe('SAP S/4HANA sandbox persistence', () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'sap-sandbox-'));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('keeps partners, orders, users and tokens across a restart; sessions end with it', async () => {
    const stateFile = join(folder, 'sap.json');
    const first = await startSapSandbox({
      stateFile,
      users: [{ clientId: USER, clientSecret: SECRET, scenarios: ALL }],
    });
    const bearer = await token(first);
    const current = await session(first, bearer);
    const created = await odata(first, 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', {
      session: current,
      body: salesOrder({ PurchaseOrderByCustomer: 'PERSISTED' }),
    });
    expect(created.status).toBe(201);
    const { d } = (await created.json()) as { d: { SalesOrder: string } };
    await first.stop();
    expect(JSON.parse(await readFile(stateFile, 'utf8')).version).toBe(1);

    const second = await startSapSandbox({ stateFile });
    try {
      const read = await odata(second, 'GET', `API_SALES_ORDER_SRV/A_SalesOrder('${d.SalesOrder}')`, { bearer });
      const write = await odata(second, 'POST', 'API_SALES_ORDER_SRV/A_SalesOrder', {
        session: { ...current },
        body: salesOrder(),
      });

      expect(read.status).toBe(200);
      expect(((await read.json()) as { d: { PurchaseOrderByCustomer: string } }).d.PurchaseOrderByCustomer).toBe(
        'PERSISTED',
      );
      expect(write.status).toBe(403);
      expect(write.headers.get('x-csrf-token')).toBe('Required');
      await token(second);
    } finally {
      await second.stop();
    }
  });
});
