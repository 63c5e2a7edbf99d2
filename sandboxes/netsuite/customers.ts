// Customer records: upsert by external id (the hub's only write), create, and read. Credit hold
// and credit limit belong to finance; the integration role may not set them.
import { noContent, type SandboxRequest, type SandboxResponse } from '../http';
import { invalidFieldValue, nonexistentId, nsError, RequestRejected, resource, userError } from './errors';
import { type AddressBookEntry, CREDIT_HOLD_NAMES, CURRENCIES, type CustomerRecord, SUBSIDIARIES } from './model';
import {
  idempotencyConflict,
  idempotencyKey,
  isValidExternalId,
  type JsonObject,
  parseBody,
  parseRecordRef,
  type RecordContext,
  readRefId,
  readString,
  recordUrl,
  rememberIdempotencyKey,
  roundMoney,
  selfLinks,
  unsupportedRoute,
} from './request';

/** Fields the integration role has no permission to set. */
const FINANCE_OWNED_FIELDS = ['creditHoldOverride', 'creditLimit'];

interface CustomerFields {
  companyName?: string;
  email?: string;
  phone?: string;
  subsidiaryId?: string;
  currencyId?: string;
  addressBook?: AddressBookEntry[];
}

/** PUT /customer/eid:{externalId}: update the fields sent, or create when the id is new. */
export function upsertCustomer(ctx: RecordContext, req: SandboxRequest): SandboxResponse {
  const ref = parseRecordRef(req.params.id);
  // PUT is NetSuite's upsert verb and only takes an external id.
  if (ref.kind !== 'external') return unsupportedRoute(req);
  const body = parseBody(req);
  const fields = readCustomerFields(body);
  const existing = ctx.store.findCustomer(ref);
  const customer = existing ? updateCustomer(existing, fields) : insertCustomer(ctx, fields, ref.value);
  ctx.store.changed();
  return noContent({ location: recordUrl(ctx, 'customer', customer.id) });
}

/** POST /customer: always a new record; an external id may come in the body. */
export function createCustomer(ctx: RecordContext, req: SandboxRequest): SandboxResponse {
  const body = parseBody(req);
  const key = idempotencyKey(req);
  const conflict = idempotencyConflict(ctx, key);
  if (conflict) return conflict;
  const fields = readCustomerFields(body);
  const externalId = readString(body, 'externalId');
  if (externalId !== undefined) {
    if (!isValidExternalId(externalId)) return invalidFieldValue(externalId, 'externalId', 'externalId');
    if (ctx.store.findCustomer({ kind: 'external', value: externalId })) return duplicateRecord();
  }
  const customer = insertCustomer(ctx, fields, externalId);
  const location = recordUrl(ctx, 'customer', customer.id);
  rememberIdempotencyKey(ctx, key, location);
  ctx.store.changed();
  return noContent({ location });
}

export function getCustomer(ctx: RecordContext, req: SandboxRequest): SandboxResponse {
  const customer = ctx.store.findCustomer(parseRecordRef(req.params.id));
  if (!customer) return nonexistentId();
  return resource(renderCustomer(ctx, customer, req.query.get('expandSubResources') === 'true'));
}

export function renderCustomer(ctx: RecordContext, customer: CustomerRecord, expand: boolean): JsonObject {
  const href = recordUrl(ctx, 'customer', customer.id);
  const addressBookHref = `${href}/addressBook`;
  return {
    links: selfLinks(href),
    id: customer.id,
    externalId: customer.externalId,
    entityId: customer.entityId,
    companyName: customer.companyName,
    email: customer.email,
    phone: customer.phone,
    subsidiary: { links: [], id: customer.subsidiaryId, refName: SUBSIDIARIES[customer.subsidiaryId] },
    currency: { links: [], id: customer.currencyId, refName: CURRENCIES[customer.currencyId] },
    creditHoldOverride: { id: customer.creditHold, refName: CREDIT_HOLD_NAMES[customer.creditHold] },
    creditLimit: customer.creditLimit,
    balance: 0,
    unbilledOrders: unbilledOrders(ctx, customer.id),
    addressBook: expand
      ? {
          links: selfLinks(addressBookHref),
          items: customer.addressBook.map((entry) => ({ links: [], ...entry })),
          totalResults: customer.addressBook.length,
          count: customer.addressBook.length,
          hasMore: false,
          offset: 0,
        }
      : { links: selfLinks(addressBookHref) },
    dateCreated: customer.dateCreated,
    lastModifiedDate: customer.lastModifiedDate,
  };
}

/** Open sales orders count against the credit limit (the "include orders" preference). */
export function unbilledOrders(ctx: RecordContext, customerId: string): number {
  return roundMoney(
    ctx.store.state.salesOrders.filter((o) => o.entityId === customerId).reduce((sum, o) => sum + o.total, 0),
  );
}

export function duplicateRecord(): SandboxResponse {
  return nsError(400, 'DUP_RCRD', 'Error while accessing a resource. This record already exists.', {
    path: 'externalId',
  });
}

function readCustomerFields(body: JsonObject): CustomerFields {
  const forbidden = FINANCE_OWNED_FIELDS.find((field) => body[field] !== undefined);
  if (forbidden) {
    throw new RequestRejected(
      nsError(
        403,
        'INSUFFICIENT_PERMISSION',
        `You do not have permissions to set a value for element ${forbidden.toLowerCase()} due to one of the following reasons: 1) The field is read-only; 2) An associated feature is disabled; 3) The field is available either when a record is created or updated, but not in both cases.`,
        { path: forbidden },
      ),
    );
  }
  return {
    companyName: readString(body, 'companyName'),
    email: readString(body, 'email'),
    phone: readString(body, 'phone'),
    subsidiaryId: readSubsidiary(body),
    currencyId: readCurrency(body, 'currency'),
    addressBook: readAddressBook(body),
  };
}

function insertCustomer(ctx: RecordContext, fields: CustomerFields, externalId: string | undefined): CustomerRecord {
  const missing = [
    fields.companyName ? undefined : 'Company Name',
    fields.subsidiaryId ? undefined : 'Subsidiary',
  ].filter(Boolean);
  if (missing.length > 0) throw new RequestRejected(userError(`Please enter value(s) for: ${missing.join(', ')}`));
  const now = new Date().toISOString();
  const { id, entityId } = ctx.store.nextCustomerIds();
  const customer: CustomerRecord = {
    id,
    externalId,
    entityId,
    companyName: fields.companyName ?? '',
    email: fields.email,
    phone: fields.phone,
    subsidiaryId: fields.subsidiaryId ?? '1',
    currencyId: fields.currencyId ?? '1',
    creditHold: 'AUTO',
    addressBook: fields.addressBook ?? [],
    dateCreated: now,
    lastModifiedDate: now,
  };
  ctx.store.state.customers.push(customer);
  return customer;
}

function updateCustomer(customer: CustomerRecord, fields: CustomerFields): CustomerRecord {
  if (fields.companyName === '') throw new RequestRejected(userError('Please enter value(s) for: Company Name'));
  const sent = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  Object.assign(customer, sent, { lastModifiedDate: new Date().toISOString() });
  return customer;
}

function readSubsidiary(body: JsonObject): string | undefined {
  const id = readRefId(body, 'subsidiary');
  if (id !== undefined && !SUBSIDIARIES[id])
    throw new RequestRejected(invalidFieldValue(id, 'subsidiary', 'subsidiary'));
  return id;
}

/** Currency by `{ id }` or by `{ refName }` (the ISO code the demo account names them by). */
export function readCurrency(body: JsonObject, field: string): string | undefined {
  const value = body[field];
  if (value && typeof value === 'object' && !Array.isArray(value) && 'refName' in value && !('id' in value)) {
    const refName = (value as JsonObject).refName;
    const id = Object.keys(CURRENCIES).find((key) => CURRENCIES[key] === refName);
    if (!id) throw new RequestRejected(invalidFieldValue(refName, field, field));
    return id;
  }
  const id = readRefId(body, field);
  if (id !== undefined && !CURRENCIES[id]) throw new RequestRejected(invalidFieldValue(id, field, field));
  return id;
}

/** Sublist writes replace the address book as a whole (NetSuite's `replace=addressBook`). */
function readAddressBook(body: JsonObject): AddressBookEntry[] | undefined {
  const value = body.addressBook;
  if (value === undefined || value === null) return undefined;
  const items = typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject).items : undefined;
  if (!Array.isArray(items))
    throw new RequestRejected(invalidFieldValue(JSON.stringify(value), 'addressBook', 'addressBook'));
  return items.map((item, index) => readAddressBookEntry(item, `addressBook.items[${index}]`));
}

function readAddressBookEntry(item: unknown, path: string): AddressBookEntry {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new RequestRejected(invalidFieldValue(JSON.stringify(item), 'addressBook', path));
  }
  const entry = item as JsonObject;
  const address = (entry.addressBookAddress ?? {}) as JsonObject;
  const addressPath = `${path}.addressBookAddress`;
  const text = (field: string) => readString(address, field, `${addressPath}.${field}`);
  const country = readRefId(address, 'country', `${addressPath}.country`);
  return {
    defaultBilling: entry.defaultBilling === true,
    defaultShipping: entry.defaultShipping === true,
    label: readString(entry, 'label', `${path}.label`),
    addressBookAddress: {
      addressee: text('addressee'),
      addr1: text('addr1'),
      addr2: text('addr2'),
      city: text('city'),
      state: text('state'),
      zip: text('zip'),
      country: country ? { id: country } : undefined,
    },
  };
}
