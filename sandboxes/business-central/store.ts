// The company's records (customers, items, sales orders) and the apps registered with the
// tenant, seeded from the catalog and optionally kept in a state file.
import { createHash, randomUUID } from 'node:crypto';
import { ERP_ACCOUNTS, ERP_PRODUCTS } from '../catalog';
import { PersistedStore } from '../state-file';

export interface CustomerRecord {
  id: string;
  number: string;
  displayName: string;
  type: string;
  addressLine1: string;
  city: string;
  postalCode: string;
  country: string;
  phoneNumber: string;
  email: string;
  website: string;
  currencyCode: string;
  blocked: ' ' | 'Ship' | 'Invoice' | 'All';
  version: number;
  lastModifiedDateTime: string;
}

export interface ItemRecord {
  id: string;
  number: string;
  displayName: string;
  type: string;
  blocked: boolean;
  unitPrice: number;
  baseUnitOfMeasureCode: string;
}

export interface SalesOrderLineRecord {
  id: string;
  sequence: number;
  lineType: string;
  itemId: string;
  lineObjectNumber: string;
  description: string;
  quantity: number;
  unitPrice: number;
  amountExcludingTax: number;
}

export interface SalesOrderRecord {
  id: string;
  number: string;
  externalDocumentNumber: string;
  orderDate: string;
  customerId: string;
  customerNumber: string;
  customerName: string;
  currencyCode: string;
  status: string;
  totalAmountExcludingTax: number;
  lastModifiedDateTime: string;
  salesOrderLines: SalesOrderLineRecord[];
}

export interface AppRegistration {
  clientId: string;
  clientSecret: string;
  /** On the Microsoft Entra Applications page of Business Central. */
  registeredInBusinessCentral: boolean;
  /** Has permission sets (D365 BASIC, D365 SALES DOC, EDIT) for the company. */
  hasPermissions: boolean;
}

interface State {
  version: 1;
  customers: CustomerRecord[];
  items: ItemRecord[];
  salesOrders: SalesOrderRecord[];
  nextOrderNumber: number;
  apps: AppRegistration[];
}

const STATE_VERSION = 1;
const LABEL = 'Business Central sandbox';
/** The company's local currency: orders in it carry an empty currency code. */
export const LOCAL_CURRENCY = 'USD';

/** Stable across restarts, so item mappings written once keep pointing at the same item. */
export function stableGuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function seedState(seed: boolean): State {
  const now = new Date().toISOString();
  return {
    version: STATE_VERSION,
    nextOrderNumber: 101001,
    apps: [],
    salesOrders: [],
    items: seed
      ? ERP_PRODUCTS.map((product) => ({
          id: stableGuid(`item:${product.code}`),
          number: product.code.toUpperCase().slice(0, 20),
          displayName: product.name,
          type: product.code.startsWith('SKU-') ? 'Inventory' : 'Service',
          blocked: false,
          unitPrice: product.unitPrice,
          baseUnitOfMeasureCode: 'PCS',
        }))
      : [],
    customers: seed
      ? ERP_ACCOUNTS.map((account) => ({
          id: stableGuid(`customer:${account.salesforceId}`),
          number: account.salesforceId.toUpperCase(),
          displayName: account.name,
          type: 'Company',
          addressLine1: account.billingStreet,
          city: account.billingCity,
          postalCode: account.billingPostalCode,
          country: account.billingCountry,
          phoneNumber: account.phone,
          email: '',
          website: '',
          currencyCode: '',
          blocked: account.erp?.onCreditHold ? 'All' : ' ',
          version: 1,
          lastModifiedDateTime: now,
        }))
      : [],
  };
}

export class Store extends PersistedStore<State> {
  static async open(stateFile: string | undefined, seed: boolean): Promise<Store> {
    const [state, saver] = await PersistedStore.load(stateFile, {
      version: STATE_VERSION,
      label: LABEL,
      fresh: () => seedState(seed),
    });
    return new Store(state, saver);
  }

  customer(id: string): CustomerRecord | undefined {
    return this.state.customers.find((c) => c.id.toLowerCase() === id.toLowerCase());
  }

  customerByNumber(number: string): CustomerRecord | undefined {
    return this.state.customers.find((c) => c.number === number.toUpperCase());
  }

  item(id: string): ItemRecord | undefined {
    return this.state.items.find((i) => i.id.toLowerCase() === id.toLowerCase());
  }

  itemByNumber(number: string): ItemRecord | undefined {
    return this.state.items.find((i) => i.number === number.toUpperCase());
  }

  salesOrder(id: string): SalesOrderRecord | undefined {
    return this.state.salesOrders.find((o) => o.id.toLowerCase() === id.toLowerCase());
  }

  app(clientId: string): AppRegistration | undefined {
    return this.state.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
  }

  registerApp(app: AppRegistration): void {
    const existing = this.app(app.clientId);
    if (existing) Object.assign(existing, app);
    else this.state.apps.push({ ...app });
    this.changed();
  }

  nextOrderNumber(): string {
    const number = `S-ORD${this.state.nextOrderNumber}`;
    this.state.nextOrderNumber += 1;
    return number;
  }

  newId(): string {
    return randomUUID();
  }
}
