import { describe, expect, it } from 'vitest';
import { compareOrders } from '../../../../../functions/flows/quote-to-cash/compare-orders';
import type { ErpOrderDetail } from '../../../../../functions/ports/erp';

/** The fixture order as NetSuite holds it. */
function netsuiteOrder(): ErpOrderDetail {
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
  };
}

/** The same order as another ERP holds it: its own numbers, keys, date format and item names. */
function sapOrder(): ErpOrderDetail {
  return {
    erpOrderId: '0000004711',
    orderNumber: '4711',
    status: 'Open',
    crmReference: '0065g00000AbCdEAAZ',
    customerNumber: '1000042',
    orderDate: '2026-11-20T00:00:00Z',
    currency: 'EUR',
    lines: [
      {
        itemId: 'TG-LAPTOP14',
        itemName: '[TG-LAPTOP14] LAPTOP  14" pro',
        quantity: 25,
        unitPrice: 1750.0,
        amount: 43750,
      },
      { itemId: 'TG-DOCK', itemName: '  usb4 docking   station ', quantity: 25, unitPrice: 249, amount: 6225.001 },
      { itemId: 'SV-ONB', itemName: 'Onboarding Days', quantity: 2, unitPrice: 1200, amount: 2400 },
    ],
    total: 52375.004,
  };
}

describe('compareOrders', () => {
  it('finds no difference between identical orders', () => {
    expect(compareOrders(netsuiteOrder(), netsuiteOrder())).toEqual([]);
  });

  it('ignores the numbers, keys and status each ERP gives itself, time of day, case, spacing and item codes', () => {
    expect(compareOrders(netsuiteOrder(), sapOrder())).toEqual([]);
  });

  it.each<[string, (order: ErpOrderDetail) => void, { target: string; shadow: string }]>([
    [
      'CRM reference',
      (o) => Object.assign(o, { crmReference: '0065g00000ZzZzZAAZ' }),
      {
        target: '0065g00000AbCdEAAZ',
        shadow: '0065g00000ZzZzZAAZ',
      },
    ],
    [
      'order date',
      (o) => Object.assign(o, { orderDate: '2026-11-21T09:00:00Z' }),
      {
        target: '2026-11-20',
        shadow: '2026-11-21',
      },
    ],
    ['currency', (o) => Object.assign(o, { currency: 'USD' }), { target: 'EUR', shadow: 'USD' }],
    ['total', (o) => Object.assign(o, { total: 52375.01 }), { target: '52375.00', shadow: '52375.01' }],
    ['line 2 quantity', (o) => Object.assign(o.lines[1], { quantity: 24.5 }), { target: '25', shadow: '24.5' }],
    [
      'line 3 unit price',
      (o) => Object.assign(o.lines[2], { unitPrice: 1199.99 }),
      {
        target: '1200.00',
        shadow: '1199.99',
      },
    ],
    [
      'line 1 amount',
      (o) => Object.assign(o.lines[0], { amount: 43749.5 }),
      {
        target: '43750.00',
        shadow: '43749.50',
      },
    ],
  ])('names a difference in the %s with both values', (field, change, values) => {
    const shadow = sapOrder();
    change(shadow);

    expect(compareOrders(netsuiteOrder(), shadow)).toEqual([{ field, ...values }]);
  });

  it('names a different item as "name (id)" of both ERPs', () => {
    const shadow = sapOrder();
    shadow.lines[1] = { ...shadow.lines[1], itemId: 'TG-HUB', itemName: '[TG-HUB] USB-C Hub' };

    expect(compareOrders(netsuiteOrder(), shadow)).toEqual([
      { field: 'line 2 item', target: 'USB4 Docking Station (1202)', shadow: '[TG-HUB] USB-C Hub (TG-HUB)' },
    ]);
  });

  it('takes a bracket that is not at the start as part of the name', () => {
    const target = netsuiteOrder();
    const shadow = netsuiteOrder();
    shadow.lines[0] = { ...shadow.lines[0], itemName: 'Laptop [TG-LAPTOP14] 14" Pro' };

    expect(compareOrders(target, shadow).map((d) => d.field)).toEqual(['line 1 item']);
  });

  it('names a different line count and compares the lines both have', () => {
    const shadow = sapOrder();
    shadow.lines = shadow.lines.slice(0, 2);
    shadow.lines[0] = { ...shadow.lines[0], quantity: 20 };

    expect(compareOrders(netsuiteOrder(), shadow)).toEqual([
      { field: 'lines', target: '3', shadow: '2' },
      { field: 'line 1 quantity', target: '25', shadow: '20' },
    ]);
  });

  it('lists every difference, in the order of the fields', () => {
    const shadow = sapOrder();
    shadow.currency = 'CHF';
    shadow.total = 50000;
    shadow.lines[2] = { ...shadow.lines[2], unitPrice: 1000, amount: 2000 };

    expect(compareOrders(netsuiteOrder(), shadow)).toEqual([
      { field: 'currency', target: 'EUR', shadow: 'CHF' },
      { field: 'total', target: '52375.00', shadow: '50000.00' },
      { field: 'line 3 unit price', target: '1200.00', shadow: '1000.00' },
      { field: 'line 3 amount', target: '2400.00', shadow: '2000.00' },
    ]);
  });
});
