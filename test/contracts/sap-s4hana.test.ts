// The SAP S/4HANA adapter behind the ERP port, against the SAP sandbox: OAuth 2.0 tokens and CSRF
// sessions and their renewal, business partners found by the CRM account id, created and
// updated (ETag, 412 retry), order blocks, sales orders made once whatever the retries, SAP's
// refusals mapped onto the exception catalogue, throttling (also when it looks like a 500 or a
// 403 is something else), outages.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connector } from '../../functions/connectors/sap-s4hana';
import type { ErpPort } from '../../functions/ports/erp';
import { ERP_ACCOUNTS } from '../../sandboxes/catalog';
import type { ErpDesk } from '../../sandboxes/erp-sandbox';
import type { RequestLogEntry } from '../../sandboxes/request-log';
import { type SapSandbox, startSapSandbox } from '../../sandboxes/sap-s4hana';
import { connectAdapter, dealMaker, failure, secrets } from './support';

const SETTINGS = {
  salesOrganization: '1010',
  distributionChannel: '10',
  organizationDivision: '00',
  customerCurrency: 'EUR',
  companyCode: { code: '1010', reconciliationAccount: '12100000' },
};
const DEFAULTS = {
  latencyMs: 0,
  outage: false,
  rateLimitRequests: 1200,
  rateLimitWindowSeconds: 60,
  rateLimitStyle: 'gateway',
  sessionTtlSeconds: 1800,
  tokenTtlSeconds: 3600,
  dropNextCreates: 0,
  conflictNextPatches: 0,
};

let sandbox: SapSandbox;
let erp: ErpPort;
let desk: ErpDesk;
let credentials: Record<string, unknown>;
let items: Map<string, string>;

beforeAll(async () => {
  sandbox = await startSapSandbox();
});

afterAll(async () => {
  await sandbox?.stop();
});

beforeEach(async () => {
  secrets.reset();
  ({ erp, desk, credentials } = await connect());
  items = new Map((await desk.itemMappings()).map((m) => [m.sku, m.itemId]));
  await desk.configure(DEFAULTS);
});

/** `system` names the secret: another name keeps Powertools' cached copy of the hub's secret out of the way. */
function connect(settings: Record<string, unknown> = SETTINGS, system = 'sap-s4hana') {
  return connectAdapter(connector, sandbox.url, { system, settings });
}

const deal = dealMaker('SAPC');

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

/** The log as `METHOD <entity set or token> <status>`, queries left out. */
async function calls(): Promise<string[]> {
  return (await desk.requests()).map((r: RequestLogEntry) => {
    const [, service, rest] = /\/sap\/opu\/odata\/sap\/(\w+)\/?(.*)$/.exec(r.path) ?? [];
    const what = service ? `${service}/${rest.split('(')[0]}` : r.path.split('/').pop();
    return `${r.method} ${what} ${r.status}`;
  });
}

interface PartnerState {
  BusinessPartner: string;
  BusinessPartnerIDByExtSystem: string;
  OrganizationBPName1: string;
  OrganizationBPName2: string;
  to_BusinessPartnerAddress: {
    results: {
      StreetName: string;
      PostalCode: string;
      to_PhoneNumber: { results: { PhoneNumber: string }[] };
      to_URLAddress: { results: { WebsiteURL: string }[] };
    }[];
  };
}

async function partnersOf(accountId: string): Promise<PartnerState[]> {
  const state = (await desk.state()) as { businessPartners: PartnerState[] };
  return state.businessPartners.filter((bp) => bp.BusinessPartnerIDByExtSystem === accountId);
}

async function setScenarios(scenarios: string[]): Promise<void> {
  const response = await fetch(`${sandbox.url}/_sandbox/communication-users/${credentials.clientId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scenarios }),
  });
  expect(response.status).toBe(200);
}

describe('customers', () => {
  it('creates a business partner keyed by the CRM account id, and updates the same one on the next upsert', async () => {
    const order = deal();

    const created = await erp.customers.upsert({ ...order.customer, phone: '+49 89 555 0100' });
    const updated = await erp.customers.upsert({
      ...order.customer,
      name: 'Müller & Söhne Holding GmbH',
      phone: '+49 89 555 0199',
      website: 'https://mueller-soehne.example',
      billingAddress: { ...order.customer.billingAddress, street: 'Leopoldstraße 14' },
    });

    expect(updated).toEqual(created);
    expect(created.customerNumber).toBe(created.erpCustomerId);
    const [partner, ...others] = await partnersOf(order.customer.externalId);
    expect(others).toEqual([]);
    expect(partner.OrganizationBPName1).toBe('Müller & Söhne Holding GmbH');
    const [address] = partner.to_BusinessPartnerAddress.results;
    expect(address.StreetName).toBe('Leopoldstraße 14');
    expect(address.to_PhoneNumber.results.map((p) => p.PhoneNumber)).toEqual(['+49 89 555 0199']);
    expect(address.to_URLAddress.results.map((u) => u.WebsiteURL)).toEqual(['https://mueller-soehne.example']);
  });

  it('splits a name over SAP’s two 40-character name fields', async () => {
    const order = deal();
    const name = 'Vereinigte Präzisionswerkzeugfabriken Süddeutschland Holding AG';

    await erp.customers.upsert({ ...order.customer, name });

    const [partner] = await partnersOf(order.customer.externalId);
    expect([partner.OrganizationBPName1, partner.OrganizationBPName2]).toEqual([
      'Vereinigte Präzisionswerkzeugfabriken',
      'Süddeutschland Holding AG',
    ]);
  });

  it('re-reads and retries once when the partner changed between the read and the update (412)', async () => {
    const order = deal();
    await erp.customers.upsert(order.customer);
    await desk.configure({ conflictNextPatches: 1 });
    await desk.clearRequests();

    await erp.customers.upsert({ ...order.customer, name: 'Müller & Söhne KG' });

    const log = (await calls()).filter((c) => c.startsWith('PATCH'));
    expect(log).toEqual([
      'PATCH API_BUSINESS_PARTNER/A_BusinessPartner 412',
      'PATCH API_BUSINESS_PARTNER/A_BusinessPartner 204',
    ]);
    expect((await partnersOf(order.customer.externalId))[0].OrganizationBPName1).toBe('Müller & Söhne KG');
  });

  it('refuses with CUSTOMER_ON_CREDIT_HOLD when finance blocks the customer’s orders, and passes once released', async () => {
    const order = deal();
    await erp.customers.upsert(order.customer);
    await desk.setCreditHold(order.customer.externalId, true);

    const error = await failure(erp.customers.upsert(order.customer));
    await desk.setCreditHold(order.customer.externalId, false);

    expect(error.name).toBe('CUSTOMER_ON_CREDIT_HOLD');
    expect(error.message).toMatch(/is blocked for sales orders in SAP S\/4HANA \(order block 01\)/);
    await expect(erp.customers.upsert(order.customer)).resolves.toMatchObject({ customerNumber: expect.any(String) });
  });

  it('knows the customers finance set up (Globex) and holds the blocked one (Hooli)', async () => {
    const [globex, hooli] = [
      ERP_ACCOUNTS.find((a) => !a.erp?.onCreditHold),
      ERP_ACCOUNTS.find((a) => a.erp?.onCreditHold),
    ];

    const customer = await erp.customers.upsert(deal(globex?.salesforceId).customer);
    const held = await failure(erp.customers.upsert(deal(hooli?.salesforceId).customer));

    expect(customer).toEqual({ erpCustomerId: '10100001', customerNumber: '10100001' });
    expect(held.name).toBe('CUSTOMER_ON_CREDIT_HOLD');
  });

  it('passes SAP’s own words on when it refuses the record (ERP_CUSTOMER_REJECTED)', async () => {
    const order = deal();

    const error = await failure(
      erp.customers.upsert({
        ...order.customer,
        billingAddress: { ...order.customer.billingAddress, postalCode: '8080' },
      }),
    );

    expect(error.name).toBe('ERP_CUSTOMER_REJECTED');
    expect(error.message).toContain('Postal code 8080 must have length 5');
    expect(await partnersOf(order.customer.externalId)).toEqual([]);
  });

  it('refuses before calling SAP what SAP cannot hold: an account id over 20 characters', async () => {
    const order = deal();
    await desk.clearRequests();

    const error = await failure(erp.customers.upsert({ ...order.customer, externalId: '0015g0000SAPC9999AAAXYZ' }));

    expect(error.name).toBe('ERP_CUSTOMER_REJECTED');
    expect(error.message).toContain('BusinessPartnerIDByExtSystem');
    expect(await desk.requests()).toEqual([]);
  });
});

describe('sales orders', () => {
  it('creates the order once: the same CRM record again returns the first order', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);

    const first = await erp.salesOrders.create({ order, customer, itemIds: items });
    const again = await erp.salesOrders.create({ order, customer, itemIds: items });

    expect(again).toEqual(first);
    expect(first).toMatchObject({ orderNumber: expect.stringMatching(/^\d+$/), status: 'Open' });
    expect(await desk.ordersFor(order.externalId)).toHaveLength(1);
    await expect(erp.salesOrders.findByCrmReference(order.externalId)).resolves.toEqual(first);
  });

  it('finds the order a lost answer left behind instead of making a second one', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);
    await desk.configure({ dropNextCreates: 1 });
    await desk.clearRequests();

    const recovered = await erp.salesOrders.create({ order, customer, itemIds: items });
    const retried = await erp.salesOrders.create({ order, customer, itemIds: items });

    const [made, ...more] = await desk.ordersFor(order.externalId);
    expect(more).toEqual([]);
    expect(recovered.orderNumber).toBe(made.orderNumber);
    expect(retried).toEqual(recovered);
    const creates = (await calls()).filter((c) => c.startsWith('POST API_SALES_ORDER_SRV/A_SalesOrder'));
    expect(creates).toEqual(['POST API_SALES_ORDER_SRV/A_SalesOrder 201']);
  });

  it('reads the order back with its lines, item master names, prices, currency and date', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);
    const created = await erp.salesOrders.create({ order, customer, itemIds: items });

    const detail = await erp.salesOrders.read(created.erpOrderId);

    expect(detail).toMatchObject({
      orderNumber: created.orderNumber,
      crmReference: order.externalId,
      customerNumber: customer.customerNumber,
      orderDate: order.orderDate,
      currency: order.currency,
      total: order.total,
    });
    expect(detail.lines.map((l) => [l.itemId, l.quantity, l.unitPrice, l.amount])).toEqual(
      order.lines.map((l) => [items.get(l.sku), l.quantity, l.unitPrice, l.quantity * l.unitPrice]),
    );
    expect(detail.lines[0].itemName).toBe('Laptop 14" Pro');
  });

  it('names the product, material and line SAP refuses (ERP_ITEM_REJECTED)', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);
    const dock = items.get('SKU-DOCK-USB4') as string;
    await desk.setItemSellable(dock, false);
    try {
      const error = await failure(erp.salesOrders.create({ order, customer, itemIds: items }));

      expect(error.name).toBe('ERP_ITEM_REJECTED');
      expect(error.message).toBe(
        `SAP S/4HANA refused product SKU-DOCK-USB4 (SAP S/4HANA material ${dock}, line 2): Material ${dock} has status: Blocked for sales`,
      );
      expect(await desk.ordersFor(order.externalId)).toHaveLength(0);
    } finally {
      await desk.setItemSellable(dock, true);
    }
  });

  it('refuses a material the sales organization does not sell, naming it', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);

    const error = await failure(
      erp.salesOrders.create({ order, customer, itemIds: new Map([...items, ['SVC-ONBOARD', 'TG99']]) }),
    );

    expect(error.name).toBe('ERP_ITEM_REJECTED');
    expect(error.message).toContain('product SVC-ONBOARD (SAP S/4HANA material TG99, line 3)');
    expect(error.message).toContain('Material TG99 is not defined for sales org.1010');
  });

  it('refuses an order for a customer blocked after the upsert (CUSTOMER_ON_CREDIT_HOLD)', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);
    await desk.setCreditHold(order.customer.externalId, true);

    const error = await failure(erp.salesOrders.create({ order, customer, itemIds: items }));

    expect(error.name).toBe('CUSTOMER_ON_CREDIT_HOLD');
    expect(error.message).toContain('order block 01');
  });

  it('passes other refusals on as ERP_ORDER_REJECTED with SAP’s reason', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);
    const { erp: misconfigured } = await connect({ ...SETTINGS, salesOrderType: 'ZQT' }, 'sap-s4hana-misconfigured');

    const error = await failure(misconfigured.salesOrders.create({ order, customer, itemIds: items }));

    expect(error.name).toBe('ERP_ORDER_REJECTED');
    expect(error.message).toBe(
      `SAP S/4HANA refused the sales order for CRM record ${order.externalId}: Sales document type ZQT is not defined`,
    );
  });
});

describe('items', () => {
  it('reads a material, says whether it can be sold, and returns nothing for an unknown one', async () => {
    const monitor = items.get('SKU-MON-27') as string;
    await desk.setItemSellable(monitor, false);
    const blocked = await erp.items.get(monitor);
    await desk.setItemSellable(monitor, true);

    await expect(erp.items.get(monitor)).resolves.toEqual({ itemId: monitor, name: '27" 4K Monitor', sellable: true });
    expect(blocked?.sellable).toBe(false);
    await expect(erp.items.get('NOPE')).resolves.toBeUndefined();
  });
});

describe('connection', () => {
  it('gets a fresh token when SAP no longer accepts the one it holds, and a fresh CSRF session with it', async () => {
    const order = deal();
    await erp.customers.upsert(order.customer);
    await desk.clearRequests();
    await desk.expireSessions();

    await erp.customers.upsert({ ...order.customer, name: 'Müller & Söhne Vertrieb GmbH' });

    const log = await calls();
    expect(log.slice(0, 2)).toEqual(['GET API_BUSINESS_PARTNER/A_BusinessPartner 401', 'POST token 200']);
    expect(log).toContain('GET API_BUSINESS_PARTNER/ 200');
    expect(log).toContain('PATCH API_BUSINESS_PARTNER/A_BusinessPartner 204');
  });

  it('renews the token shortly before it expires, without waiting for a 401', async () => {
    await desk.configure({ tokenTtlSeconds: 1 });
    const { erp: shortLived } = await connect(SETTINGS, 'sap-s4hana-short-lived');
    const monitor = items.get('SKU-MON-27') as string;
    await desk.clearRequests();

    await waitFor(async () => {
      await shortLived.items.get(monitor);
      const log = await calls();
      return log.filter((c) => c === 'POST token 200').length >= 2 ? log : undefined;
    });

    expect((await calls()).filter((c) => c.endsWith(' 401'))).toEqual([]);
  });

  it('fetches a new CSRF token and retries when SAP ended the session (403 x-csrf-token: Required)', async () => {
    const order = deal();
    await erp.customers.upsert(order.customer);
    await fetch(`${sandbox.url}/_sandbox/csrf-sessions/expire`, { method: 'POST' });
    await desk.clearRequests();

    await erp.customers.upsert({ ...order.customer, name: 'Müller & Söhne Service GmbH' });

    expect((await calls()).filter((c) => !c.startsWith('GET API_BUSINESS_PARTNER/A_'))).toEqual([
      'PATCH API_BUSINESS_PARTNER/A_BusinessPartner 403',
      'GET API_BUSINESS_PARTNER/ 200',
      'PATCH API_BUSINESS_PARTNER/A_BusinessPartner 204',
    ]);
  });

  it('shares one token request and one CSRF fetch between parallel calls', async () => {
    const orders = [deal(), deal(), deal(), deal()];
    await desk.clearRequests();

    await Promise.all(orders.map((o) => erp.customers.upsert(o.customer)));

    const log = await calls();
    expect(log.filter((c) => c === 'POST token 200')).toHaveLength(1);
    expect(log.filter((c) => c === 'GET API_BUSINESS_PARTNER/ 200')).toHaveLength(1);
    expect(log.filter((c) => c === 'POST API_BUSINESS_PARTNER/A_BusinessPartner 201')).toHaveLength(4);
  });

  it('reports credentials SAP does not know as CONNECTION_REJECTED naming the secret', async () => {
    const { erp: stranger, secretId } = await connect(SETTINGS, 'sap-s4hana-stranger');
    secrets.put(secretId, { ...credentials, clientSecret: 'not-the-password' });

    const error = await failure(stranger.customers.upsert(deal().customer));

    expect(error.name).toBe('CONNECTION_REJECTED');
    expect(error.message).toContain('invalid_client');
    expect(error.message).toContain(secretId);
  });

  it('tells a missing authorization (403) apart from a CSRF refusal, naming the communication scenario', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);
    await setScenarios(['SAP_COM_0008', 'SAP_COM_0009']);
    try {
      const error = await failure(erp.salesOrders.create({ order, customer, itemIds: items }));

      expect(error.name).toBe('CONNECTION_REJECTED');
      expect(error.message).toContain('SAP_COM_0109 (Sales Order Integration)');
      expect(error.message).toContain('/IWFND/CM_CONSUMER/101');
    } finally {
      await setScenarios(['SAP_COM_0008', 'SAP_COM_0009', 'SAP_COM_0109']);
    }
  });

  it('reports the rate limit as Hub.Throttled with SAP’s Retry-After', async () => {
    await erp.customers.upsert(deal().customer);
    await desk.configure({ rateLimitRequests: 2, rateLimitWindowSeconds: 30 });

    const error = (await failure(erp.customers.upsert(deal().customer))) as Error & { retryAfterSeconds?: number };

    expect(error.name).toBe('Hub.Throttled');
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(30);
  });

  it('reports API Management’s Spike Arrest fault as Hub.Throttled although it comes as a 500', async () => {
    await erp.customers.upsert(deal().customer);
    await desk.configure({ rateLimitRequests: 1, rateLimitWindowSeconds: 1, rateLimitStyle: 'api-management' });

    const outcomes = await Promise.allSettled([deal(), deal()].map((o) => erp.customers.upsert(o.customer)));

    const errors = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.name).toBe('Hub.Throttled');
      expect(error.message).toContain('Spike arrest violation');
    }
  });

  it('reports an outage as Hub.Unavailable', async () => {
    await desk.configure({ outage: true });

    const error = await failure(erp.customers.upsert(deal().customer));

    expect(error.name).toBe('Hub.Unavailable');
    expect(error.message).toMatch(/SAP S\/4HANA/);
  });
});
