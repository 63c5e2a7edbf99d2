import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:hub/dev/netsuite-AbCdEf';
const VARIABLES = [
  'NETSUITE_SECRET_ARN',
  'NETSUITE_SETTINGS',
  'SALESFORCE_SECRET_ARN',
  'SALESFORCE_SETTINGS',
  'SAP_S4HANA_SECRET_ARN',
  'SAP_S4HANA_SETTINGS',
];

/** A fresh registry per test: its adapters are cached per function instance, i.e. per module. */
async function registry() {
  vi.resetModules();
  return import('../../../../functions/connectors/registry');
}

let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of VARIABLES) delete process.env[name];
});

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function connectNetSuite(settings: unknown = { subsidiaryId: '1' }) {
  process.env.NETSUITE_SECRET_ARN = SECRET_ARN;
  process.env.NETSUITE_SETTINGS = JSON.stringify(settings);
}

describe('connectionVariables', () => {
  it.each([
    ['netsuite', 'NETSUITE_SECRET_ARN', 'NETSUITE_SETTINGS'],
    ['sap-s4hana', 'SAP_S4HANA_SECRET_ARN', 'SAP_S4HANA_SETTINGS'],
    ['business-central', 'BUSINESS_CENTRAL_SECRET_ARN', 'BUSINESS_CENTRAL_SETTINGS'],
    ['salesforce', 'SALESFORCE_SECRET_ARN', 'SALESFORCE_SETTINGS'],
  ])('names the variables of %s', async (system, secretArn, settings) => {
    const { connectionVariables } = await registry();

    expect(connectionVariables(system)).toEqual({ secretArn, settings });
  });
});

describe('erp', () => {
  it('creates the adapter of a connected system, with its registry name and title', async () => {
    connectNetSuite();
    const { erp } = await registry();

    const adapter = await erp('netsuite');

    expect(adapter.system).toBe('netsuite');
    expect(adapter.title).toBe('NetSuite');
    expect(typeof adapter.salesOrders.create).toBe('function');
  });

  it('gives the same adapter on a second call, so its token outlives the invocation', async () => {
    connectNetSuite();
    const { erp } = await registry();

    const first = await erp('netsuite');
    const second = await erp('netsuite');

    expect(second).toBe(first);
  });

  it('refuses a system whose variables are not set as Hub.UnknownSystem, naming them', async () => {
    const { erp, UnknownSystemError } = await registry();

    const failure = erp('netsuite');

    await expect(failure).rejects.toBeInstanceOf(UnknownSystemError);
    await expect(failure).rejects.toMatchObject({
      name: 'Hub.UnknownSystem',
      message:
        'This function is not connected to netsuite (NETSUITE_SECRET_ARN and NETSUITE_SETTINGS are not set); check hub:systems and hub:routing',
    });
  });

  it('refuses a system with a secret but no settings', async () => {
    process.env.NETSUITE_SECRET_ARN = SECRET_ARN;
    const { erp } = await registry();

    await expect(erp('netsuite')).rejects.toMatchObject({
      name: 'Hub.UnknownSystem',
      message: expect.stringContaining('NETSUITE_SECRET_ARN and NETSUITE_SETTINGS are not set'),
    });
  });

  it('refuses a system that has no connector', async () => {
    process.env.LEGACY_ERP_SECRET_ARN = SECRET_ARN;
    process.env.LEGACY_ERP_SETTINGS = '{}';
    const { erp } = await registry();

    await expect(erp('legacy-erp')).rejects.toMatchObject({
      name: 'Hub.UnknownSystem',
      message: "No connector is registered for system 'legacy-erp'",
    });
  });

  it('refuses a CRM asked for as an ERP', async () => {
    process.env.SALESFORCE_SECRET_ARN = SECRET_ARN;
    process.env.SALESFORCE_SETTINGS = JSON.stringify({ orgIds: ['00D5g0000HUBDEVEQ5'] });
    const { erp } = await registry();

    await expect(erp('salesforce')).rejects.toMatchObject({
      name: 'Hub.UnknownSystem',
      message: 'Salesforce is not an ERP',
    });
  });

  it('refuses settings the connector schema does not accept, naming the problem', async () => {
    connectNetSuite({ subsidiaryId: 'main' });
    const { erp } = await registry();

    await expect(erp('netsuite')).rejects.toThrow('must be a NetSuite internal id (digits)');
  });

  it('does not keep a failed adapter: the next call tries again', async () => {
    connectNetSuite({ subsidiaryId: 'main' });
    const { erp } = await registry();
    await expect(erp('netsuite')).rejects.toThrow();

    connectNetSuite({ subsidiaryId: '3' });

    await expect(erp('netsuite')).resolves.toMatchObject({ system: 'netsuite', title: 'NetSuite' });
  });
});

describe('crm', () => {
  it('creates the CRM adapter of a connected CRM', async () => {
    process.env.SALESFORCE_SECRET_ARN = SECRET_ARN;
    process.env.SALESFORCE_SETTINGS = JSON.stringify({ orgIds: ['00D5g0000HUBDEVEQ5'] });
    const { crm } = await registry();

    await expect(crm('salesforce')).resolves.toMatchObject({ system: 'salesforce', title: 'Salesforce' });
  });

  it('refuses an ERP asked for as a CRM', async () => {
    connectNetSuite();
    const { crm } = await registry();

    await expect(crm('netsuite')).rejects.toMatchObject({
      name: 'Hub.UnknownSystem',
      message: /^NetSuite is not an? CRM$/,
    });
  });

  // The message is `is not an ${KIND}`: right for ERP, "an CRM" for a CRM.
  it('says "a CRM", not "an CRM"', async () => {
    connectNetSuite();
    const { crm } = await registry();

    await expect(crm('netsuite')).rejects.toThrow('NetSuite is not a CRM');
  });
});

describe('isConnected', () => {
  it('is true when the secret and the settings are set', async () => {
    connectNetSuite();
    const { isConnected } = await registry();

    expect(isConnected('netsuite')).toBe(true);
    expect(isConnected('salesforce')).toBe(false);
  });

  it('is false when only one of the two is set', async () => {
    const { isConnected } = await registry();

    process.env.NETSUITE_SECRET_ARN = SECRET_ARN;
    expect(isConnected('netsuite')).toBe(false);

    delete process.env.NETSUITE_SECRET_ARN;
    process.env.NETSUITE_SETTINGS = '{}';
    expect(isConnected('netsuite')).toBe(false);
  });
});

describe('isSystemName and loadConnector', () => {
  it('knows the registered systems only', async () => {
    const { isSystemName, SYSTEM_NAMES } = await registry();

    expect(SYSTEM_NAMES).toEqual(expect.arrayContaining(['salesforce', 'netsuite']));
    expect(isSystemName('netsuite')).toBe(true);
    expect(isSystemName('toString')).toBe(false);
    expect(isSystemName('sap')).toBe(false);
  });

  it('loads the connector with its kind and title', async () => {
    const { loadConnector } = await registry();

    await expect(loadConnector('netsuite')).resolves.toMatchObject({ kind: 'erp', title: 'NetSuite' });
    await expect(loadConnector('salesforce')).resolves.toMatchObject({ kind: 'crm', title: 'Salesforce' });
  });
});
