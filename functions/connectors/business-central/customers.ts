// Customer upsert keyed by the customer number, which holds the CRM account id (Business Central
// has no external-id field on customers). Only the fields the CRM owns are written; Blocked,
// credit limit, posting groups and payment terms belong to finance and are read, never written.
import * as z from 'zod';
import type { CustomerV1 } from '../../domain/canonical/customer';
import { BusinessException, UnavailableError } from '../../domain/errors';
import { parseBody } from '../../platform/http';
import type { ErpCustomer } from '../../ports/erp';
import type { BusinessCentralClient } from './client';
import { BusinessCentralApiError, SYSTEM_TITLE } from './errors';
import { collectionOf, etagField, filterEq } from './odata';

export const customerRecord = z.object({
  '@odata.etag': etagField,
  id: z.string().min(1),
  number: z.string().min(1),
  displayName: z.string(),
  addressLine1: z.string().optional(),
  city: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().optional(),
  phoneNumber: z.string().optional(),
  website: z.string().optional(),
  /** " " (or empty), "Ship", "Invoice" or "All". */
  blocked: z.string(),
});

type CustomerRecord = z.infer<typeof customerRecord>;
type CustomerFields = Partial<
  Record<'displayName' | 'addressLine1' | 'city' | 'postalCode' | 'country' | 'phoneNumber' | 'website', string>
>;

/** Field lengths of the Customer table (No. is Code[20]). */
const LIMITS: Record<keyof CustomerFields | 'number', number> = {
  number: 20,
  displayName: 100,
  addressLine1: 100,
  city: 30,
  postalCode: 20,
  country: 10,
  phoneNumber: 30,
  website: 80,
};

/** Customer No. is a Code field: Business Central stores it upper-cased, so the hub looks it up that way. */
export function customerNumberFor(customer: CustomerV1): string {
  const number = customer.externalId.toUpperCase();
  if (number.length > LIMITS.number) {
    throw new BusinessException(
      'ERP_CUSTOMER_REJECTED',
      `Account id ${customer.externalId} cannot be a Business Central customer number: it has ${number.length} characters, the No. field holds ${LIMITS.number}.`,
    );
  }
  return number;
}

export function toBusinessCentralCustomer(customer: CustomerV1): CustomerFields {
  const address = customer.billingAddress;
  const fields: CustomerFields = {
    displayName: customer.name,
    addressLine1: address.street,
    city: address.city,
    postalCode: address.postalCode,
    country: address.country,
    phoneNumber: customer.phone,
    website: customer.website,
  };
  for (const [field, value] of Object.entries(fields) as [keyof CustomerFields, string | undefined][]) {
    if (value === undefined) delete fields[field];
    else if (value.length > LIMITS[field]) {
      throw new BusinessException(
        'ERP_CUSTOMER_REJECTED',
        `Account '${customer.name}' (${customer.externalId}): ${field} '${value}' is longer than Business Central's ${LIMITS[field]} characters.`,
      );
    }
  }
  return fields;
}

/** The CRM-owned fields whose value differs from the record, so an unchanged customer costs no write. */
export function changedFields(record: CustomerRecord, wanted: CustomerFields): CustomerFields {
  const changes: CustomerFields = {};
  for (const [field, value] of Object.entries(wanted) as [keyof CustomerFields, string][]) {
    if ((record[field] ?? '') !== value) changes[field] = value;
  }
  return changes;
}

export async function upsertCustomer(client: BusinessCentralClient, customer: CustomerV1): Promise<ErpCustomer> {
  const number = customerNumberFor(customer);
  const fields = toBusinessCentralCustomer(customer);
  const existing = await findCustomer(client, number);
  const record = existing
    ? await update(client, existing, fields, customer)
    : await create(client, number, fields, customer);
  if (record.blocked.trim() !== '') {
    throw new BusinessException(
      'CUSTOMER_ON_CREDIT_HOLD',
      `Customer '${record.displayName}' (Business Central ${record.number}) is blocked (Blocked = ${record.blocked}) in Business Central, which refuses sales orders for it.`,
    );
  }
  return { erpCustomerId: record.id, customerNumber: record.number };
}

export async function findCustomer(client: BusinessCentralClient, number: string): Promise<CustomerRecord | undefined> {
  const page = await client.read(`/customers?${filterEq('number', number)}`, collectionOf(customerRecord));
  return page.value[0];
}

async function create(
  client: BusinessCentralClient,
  number: string,
  fields: CustomerFields,
  customer: CustomerV1,
): Promise<CustomerRecord> {
  try {
    const response = await client.request({
      method: 'POST',
      path: '/customers',
      body: { number, type: 'Company', ...fields },
    });
    return parseBody(response, customerRecord, SYSTEM_TITLE, 'POST /customers');
  } catch (error) {
    if (!(error instanceof BusinessCentralApiError)) throw error;
    // Another run may have created it since the lookup (Internal_EntityWithSameKeyExists).
    const raced = await findCustomer(client, number);
    if (raced) return update(client, raced, fields, customer);
    throw rejected(customer, error);
  }
}

async function update(
  client: BusinessCentralClient,
  record: CustomerRecord,
  fields: CustomerFields,
  customer: CustomerV1,
): Promise<CustomerRecord> {
  let current = record;
  for (let attempt = 1; ; attempt++) {
    const changes = changedFields(current, fields);
    if (Object.keys(changes).length === 0) return current;
    try {
      const response = await client.request({
        method: 'PATCH',
        path: `/customers(${current.id})`,
        body: changes,
        ifMatch: current['@odata.etag'],
      });
      return parseBody(response, customerRecord, SYSTEM_TITLE, 'PATCH /customers');
    } catch (error) {
      if (!(error instanceof BusinessCentralApiError)) throw error;
      if (!isStaleVersion(error)) throw rejected(customer, error);
      // Someone saved the customer since it was read: read it again and apply the changes on top, once.
      if (attempt === 2) {
        throw new UnavailableError(
          `Business Central customer ${current.number} kept changing while the hub updated it (${error.code}); retrying later.`,
          { cause: error },
        );
      }
      current = await client.read(`/customers(${current.id})`, customerRecord);
    }
  }
}

function isStaleVersion(error: BusinessCentralApiError): boolean {
  return error.code === 'Request_EntityChanged' || error.status === 409 || error.status === 412;
}

function rejected(customer: CustomerV1, error: BusinessCentralApiError): BusinessException {
  return new BusinessException(
    'ERP_CUSTOMER_REJECTED',
    `Business Central refused customer '${customer.name}' (account ${customer.externalId}): ${error.reason}`,
    { cause: error },
  );
}
