import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CustomerV1 } from '../../../../../functions/domain/canonical/customer';
import { BusinessException, UnavailableError } from '../../../../../functions/domain/errors';
import { shadowErpOrder } from '../../../../../functions/flows/quote-to-cash/shadow-erp-order';
import type {
  ErpCustomer,
  ErpItem,
  ErpOrder,
  ErpOrderDetail,
  ErpPort,
  SalesOrderRequest,
} from '../../../../../functions/ports/erp';
import { CorrelationStore, type ShadowComparison } from '../../../../../functions/stores/correlation-store';
import { ItemMappingStore } from '../../../../../functions/stores/item-mapping-store';
import { salesOrder } from '../../support/orders';

const NOW = new Date('2026-11-22T08:30:00.000Z');
const CORRELATION_ID = 'b0c1498f-476e-5d40-aab6-59ae3e8176ba';
const TARGET_ORDER = { erpOrderId: '5123', orderNumber: 'SO1042' };

/** An ERP answering from memory; records every call so a test can check which ERP was asked what. */
class FakeErp implements ErpPort {
  readonly calls: string[] = [];
  readonly created: SalesOrderRequest[] = [];
  /** What `upsert` or `create` fails with, when set. */
  upsertFailure?: Error;
  createFailure?: Error;

  constructor(
    readonly system: string,
    readonly title: string,
    private readonly orders: Record<string, ErpOrderDetail>,
    private readonly createdOrder: ErpOrder = { erpOrderId: 'none', orderNumber: 'none', status: 'none' },
  ) {}

  readonly customers = {
    upsert: async (customer: CustomerV1): Promise<ErpCustomer> => {
      this.calls.push(`customers.upsert ${customer.externalId}`);
      if (this.upsertFailure) throw this.upsertFailure;
      return { erpCustomerId: 'BP-100042', customerNumber: '100042' };
    },
  };

  readonly salesOrders = {
    findByCrmReference: async (reference: string): Promise<ErpOrder | undefined> => {
      this.calls.push(`salesOrders.findByCrmReference ${reference}`);
      return undefined;
    },
    create: async (request: SalesOrderRequest): Promise<ErpOrder> => {
      this.calls.push(`salesOrders.create ${request.order.externalId}`);
      if (this.createFailure) throw this.createFailure;
      this.created.push(request);
      return this.createdOrder;
    },
    read: async (erpOrderId: string): Promise<ErpOrderDetail> => {
      this.calls.push(`salesOrders.read ${erpOrderId}`);
      const order = this.orders[erpOrderId];
      if (!order) throw new Error(`${this.title} has no order ${erpOrderId}`);
      return order;
    },
  };

  readonly items = {
    get: async (itemId: string): Promise<ErpItem | undefined> => {
      this.calls.push(`items.get ${itemId}`);
      return undefined;
    },
  };
}

/** The mapping table as a map per system. */
class FakeItemMappings extends ItemMappingStore {
  constructor(private readonly mappings: Record<string, Record<string, string>>) {
    super('unused-table');
  }

  override async resolve(system: string, skus: readonly string[]): Promise<Map<string, string>> {
    const mapped = this.mappings[system] ?? {};
    return new Map(skus.filter((sku) => sku in mapped).map((sku) => [sku, mapped[sku]]));
  }
}

/** The correlation table's comparisons, in memory. */
class FakeCorrelation extends CorrelationStore {
  readonly comparisons: ShadowComparison[] = [];

  constructor() {
    super('unused-table');
  }

  override async recordShadowComparison(comparison: ShadowComparison): Promise<void> {
    this.comparisons.push(comparison);
  }
}

function detail(overrides: Partial<ErpOrderDetail> = {}): ErpOrderDetail {
  return {
    erpOrderId: '5123',
    orderNumber: 'SO1042',
    status: 'Pending Fulfillment',
    crmReference: '0065g00000AbCdEAAZ',
    customerNumber: 'CUST0042',
    orderDate: '2026-11-20',
    currency: 'EUR',
    lines: [
      { itemId: '1201', itemName: 'Laptop 14" Pro', quantity: 25, unitPrice: 1750, amount: 43750 },
      { itemId: '1202', itemName: 'USB4 Docking Station', quantity: 25, unitPrice: 249, amount: 6225 },
      { itemId: '1301', itemName: 'Onboarding days', quantity: 2, unitPrice: 1200, amount: 2400 },
    ],
    total: 52375,
    ...overrides,
  };
}

const SAP_ITEMS = { 'SKU-LAPTOP-14': 'TG-LAPTOP14', 'SKU-DOCK-USB4': 'TG-DOCK', 'SVC-ONBOARD': 'SV-ONB' };
const SAP_CREATED = { erpOrderId: '0000004711', orderNumber: '4711', status: 'Open' };

function sapDetail(overrides: Partial<ErpOrderDetail> = {}): ErpOrderDetail {
  return detail({
    erpOrderId: '0000004711',
    orderNumber: '4711',
    status: 'Open',
    customerNumber: '100042',
    orderDate: '2026-11-20T00:00:00Z',
    lines: [
      { itemId: 'TG-LAPTOP14', itemName: '[TG-LAPTOP14] Laptop 14" Pro', quantity: 25, unitPrice: 1750, amount: 43750 },
      { itemId: 'TG-DOCK', itemName: 'USB4 docking station', quantity: 25, unitPrice: 249, amount: 6225 },
      { itemId: 'SV-ONB', itemName: 'Onboarding Days', quantity: 2, unitPrice: 1200, amount: 2400 },
    ],
    ...overrides,
  });
}

let netsuite: FakeErp;
let correlation: FakeCorrelation;
const items = new FakeItemMappings({ 'sap-s4hana': SAP_ITEMS });

function sap(order: ErpOrderDetail = sapDetail()): FakeErp {
  return new FakeErp('sap-s4hana', 'SAP S/4HANA', { [order.erpOrderId]: order }, SAP_CREATED);
}

const input = () => ({ correlationId: CORRELATION_ID, order: salesOrder(), targetOrder: TARGET_ORDER });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  netsuite = new FakeErp('netsuite', 'NetSuite', { '5123': detail() });
  correlation = new FakeCorrelation();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('shadowErpOrder', () => {
  it('creates the order in the shadow ERP with its own items and records a MATCH', async () => {
    const shadow = sap();

    const result = await shadowErpOrder({ target: netsuite, shadow, items, correlation }, input());

    expect(result).toEqual({ status: 'MATCH', shadowSystem: 'sap-s4hana', shadowOrderNumber: '4711', differences: 0 });
    expect(shadow.created).toHaveLength(1);
    expect(shadow.created[0].customer).toEqual({ erpCustomerId: 'BP-100042', customerNumber: '100042' });
    expect([...shadow.created[0].itemIds]).toEqual(Object.entries(SAP_ITEMS));
    expect(correlation.comparisons).toEqual([
      {
        correlationId: CORRELATION_ID,
        crmReference: '0065g00000AbCdEAAZ',
        targetSystem: 'netsuite',
        targetOrderNumber: 'SO1042',
        shadowSystem: 'sap-s4hana',
        shadowOrderNumber: '4711',
        status: 'MATCH',
        differences: [],
        at: NOW.toISOString(),
      },
    ]);
  });

  it('reads the target order from the target ERP and the shadow order from the shadow ERP, writing only to the shadow', async () => {
    const shadow = sap();

    await shadowErpOrder({ target: netsuite, shadow, items, correlation }, input());

    expect(netsuite.calls).toEqual(['salesOrders.read 5123']);
    expect(shadow.calls).toEqual([
      'customers.upsert 0015g00000XyZabAAB',
      'salesOrders.create 0065g00000AbCdEAAZ',
      'salesOrders.read 0000004711',
    ]);
  });

  it('records a DIFFERENT comparison with every difference', async () => {
    const shadow = sap(sapDetail({ total: 52000, currency: 'USD' }));

    const result = await shadowErpOrder({ target: netsuite, shadow, items, correlation }, input());

    expect(result).toEqual({
      status: 'DIFFERENT',
      shadowSystem: 'sap-s4hana',
      shadowOrderNumber: '4711',
      differences: 2,
    });
    expect(correlation.comparisons).toHaveLength(1);
    expect(correlation.comparisons[0]).toMatchObject({
      status: 'DIFFERENT',
      shadowOrderNumber: '4711',
      differences: [
        { field: 'currency', target: 'EUR', shadow: 'USD' },
        { field: 'total', target: '52375.00', shadow: '52000.00' },
      ],
    });
    expect(correlation.comparisons[0]).not.toHaveProperty('error');
  });

  it('records FAILED with the code and message when the shadow ERP has the customer on credit hold, and does not throw', async () => {
    const shadow = sap();
    shadow.upsertFailure = new BusinessException(
      'CUSTOMER_ON_CREDIT_HOLD',
      'Customer 100042 is on credit hold in SAP S/4HANA.',
    );

    const result = await shadowErpOrder({ target: netsuite, shadow, items, correlation }, input());

    expect(result).toEqual({
      status: 'FAILED',
      shadowSystem: 'sap-s4hana',
      shadowOrderNumber: undefined,
      differences: 0,
    });
    expect(correlation.comparisons).toEqual([
      {
        correlationId: CORRELATION_ID,
        crmReference: '0065g00000AbCdEAAZ',
        targetSystem: 'netsuite',
        targetOrderNumber: 'SO1042',
        shadowSystem: 'sap-s4hana',
        status: 'FAILED',
        differences: [],
        error: 'CUSTOMER_ON_CREDIT_HOLD',
        message: 'Customer 100042 is on credit hold in SAP S/4HANA.',
        at: NOW.toISOString(),
      },
    ]);
    expect(shadow.created).toHaveLength(0);
    expect(netsuite.calls).toEqual([]);
  });

  it('records FAILED as PRODUCT_NOT_MAPPED when a product has no item in the shadow ERP, creating nothing', async () => {
    const shadow = sap();
    const partial = new FakeItemMappings({ 'sap-s4hana': { 'SKU-LAPTOP-14': 'TG-LAPTOP14', 'SVC-ONBOARD': 'SV-ONB' } });

    const result = await shadowErpOrder({ target: netsuite, shadow, items: partial, correlation }, input());

    expect(result.status).toBe('FAILED');
    expect(correlation.comparisons[0]).toMatchObject({
      status: 'FAILED',
      error: 'PRODUCT_NOT_MAPPED',
      message:
        "Deal 'Müller & Söhne - Laptop refresh' (0065g00000AbCdEAAZ) sells SKU-DOCK-USB4 (line 2, 'USB4 Docking Station') with no SAP S/4HANA item mapping (system sap-s4hana).",
    });
    expect(shadow.calls).toEqual(['customers.upsert 0015g00000XyZabAAB']);
  });

  it('records FAILED when the shadow ERP refuses the order', async () => {
    const shadow = sap();
    shadow.createFailure = new BusinessException('ERP_ORDER_REJECTED', 'SAP S/4HANA refused the order: V1 123.');

    await expect(shadowErpOrder({ target: netsuite, shadow, items, correlation }, input())).resolves.toMatchObject({
      status: 'FAILED',
    });
    expect(correlation.comparisons[0]).toMatchObject({ error: 'ERP_ORDER_REJECTED' });
  });

  it('throws a transient error of the shadow ERP for the state machine to retry, recording nothing', async () => {
    const shadow = sap();
    const outage = new UnavailableError('SAP S/4HANA could not be reached (POST /A_SalesOrder: ECONNREFUSED)');
    shadow.createFailure = outage;

    await expect(shadowErpOrder({ target: netsuite, shadow, items, correlation }, input())).rejects.toBe(outage);
    expect(correlation.comparisons).toEqual([]);
  });

  it('throws an error that is not a business exception, recording nothing', async () => {
    const shadow = sap();
    shadow.upsertFailure = new TypeError("Cannot read properties of undefined (reading 'id')");

    await expect(shadowErpOrder({ target: netsuite, shadow, items, correlation }, input())).rejects.toThrow(TypeError);
    expect(correlation.comparisons).toEqual([]);
  });
});
