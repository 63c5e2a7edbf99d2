import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connector } from '../../../../../functions/connectors/netsuite';
import { BusinessException } from '../../../../../functions/domain/errors';
import { createErpOrder } from '../../../../../functions/flows/quote-to-cash/create-erp-order';
import { ItemMappingStore } from '../../../../../functions/stores/item-mapping-store';
import { FakeHttp } from '../../support/fake-http';
import { fixtureJson } from '../../support/fixtures';
import { netSuiteCredentials, RECORD_PATH, TOKEN_PATH } from '../../support/netsuite';
import { salesOrder } from '../../support/orders';
import { mockSecretsManager } from '../../support/secrets';

const SECRET_ID = 'hub/netsuite/api';
const CUSTOMER = { erpCustomerId: '3481', customerNumber: 'CUST0042' };
const netsuite = () => connector.create({ system: 'netsuite', secretId: SECRET_ID, settings: { subsidiaryId: '1' } });

/** The mapping table as a map; records what it was asked. */
class FakeItemMappings extends ItemMappingStore {
  readonly lookups: { system: string; skus: readonly string[] }[] = [];

  constructor(private readonly mappings: Record<string, string>) {
    super('unused-table');
  }

  override async resolve(system: string, skus: readonly string[]): Promise<Map<string, string>> {
    this.lookups.push({ system, skus });
    return new Map(skus.filter((sku) => sku in this.mappings).map((sku) => [sku, this.mappings[sku]]));
  }
}

const secrets = mockSecretsManager();
let http: FakeHttp;

beforeEach(() => {
  secrets.reset();
  secrets.put(SECRET_ID, netSuiteCredentials());
  http = new FakeHttp().install();
  http
    .on('POST', TOKEN_PATH, { status: 200, json: fixtureJson('netsuite/token-response.json') })
    .on('POST', `${RECORD_PATH}/salesOrder`, { status: 204, headers: { location: `${RECORD_PATH}/salesOrder/5123` } })
    .on('GET', `${RECORD_PATH}/salesOrder/5123`, { status: 200, json: fixtureJson('netsuite/sales-order.json') });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('createErpOrder', () => {
  it('resolves every product in the netsuite mapping and creates the order with those items', async () => {
    const items = new FakeItemMappings({ 'SKU-LAPTOP-14': '1201', 'SKU-DOCK-USB4': '1202', 'SVC-ONBOARD': '1301' });

    const order = await createErpOrder({ erp: netsuite(), items }, salesOrder(), CUSTOMER);

    expect(order).toEqual({
      erpOrderId: '5123',
      orderNumber: 'SO1042',
      status: 'Pending Fulfillment',
      system: 'netsuite',
      erpTitle: 'NetSuite',
    });
    expect(items.lookups).toEqual([{ system: 'netsuite', skus: ['SKU-LAPTOP-14', 'SKU-DOCK-USB4', 'SVC-ONBOARD'] }]);
    const body = JSON.parse(http.to('POST', `${RECORD_PATH}/salesOrder`)[0].body ?? '');
    expect(body.entity).toEqual({ id: '3481' });
    expect(body.item.items.map((line: { item: { id: string } }) => line.item.id)).toEqual(['1201', '1202', '1301']);
  });

  it('refuses with PRODUCT_NOT_MAPPED listing every unmapped line, and calls NetSuite not at all', async () => {
    const items = new FakeItemMappings({ 'SKU-LAPTOP-14': '1201' });

    const failure = createErpOrder({ erp: netsuite(), items }, salesOrder(), CUSTOMER);

    await expect(failure).rejects.toBeInstanceOf(BusinessException);
    await expect(failure).rejects.toMatchObject({
      name: 'PRODUCT_NOT_MAPPED',
      message:
        "Deal 'Müller & Söhne - Laptop refresh' (0065g00000AbCdEAAZ) sells SKU-DOCK-USB4 (line 2, 'USB4 Docking Station'), SVC-ONBOARD (line 3, 'Onboarding days') with no NetSuite item mapping (system netsuite).",
    });
    expect(http.requests).toHaveLength(0);
  });

  it('lists a product sold on two lines once per line', async () => {
    const order = salesOrder();
    order.lines.push({ lineNumber: 4, sku: 'SKU-DOCK-USB4', description: 'Spare docks', quantity: 5, unitPrice: 249 });
    const items = new FakeItemMappings({ 'SKU-LAPTOP-14': '1201', 'SVC-ONBOARD': '1301' });

    const failure = createErpOrder({ erp: netsuite(), items }, order, CUSTOMER);

    await expect(failure).rejects.toThrow(
      "sells SKU-DOCK-USB4 (line 2, 'USB4 Docking Station'), SKU-DOCK-USB4 (line 4, 'Spare docks') with no NetSuite item mapping (system netsuite).",
    );
  });
});
