// The Odoo adapter behind the ERP port, against the Odoo sandbox, over JSON-2 (Odoo 19) and
// JSON-RPC (earlier versions): partners by reference, the sales block, orders made once whatever
// the retries, Odoo's refusals mapped onto the exception catalogue, API keys that expire, the
// login cooldown, the proxy's rate limit and outages.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connector } from '../../functions/connectors/odoo';
import type { ThrottledError } from '../../functions/domain/errors';
import type { ErpPort } from '../../functions/ports/erp';
import { ERP_ACCOUNTS } from '../../sandboxes/catalog';
import type { ErpDesk } from '../../sandboxes/erp-sandbox';
import { type OdooSandbox, startOdooSandbox } from '../../sandboxes/odoo';
import { connectAdapter, dealMaker, failure, secrets } from './support';

const PROTOCOLS = ['json-2', 'json-rpc'] as const;
const RESET = {
  latencyMs: 0,
  outage: false,
  dropNextCreates: 0,
  rateLimitRequests: 600,
  rateLimitWindowSeconds: 60,
  loginCooldownAfter: 5,
};

let sandbox: OdooSandbox;

beforeAll(async () => {
  sandbox = await startOdooSandbox({ users: [{ login: 'portal', apiKey: 'portal-user-key', salesRights: false }] });
});

afterAll(async () => {
  await sandbox?.stop();
});

async function connect(protocol: (typeof PROTOCOLS)[number]) {
  secrets.reset();
  const connected = await connectAdapter(connector, sandbox.url, { system: 'odoo', settings: { protocol } });
  await connected.desk.configure(RESET);
  const items = new Map((await connected.desk.itemMappings()).map((m) => [m.sku, m.itemId]));
  return { ...connected, items };
}

const deal = dealMaker('ODCT');

describe.each(PROTOCOLS)('over %s', (protocol) => {
  let erp: ErpPort;
  let desk: ErpDesk;
  let items: Map<string, string>;
  let credentials: Record<string, unknown>;
  let secretId: string;

  beforeEach(async () => {
    ({ erp, desk, items, credentials, secretId } = await connect(protocol));
  });

  it('creates the order once: the same CRM record again returns the first order', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);

    const first = await erp.salesOrders.create({ order, customer, itemIds: items });
    const again = await erp.salesOrders.create({ order, customer, itemIds: items });

    expect(again).toEqual(first);
    expect(first).toMatchObject({ orderNumber: expect.stringMatching(/^S\d{5}$/), status: 'draft' });
    expect(await desk.ordersFor(order.externalId)).toHaveLength(1);
    await expect(erp.salesOrders.findByCrmReference(order.externalId)).resolves.toEqual(first);
  });

  it('names the product, item and line Odoo refuses (ERP_ITEM_REJECTED)', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);
    const dock = items.get('SKU-DOCK-USB4') as string;
    await desk.setItemSellable(dock, false);
    try {
      const error = await failure(erp.salesOrders.create({ order, customer, itemIds: items }));

      expect(error.name).toBe('ERP_ITEM_REJECTED');
      expect(error.message).toContain(`product SKU-DOCK-USB4 (Odoo item ${dock}, line 2)`);
      expect(await desk.ordersFor(order.externalId)).toHaveLength(0);
    } finally {
      await desk.setItemSellable(dock, true);
    }
  });

  it('reports an expired API key as CONNECTION_REJECTED, and works again once the key is renewed', async () => {
    const order = deal();
    await erp.customers.upsert(order.customer);
    await desk.expireSessions();

    const error = await failure(erp.customers.upsert(order.customer));
    // The admin sets a new expiration date on the same key (the secret keeps its JSON).
    const renewed = await desk.connection(credentials);

    expect(error.name).toBe('CONNECTION_REJECTED');
    expect(error.message).toMatch(/generate a new API key/);
    expect(renewed.apiKey).toBe(credentials.apiKey);
    await expect(erp.customers.upsert(order.customer)).resolves.toMatchObject({ erpCustomerId: expect.any(String) });
  });

  it('uses a new API key put into the secret as soon as Odoo refuses the old one, without waiting for the secret cache', async () => {
    const order = deal();
    await erp.customers.upsert(order.customer);
    await desk.expireSessions();
    // The admin generates a new key and puts it into the secret; the function still caches the old one.
    const replaced = await desk.connection();
    secrets.put(secretId, replaced);

    await expect(erp.customers.upsert(order.customer)).resolves.toMatchObject({ erpCustomerId: expect.any(String) });
    expect(replaced.apiKey).not.toBe(credentials.apiKey);
  });
});

describe('customers', () => {
  let erp: ErpPort;
  let desk: ErpDesk;

  beforeEach(async () => {
    ({ erp, desk } = await connect('json-2'));
  });

  it('creates a company partner keyed by the CRM account id, and updates the same one on the next upsert', async () => {
    const order = deal();

    const created = await erp.customers.upsert(order.customer);
    const updated = await erp.customers.upsert({ ...order.customer, name: 'Müller & Söhne Holding GmbH' });

    expect(updated).toEqual(created);
    const state = (await desk.state()) as { 'res.partner': Record<string, unknown>[] };
    const records = state['res.partner'].filter((p) => p.ref === order.customer.externalId);
    expect(records).toEqual([
      expect.objectContaining({ name: 'Müller & Söhne Holding GmbH', is_company: true, city: 'München', zip: '80802' }),
    ]);
  });

  it('refuses with CUSTOMER_ON_CREDIT_HOLD when finance blocks the customer, and passes once released', async () => {
    const order = deal();
    await erp.customers.upsert(order.customer);
    await desk.setCreditHold(order.customer.externalId, true);

    const error = await failure(erp.customers.upsert(order.customer));
    await desk.setCreditHold(order.customer.externalId, false);

    expect(error.name).toBe('CUSTOMER_ON_CREDIT_HOLD');
    expect(error.message).toMatch(/is blocked for sales in Odoo: Credit hold/);
    await expect(erp.customers.upsert(order.customer)).resolves.toMatchObject({ erpCustomerId: expect.any(String) });
  });

  it('knows the customers finance already set up, by their CRM account id', async () => {
    const globex = ERP_ACCOUNTS.find((a) => !a.erp?.onCreditHold);

    const customer = await erp.customers.upsert(deal(globex?.salesforceId).customer);

    expect(customer.erpCustomerId).toBe('7');
  });

  it("checks Odoo's rules before calling: a reference too long, a country Odoo lacks (ERP_CUSTOMER_REJECTED)", async () => {
    const order = deal();
    await desk.clearRequests();

    const tooLong = await failure(erp.customers.upsert({ ...order.customer, externalId: 'A'.repeat(65) }));
    const noCountry = await failure(
      erp.customers.upsert({ ...order.customer, billingAddress: { ...order.customer.billingAddress, country: 'JP' } }),
    );

    expect(tooLong.name).toBe('ERP_CUSTOMER_REJECTED');
    expect(noCountry.name).toBe('ERP_CUSTOMER_REJECTED');
    expect(noCountry.message).toContain('no country with code JP');
    expect((await desk.requests()).map((r) => r.path)).toEqual(['/json/2/res.country/search_read']);
  });
});

describe('sales orders', () => {
  let erp: ErpPort;
  let desk: ErpDesk;
  let items: Map<string, string>;

  beforeEach(async () => {
    ({ erp, desk, items } = await connect('json-2'));
  });

  it('finds the order a lost answer left behind instead of making a second one', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);
    await desk.configure({ dropNextCreates: 1 });

    const lost = await failure(erp.salesOrders.create({ order, customer, itemIds: items }));
    const retried = await erp.salesOrders.create({ order, customer, itemIds: items });

    expect(lost.name).toBe('Hub.Unavailable');
    expect(retried.orderNumber).toMatch(/^S\d{5}$/);
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
      currency: 'EUR',
      total: order.total,
    });
    expect(detail.lines.map((l) => [l.itemId, l.quantity, l.unitPrice, l.amount])).toEqual(
      order.lines.map((l) => [items.get(l.sku), l.quantity, l.unitPrice, l.quantity * l.unitPrice]),
    );
    expect(detail.lines[0].itemName).toBe('Laptop 14" Pro');
  });

  it('refuses an order for a customer blocked after the upsert (CUSTOMER_ON_CREDIT_HOLD)', async () => {
    const order = deal();
    const customer = await erp.customers.upsert(order.customer);
    await desk.setCreditHold(order.customer.externalId, true);

    const error = await failure(erp.salesOrders.create({ order, customer, itemIds: items }));

    expect(error.name).toBe('CUSTOMER_ON_CREDIT_HOLD');
    expect(await desk.ordersFor(order.externalId)).toHaveLength(0);
  });

  it('books the order to the sales team the settings name', async () => {
    const { erp: teamErp } = await connectAdapter(connector, sandbox.url, {
      system: 'odoo',
      settings: { protocol: 'json-2', salesTeamId: 1 },
    });
    const order = deal();
    const customer = await teamErp.customers.upsert(order.customer);

    const created = await teamErp.salesOrders.create({ order, customer, itemIds: items });

    const state = (await desk.state()) as { 'sale.order': { id: number; team_id?: number }[] };
    expect(state['sale.order'].find((o) => String(o.id) === created.erpOrderId)?.team_id).toBe(1);
  });

  it('refuses an order in a currency Odoo does not have (ERP_ORDER_REJECTED)', async () => {
    const order = { ...deal(), currency: 'JPY' };
    const customer = await erp.customers.upsert(order.customer);

    const error = await failure(erp.salesOrders.create({ order, customer, itemIds: items }));

    expect(error.name).toBe('ERP_ORDER_REJECTED');
    expect(error.message).toContain('JPY');
  });
});

describe('items', () => {
  it('reads an item, says whether it can be sold, and returns nothing for an unknown id', async () => {
    const { erp, desk, items } = await connect('json-2');
    const monitor = items.get('SKU-MON-27') as string;
    await desk.setItemSellable(monitor, false);

    const blocked = await erp.items.get(monitor);
    await desk.setItemSellable(monitor, true);

    expect(blocked).toEqual({ itemId: monitor, name: '27" 4K Monitor', sellable: false });
    await expect(erp.items.get(monitor)).resolves.toMatchObject({ sellable: true });
    await expect(erp.items.get('999999')).resolves.toBeUndefined();
    await expect(erp.items.get('SKU-MON-27')).resolves.toBeUndefined();
  });
});

describe('connection', () => {
  it('reports an API key Odoo does not know as CONNECTION_REJECTED naming the secret', async () => {
    const { erp, secretId, credentials } = await connect('json-2');
    secrets.put(secretId, { ...credentials, apiKey: 'not-a-key' });

    const error = await failure(erp.customers.upsert(deal().customer));

    expect(error.name).toBe('CONNECTION_REJECTED');
    expect(error.message).toContain(secretId);
  });

  it('reports a user without sales rights as CONNECTION_REJECTED naming the rights', async () => {
    const { erp, desk, secretId } = await connect('json-rpc');
    secrets.put(secretId, await desk.connection({ apiKey: 'portal-user-key' }));

    const error = await failure(erp.customers.upsert(deal().customer));

    expect(error.name).toBe('CONNECTION_REJECTED');
    expect(error.message).toMatch(/access rights/);
  });

  it("reads Odoo's login cooldown as Hub.Throttled, not as bad credentials", async () => {
    const { erp, desk, secretId, credentials } = await connect('json-2');
    const { erp: stranger } = await connect('json-2');
    secrets.put(secretId, credentials);
    await desk.configure({ loginCooldownAfter: 1 });
    const strangerSecret = `${secretId}-stranger`;
    secrets.put(strangerSecret, { ...credentials, apiKey: 'guessed-key' });
    const guessing = connector.create({ system: 'odoo', secretId: strangerSecret, settings: { protocol: 'json-2' } });

    await failure(guessing.customers.upsert(deal().customer));
    const error = (await failure(erp.customers.upsert(deal().customer))) as ThrottledError;

    expect(error.name).toBe('Hub.Throttled');
    expect(error.message).toMatch(/Too many login failures/);
    expect(error.retryAfterSeconds).toBe(60);
    await desk.configure({ loginCooldownAfter: 5 });
    await expect(stranger.items.get('11')).resolves.toMatchObject({ itemId: '11' });
  });

  it("reports the proxy's rate limit as Hub.Throttled with its Retry-After", async () => {
    const { erp, desk } = await connect('json-rpc');
    await desk.configure({ rateLimitRequests: 2, rateLimitWindowSeconds: 30 });

    const error = (await failure(erp.customers.upsert(deal().customer))) as ThrottledError;

    expect(error.name).toBe('Hub.Throttled');
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(30);
  });

  it('reports an outage as Hub.Unavailable', async () => {
    const { erp, desk } = await connect('json-2');
    await desk.configure({ outage: true });

    const error = await failure(erp.customers.upsert(deal().customer));

    expect(error.name).toBe('Hub.Unavailable');
    expect(error.message).toMatch(/Odoo/);
  });

  it('reports a server without the JSON-2 API (Odoo before 19) as CONNECTION_REJECTED suggesting json-rpc', async () => {
    const { erp, secretId, credentials } = await connect('json-2');
    secrets.put(secretId, { ...credentials, baseUrl: `${sandbox.url}/odoo17` });

    const error = await failure(erp.customers.upsert(deal().customer));

    expect(error.name).toBe('CONNECTION_REJECTED');
    expect(error.message).toMatch(/json-rpc/);
  });

  it('reports an answer not in the documented shape as SYSTEM_RESPONSE_INVALID', async () => {
    const fake: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ records: [] }));
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    try {
      const { erp, secretId, credentials } = await connect('json-2');
      secrets.put(secretId, { ...credentials, baseUrl: `http://127.0.0.1:${(fake.address() as AddressInfo).port}` });

      const error = await failure(erp.customers.upsert(deal().customer));

      expect(error.name).toBe('SYSTEM_RESPONSE_INVALID');
      expect(error.message).toContain('res.country.search_read');
    } finally {
      await new Promise<void>((resolve) => {
        fake.close(() => resolve());
        fake.closeAllConnections();
      });
    }
  });
});
