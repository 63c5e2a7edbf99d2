// The records the sandbox tenant keeps (business partners with their customer data, products,
// sales orders, communication users), its organizational structure, and the seed built from the
// shared catalog so every sandbox describes the same company.
import { type CatalogAccount, type CatalogProduct, ERP_ACCOUNTS, ERP_PRODUCTS } from '../catalog';

/** The tenant's system id and client, as they appear in session cookie names. */
export const SYSTEM_ID = 'S4H';
export const SAP_CLIENT = '100';

/** The one sales area the demo company sells through (SAP Best Practices numbering). */
export const SALES_AREA = { salesOrganization: '1010', distributionChannel: '10', division: '00' } as const;
export const COMPANY_CODE = '1010';

/** Sales document types the tenant knows, by their external (English) key. */
export const SALES_ORDER_TYPES = ['OR', 'CBFD'];
/** Condition types a price may be entered for manually on an item. */
export const MANUAL_PRICE_CONDITIONS = ['PMP0'];
/** The list price condition, filled from the product's price when no manual price is given. */
export const LIST_PRICE_CONDITION = 'PPR0';

/** Customer order block reasons (customizing), by code. */
export const ORDER_BLOCK_REASONS: Record<string, string> = { '01': 'Credit limit exceeded', '02': 'Overdue payments' };
/** Distribution-chain-specific product sales statuses that refuse the product on orders. */
export const BLOCKING_SALES_STATUSES: Record<string, string> = { '01': 'Blocked for sales' };

/** The communication scenario that grants each OData service (the arrangement must include it). */
export const SERVICE_SCENARIOS: Record<string, string> = {
  API_BUSINESS_PARTNER: 'SAP_COM_0008',
  API_PRODUCT_SRV: 'SAP_COM_0009',
  API_SALES_ORDER_SRV: 'SAP_COM_0109',
};
export const ALL_SCENARIOS = Object.values(SERVICE_SCENARIOS);

export interface PhoneNumberRecord {
  ordinalNumber: string;
  phoneNumber: string;
}

export interface UrlRecord {
  ordinalNumber: string;
  websiteUrl: string;
}

export interface AddressRecord {
  addressId: string;
  country: string;
  cityName: string;
  postalCode: string;
  streetName: string;
  houseNumber: string;
  language: string;
  phoneNumbers: PhoneNumberRecord[];
  urls: UrlRecord[];
}

export interface CustomerSalesAreaRecord {
  salesOrganization: string;
  distributionChannel: string;
  division: string;
  currency: string;
  orderBlock: string;
}

export interface CustomerRecord {
  /** Central order block (customer master, all sales areas). */
  orderBlock: string;
  salesAreas: CustomerSalesAreaRecord[];
  companyCodes: { companyCode: string; reconciliationAccount: string }[];
}

export interface BusinessPartnerRecord {
  businessPartner: string;
  category: string;
  grouping: string;
  name1: string;
  name2: string;
  searchTerm1: string;
  externalId: string;
  isBlocked: boolean;
  language: string;
  roles: string[];
  addresses: AddressRecord[];
  customer?: CustomerRecord;
  createdAt: string;
  changedAt: string;
  /** Bumped on every change; the entity's ETag is derived from it. */
  version: number;
}

export interface ProductRecord {
  product: string;
  description: string;
  baseUnit: string;
  listPrice: number;
  isMarkedForDeletion: boolean;
  /** Sales areas the product is extended to, with their sales status. */
  salesDelivery: { salesOrganization: string; distributionChannel: string; salesStatus: string }[];
}

export interface PricingElementRecord {
  conditionType: string;
  rate: number;
  currency: string;
  manual: boolean;
}

export interface SalesOrderItemRecord {
  item: string;
  material: string;
  text: string;
  quantity: number;
  unit: string;
  netPrice: number;
  netAmount: number;
  pricing: PricingElementRecord[];
}

export interface SalesOrderRecord {
  salesOrder: string;
  salesOrderType: string;
  salesOrganization: string;
  distributionChannel: string;
  division: string;
  soldToParty: string;
  purchaseOrderByCustomer: string;
  salesOrderDate: string;
  currency: string;
  totalNetAmount: number;
  items: SalesOrderItemRecord[];
  createdAt: string;
  changedAt: string;
}

export interface CommunicationUser {
  /** The user name, which is also the OAuth client id of the inbound arrangement. */
  clientId: string;
  clientSecret: string;
  /** Communication scenarios whose arrangements name this user for inbound calls. */
  scenarios: string[];
}

/** The materials the demo tenant gave the catalog's products, by product code. */
export const MATERIALS: Readonly<Record<string, string>> = {
  'SKU-LAPTOP-14': 'TG11',
  'SKU-DOCK-USB4': 'TG12',
  'SKU-MON-27': 'TG13',
  'SVC-ONBOARD': 'SRV_01',
  'SUB-MDM-12M': 'SRV_02',
};

const COUNTRY_CURRENCY: Record<string, string> = { US: 'USD', GB: 'GBP', DE: 'EUR', FR: 'EUR', SE: 'SEK' };

/** Business partner numbers of the customers finance set up, from this one on. */
export const FIRST_SEEDED_PARTNER = 10100001;
/** Address numbers come from their own number range. */
export const FIRST_ADDRESS_ID = 24001;

export function seedProducts(products: readonly CatalogProduct[] = ERP_PRODUCTS): ProductRecord[] {
  return products.flatMap((product) => {
    const material = MATERIALS[product.code];
    if (!material) return [];
    const isService = product.code.startsWith('SVC-') || product.code.startsWith('SUB-');
    return [
      {
        product: material,
        description: product.name,
        baseUnit: isService ? 'EA' : 'PC',
        listPrice: product.unitPrice,
        isMarkedForDeletion: false,
        salesDelivery: [
          {
            salesOrganization: SALES_AREA.salesOrganization,
            distributionChannel: SALES_AREA.distributionChannel,
            salesStatus: '',
          },
        ],
      },
    ];
  });
}

/** Only the accounts finance already set up exist as business partners; Hooli is order-blocked. */
export function seedBusinessPartners(
  now: string,
  accounts: readonly CatalogAccount[] = ERP_ACCOUNTS,
): BusinessPartnerRecord[] {
  return accounts.map((account, index) => {
    const [name1, name2] = splitName(account.name);
    return {
      businessPartner: String(FIRST_SEEDED_PARTNER + index),
      category: '2',
      grouping: 'BP02',
      name1,
      name2,
      searchTerm1: account.name.split(' ')[0].toUpperCase().slice(0, 20),
      externalId: account.salesforceId,
      isBlocked: false,
      language: 'EN',
      roles: ['FLCU00', 'FLCU01'],
      addresses: [
        {
          addressId: String(FIRST_ADDRESS_ID + index),
          country: account.billingCountry,
          cityName: account.billingCity,
          postalCode: account.billingPostalCode,
          streetName: account.billingStreet,
          houseNumber: '',
          language: 'EN',
          phoneNumbers: [{ ordinalNumber: '1', phoneNumber: account.phone }],
          urls: [],
        },
      ],
      customer: {
        orderBlock: account.erp?.onCreditHold ? '01' : '',
        salesAreas: [
          {
            salesOrganization: SALES_AREA.salesOrganization,
            distributionChannel: SALES_AREA.distributionChannel,
            division: SALES_AREA.division,
            currency: COUNTRY_CURRENCY[account.billingCountry] ?? 'EUR',
            orderBlock: '',
          },
        ],
        companyCodes: [{ companyCode: COMPANY_CODE, reconciliationAccount: '12100000' }],
      },
      createdAt: now,
      changedAt: now,
      version: 1,
    };
  });
}

function splitName(name: string): [string, string] {
  if (name.length <= 40) return [name, ''];
  const cut = name.lastIndexOf(' ', 40);
  const at = cut > 0 ? cut : 40;
  return [name.slice(0, at), name.slice(at).trim()];
}
