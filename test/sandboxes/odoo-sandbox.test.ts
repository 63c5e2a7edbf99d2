// The Odoo sandbox's own contract over raw HTTP: JSON-2 and JSON-RPC authentication, Odoo's
// error bodies, the ORM rules the hub relies on, the proxy's rate limit and outage, 413 and
// malformed JSON, and state that survives a restart on the same state file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErpDesk } from '../../sandboxes/erp-sandbox';
import { type OdooSandbox, startOdooSandbox } from '../../sandboxes/odoo';

let sandbox: OdooSandbox;
let desk: ErpDesk;
let apiKey: string;

beforeAll(async () => {
  sandbox = await startOdooSandbox();
  desk = new ErpDesk(sandbox.url);
});

afterAll(async () => {
  await sandbox?.stop();
});

beforeEach(async () => {
  sandbox.configure({ latencyMs: 0, outage: false, dropNextCreates: 0, rateLimitRequests: 600, loginCooldownAfter: 5 });
  apiKey = String((await desk.connection()).apiKey);
});

async function json2(model: string, method: string, body: unknown, key: string | null = apiKey) {
  const response = await fetch(`${sandbox.url}/json/2/${model}/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-odoo-database': sandbox.database,
      ...(key ? { authorization: `bearer ${key}` } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text.startsWith('<') ? text : JSON.parse(text) };
}

interface RpcAnswer {
  result?: unknown;
  error?: { code: number; message: string; data: { name: string; message: string } };
}

async function rpc(service: string, method: string, args: unknown[]) {
  const response = await fetch(`${sandbox.url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: 7 }),
  });
  return { status: response.status, body: (await response.json()) as RpcAnswer };
}

describe('JSON-2', () => {
  it('answers a method with its return value, and refuses a missing or unknown key with AccessDenied', async () => {
    const ok = await json2('res.country', 'search_read', { domain: [['code', '=', 'SE']], fields: ['code', 'name'] });
    const missing = await json2('res.country', 'search_read', {}, null);
    const unknown = await json2('res.country', 'search_read', {}, 'nope');

    expect(ok).toMatchObject({ status: 200, body: [{ id: expect.any(Number), code: 'SE', name: 'Sweden' }] });
    expect(missing.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({
      name: 'odoo.exceptions.AccessDenied',
      message: expect.any(String),
      arguments: expect.any(Array),
      context: {},
      debug: expect.any(String),
    });
  });

  it('refuses an expired key until the admin renews it', async () => {
    await desk.expireSessions();
    const expired = await json2('res.country', 'search_read', {});
    await desk.connection({ apiKey });
    const renewed = await json2('res.country', 'search_read', {});

    expect(expired.status).toBe(401);
    expect(renewed.status).toBe(200);
  });

  it('creates partners and orders with x2many commands, numbering orders S00042 on', async () => {
    const [partnerId] = (await json2('res.partner', 'create', { vals_list: [{ name: 'Raw Co', ref: 'RAW-1' }] })).body;
    const [productId] = (await json2('product.product', 'search_read', { domain: [], fields: ['id'], limit: 1 })).body;
    const created = await json2('sale.order', 'create', {
      vals_list: [
        {
          partner_id: partnerId,
          client_order_ref: 'RAW-ORDER-1',
          order_line: [[0, 0, { product_id: productId.id, product_uom_qty: 2, price_unit: 10.5 }]],
        },
      ],
    });
    const [order] = (
      await json2('sale.order', 'read', {
        ids: created.body,
        fields: ['name', 'state', 'partner_id', 'amount_untaxed', 'order_line', 'currency_id'],
      })
    ).body;

    expect(created.status).toBe(200);
    expect(order).toMatchObject({
      name: expect.stringMatching(/^S\d{5}$/),
      state: 'draft',
      partner_id: [partnerId, 'Raw Co'],
      amount_untaxed: 21,
      currency_id: [expect.any(Number), 'EUR'],
    });
    expect(order.order_line).toHaveLength(1);
    await expect(json2('res.partner', 'write', { ids: [partnerId], vals: { city: 'Lund' } })).resolves.toMatchObject({
      status: 200,
      body: true,
    });
  });

  it("answers Odoo's business refusals: blocked customer, unsellable product, missing record, bad field", async () => {
    const hooli = (await json2('res.partner', 'search_read', { domain: [['ref', '=', '0015g00000HOLD1AAP']] })).body[0];
    const blocked = await json2('sale.order', 'create', { vals_list: [{ partner_id: hooli.id }] });
    await desk.setItemSellable('12', false);
    const unsellable = await json2('sale.order', 'create', {
      vals_list: [{ partner_id: 1, order_line: [[0, 0, { product_id: 12, product_uom_qty: 1 }]] }],
    });
    await desk.setItemSellable('12', true);
    const missing = await json2('product.product', 'read', { ids: [9999], fields: ['name'] });
    const badField = await json2('res.partner', 'search_read', { domain: [['colour', '=', 'red']] });
    const noModel = await json2('no.such.model', 'search_read', {});

    expect(hooli.sale_warn).toBe('block');
    expect(blocked).toMatchObject({ status: 422, body: { name: 'odoo.exceptions.UserError' } });
    expect(unsellable).toMatchObject({ status: 422, body: { name: 'odoo.exceptions.ValidationError' } });
    expect(unsellable.body.message).toContain('[SKU-DOCK-USB4]');
    expect(missing).toMatchObject({ status: 404, body: { name: 'odoo.exceptions.MissingError' } });
    expect(badField).toMatchObject({ status: 422, body: { name: 'builtins.ValueError' } });
    expect(noModel).toMatchObject({ status: 404, body: { name: 'werkzeug.exceptions.NotFound' } });
  });

  it('answers malformed JSON with BadRequest and an unknown database with NotFound', async () => {
    const malformed = await json2('res.partner', 'search_read', '{"domain": [');
    const notObject = await json2('res.partner', 'search_read', '[1, 2]');
    const wrongDb = await fetch(`${sandbox.url}/json/2/res.partner/search_read`, {
      method: 'POST',
      headers: { authorization: `bearer ${apiKey}`, 'x-odoo-database': 'other', 'content-type': 'application/json' },
      body: '{}',
    });

    expect(malformed).toMatchObject({ status: 400, body: { name: 'werkzeug.exceptions.BadRequest' } });
    expect(notObject.status).toBe(400);
    expect(wrongDb.status).toBe(404);
  });

  it('answers a body over the limit with 413', async () => {
    const response = await fetch(`${sandbox.url}/json/2/res.partner/create`, {
      method: 'POST',
      headers: { authorization: `bearer ${apiKey}`, 'content-type': 'application/json' },
      body: 'x'.repeat(11 * 1024 * 1024),
    }).catch((error: Error) => error);

    // Node may see the close before the status; either way nothing was created.
    if (response instanceof Response) expect(response.status).toBe(413);
    else expect(response.message).toMatch(/fetch failed/);
  });
});

describe('JSON-RPC', () => {
  it('authenticates with login and API key, and runs execute_kw with positional ids', async () => {
    const uid = (await rpc('common', 'authenticate', [sandbox.database, 'hub-integration', apiKey, {}])).body.result;
    const wrong = await rpc('common', 'authenticate', [sandbox.database, 'hub-integration', 'nope', {}]);
    const read = await rpc('object', 'execute_kw', [
      sandbox.database,
      uid,
      apiKey,
      'product.product',
      'read',
      [[11]],
      { fields: ['name'] },
    ]);

    expect(uid).toBe(2);
    expect(wrong.body.result).toBe(false);
    expect(read.body.result).toEqual([{ id: 11, name: 'Laptop 14" Pro' }]);
  });

  it("carries Odoo's exceptions in an HTTP 200 error member", async () => {
    const answer = await rpc('object', 'execute_kw', [
      sandbox.database,
      2,
      apiKey,
      'product.product',
      'read',
      [[9999]],
      {},
    ]);
    const denied = await rpc('object', 'execute_kw', [
      sandbox.database,
      2,
      'nope',
      'product.product',
      'read',
      [[11]],
      {},
    ]);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      jsonrpc: '2.0',
      id: 7,
      error: { code: 200, message: 'Odoo Server Error', data: { name: 'odoo.exceptions.MissingError' } },
    });
    expect(denied.body.error?.data.name).toBe('odoo.exceptions.AccessDenied');
  });

  it('starts the login cooldown after too many failures, refusing even the right key', async () => {
    sandbox.configure({ loginCooldownAfter: 2 });
    await rpc('common', 'authenticate', [sandbox.database, 'hub-integration', 'nope', {}]);
    await rpc('common', 'authenticate', [sandbox.database, 'hub-integration', 'nope', {}]);

    const cooling = await rpc('common', 'authenticate', [sandbox.database, 'hub-integration', apiKey, {}]);
    const json2Cooling = await json2('res.country', 'search_read', {});

    expect(cooling.body.error?.data).toMatchObject({
      name: 'odoo.exceptions.AccessDenied',
      message: 'Too many login failures, please wait a bit before trying again.',
    });
    expect(json2Cooling.status).toBe(401);
  });
});

describe('proxy and faults', () => {
  it('answers over the rate limit with 429 and Retry-After', async () => {
    sandbox.configure({ rateLimitRequests: 1, rateLimitWindowSeconds: 20 });
    await json2('res.country', 'search_read', {});

    const throttled = await json2('res.country', 'search_read', {});

    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers 503 during an outage and loses the answer of a committed create', async () => {
    sandbox.configure({ outage: true });
    const down = await json2('res.country', 'search_read', {});
    sandbox.configure({ outage: false, dropNextCreates: 1 });
    const lost = await json2('res.partner', 'create', { vals_list: [{ name: 'Lost Answer Co', ref: 'LOST-1' }] }).catch(
      (error: Error) => error,
    );
    const found = await json2('res.partner', 'search_read', { domain: [['ref', '=', 'LOST-1']], fields: ['name'] });

    expect(down.status).toBe(503);
    expect(lost).toBeInstanceOf(Error);
    expect(found.body).toEqual([{ id: expect.any(Number), name: 'Lost Answer Co' }]);
  });

  it('rejects invalid configuration with 400', async () => {
    await expect(desk.configure({ rateLimitRequests: 0 })).rejects.toThrow(/400/);
  });

  it('keeps its records and API keys across a restart on the same state file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'odoo-sandbox-'));
    const stateFile = join(dir, 'state.json');
    try {
      const first = await startOdooSandbox({ stateFile });
      const credentials = await new ErpDesk(first.url).connection();
      await first.stop();
      const second = await startOdooSandbox({ stateFile });
      try {
        const again = await new ErpDesk(second.url).connection(credentials);
        expect(again.apiKey).toBe(credentials.apiKey);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
