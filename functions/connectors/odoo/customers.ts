// Customers are res.partner companies keyed by `ref` = the CRM account id. The hub writes only the
// fields the CRM owns; the sales warning ("Blocking Message") belongs to finance and is only read.
import * as z from 'zod';
import type { CustomerV1 } from '../../domain/canonical/customer';
import { BusinessException } from '../../domain/errors';
import type { ErpCustomer } from '../../ports/erp';
import { type OdooClient, orFalse } from './client';
import { OdooFault } from './transport';

const partnerRecord = z.object({
  id: z.number().int(),
  name: orFalse(z.string()),
  sale_warn: orFalse(z.string()).optional(),
  sale_warn_msg: orFalse(z.string()).optional(),
});

export type PartnerRecord = z.infer<typeof partnerRecord>;
export const PARTNER_FIELDS = ['id', 'name', 'sale_warn', 'sale_warn_msg'];

/** The hub keeps the CRM id in `ref`, a Char field; longer ids would not be found again reliably. */
const REF_LIMIT = 64;
/** What Odoo's partner form takes without truncating on the printed documents. */
const NAME_LIMIT = 128;

export async function upsertCustomer(client: OdooClient, customer: CustomerV1): Promise<ErpCustomer> {
  if (customer.externalId.length > REF_LIMIT) {
    throw rejected(customer, `the account id is longer than the ${REF_LIMIT} characters the hub keeps in Reference`);
  }
  if (customer.name.trim().length === 0 || customer.name.length > NAME_LIMIT) {
    throw rejected(customer, `the name must have 1 to ${NAME_LIMIT} characters`);
  }
  const countryId = await countryIdOf(client, customer);
  const vals = {
    name: customer.name,
    street: customer.billingAddress.street,
    city: customer.billingAddress.city,
    zip: customer.billingAddress.postalCode,
    country_id: countryId,
    // Absent in the CRM means not known there: what Odoo holds is kept.
    ...(customer.phone === undefined ? {} : { phone: customer.phone }),
    ...(customer.website === undefined ? {} : { website: customer.website }),
  };
  const [existing] = await findPartners(client, customer.externalId);
  let partnerId: number;
  try {
    if (existing) {
      partnerId = existing.id;
      await client.write('res.partner', [partnerId], vals);
    } else {
      partnerId = await client.create('res.partner', { ...vals, ref: customer.externalId, is_company: true });
    }
  } catch (error) {
    if (error instanceof OdooFault) throw rejected(customer, error.odooMessage, error);
    throw error;
  }
  if (existing) assertNotBlocked(existing);
  return { erpCustomerId: String(partnerId), customerNumber: String(partnerId) };
}

export function findPartners(client: OdooClient, ref: string): Promise<PartnerRecord[]> {
  return client.searchRead('res.partner', [['ref', '=', ref]], PARTNER_FIELDS, partnerRecord, 1);
}

export async function readPartner(client: OdooClient, partnerId: number): Promise<PartnerRecord | undefined> {
  try {
    const [partner] = await client.read('res.partner', [partnerId], PARTNER_FIELDS, partnerRecord);
    return partner;
  } catch (error) {
    if (error instanceof OdooFault && error.is('MissingError')) return undefined;
    throw error;
  }
}

/** Finance's "Blocking Message" on the partner's Sales & Purchase tab stops every sale to it. */
export function assertNotBlocked(partner: PartnerRecord): void {
  if (partner.sale_warn !== 'block') return;
  const reason = partner.sale_warn_msg ? `: ${partner.sale_warn_msg}` : '';
  throw new BusinessException(
    'CUSTOMER_ON_CREDIT_HOLD',
    `Customer '${partner.name || partner.id}' (Odoo partner ${partner.id}) is blocked for sales in Odoo${reason}.`,
  );
}

async function countryIdOf(client: OdooClient, customer: CustomerV1): Promise<number> {
  const code = customer.billingAddress.country;
  const countryId = await client.referenceId('res.country', 'code', code);
  if (countryId === undefined) throw rejected(customer, `Odoo has no country with code ${code}`);
  return countryId;
}

function rejected(customer: CustomerV1, reason: string, cause?: unknown): BusinessException {
  return new BusinessException(
    'ERP_CUSTOMER_REJECTED',
    `Odoo refused customer '${customer.name}' (account ${customer.externalId}): ${reason}.`,
    { cause },
  );
}
