// The Business Central adapter behind the ERP port, against the Business Central sandbox: Entra
// tokens and their renewal, customers keyed by the CRM account id (created, updated with
// If-Match), blocked customers, sales orders made once whatever the retries, Business Central's
// refusals mapped onto the exception catalogue, operational limits, outages, and the 401s that
// mean an expired token rather than a bad credential.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connector } from '../../functions/connectors/business-central';
import type { SalesOrderV1 } from '../../functions/domain/canonical/sales-order';
import type { ErpPort } from '../../functions/ports/erp';
import {
  type BusinessCentralSandbox,
  SANDBOX_COMPANY_ID,
  SANDBOX_ENVIRONMENT,
  startBusinessCentralSandbox,
} from '../../sandboxes/business-central';
import { DEFAULT_GOVERNANCE } from '../../sandboxes/business-central/governance';
import { ERP_ACCOUNTS } from '../../sandboxes/catalog';
import type { ErpDesk } from '../../sandboxes/erp-sandbox';
import type { RequestLogEntry } from '../../sandboxes/request-log';
import { connectAdapter, dealMaker, failure, secrets } from './support';

const SETTINGS = { companyId: SANDBOX_COMPANY_ID, environment: SANDBOX_ENVIRONMENT };

let sandbox: BusinessCentralSandbox;
let erp: ErpPort;
let desk: ErpDesk;
let credentials: Record<string, unknown>;
let items: Map<string, string>;
let variants = 0;

beforeAll(async () => {
  sandbox = await startBusinessCentralSandbox();
});

afterAll(async () => {
  await sandbox?.stop();
});

beforeEach(async () => {
  secrets.reset();
  ({ erp, desk, credentials } = await connectAdapter(connector, sandbox.url, {
    system: 'business-central',
    settings: SETTINGS,
  }));
  items = new Map((await desk.itemMappings()).map((m) => [m.sku, m.itemId]));
  await desk.configure({ ...DEFAULT_GOVERNANCE });
});

/** An adapter on other credentials or settings; a fresh secret name keeps the cached secret out of the way. */
function adapterWith(changes: Record<string, unknown>, settings: Record<string, unknown> = SETTINGS): ErpPort {
  const system = `business-central-variant-${++variants}`;
  const secretId = `arn:aws:secretsmanager:us-east-1:000000000000:secret:hub/test/${system}/api`;
  secrets.put(secretId, { ...credentials, ...changes });
  return connector.create({ system, secretId, settings: connector.settings.parse(settings) });
}

const deal = dealMaker('BCTS');

/** The log as `METHOD <entity set or token> <status>`. */
async function calls(): Promise<string[]> {
  return (await desk.requests()).map((r: RequestLogEntry) => {
    const entity = /companies\([^)]*\)\/(\w+)/.exec(r.path)?.[1];
    return `${r.method} ${entity ?? r.path.split('/').pop()} ${r.status}`;
  });
}

interface CustomerState {
  number: string;
  displayName: string;
  addressLine1: string;
  city: string;
  phoneNumber: string;
  blocked: string;
}

async function customersNumbered(number: string): Promise<CustomerState[]> {
  const state = (await desk.state()) as { customers: CustomerState[] };
  return state.customers.filter((c) => c.number === number.toUpperCase());
}

describe('customers', () => {
  it('creates the customer numbered by the CRM account id, and updates the same one on the next upsert', async () => {
    const order = deal();

    const created = await erp.customers.upsert({ ...order.customer, phone: '+49 89 555 0100' });
    const updated = await erp.customers.upsert({
      ...order.customer,
      name: 'Müller & Söhne Holding GmbH',
      phone: '+49 89 555 0199',
      billingAddress: { ...order.customer.billingAddress, street: 'Leopoldstraße 14' },
    });

    expect(updated).toEqual(created);
    expect(created.customerNumber).toBe(order.customer.externalId.toUpperCase());
    const [customer, ...others] = await customersNumbered(order.customer.externalId);
    expect(others).toEqual([]);
    expect(customer).toMatchObject({
      displayName: 'Müller & Söhne Holding GmbH',
      addressLine1: 'Leopoldstraße 14',
      city: 'München',
      phoneNumber: '+49 89 555 0199',
      blocked: ' ',
    });
  });

  it('writes nothing when the CRM fields are unchanged', async () => {
    const order = deal();
    await erp.customers.upsert(order.customer);
    await desk.clearRequests();

    await erp.customers.upsert(order.customer);

    expect(await calls()).toEqual(['GET customers 200']);
  });

  it('re-reads and retries once when the customer changed between the read and the update (412)', async () => {
    const order = deal();
    await erp.customers.upsert(order.customer);
    await desk.configure({ conflictNextPatches: 1 });
    await desk.clearRequests();

    await erp.customers.upsert({ ...order.customer, name: 'Müller & Söhne KG' });

    expect(await calls()).toEqual([
      'GET customers 200',
      'PATCH customers 412',
      'GET customers 200',
      'PATCH customers 200',
    ]);
    expect((await customersNumbered(order.customer.externalId))[0].displayName).toBe('Müller & Söhne KG');
  });

  it('gives up as Hub.Unavailable when the customer keeps changing', async () => {
    const order = deal();
    await erp.customers.upsert(order.customer);
    await desk.configure({ conflictNextPatches: 2 });

    const error = await failure(erp.customers.upsert({ ...order.customer, name: 'Müller & Söhne AG' }));

    expect(error.name).toBe('Hub.Unavailable');
  });

  it('refuses with CUSTOMER_ON_CREDIT_HOLD while finance blocks the customer, and passes once released', async () => {
    const order = deal();
    await erp.customers.upsert(order.customer);
    await desk.setCreditHold(order.customer.externalId, true);

    const error = await failure(erp.customers.upsert(order.customer));
    await desk.setCreditHold(order.customer.externalId, false);

    expect(error.name).toBe('CUSTOMER_ON_CREDIT_HOLD');
    expect(error.message).toContain('Blocked = All');
    await expect(erp.customers.upsert(order.customer)).resolves.toMatchObject({ customerNumber: expect.any(String) });
  });

  it('knows the customers finance set up', async () => {
    const [known] = ERP_ACCOUNTS;
    const customer = {
      externalId: known.salesforceId,
      name: known.name,
      billingAddress: {
        street: known.billingStreet,
        city: known.billingCity,
        postalCode: known.billingPostalCode,
        country: known.billingCountry,
      },
      phone: known.phone,
    };
    await desk.clearRequests();

    const result = await erp.customers.upsert(customer);

    expect(result.customerNumber).toBe(known.salesforceId.toUpperCase());
    expect((await calls()).filter((c) => !c.includes('token'))).toEqual(['GET customers 200']);
  });

  it('refuses account ids longer than the 20-character customer No. before calling', async () => {
    await desk.clearRequests();
    const order = deal(`0015g0000BCTS${'X'.repeat(10)}`);

    const error = await failure(erp.customers.upsert(order.customer));

    expect(error.name).toBe('ERP_CUSTOMER_REJECTED');
    expect(error.message).toContain('holds 20');
    expect(await calls()).toEqual([]);
  });

  it('refuses fields longer than Business Central holds before calling', async () => {
    const order = deal();
    await desk.clearRequests();

    const error = await failure(
      erp.customers.upsert({
        ...order.customer,
        billingAddress: { ...order.customer.billingAddress, city: 'C'.repeat(31) },
      }),
    );

    expect(error.name).toBe('ERP_CUSTOMER_REJECTED');
    expect(error.message).toContain('city');
    expect(await calls()).toEqual([]);
  });
});

describe('sales orders', () => {
  async function customerFor(order: SalesOrderV1) {
    return erp.customers.upsert(order.customer);
  }

  it('creates the order once, finds it by the CRM reference and reads it back in full', async () => {
    const order = deal();
    const customer = await customerFor(order);

    const first = await erp.salesOrders.create({ order, customer, itemIds: items });
    const again = await erp.salesOrders.create({ order, customer, itemIds: items });

    expect(first).toMatchObject({ orderNumber: expect.stringMatching(/^S-ORD\d+$/), status: 'Draft' });
    expect(again).toEqual(first);
    expect(await erp.salesOrders.findByCrmReference(order.externalId)).toEqual(first);
    expect(await desk.ordersFor(order.externalId)).toHaveLength(1);
    const detail = await erp.salesOrders.read(first.erpOrderId);
    expect(detail).toMatchObject({
      crmReference: order.externalId,
      customerNumber: customer.customerNumber,
      orderDate: order.orderDate,
      currency: 'EUR',
      total: 52375,
    });
    expect(detail.lines).toEqual([
      { itemId: items.get('SKU-LAPTOP-14'), itemName: 'Laptop 14" Pro', quantity: 25, unitPrice: 1750, amount: 43750 },
      {
        itemId: items.get('SKU-DOCK-USB4'),
        itemName: 'USB4 Docking Station',
        quantity: 25,
        unitPrice: 249,
        amount: 6225,
      },
      {
        itemId: items.get('SVC-ONBOARD'),
        itemName: 'Onboarding Service (day)',
        quantity: 2,
        unitPrice: 1200,
        amount: 2400,
      },
    ]);
  });

  it('sends the local currency as the empty currency code and reads it back as the currency', async () => {
    const adapter = adapterWith({}, { ...SETTINGS, localCurrency: 'USD' });
    const order = { ...deal(), currency: 'USD' };
    const customer = await adapter.customers.upsert(order.customer);

    const made = await adapter.salesOrders.create({ order, customer, itemIds: items });

    const state = (await desk.state()) as { salesOrders: { number: string; currencyCode: string }[] };
    expect(state.salesOrders.find((o) => o.number === made.orderNumber)?.currencyCode).toBe('');
    expect((await adapter.salesOrders.read(made.erpOrderId)).currency).toBe('USD');
  });

  it('finds nothing for a CRM record without an order', async () => {
    expect(await erp.salesOrders.findByCrmReference(deal().externalId)).toBeUndefined();
  });

  it('makes no second order when the answer to the create was lost', async () => {
    const order = deal();
    const customer = await customerFor(order);
    await desk.configure({ dropNextCreates: 1 });

    const result = await erp.salesOrders.create({ order, customer, itemIds: items });

    const orders = await desk.ordersFor(order.externalId);
    expect(orders).toHaveLength(1);
    expect(result.orderNumber).toBe(orders[0].orderNumber);
  });

  it('refuses a blocked item with ERP_ITEM_REJECTED and makes no order', async () => {
    const order = deal();
    const customer = await customerFor(order);
    const dock = items.get('SKU-DOCK-USB4') ?? '';
    await desk.setItemSellable(dock, false);
    try {
      const error = await failure(erp.salesOrders.create({ order, customer, itemIds: items }));

      expect(error.name).toBe('ERP_ITEM_REJECTED');
      expect(error.message).toContain(`product SKU-DOCK-USB4 (item ${dock}, line 2)`);
      expect(await desk.ordersFor(order.externalId)).toEqual([]);
      expect(await erp.items.get(dock)).toMatchObject({ itemId: dock, sellable: false });
    } finally {
      await desk.setItemSellable(dock, true);
    }
  });

  it('refuses a line mapped to something that is no item before calling', async () => {
    const order = deal();
    const customer = await customerFor(order);
    await desk.clearRequests();

    const error = await failure(
      erp.salesOrders.create({ order, customer, itemIds: new Map([...items, ['SKU-DOCK-USB4', 'X'.repeat(21)]]) }),
    );

    expect(error.name).toBe('ERP_ITEM_REJECTED');
    expect(await calls()).toEqual([]);
  });

  it('refuses with CUSTOMER_ON_CREDIT_HOLD when finance blocks the customer after the upsert', async () => {
    const order = deal();
    const customer = await customerFor(order);
    await desk.setCreditHold(order.customer.externalId, true);

    const error = await failure(erp.salesOrders.create({ order, customer, itemIds: items }));

    expect(error.name).toBe('CUSTOMER_ON_CREDIT_HOLD');
    expect(error.message).toContain('blocked with type All');
  });

  it('refuses other refusals with ERP_ORDER_REJECTED', async () => {
    const order = deal();
    const error = await failure(
      erp.salesOrders.create({
        order,
        customer: { erpCustomerId: 'x', customerNumber: 'NOSUCHCUSTOMER' },
        itemIds: items,
      }),
    );

    expect(error.name).toBe('ERP_ORDER_REJECTED');
    expect(error.message).toContain('The Customer does not exist');
  });

  it('reads items by id and by item No.', async () => {
    const laptop = items.get('SKU-LAPTOP-14') ?? '';

    expect(await erp.items.get(laptop)).toEqual({ itemId: laptop, name: 'Laptop 14" Pro', sellable: true });
    expect(await erp.items.get('sku-laptop-14')).toEqual({ itemId: laptop, name: 'Laptop 14" Pro', sellable: true });
    expect(await erp.items.get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });
});

describe('connection', () => {
  it('renews an expired token once and carries on', async () => {
    await erp.customers.upsert(deal().customer);
    await desk.expireSessions();
    await desk.clearRequests();

    await erp.customers.upsert(deal().customer);

    expect((await calls()).slice(0, 3)).toEqual(['GET customers 401', 'POST token 200', 'GET customers 200']);
  });

  it('reports a wrong client secret as CONNECTION_REJECTED with what to fix', async () => {
    const error = await failure(adapterWith({ clientSecret: 'wrong' }).customers.upsert(deal().customer));

    expect(error.name).toBe('CONNECTION_REJECTED');
    expect(error.message).toContain('invalid_client');
    expect(error.message).toContain('not a current secret');
  });

  it('reports an unknown application as CONNECTION_REJECTED', async () => {
    const error = await failure(
      adapterWith({ clientId: '11111111-2222-4333-8444-555555555555' }).customers.upsert(deal().customer),
    );

    expect(error.name).toBe('CONNECTION_REJECTED');
    expect(error.message).toContain('unauthorized_client');
  });

  it('reports an app Business Central does not know as CONNECTION_REJECTED after one fresh token', async () => {
    const clientId = '22222222-3333-4444-8555-666666666666';
    sandbox.addApp({ clientId, clientSecret: 'entra-only', registeredInBusinessCentral: false, hasPermissions: false });
    await desk.clearRequests();

    const error = await failure(
      adapterWith({ clientId, clientSecret: 'entra-only' }).customers.upsert(deal().customer),
    );

    expect(error.name).toBe('CONNECTION_REJECTED');
    expect(error.message).toContain('Microsoft Entra Applications page');
    expect(await calls()).toEqual(['POST token 200', 'GET customers 401', 'POST token 200', 'GET customers 401']);
  });

  it('reports an app without permission sets as CONNECTION_REJECTED', async () => {
    const clientId = '33333333-4444-4555-8666-777777777777';
    sandbox.addApp({ clientId, clientSecret: 'no-perms', registeredInBusinessCentral: true, hasPermissions: false });

    const error = await failure(adapterWith({ clientId, clientSecret: 'no-perms' }).customers.upsert(deal().customer));

    expect(error.name).toBe('CONNECTION_REJECTED');
    expect(error.message).toContain('TableData Customer: Read');
  });

  it('reports a wrong company as CONNECTION_REJECTED naming the settings', async () => {
    const adapter = adapterWith({}, { ...SETTINGS, companyId: '44444444-5555-4666-8777-888888888888' });

    const error = await failure(adapter.customers.upsert(deal().customer));

    expect(error.name).toBe('CONNECTION_REJECTED');
    expect(error.message).toContain('companyId');
  });
});

describe('operational limits and outages', () => {
  it('reports the rate limit as Hub.Throttled with Business Central’s Retry-After', async () => {
    await erp.customers.upsert(deal().customer);
    await desk.configure({ rateLimitRequests: 2, rateLimitWindowSeconds: 30 });

    const error = await failure(erp.customers.upsert(deal().customer));

    expect(error.name).toBe('Hub.Throttled');
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(30);
  });

  it('reports a request refused after waiting in the queue (503 "operational limits") as Hub.Throttled', async () => {
    await erp.customers.upsert(deal().customer);
    await desk.configure({ concurrencyLimit: 1, queueTimeoutMs: 20, latencyMs: 300 });

    const outcomes = await Promise.allSettled(
      [deal(), deal()].map((o) => erp.salesOrders.findByCrmReference(o.externalId)),
    );

    const errors = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.name).toBe('Hub.Throttled');
      expect(error.message).toContain('operational limits');
    }
  });

  it('reports a full queue (429) as Hub.Throttled', async () => {
    await erp.customers.upsert(deal().customer);
    await desk.configure({ concurrencyLimit: 1, queueLimit: 0, latencyMs: 300 });

    const outcomes = await Promise.allSettled(
      [deal(), deal()].map((o) => erp.salesOrders.findByCrmReference(o.externalId)),
    );

    const errors = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.name).toBe('Hub.Throttled');
  });

  it('reports an outage as Hub.Unavailable', async () => {
    await erp.customers.upsert(deal().customer);
    await desk.configure({ outage: true });

    const error = await failure(erp.customers.upsert(deal().customer));

    expect(error.name).toBe('Hub.Unavailable');
    expect(error.message).toContain('Business Central');
  });
});
