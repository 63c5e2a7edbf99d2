// Customer upsert by external id (the CRM account id). The hub sends only the fields the CRM owns;
// credit hold, limits and terms belong to finance in NetSuite and are read, never written.
import * as z from 'zod';
import type { CustomerV1 } from '../../domain/canonical/customer';
import { BusinessException } from '../../domain/errors';
import type { ErpCustomer } from '../../ports/erp';
import { NetSuiteApiError, type NetSuiteClient } from './client';
import type { NetSuiteSettings } from './index';

const customerRecord = z.object({
  id: z.string().min(1),
  entityId: z.string().optional(),
  companyName: z.string().optional(),
  creditHoldOverride: z.object({ id: z.string().optional() }).optional(),
});

/** NetSuite's own limit on companyName. */
const COMPANY_NAME_LIMIT = 83;
/** What NetSuite takes as an external id. */
const EXTERNAL_ID = /^[A-Za-z0-9_-]+$/;

export function toNetSuiteCustomer(customer: CustomerV1, settings: NetSuiteSettings) {
  const address = customer.billingAddress;
  return {
    companyName: customer.name,
    phone: customer.phone,
    url: customer.website,
    subsidiary: { id: settings.subsidiaryId },
    addressBook: {
      items: [
        {
          defaultBilling: true,
          addressBookAddress: {
            addr1: address.street,
            city: address.city,
            zip: address.postalCode,
            country: { id: address.country },
          },
        },
      ],
    },
  };
}

export async function upsertCustomer(
  client: NetSuiteClient,
  customer: CustomerV1,
  settings: NetSuiteSettings,
): Promise<ErpCustomer> {
  if (!EXTERNAL_ID.test(customer.externalId)) {
    throw new BusinessException(
      'ERP_CUSTOMER_REJECTED',
      `Account id ${customer.externalId} cannot be a NetSuite external id (letters, digits, - and _ only).`,
    );
  }
  if (customer.name.length > COMPANY_NAME_LIMIT) {
    throw new BusinessException(
      'ERP_CUSTOMER_REJECTED',
      `Account name '${customer.name}' is longer than NetSuite's ${COMPANY_NAME_LIMIT} characters.`,
    );
  }
  const path = `/customer/eid:${customer.externalId}`;
  try {
    await client.record('PUT', path, toNetSuiteCustomer(customer, settings));
  } catch (error) {
    if (error instanceof NetSuiteApiError) {
      throw new BusinessException(
        'ERP_CUSTOMER_REJECTED',
        `NetSuite refused customer '${customer.name}' (account ${customer.externalId}): ${error.reasons}`,
        { cause: error },
      );
    }
    throw error;
  }
  const record = await client.read(path, customerRecord);
  if (record.creditHoldOverride?.id === 'ON') {
    throw new BusinessException(
      'CUSTOMER_ON_CREDIT_HOLD',
      `Customer '${record.companyName ?? customer.name}' (NetSuite ${record.entityId ?? record.id}) is on credit hold in NetSuite.`,
    );
  }
  return { erpCustomerId: record.id, customerNumber: record.entityId ?? record.id };
}
