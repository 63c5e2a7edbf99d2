// The Odoo database the sandbox plays: the few models the hub touches, their fields as the ORM
// types them, and the demo company (catalog customers and products) it starts with.
import { ERP_ACCOUNTS, ERP_PRODUCTS } from '../catalog';

export type FieldType = 'char' | 'integer' | 'float' | 'boolean' | 'selection' | 'datetime' | 'many2one' | 'one2many';

export interface FieldSpec {
  type: FieldType;
  relation?: string;
  options?: readonly string[];
  /** Computed by the ORM: read, never written. */
  readonly?: boolean;
}

export interface OdooRecord {
  id: number;
  [field: string]: unknown;
}

export const MODELS: Record<string, Record<string, FieldSpec>> = {
  'res.country': { code: { type: 'char' }, name: { type: 'char' } },
  'res.currency': { name: { type: 'char' }, symbol: { type: 'char' }, active: { type: 'boolean' } },
  'crm.team': { name: { type: 'char' }, active: { type: 'boolean' } },
  'res.partner': {
    name: { type: 'char' },
    ref: { type: 'char' },
    street: { type: 'char' },
    city: { type: 'char' },
    zip: { type: 'char' },
    country_id: { type: 'many2one', relation: 'res.country' },
    email: { type: 'char' },
    phone: { type: 'char' },
    website: { type: 'char' },
    is_company: { type: 'boolean' },
    active: { type: 'boolean' },
    sale_warn: { type: 'selection', options: ['no-message', 'warning', 'block'] },
    sale_warn_msg: { type: 'char' },
  },
  'product.product': {
    name: { type: 'char' },
    default_code: { type: 'char' },
    list_price: { type: 'float' },
    sale_ok: { type: 'boolean' },
    active: { type: 'boolean' },
  },
  'sale.order': {
    name: { type: 'char', readonly: true },
    state: { type: 'selection', options: ['draft', 'sent', 'sale', 'cancel'] },
    partner_id: { type: 'many2one', relation: 'res.partner' },
    client_order_ref: { type: 'char' },
    date_order: { type: 'datetime' },
    currency_id: { type: 'many2one', relation: 'res.currency' },
    team_id: { type: 'many2one', relation: 'crm.team' },
    amount_untaxed: { type: 'float', readonly: true },
    order_line: { type: 'one2many', relation: 'sale.order.line' },
  },
  'sale.order.line': {
    order_id: { type: 'many2one', relation: 'sale.order', readonly: true },
    product_id: { type: 'many2one', relation: 'product.product' },
    name: { type: 'char' },
    product_uom_qty: { type: 'float' },
    price_unit: { type: 'float' },
    price_subtotal: { type: 'float', readonly: true },
  },
};

/** The company currency, the default of an order that names none. */
export const COMPANY_CURRENCY = 'EUR';

const COUNTRIES: [string, string][] = [
  ['AT', 'Austria'],
  ['BE', 'Belgium'],
  ['CH', 'Switzerland'],
  ['DE', 'Germany'],
  ['DK', 'Denmark'],
  ['ES', 'Spain'],
  ['FI', 'Finland'],
  ['FR', 'France'],
  ['GB', 'United Kingdom'],
  ['IE', 'Ireland'],
  ['IT', 'Italy'],
  ['NL', 'Netherlands'],
  ['NO', 'Norway'],
  ['PL', 'Poland'],
  ['SE', 'Sweden'],
  ['US', 'United States'],
];

const CURRENCIES: [string, string][] = [
  ['EUR', '€'],
  ['USD', '$'],
  ['GBP', '£'],
  ['SEK', 'kr'],
  ['CHF', 'CHF'],
  ['DKK', 'kr'],
  ['NOK', 'kr'],
];

/** Product ids of the catalog, as an Odoo database numbers them. */
export const FIRST_PRODUCT_ID = 11;

export function seedTables(seed: boolean): Record<string, OdooRecord[]> {
  const tables: Record<string, OdooRecord[]> = Object.fromEntries(Object.keys(MODELS).map((model) => [model, []]));
  tables['res.country'] = COUNTRIES.map(([code, name], i) => ({ id: i + 1, code, name }));
  tables['res.currency'] = CURRENCIES.map(([name, symbol], i) => ({ id: i + 1, name, symbol, active: true }));
  tables['crm.team'] = [{ id: 1, name: 'Sales', active: true }];
  const company = { id: 1, name: 'Hub Demo Company', is_company: true, active: true, sale_warn: 'no-message' };
  tables['res.partner'] = [company];
  if (!seed) return tables;
  const countryId = (code: string) => tables['res.country'].find((c) => c.code === code)?.id ?? false;
  tables['res.partner'].push(
    ...ERP_ACCOUNTS.map((account, i) => ({
      id: 7 + i,
      name: account.name,
      ref: account.salesforceId,
      street: account.billingStreet,
      city: account.billingCity,
      zip: account.billingPostalCode,
      country_id: countryId(account.billingCountry),
      phone: account.phone,
      is_company: true,
      active: true,
      sale_warn: account.erp?.onCreditHold ? 'block' : 'no-message',
      sale_warn_msg: account.erp?.onCreditHold ? 'Credit hold: invoices overdue, ask finance.' : false,
    })),
  );
  tables['product.product'] = ERP_PRODUCTS.map((product, i) => ({
    id: FIRST_PRODUCT_ID + i,
    name: product.name,
    default_code: product.code,
    list_price: product.unitPrice,
    sale_ok: true,
    active: true,
  }));
  return tables;
}

/** What a many2one shows of the record it points to. */
export function displayName(model: string, record: OdooRecord): string {
  if (model === 'product.product' && typeof record.default_code === 'string' && record.default_code) {
    return `[${record.default_code}] ${String(record.name)}`;
  }
  return typeof record.name === 'string' ? record.name : `${model},${record.id}`;
}

export const formatOrderName = (n: number) => `S${String(n).padStart(5, '0')}`;

/** Odoo's datetime format (UTC, no zone). */
export const odooDatetime = (date = new Date()) => date.toISOString().slice(0, 19).replace('T', ' ');
