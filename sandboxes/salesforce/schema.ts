// The slice of the Salesforce data model the hub touches: six objects with their field types,
// lengths and write rules, looked up case-insensitively as the API does.
import { KEY_PREFIXES } from './ids';

export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'picklist'
  | 'reference'
  | 'currency'
  | 'double'
  | 'boolean'
  | 'date'
  | 'datetime';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length?: number;
  required?: boolean;
  /** Settable on insert / on update through the API or the UI. */
  createable: boolean;
  updateable: boolean;
  referenceTo?: string;
  /** The name SOQL uses to traverse a lookup, e.g. `Account` for `AccountId`. */
  relationshipName?: string;
  externalId?: boolean;
  /** Long text areas cannot appear in WHERE or ORDER BY. */
  filterable: boolean;
  defaultValue?: unknown;
  /** Restricted picklist values; any other value is rejected. */
  allowedValues?: readonly string[];
}

export interface ChildRelationship {
  name: string;
  childObject: string;
  field: string;
}

export interface ObjectDef {
  name: string;
  label: string;
  keyPrefix: string;
  fields: FieldDef[];
  childRelationships: ChildRelationship[];
}

/** Currencies active in the demo org (a multi-currency org, hence CurrencyIsoCode). */
export const ACTIVE_CURRENCIES = ['USD', 'EUR', 'GBP', 'SEK', 'CHF', 'CAD', 'AUD', 'JPY'] as const;

type FieldSpec = Omit<FieldDef, 'createable' | 'updateable' | 'filterable'> &
  Partial<Pick<FieldDef, 'createable' | 'updateable' | 'filterable'>>;

function field(spec: FieldSpec): FieldDef {
  return { createable: true, updateable: true, filterable: true, ...spec };
}

/** Fields the server owns: never writable through the API or the UI. */
function systemField(name: string, label: string, type: FieldType): FieldDef {
  return { name, label, type, createable: false, updateable: false, filterable: true };
}

function lookup(name: string, label: string, target: string, extra: Partial<FieldDef> = {}): FieldDef {
  return field({ name, label, type: 'reference', referenceTo: target, relationshipName: name.slice(0, -2), ...extra });
}

const auditFields = [
  systemField('CreatedDate', 'Created Date', 'datetime'),
  systemField('LastModifiedDate', 'Last Modified Date', 'datetime'),
];

const OBJECTS: ObjectDef[] = [
  {
    name: 'Account',
    label: 'Account',
    keyPrefix: KEY_PREFIXES.Account,
    fields: [
      systemField('Id', 'Account ID', 'id'),
      field({ name: 'Name', label: 'Account Name', type: 'string', length: 255, required: true }),
      field({ name: 'BillingStreet', label: 'Billing Street', type: 'textarea', length: 255 }),
      field({ name: 'BillingCity', label: 'Billing City', type: 'string', length: 40 }),
      field({ name: 'BillingPostalCode', label: 'Billing Zip/Postal Code', type: 'string', length: 20 }),
      field({ name: 'BillingCountry', label: 'Billing Country', type: 'string', length: 80 }),
      field({ name: 'Phone', label: 'Account Phone', type: 'string', length: 40 }),
      field({ name: 'Website', label: 'Website', type: 'string', length: 255 }),
      field({ name: 'ERP_Customer_Id__c', label: 'ERP Customer Id', type: 'string', length: 255, externalId: true }),
      ...auditFields,
    ],
    childRelationships: [{ name: 'Opportunities', childObject: 'Opportunity', field: 'AccountId' }],
  },
  {
    name: 'Product2',
    label: 'Product',
    keyPrefix: KEY_PREFIXES.Product2,
    fields: [
      systemField('Id', 'Product ID', 'id'),
      field({ name: 'Name', label: 'Product Name', type: 'string', length: 255, required: true }),
      field({ name: 'ProductCode', label: 'Product Code', type: 'string', length: 255 }),
      field({ name: 'IsActive', label: 'Active', type: 'boolean', defaultValue: false }),
      ...auditFields,
    ],
    childRelationships: [{ name: 'PricebookEntries', childObject: 'PricebookEntry', field: 'Product2Id' }],
  },
  {
    name: 'Pricebook2',
    label: 'Price Book',
    keyPrefix: KEY_PREFIXES.Pricebook2,
    fields: [
      systemField('Id', 'Price Book ID', 'id'),
      field({ name: 'Name', label: 'Price Book Name', type: 'string', length: 255, required: true }),
      { ...systemField('IsStandard', 'Is Standard Price Book', 'boolean'), defaultValue: false },
      ...auditFields,
    ],
    childRelationships: [
      { name: 'PricebookEntries', childObject: 'PricebookEntry', field: 'Pricebook2Id' },
      { name: 'Opportunities', childObject: 'Opportunity', field: 'Pricebook2Id' },
    ],
  },
  {
    name: 'PricebookEntry',
    label: 'Price Book Entry',
    keyPrefix: KEY_PREFIXES.PricebookEntry,
    fields: [
      systemField('Id', 'Price Book Entry ID', 'id'),
      lookup('Pricebook2Id', 'Price Book ID', 'Pricebook2', { required: true, updateable: false }),
      lookup('Product2Id', 'Product ID', 'Product2', { required: true, updateable: false }),
      field({ name: 'UnitPrice', label: 'List Price', type: 'currency', required: true }),
      field({ name: 'IsActive', label: 'Active', type: 'boolean', defaultValue: false }),
      ...auditFields,
    ],
    childRelationships: [
      { name: 'OpportunityLineItems', childObject: 'OpportunityLineItem', field: 'PricebookEntryId' },
    ],
  },
  {
    name: 'Opportunity',
    label: 'Opportunity',
    keyPrefix: KEY_PREFIXES.Opportunity,
    fields: [
      systemField('Id', 'Opportunity ID', 'id'),
      field({ name: 'Name', label: 'Name', type: 'string', length: 120, required: true }),
      lookup('AccountId', 'Account ID', 'Account'),
      field({ name: 'StageName', label: 'Stage', type: 'picklist', length: 255, required: true }),
      field({ name: 'Amount', label: 'Amount', type: 'currency' }),
      field({ name: 'CloseDate', label: 'Close Date', type: 'date', required: true }),
      field({
        name: 'CurrencyIsoCode',
        label: 'Opportunity Currency',
        type: 'picklist',
        length: 3,
        defaultValue: 'USD',
        allowedValues: ACTIVE_CURRENCIES,
      }),
      lookup('Pricebook2Id', 'Price Book ID', 'Pricebook2'),
      field({ name: 'Description', label: 'Description', type: 'textarea', length: 32000, filterable: false }),
      ...auditFields,
      field({ name: 'ERP_Order_Number__c', label: 'ERP Order Number', type: 'string', length: 80 }),
      field({ name: 'ERP_Order_Status__c', label: 'ERP Order Status', type: 'string', length: 80 }),
      field({ name: 'ERP_Sync_Status__c', label: 'ERP Sync Status', type: 'string', length: 80 }),
      field({ name: 'ERP_Sync_Message__c', label: 'ERP Sync Message', type: 'string', length: 255 }),
    ],
    childRelationships: [{ name: 'OpportunityLineItems', childObject: 'OpportunityLineItem', field: 'OpportunityId' }],
  },
  {
    name: 'OpportunityLineItem',
    label: 'Opportunity Product',
    keyPrefix: KEY_PREFIXES.OpportunityLineItem,
    fields: [
      systemField('Id', 'Line Item ID', 'id'),
      lookup('OpportunityId', 'Opportunity ID', 'Opportunity', { required: true, updateable: false }),
      lookup('PricebookEntryId', 'Price Book Entry ID', 'PricebookEntry', { required: true, updateable: false }),
      // Derived from the price book entry; accepted on insert only when it names the same product.
      lookup('Product2Id', 'Product ID', 'Product2', { updateable: false }),
      field({ name: 'Quantity', label: 'Quantity', type: 'double', required: true }),
      field({ name: 'UnitPrice', label: 'Sales Price', type: 'currency', required: true }),
      systemField('TotalPrice', 'Total Price', 'currency'),
      field({ name: 'Description', label: 'Line Description', type: 'string', length: 255 }),
      ...auditFields,
    ],
    childRelationships: [],
  },
];

const OBJECTS_BY_NAME = new Map(OBJECTS.map((o) => [o.name.toLowerCase(), o]));
const OBJECTS_BY_PREFIX = new Map(OBJECTS.map((o) => [o.keyPrefix, o]));
const FIELD_INDEX = new Map(OBJECTS.map((o) => [o.name, new Map(o.fields.map((f) => [f.name.toLowerCase(), f]))]));

export const OBJECT_NAMES: readonly string[] = OBJECTS.map((o) => o.name);

export function findObject(name: string): ObjectDef | undefined {
  return OBJECTS_BY_NAME.get(name.toLowerCase());
}

export function objectForId(id: string): ObjectDef | undefined {
  return OBJECTS_BY_PREFIX.get(id.slice(0, 3));
}

export function findField(object: ObjectDef, name: string): FieldDef | undefined {
  return FIELD_INDEX.get(object.name)?.get(name.toLowerCase());
}

export function findRelationship(object: ObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return object.fields.find((f) => f.relationshipName?.toLowerCase() === lower);
}

export function findChildRelationship(object: ObjectDef, name: string): ChildRelationship | undefined {
  const lower = name.toLowerCase();
  return object.childRelationships.find((r) => r.name.toLowerCase() === lower);
}

export function requireObject(name: string): ObjectDef {
  const object = findObject(name);
  if (!object) throw new Error(`unknown sObject ${name}`);
  return object;
}

/** The describe() subset a client needs to discover fields and their limits. */
export function describeObject(object: ObjectDef) {
  return {
    name: object.name,
    label: object.label,
    keyPrefix: object.keyPrefix,
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    fields: object.fields.map((f) => ({
      name: f.name,
      label: f.label,
      type: f.type,
      length: f.length ?? 0,
      createable: f.createable,
      updateable: f.updateable,
      nillable: !f.required && f.type !== 'boolean' && f.type !== 'id',
      filterable: f.filterable,
      externalIdField: f.externalId ?? false,
      idLookup: f.type === 'id' || (f.externalId ?? false),
      referenceTo: f.referenceTo ? [f.referenceTo] : [],
      relationshipName: f.relationshipName ?? null,
      restrictedPicklist: f.allowedValues !== undefined,
      picklistValues: (f.allowedValues ?? []).map((v) => ({ value: v, label: v, active: true })),
      defaultValue: f.defaultValue ?? null,
    })),
    childRelationships: object.childRelationships.map((r) => ({
      relationshipName: r.name,
      childSObject: r.childObject,
      field: r.field,
      cascadeDelete: r.childObject === 'OpportunityLineItem' && r.field === 'OpportunityId',
    })),
  };
}
