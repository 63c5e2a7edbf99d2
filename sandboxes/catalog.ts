// The demo company every sandbox starts with: the same customers and products seen from the CRM
// side (Salesforce ids, product codes) and from each ERP (which numbers them its own way, in its
// sandbox folder).

/** The Salesforce org the sandbox plays; the hub's allow-list (cdk.json `hub:salesforceOrgIds`) names it. */
export const SANDBOX_ORG_ID = '00D5g0000HUBDEVEQ5';

export interface CatalogProduct {
  /** Salesforce Product2.ProductCode, the hub's canonical SKU. */
  code: string;
  name: string;
  unitPrice: number;
  /** False for a product sold in the CRM that no ERP was ever set up for. @default true */
  inErp?: boolean;
}

export interface CatalogAccount {
  salesforceId: string;
  name: string;
  billingStreet: string;
  billingCity: string;
  billingPostalCode: string;
  billingCountry: string;
  phone: string;
  /** Set when finance already knows this customer in the ERPs (linked by the Salesforce account id). */
  erp?: { onCreditHold: boolean };
}

export const CATALOG_PRODUCTS: readonly CatalogProduct[] = [
  { code: 'SKU-LAPTOP-14', name: 'Laptop 14" Pro', unitPrice: 1899 },
  { code: 'SKU-DOCK-USB4', name: 'USB4 Docking Station', unitPrice: 249 },
  { code: 'SKU-MON-27', name: '27" 4K Monitor', unitPrice: 429 },
  { code: 'SVC-ONBOARD', name: 'Onboarding Service (day)', unitPrice: 1200 },
  { code: 'SUB-MDM-12M', name: 'Device Management, 12 months', unitPrice: 96 },
  // Sold in the CRM, never set up in the ERP: orders with it cannot be mapped.
  { code: 'SKU-HEADSET-LEGACY', name: 'Legacy Headset (discontinued)', unitPrice: 79, inErp: false },
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
    erp: { onCreditHold: false },
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
    // Finance put this customer on credit hold in the ERPs.
    erp: { onCreditHold: true },
  },
  {
    salesforceId: '0015g00000VANDLAA5',
    name: 'Vandelay Industries SARL',
    billingStreet: '12 Rue de la Paix',
    billingCity: 'Paris',
    billingPostalCode: '75002',
    billingCountry: 'FR',
    phone: '+33 1 55 55 01 30',
  },
];

/** The products the ERPs sell, each sandbox numbering them its own way. */
export const ERP_PRODUCTS: readonly CatalogProduct[] = CATALOG_PRODUCTS.filter((p) => p.inErp !== false);

/** The accounts finance already set up in the ERPs. */
export const ERP_ACCOUNTS: readonly CatalogAccount[] = CATALOG_ACCOUNTS.filter((a) => a.erp);
