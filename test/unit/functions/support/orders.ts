import type { SalesOrderV1 } from '../../../../functions/domain/canonical/sales-order';

/** The canonical order of the fixture opportunity (Salesforce query-opportunity / query-line-items). */
export function salesOrder(): SalesOrderV1 {
  return {
    schemaVersion: 1,
    externalId: '0065g00000AbCdEAAZ',
    source: { system: 'salesforce', recordType: 'Opportunity', recordId: '0065g00000AbCdEAAZ' },
    reference: 'Müller & Söhne - Laptop refresh',
    orderDate: '2026-11-20',
    currency: 'EUR',
    customer: {
      externalId: '0015g00000XyZabAAB',
      name: 'Müller & Söhne GmbH',
      billingAddress: { street: 'Leopoldstraße 12', city: 'München', postalCode: '80802', country: 'DE' },
    },
    lines: [
      {
        lineNumber: 1,
        sku: 'SKU-LAPTOP-14',
        description: 'Laptop 14" Pro, volume price',
        quantity: 25,
        unitPrice: 1750,
      },
      { lineNumber: 2, sku: 'SKU-DOCK-USB4', description: 'USB4 Docking Station', quantity: 25, unitPrice: 249 },
      { lineNumber: 3, sku: 'SVC-ONBOARD', description: 'Onboarding days', quantity: 2, unitPrice: 1200 },
    ],
    total: 52375,
  };
}
