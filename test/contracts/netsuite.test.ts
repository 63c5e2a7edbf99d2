// The NetSuite adapter behind the ERP port, against the NetSuite sandbox: OAuth 2.0 M2M tokens
// and their refresh, customer upsert by external id, credit hold, sales orders made once whatever
// the retries, NetSuite's refusals mapped onto the exception catalogue, throttling and outages.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connector } from '../../functions/connectors/netsuite';
import type { ErpPort } from '../../functions/ports/erp';
import { ERP_ACCOUNTS } from '../../sandboxes/catalog';
import type { ErpDesk } from '../../sandboxes/erp-sandbox';
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../sandboxes/netsuite';
import { connectAdapter, dealMaker, failure, secrets } from './support';

let sandbox: NetSuiteSandbox;
let erp: ErpPort;
let desk: ErpDesk;
let items: Map<string, string>;

beforeAll(async () => {
  sandbox = await startNetSuiteSandbox();
});

afterAll(async () => {
  await sandbox?.stop();
});

beforeEach(async () => {
  secrets.reset();
  ({ erp, desk } = await connectAdapter(connector, sandbox.url, {
    system: 'netsuite',
    settings: { subsidiaryId: '1' },
  }));
  items = new Map((await desk.itemMappings()).map((m) => [m.sku, m.itemId]));
  await desk.configure({ latencyMs: 0, concurrencyLimit: 5, integrationLimit: 0, outage: false, dropNextCreates: 0 });
});

const deal = dealMaker('NSCT');

describe('customers', () => {
  it('creates a customer keyed by the CRM account id, and updates the same one on the next upsert', async () => {
    const order = deal();

    const created = await erp.customers.upsert(order.customer);
    const updated = await erp.customers.upsert({ ...order.customer, name: 'Müller & Söhne Holding GmbH' });

    expect(updated).toEqual(created);
    expect(created.customerNumber).toMatch(/^CUST\d+/);
    const state = (await desk.state()) as { customers: { externalId: string; companyName: string }[] };
    const records = state.customers.filter((c) => c.externalId === order.customer.externalId);
    expect(records).toEqual([expect.objectContaining({ companyName: 'Müller & Söhne Holding GmbH' })]);
  });

  it('refuses with CUSTOMER_ON_CREDIT_HOLD when finance holds the customer, and passes once released', async () => {
    const order = deal();
    await erp.customers.upsert(order.customer);
    await desk.setCreditHold(order.customer.externalId, true);

    const error = await failure(erp.customers.upsert(order.customer));
    await desk.setCreditHold(order.customer.externalId, false);

    expect(error.name).toBe('CUSTOMER_ON_CREDIT_HOLD');
    expect(error.message).toMatch(/is on credit hold in NetSuite/);
    await expect(erp.customers.upsert(order.customer)).resolves.toMatchObject({ customerNumber: expect.any(String) });
  });

  it('knows the customers finance already set up, by their CRM account id', async () => {
    const globex = ERP_ACCOUNTS.find((a) => !a.erp?.onCreditHold);
    const order = deal(globex?.salesforceId);

    const customer = await erp.customers.upsert(order.customer);

    expect(customer.erpCustomerId).toBe('812');
  });
});

describe('sales orders', () => {
  it('creates the order once: the same CRM record again returns the first order', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);

    const first = await erp.salesOrders.create({ order, customer, itemIds: items });
    const again = await erp.salesOrders.create({ order, customer, itemIds: items });

    expect(again).toEqual(first);
    expect(first.orderNumber).toMatch(/^SO\d+/);
    expect(await desk.ordersFor(order.externalId)).toHaveLength(1);
    await expect(erp.salesOrders.findByCrmReference(order.externalId)).resolves.toEqual(first);
  });

  it('finds the order a lost answer left behind instead of making a second one', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);
    await desk.configure({ dropNextCreates: 1 });

    const lost = await failure(erp.salesOrders.create({ order, customer, itemIds: items }));
    const retried = await erp.salesOrders.create({ order, customer, itemIds: items });

    expect(lost.name).toBe('Hub.Unavailable');
    expect(retried.orderNumber).toMatch(/^SO\d+/);
    expect(await desk.ordersFor(order.externalId)).toHaveLength(1);
  });

  it('reads the order back with its lines, item names, prices and currency', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);
    const created = await erp.salesOrders.create({ order, customer, itemIds: items });

    const detail = await erp.salesOrders.read(created.erpOrderId);

    expect(detail).toMatchObject({
      orderNumber: created.orderNumber,
      crmReference: order.externalId,
      customerNumber: customer.customerNumber,
      orderDate: order.orderDate,
      total: order.total,
    });
    expect(detail.lines.map((l) => [l.itemId, l.quantity, l.unitPrice])).toEqual(
      order.lines.map((l) => [items.get(l.sku), l.quantity, l.unitPrice]),
    );
    expect(detail.lines[0].itemName).toBe('Laptop 14" Pro');
  });

  it('names the product, item and line NetSuite refuses (ERP_ITEM_REJECTED)', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);
    const dock = items.get('SKU-DOCK-USB4') as string;
    await desk.setItemSellable(dock, false);
    try {
      const error = await failure(erp.salesOrders.create({ order, customer, itemIds: items }));

      expect(error.name).toBe('ERP_ITEM_REJECTED');
      expect(error.message).toContain(`product SKU-DOCK-USB4 (NetSuite item ${dock}, line 2)`);
      expect(await desk.ordersFor(order.externalId)).toHaveLength(0);
    } finally {
      await desk.setItemSellable(dock, true);
    }
  });

  it('refuses an order for a customer put on hold after the upsert (CUSTOMER_ON_CREDIT_HOLD)', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);
    await desk.setCreditHold(order.customer.externalId, true);

    const error = await failure(erp.salesOrders.create({ order, customer, itemIds: items }));

    expect(error.name).toBe('CUSTOMER_ON_CREDIT_HOLD');
  });
});

describe('items', () => {
  it('reads an item, says whether it can be sold, and returns nothing for an unknown id', async () => {
    const monitor = items.get('SKU-MON-27') as string;

    await expect(erp.items.get(monitor)).resolves.toEqual({ itemId: monitor, name: '27" 4K Monitor', sellable: true });
    await expect(erp.items.get('999999')).resolves.toBeUndefined();
  });
});

describe('connection', () => {
  it('gets a fresh token when NetSuite no longer accepts the one it holds', async () => {
    const order = deal();
    await erp.customers.upsert(order.customer);
    await desk.clearRequests();
    await desk.expireSessions();

    await erp.customers.upsert(order.customer);

    const calls = (await desk.requests()).map(
      (r) => `${r.method} ${r.path.split('/').slice(-2).join('/')} ${r.status}`,
    );
    expect(calls[0]).toMatch(/ 401$/);
    expect(calls[1]).toBe('POST v1/token 200');
  });

  it('reports credentials NetSuite does not know as CONNECTION_REJECTED naming the secret', async () => {
    const {
      erp: stranger,
      secretId,
      credentials,
    } = await connectAdapter(connector, sandbox.url, {
      system: 'netsuite',
      settings: { subsidiaryId: '1' },
    });
    secrets.put(secretId, { ...credentials, clientId: 'unknown-integration' });

    const error = await failure(stranger.customers.upsert(deal().customer));

    expect(error.name).toBe('CONNECTION_REJECTED');
    expect(error.message).toContain(secretId);
  });

  it('reports the account concurrency limit as Hub.Throttled', async () => {
    await desk.configure({ concurrencyLimit: 1, latencyMs: 100 });
    const orders = [deal(), deal(), deal()];

    const outcomes = await Promise.allSettled(orders.map((o) => erp.customers.upsert(o.customer)));

    const errors = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.name).toBe('Hub.Throttled');
  });

  it('reports an outage as Hub.Unavailable', async () => {
    await desk.configure({ outage: true });

    const error = await failure(erp.customers.upsert(deal().customer));

    expect(error.name).toBe('Hub.Unavailable');
    expect(error.message).toMatch(/NetSuite/);
  });
});

describe('governance', () => {
  it('reads the concurrency NetSuite allows the integration: its allocation, else the unallocated account limit', async () => {
    expect(await erp.governance?.concurrencyLimit()).toEqual({
      limit: 5,
      basis: expect.stringContaining('unallocated'),
    });
    await desk.configure({ integrationLimit: 2 });
    expect(await erp.governance?.concurrencyLimit()).toEqual({
      limit: 2,
      basis: expect.stringContaining('allocates to the integration'),
    });
  });
});
