// The demo company both sandboxes start with: the same customers and products seen from the CRM
// side (Salesforce ids, product codes) and from the ERP side (NetSuite internal ids).

/** The Salesforce org the sandbox plays; the hub's allow-list (cdk.json `hub:salesforceOrgIds`) names it. */
export const SANDBOX_ORG_ID = '00D5g0000HUBDEVEQ5';

export interface CatalogProduct {
  /** Salesforce Product2.ProductCode, the hub's canonical SKU. */
  code: string;
  name: string;
  unitPrice: number;
  /** NetSuite inventory item internal id; absent when the ERP has no such item. */
  netsuiteItemId?: string;
}

export interface CatalogAccount {
  salesforceId: string;
  name: string;
  billingStreet: string;
  billingCity: string;
  billingPostalCode: string;
  billingCountry: string;
  phone: string;
  /** Set when finance already knows this customer in NetSuite (linked by external id = Salesforce account id). */
  netsuite?: { internalId: string; creditHold: 'ON' | 'OFF' | 'AUTO' };
}

export const CATALOG_PRODUCTS: readonly CatalogProduct[] = [
  { code: 'SKU-LAPTOP-14', name: 'Laptop 14" Pro', unitPrice: 1899, netsuiteItemId: '1201' },
  { code: 'SKU-DOCK-USB4', name: 'USB4 Docking Station', unitPrice: 249, netsuiteItemId: '1202' },
  { code: 'SKU-MON-27', name: '27" 4K Monitor', unitPrice: 429, netsuiteItemId: '1203' },
  { code: 'SVC-ONBOARD', name: 'Onboarding Service (day)', unitPrice: 1200, netsuiteItemId: '1301' },
  { code: 'SUB-MDM-12M', name: 'Device Management, 12 months', unitPrice: 96, netsuiteItemId: '1401' },
  // Sold in the CRM, never set up in the ERP: orders with it cannot be mapped.
  { code: 'SKU-HEADSET-LEGACY', name: 'Legacy Headset (discontinued)', unitPrice: 79 },
];

export const CATALOG_ACCOUNTS: readonly CatalogAccount[] = [
  {
    salesforceId: '0015g00000ACME1AAP',
    name: 'Acme Robotics GmbH',
    billingStreet: 'Industriestrasse 12',
    billingCity: 'Stuttgart',
    billingPostalCode: '70565',
    billingCountry: 'DE',
    phone: '+49 711 555 0100',
  },
  {
    salesforceId: '0015g00000GLOBXAA5',
    name: 'Globex Logistics Ltd',
    billingStreet: '1 Dockside Way',
    billingCity: 'Liverpool',
    billingPostalCode: 'L3 4AF',
    billingCountry: 'GB',
    phone: '+44 151 555 0199',
    netsuite: { internalId: '812', creditHold: 'OFF' },
  },
  {
    salesforceId: '0015g00000INITCAA5',
    name: 'Initech Software Inc',
    billingStreet: '4120 Freidrich Lane',
    billingCity: 'Austin',
    billingPostalCode: '78744',
    billingCountry: 'US',
    phone: '+1 512 555 0142',
  },
  {
    salesforceId: '0015g00000NORTHAA5',
    name: 'Northwind Traders AB',
    billingStreet: 'Sveavägen 44',
    billingCity: 'Stockholm',
    billingPostalCode: '111 34',
    billingCountry: 'SE',
    phone: '+46 8 555 0120',
  },
  {
    salesforceId: '0015g00000HOLD1AAP',
    name: 'Hooli Hardware LLC',
    billingStreet: '1401 N Shoreline Blvd',
    billingCity: 'Mountain View',
    billingPostalCode: '94043',
    billingCountry: 'US',
    phone: '+1 650 555 0175',
    // Finance put this customer on credit hold in the ERP.
    netsuite: { internalId: '813', creditHold: 'ON' },
  },
];
