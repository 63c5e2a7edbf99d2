// The records the sandbox keeps, the fixed reference data of the demo account, and the seed
// built from the shared catalog so both sandboxes describe the same company.
import { type CatalogAccount, type CatalogProduct, ERP_ACCOUNTS, ERP_PRODUCTS } from '../catalog';

export type CreditHold = 'AUTO' | 'ON' | 'OFF';
export const CREDIT_HOLD_NAMES: Record<CreditHold, string> = { AUTO: 'Auto', ON: 'On', OFF: 'Off' };

export type ItemType = 'inventoryItem' | 'serviceSaleItem' | 'nonInventorySaleItem';
export const ITEM_TYPES: readonly ItemType[] = ['inventoryItem', 'serviceSaleItem', 'nonInventorySaleItem'];
/** NetSuite's itemType list value for each record type. */
const ITEM_TYPE_REFS: Record<ItemType, { id: string; refName: string }> = {
  inventoryItem: { id: 'InvtPart', refName: 'Inventory Item' },
  serviceSaleItem: { id: 'Service', refName: 'Service' },
  nonInventorySaleItem: { id: 'NonInvtPart', refName: 'Non-inventory Item' },
};
export const itemTypeRef = (type: ItemType) => ITEM_TYPE_REFS[type];

export interface AddressBookEntry {
  defaultBilling?: boolean;
  defaultShipping?: boolean;
  label?: string;
  addressBookAddress: {
    addressee?: string;
    addr1?: string;
    addr2?: string;
    city?: string;
    state?: string;
    zip?: string;
    country?: { id: string };
  };
}

export interface CustomerRecord {
  id: string;
  externalId?: string;
  entityId: string;
  companyName: string;
  email?: string;
  phone?: string;
  subsidiaryId: string;
  currencyId: string;
  creditHold: CreditHold;
  creditLimit?: number;
  addressBook: AddressBookEntry[];
  dateCreated: string;
  lastModifiedDate: string;
}

export interface ItemRecord {
  id: string;
  type: ItemType;
  itemId: string;
  displayName: string;
  basePrice: number;
  isInactive: boolean;
}

export interface SalesOrderLine {
  line: number;
  itemId: string;
  quantity: number;
  rate: number;
  amount: number;
  description?: string;
}

export interface SalesOrderRecord {
  id: string;
  tranId: string;
  externalId?: string;
  entityId: string;
  tranDate: string;
  currencyId: string;
  otherRefNum?: string;
  memo?: string;
  lines: SalesOrderLine[];
  total: number;
  createdDate: string;
  lastModifiedDate: string;
}

export interface ClientRegistration {
  clientId: string;
  certificateId: string;
  publicKeyPem: string;
}

export const SUBSIDIARIES: Record<string, string> = {
  '1': 'Hub Demo Inc.',
  '2': 'Hub Demo Europe GmbH',
  '3': 'Hub Demo UK Ltd',
};

/** Currency records of the demo account, named by ISO code as many admins do. */
export const CURRENCIES: Record<string, string> = { '1': 'USD', '2': 'GBP', '3': 'CAD', '4': 'EUR', '5': 'SEK' };

const COUNTRY_CURRENCY: Record<string, string> = { US: '1', GB: '2', CA: '3', DE: '4', SE: '5' };

export const STATUS_PENDING_FULFILLMENT = { id: 'B', refName: 'Pending Fulfillment' };

/** The catalog encodes the item kind in the product code prefix. */
export function itemTypeForCode(code: string): ItemType {
  if (code.startsWith('SVC-') || code.startsWith('SUB-')) return 'serviceSaleItem';
  return 'inventoryItem';
}

/** The internal ids the demo account gave the catalog's items, by product code. */
export const ITEM_IDS: Readonly<Record<string, string>> = {
  'SKU-LAPTOP-14': '1201',
  'SKU-DOCK-USB4': '1202',
  'SKU-MON-27': '1203',
  'SVC-ONBOARD': '1301',
  'SUB-MDM-12M': '1401',
};

/** Internal ids of the customers finance set up, from this one on. */
const FIRST_SEEDED_CUSTOMER_ID = 812;

export function seedItems(products: readonly CatalogProduct[] = ERP_PRODUCTS): ItemRecord[] {
  return products.flatMap((product) => {
    const id = ITEM_IDS[product.code];
    return id
      ? [
          {
            id,
            type: itemTypeForCode(product.code),
            itemId: product.code,
            displayName: product.name,
            basePrice: product.unitPrice,
            isInactive: false,
          },
        ]
      : [];
  });
}

/** Only the accounts finance already set up in the ERP exist on the NetSuite side. */
export function seedCustomers(now: string, accounts: readonly CatalogAccount[] = ERP_ACCOUNTS): CustomerRecord[] {
  return accounts.map((account, index) => ({
    id: String(FIRST_SEEDED_CUSTOMER_ID + index),
    externalId: account.salesforceId,
    entityId: formatEntityId(index + 1),
    companyName: account.name,
    phone: account.phone,
    subsidiaryId: '1',
    currencyId: COUNTRY_CURRENCY[account.billingCountry] ?? '1',
    creditHold: account.erp?.onCreditHold ? 'ON' : 'OFF',
    addressBook: [
      {
        defaultBilling: true,
        defaultShipping: true,
        addressBookAddress: {
          addr1: account.billingStreet,
          city: account.billingCity,
          zip: account.billingPostalCode,
          country: { id: account.billingCountry },
        },
      },
    ],
    dateCreated: now,
    lastModifiedDate: now,
  }));
}

export const formatEntityId = (n: number) => `CUST${String(n).padStart(4, '0')}`;
export const formatTranId = (n: number) => `SO${n}`;
