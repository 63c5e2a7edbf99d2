import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NetSuiteClient } from '../../../../../functions/connectors/netsuite/client';
import { toNetSuiteCustomer, upsertCustomer } from '../../../../../functions/connectors/netsuite/customers';
import type { CustomerV1 } from '../../../../../functions/domain/canonical/customer';
import { BusinessException, ThrottledError } from '../../../../../functions/domain/errors';
import { FakeHttp } from '../../support/fake-http';
import { fixtureJson } from '../../support/fixtures';
import { netSuiteCredentials, RECORD_PATH, TOKEN_PATH } from '../../support/netsuite';
import { mockSecretsManager } from '../../support/secrets';

const SECRET_ID = 'hub/netsuite/api';
const SETTINGS = { subsidiaryId: '2' };
const UPSERT_PATH = `${RECORD_PATH}/customer/eid:0015g00000XyZabAAB`;

const secrets = mockSecretsManager();
let http: FakeHttp;

const customer = (): CustomerV1 => ({
  externalId: '0015g00000XyZabAAB',
  name: 'Müller & Söhne GmbH',
  phone: '+49 89 1234567',
  website: 'https://mueller-soehne.example',
  billingAddress: { street: 'Leopoldstraße 12', city: 'München', postalCode: '80802', country: 'DE' },
});

const customerRecord = (creditHold: string) => ({
  status: 200,
  json: {
    ...fixtureJson<object>('netsuite/customer.json'),
    creditHoldOverride: { id: creditHold, refName: creditHold },
  },
});

beforeEach(() => {
  secrets.reset();
  secrets.put(SECRET_ID, netSuiteCredentials());
  http = new FakeHttp().install();
  http.on('POST', TOKEN_PATH, { status: 200, json: fixtureJson('netsuite/token-response.json') });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('toNetSuiteCustomer', () => {
  it('maps the CRM-owned fields and the default billing address', () => {
    expect(toNetSuiteCustomer(customer(), SETTINGS)).toEqual({
      companyName: 'Müller & Söhne GmbH',
      phone: '+49 89 1234567',
      url: 'https://mueller-soehne.example',
      subsidiary: { id: '2' },
      addressBook: {
        items: [
          {
            defaultBilling: true,
            addressBookAddress: { addr1: 'Leopoldstraße 12', city: 'München', zip: '80802', country: { id: 'DE' } },
          },
        ],
      },
    });
  });
});

describe('upsertCustomer', () => {
  it('upserts by external id with only the CRM-owned fields, then returns the NetSuite ids', async () => {
    http.on('PUT', UPSERT_PATH, { status: 204, headers: { location: `${RECORD_PATH}/customer/3481` } });
    http.on('GET', UPSERT_PATH, customerRecord('AUTO'));

    const result = await upsertCustomer(new NetSuiteClient(SECRET_ID), customer(), SETTINGS);

    expect(result).toEqual({ erpCustomerId: '3481', customerNumber: 'CUST00042' });
    const [put] = http.to('PUT', UPSERT_PATH);
    const body = JSON.parse(put.body ?? '');
    expect(Object.keys(body).sort()).toEqual(['addressBook', 'companyName', 'phone', 'subsidiary', 'url']);
    expect(body).not.toHaveProperty('creditHoldOverride');
    expect(body).not.toHaveProperty('creditLimit');
    expect(http.requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      `POST ${TOKEN_PATH}`,
      `PUT ${UPSERT_PATH}`,
      `GET ${UPSERT_PATH}`,
    ]);
  });

  it('sends no phone or url when the account has none', async () => {
    http.on('PUT', UPSERT_PATH, { status: 204 });
    http.on('GET', UPSERT_PATH, customerRecord('OFF'));
    const { phone: _phone, website: _website, ...bare } = customer();

    await upsertCustomer(new NetSuiteClient(SECRET_ID), bare, SETTINGS);

    const body = JSON.parse(http.to('PUT', UPSERT_PATH)[0].body ?? '');
    expect(body).not.toHaveProperty('phone');
    expect(body).not.toHaveProperty('url');
  });

  it('falls back to the internal id when NetSuite shows no entity id', async () => {
    http.on('PUT', UPSERT_PATH, { status: 204 });
    http.on('GET', UPSERT_PATH, { status: 200, json: { id: '3481', creditHoldOverride: { id: 'AUTO' } } });

    const result = await upsertCustomer(new NetSuiteClient(SECRET_ID), customer(), SETTINGS);

    expect(result).toEqual({ erpCustomerId: '3481', customerNumber: '3481' });
  });

  it('stops with CUSTOMER_ON_CREDIT_HOLD when finance put the customer on hold', async () => {
    http.on('PUT', UPSERT_PATH, { status: 204 });
    http.on('GET', UPSERT_PATH, customerRecord('ON'));

    const failure = upsertCustomer(new NetSuiteClient(SECRET_ID), customer(), SETTINGS);

    await expect(failure).rejects.toBeInstanceOf(BusinessException);
    await expect(failure).rejects.toMatchObject({
      name: 'CUSTOMER_ON_CREDIT_HOLD',
      message: "Customer 'Müller & Söhne GmbH' (NetSuite CUST00042) is on credit hold in NetSuite.",
    });
  });

  it('reports a refused upsert as ERP_CUSTOMER_REJECTED with NetSuite reason, and reads nothing back', async () => {
    http.on('PUT', UPSERT_PATH, { status: 400, json: fixtureJson('netsuite/error-invalid-subsidiary.json') });

    const failure = upsertCustomer(new NetSuiteClient(SECRET_ID), customer(), SETTINGS);

    await expect(failure).rejects.toMatchObject({
      name: 'ERP_CUSTOMER_REJECTED',
      message:
        "NetSuite refused customer 'Müller & Söhne GmbH' (account 0015g00000XyZabAAB): Error while accessing a resource. You have entered an Invalid Field Value 99 for the following field: subsidiary",
    });
    expect(http.to('GET', UPSERT_PATH)).toHaveLength(0);
  });

  it('lets throttling through unchanged so the step is retried', async () => {
    http.on('PUT', UPSERT_PATH, { status: 429, json: fixtureJson('netsuite/error-concurrency-limit.json') });

    await expect(upsertCustomer(new NetSuiteClient(SECRET_ID), customer(), SETTINGS)).rejects.toBeInstanceOf(
      ThrottledError,
    );
  });

  it.each(['0015g00000XyZ/abAAB', '0015g00000XyZ abAAB', '0015g00000XyZ.abAAB', 'eid:0015g'])(
    'refuses the external id %s before calling NetSuite',
    async (externalId) => {
      const failure = upsertCustomer(new NetSuiteClient(SECRET_ID), { ...customer(), externalId }, SETTINGS);

      await expect(failure).rejects.toMatchObject({
        name: 'ERP_CUSTOMER_REJECTED',
        message: `Account id ${externalId} cannot be a NetSuite external id (letters, digits, - and _ only).`,
      });
      expect(http.requests).toHaveLength(0);
    },
  );

  it('accepts letters, digits, dash and underscore in the external id', async () => {
    const path = `${RECORD_PATH}/customer/eid:CID_002-a`;
    http.on('PUT', path, { status: 204 });
    http.on('GET', path, customerRecord('AUTO'));

    await upsertCustomer(new NetSuiteClient(SECRET_ID), { ...customer(), externalId: 'CID_002-a' }, SETTINGS);

    expect(http.to('PUT', path)).toHaveLength(1);
  });
});
