import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NetSuiteClient } from '../../../../../functions/connectors/netsuite/client';
import { createSalesOrder, toNetSuiteSalesOrder } from '../../../../../functions/connectors/netsuite/sales-orders';
import { BusinessException, ThrottledError, UnavailableError } from '../../../../../functions/domain/errors';
import { FakeHttp, type Reply } from '../../support/fake-http';
import { fixtureJson } from '../../support/fixtures';
import { netSuiteCredentials, RECORD_PATH, TOKEN_PATH } from '../../support/netsuite';
import { salesOrder } from '../../support/orders';
import { mockSecretsManager } from '../../support/secrets';

const CUSTOMER = { erpCustomerId: '3481', customerNumber: 'CUST0042' };
const SECRET_ID = 'hub/netsuite/api';
const CREATE_PATH = `${RECORD_PATH}/salesOrder`;
const BY_ID_PATH = `${RECORD_PATH}/salesOrder/5123`;
const BY_EXTERNAL_ID_PATH = `${RECORD_PATH}/salesOrder/eid:0065g00000AbCdEAAZ`;
const ITEM_IDS = new Map([
  ['SKU-LAPTOP-14', '1201'],
  ['SKU-DOCK-USB4', '1202'],
  ['SVC-ONBOARD', '1301'],
]);

const secrets = mockSecretsManager();
let http: FakeHttp;

const created: Reply = {
  status: 204,
  headers: { location: `https://tstdrv1234567.suitetalk.api.netsuite.com${BY_ID_PATH}` },
};
const orderRecord: Reply = { status: 200, json: fixtureJson('netsuite/sales-order.json') };
const notFound: Reply = { status: 404, json: fixtureJson('netsuite/error-nonexistent-id.json') };
const refused = (fixture: string): Reply => ({ status: 400, json: fixtureJson(`netsuite/${fixture}`) });

beforeEach(() => {
  secrets.reset();
  secrets.put(SECRET_ID, netSuiteCredentials());
  http = new FakeHttp().install();
  http.on('POST', TOKEN_PATH, { status: 200, json: fixtureJson('netsuite/token-response.json') });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

async function rejection(promise: Promise<unknown>): Promise<BusinessException> {
  const error = await promise.then(
    () => {
      throw new Error('the order was created');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BusinessException);
  return error as BusinessException;
}

describe('toNetSuiteSalesOrder', () => {
  it('carries the CRM id as external id, the customer, date, reference and one line per product', () => {
    const body = toNetSuiteSalesOrder(salesOrder(), '3481', ITEM_IDS);

    expect(body).toEqual({
      externalId: '0065g00000AbCdEAAZ',
      entity: { id: '3481' },
      tranDate: '2026-11-20',
      otherRefNum: 'Müller & Söhne - Laptop refresh',
      memo: 'salesforce Opportunity 0065g00000AbCdEAAZ',
      item: {
        items: [
          { item: { id: '1201' }, quantity: 25, rate: 1750, description: 'Laptop 14" Pro, volume price' },
          { item: { id: '1202' }, quantity: 25, rate: 249, description: 'USB4 Docking Station' },
          { item: { id: '1301' }, quantity: 2, rate: 1200, description: 'Onboarding days' },
        ],
      },
    });
  });

  it('cuts the reference to the 45 characters of otherRefNum', () => {
    const body = toNetSuiteSalesOrder({ ...salesOrder(), reference: 'R'.repeat(60) }, '3481', ITEM_IDS);

    expect(body.otherRefNum).toBe('R'.repeat(45));
  });
});

describe('createSalesOrder', () => {
  it('posts the order, then reads its number and status', async () => {
    http.on('POST', CREATE_PATH, created).on('GET', BY_ID_PATH, orderRecord);

    const order = await createSalesOrder(new NetSuiteClient(SECRET_ID), {
      order: salesOrder(),
      customer: CUSTOMER,
      itemIds: ITEM_IDS,
    });

    expect(order).toEqual({ erpOrderId: '5123', orderNumber: 'SO1042', status: 'Pending Fulfillment' });
    const [post] = http.to('POST', CREATE_PATH);
    expect(JSON.parse(post.body ?? '')).toEqual(toNetSuiteSalesOrder(salesOrder(), '3481', ITEM_IDS));
  });

  it('says Unknown when the order shows no status', async () => {
    http
      .on('POST', CREATE_PATH, created)
      .on('GET', BY_ID_PATH, { status: 200, json: { id: '5123', tranId: 'SO1042' } });

    const order = await createSalesOrder(new NetSuiteClient(SECRET_ID), {
      order: salesOrder(),
      customer: CUSTOMER,
      itemIds: ITEM_IDS,
    });

    expect(order.status).toBe('Unknown');
  });

  it('returns the order already holding the external id instead of making a second one', async () => {
    http.on('POST', CREATE_PATH, refused('error-duplicate-record.json')).on('GET', BY_EXTERNAL_ID_PATH, orderRecord);

    const order = await createSalesOrder(new NetSuiteClient(SECRET_ID), {
      order: salesOrder(),
      customer: CUSTOMER,
      itemIds: ITEM_IDS,
    });

    expect(order).toEqual({ erpOrderId: '5123', orderNumber: 'SO1042', status: 'Pending Fulfillment' });
    expect(http.to('POST', CREATE_PATH)).toHaveLength(1);
  });

  it('checks for an existing order when NetSuite accepts without a Location', async () => {
    http.on('POST', CREATE_PATH, { status: 204 }).on('GET', BY_EXTERNAL_ID_PATH, orderRecord);

    const order = await createSalesOrder(new NetSuiteClient(SECRET_ID), {
      order: salesOrder(),
      customer: CUSTOMER,
      itemIds: ITEM_IDS,
    });

    expect(order.orderNumber).toBe('SO1042');
  });

  it('reports ERP_ORDER_REJECTED when NetSuite accepts without a Location and no order exists', async () => {
    http.on('POST', CREATE_PATH, { status: 204 }).on('GET', BY_EXTERNAL_ID_PATH, notFound);

    const error = await rejection(
      createSalesOrder(new NetSuiteClient(SECRET_ID), { order: salesOrder(), customer: CUSTOMER, itemIds: ITEM_IDS }),
    );

    expect(error.code).toBe('ERP_ORDER_REJECTED');
    expect(error.message).toBe('NetSuite accepted the order but returned no record location.');
  });

  it('names the product, NetSuite item and line of a refused item (errorPath item.items[1].item)', async () => {
    http.on('POST', CREATE_PATH, refused('error-invalid-item.json')).on('GET', BY_EXTERNAL_ID_PATH, notFound);

    const error = await rejection(
      createSalesOrder(new NetSuiteClient(SECRET_ID), { order: salesOrder(), customer: CUSTOMER, itemIds: ITEM_IDS }),
    );

    expect(error.code).toBe('ERP_ITEM_REJECTED');
    expect(error.message).toBe(
      'NetSuite refused product SKU-DOCK-USB4 (NetSuite item 1202, line 2): Error while accessing a resource. You have entered an Invalid Field Value 1202 for the following field: item',
    );
  });

  it('says "an item" when the error path names no line', async () => {
    const body = fixtureJson<{ 'o:errorDetails': { 'o:errorPath': string }[] }>('netsuite/error-invalid-item.json');
    body['o:errorDetails'][0]['o:errorPath'] = 'item';
    http.on('POST', CREATE_PATH, { status: 400, json: body }).on('GET', BY_EXTERNAL_ID_PATH, notFound);

    const error = await rejection(
      createSalesOrder(new NetSuiteClient(SECRET_ID), { order: salesOrder(), customer: CUSTOMER, itemIds: ITEM_IDS }),
    );

    expect(error.code).toBe('ERP_ITEM_REJECTED');
    expect(error.message).toMatch(/^NetSuite refused an item: /);
  });

  it('reports a credit hold refusal as CUSTOMER_ON_CREDIT_HOLD', async () => {
    http.on('POST', CREATE_PATH, refused('error-credit-hold.json')).on('GET', BY_EXTERNAL_ID_PATH, notFound);

    const error = await rejection(
      createSalesOrder(new NetSuiteClient(SECRET_ID), { order: salesOrder(), customer: CUSTOMER, itemIds: ITEM_IDS }),
    );

    expect(error.code).toBe('CUSTOMER_ON_CREDIT_HOLD');
    expect(error.message).toBe(
      'NetSuite refused the order: Error while accessing a resource. Customer is on credit hold.',
    );
  });

  it('reports any other refusal as ERP_ORDER_REJECTED with NetSuite words', async () => {
    http.on('POST', CREATE_PATH, refused('error-invalid-date.json')).on('GET', BY_EXTERNAL_ID_PATH, notFound);

    const error = await rejection(
      createSalesOrder(new NetSuiteClient(SECRET_ID), { order: salesOrder(), customer: CUSTOMER, itemIds: ITEM_IDS }),
    );

    expect(error.code).toBe('ERP_ORDER_REJECTED');
    expect(error.message).toBe(
      'NetSuite refused the sales order for CRM record 0065g00000AbCdEAAZ: Error while accessing a resource. The transaction date falls in a closed accounting period.',
    );
    expect(error.cause).toMatchObject({ name: 'NetSuiteApiError', status: 400 });
  });

  it('reports CONNECTION_REJECTED when NetSuite refuses a fresh token too, without looking the order up', async () => {
    http.on('POST', CREATE_PATH, { status: 401, json: fixtureJson('netsuite/error-invalid-login.json') });

    const error = await rejection(
      createSalesOrder(new NetSuiteClient(SECRET_ID), { order: salesOrder(), customer: CUSTOMER, itemIds: ITEM_IDS }),
    );

    expect(error.code).toBe('CONNECTION_REJECTED');
    expect(http.to('POST', TOKEN_PATH)).toHaveLength(2);
    expect(http.to('GET', BY_EXTERNAL_ID_PATH)).toHaveLength(0);
  });

  it('lets 429 through as Hub.Throttled', async () => {
    http.on('POST', CREATE_PATH, { status: 429, json: fixtureJson('netsuite/error-concurrency-limit.json') });

    await expect(
      createSalesOrder(new NetSuiteClient(SECRET_ID), { order: salesOrder(), customer: CUSTOMER, itemIds: ITEM_IDS }),
    ).rejects.toBeInstanceOf(ThrottledError);
    expect(http.to('GET', BY_EXTERNAL_ID_PATH)).toHaveLength(0);
  });

  it('lets 503 through as Hub.Unavailable', async () => {
    http.on('POST', CREATE_PATH, { status: 503, json: fixtureJson('netsuite/error-unavailable.json') });

    await expect(
      createSalesOrder(new NetSuiteClient(SECRET_ID), { order: salesOrder(), customer: CUSTOMER, itemIds: ITEM_IDS }),
    ).rejects.toBeInstanceOf(UnavailableError);
  });

  it('does not hide a failing lookup behind the refusal', async () => {
    http
      .on('POST', CREATE_PATH, refused('error-credit-hold.json'))
      .on('GET', BY_EXTERNAL_ID_PATH, { status: 503, json: fixtureJson('netsuite/error-unavailable.json') });

    await expect(
      createSalesOrder(new NetSuiteClient(SECRET_ID), { order: salesOrder(), customer: CUSTOMER, itemIds: ITEM_IDS }),
    ).rejects.toBeInstanceOf(UnavailableError);
  });
});
