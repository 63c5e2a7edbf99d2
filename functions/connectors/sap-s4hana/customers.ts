// Customer upsert by the CRM account id, which SAP holds in BusinessPartnerIDByExtSystem: look
// the business partner up, create it (organization, customer role, sales area) when missing,
// else update the fields the CRM owns (name with the partner's ETag, address, phone, web site);
// then read it back, and refuse when SAP blocks its orders. Blocks, credit data and payment
// terms belong to finance and are read, never written.
import * as z from 'zod';
import type { CustomerV1 } from '../../domain/canonical/customer';
import { BusinessException, UnavailableError, UnexpectedResponseError } from '../../domain/errors';
import type { ErpCustomer } from '../../ports/erp';
import type { SapClient } from './client';
import { checkCustomer, splitName, toBusinessPartner } from './customer-mapping';
import { SapApiError, SYSTEM_TITLE } from './errors';
import { byKey, collection, entityMetadata, expanded, literal, pathInService, resource } from './odata';
import type { SapSettings } from './settings';

const SERVICE = 'API_BUSINESS_PARTNER';
const EXPAND =
  'to_BusinessPartnerAddress/to_PhoneNumber,to_BusinessPartnerAddress/to_URLAddress,to_Customer/to_CustomerSalesArea';

const phoneNumber = z.object({ __metadata: entityMetadata, PhoneNumber: z.string() });
const urlAddress = z.object({ __metadata: entityMetadata, WebsiteURL: z.string() });

const address = z.object({
  __metadata: entityMetadata,
  Country: z.string(),
  CityName: z.string(),
  PostalCode: z.string(),
  StreetName: z.string(),
  to_PhoneNumber: expanded(phoneNumber),
  to_URLAddress: expanded(urlAddress),
});

const salesArea = z.object({
  SalesOrganization: z.string(),
  DistributionChannel: z.string(),
  Division: z.string(),
  OrderIsBlockedForCustomer: z.string().default(''),
});

const customerData = z.object({
  Customer: z.string(),
  OrderIsBlockedForCustomer: z.string().default(''),
  to_CustomerSalesArea: expanded(salesArea),
});

const businessPartner = z.object({
  __metadata: entityMetadata,
  BusinessPartner: z.string().min(1),
  Customer: z.string().default(''),
  OrganizationBPName1: z.string(),
  OrganizationBPName2: z.string().default(''),
  BusinessPartnerIsBlocked: z.boolean().default(false),
  to_BusinessPartnerAddress: expanded(address),
  to_Customer: customerData.nullable(),
});

type BusinessPartner = z.infer<typeof businessPartner>;
type Address = z.infer<typeof address>;

export async function upsertCustomer(
  client: SapClient,
  customer: CustomerV1,
  settings: SapSettings,
): Promise<ErpCustomer> {
  checkCustomer(customer);
  const existing = await findPartner(client, customer.externalId);
  if (existing) await updatePartner(client, existing, customer);
  else await createPartner(client, customer, settings);
  const partner = await findPartner(client, customer.externalId);
  if (!partner) {
    throw new UnavailableError(
      `${SYSTEM_TITLE} did not return business partner of account ${customer.externalId} right after writing it`,
    );
  }
  return checkCanOrder(partner, customer, settings);
}

/** The business partner holding the CRM account id; the oldest, should someone have made two. */
async function findPartner(client: SapClient, externalId: string): Promise<BusinessPartner | undefined> {
  const partners = await client.get(
    SERVICE,
    resource('A_BusinessPartner', {
      $filter: `BusinessPartnerIDByExtSystem eq ${literal(externalId)}`,
      $expand: EXPAND,
    }),
    collection(businessPartner),
  );
  return partners.sort((a, b) => numberOrder(a.BusinessPartner, b.BusinessPartner))[0];
}

async function readPartner(client: SapClient, id: string): Promise<BusinessPartner> {
  const [partner] = await client.get(
    SERVICE,
    resource('A_BusinessPartner', { $filter: `BusinessPartner eq ${literal(id)}`, $expand: EXPAND }),
    collection(businessPartner),
  );
  if (!partner) throw new UnavailableError(`${SYSTEM_TITLE} no longer returns business partner ${id}`);
  return partner;
}

async function createPartner(client: SapClient, customer: CustomerV1, settings: SapSettings): Promise<void> {
  try {
    await client.write('POST', SERVICE, 'A_BusinessPartner', toBusinessPartner(customer, settings));
  } catch (error) {
    // The partner may exist although the answer was lost; the read that follows finds it.
    if (error instanceof UnavailableError && (await findPartner(client, customer.externalId))) return;
    throw rejected(error, customer);
  }
}

async function updatePartner(client: SapClient, partner: BusinessPartner, customer: CustomerV1): Promise<void> {
  try {
    await updateName(client, partner, customer);
    await updateAddress(client, partner, customer);
  } catch (error) {
    throw rejected(error, customer, partner.BusinessPartner);
  }
}

/** The name is ETag-protected: a partner changed since the read is read again, and retried once. */
async function updateName(client: SapClient, partner: BusinessPartner, customer: CustomerV1): Promise<void> {
  const [name1, name2] = splitName(customer.name);
  if (partner.OrganizationBPName1 === name1 && partner.OrganizationBPName2 === name2) return;
  const path = `A_BusinessPartner${byKey(partner.BusinessPartner)}`;
  const body = { OrganizationBPName1: name1, OrganizationBPName2: name2 };
  try {
    await client.write('PATCH', SERVICE, path, body, { ifMatch: partner.__metadata.etag ?? '*' });
  } catch (error) {
    if (!(error instanceof SapApiError && error.status === 412)) throw error;
    const fresh = await readPartner(client, partner.BusinessPartner);
    try {
      await client.write('PATCH', SERVICE, path, body, { ifMatch: fresh.__metadata.etag ?? '*' });
    } catch (again) {
      if (again instanceof SapApiError && again.status === 412) {
        throw new UnavailableError(
          `${SYSTEM_TITLE} business partner ${partner.BusinessPartner} kept changing while the hub updated its name (412 twice)`,
          { cause: again },
        );
      }
      throw again;
    }
  }
}

async function updateAddress(client: SapClient, partner: BusinessPartner, customer: CustomerV1): Promise<void> {
  const [current] = partner.to_BusinessPartnerAddress;
  const wanted = customer.billingAddress;
  if (!current) {
    throw new BusinessException(
      'ERP_CUSTOMER_REJECTED',
      `${SYSTEM_TITLE} business partner ${partner.BusinessPartner} (account ${customer.externalId}) has no address to update; add one in SAP.`,
    );
  }
  const addressPath = entityPath(current.__metadata.uri);
  const changes = {
    ...(current.StreetName !== wanted.street ? { StreetName: wanted.street } : {}),
    ...(current.CityName !== wanted.city ? { CityName: wanted.city } : {}),
    ...(current.PostalCode !== wanted.postalCode ? { PostalCode: wanted.postalCode } : {}),
    ...(current.Country !== wanted.country ? { Country: wanted.country } : {}),
  };
  if (Object.keys(changes).length > 0) await client.write('PATCH', SERVICE, addressPath, changes);
  await updateContact(client, current, addressPath, 'to_PhoneNumber', 'PhoneNumber', customer.phone);
  await updateContact(client, current, addressPath, 'to_URLAddress', 'WebsiteURL', customer.website);
}

/** The first phone number or web site of the address: changed, or added when there is none. */
async function updateContact(
  client: SapClient,
  current: Address,
  addressPath: string,
  navigation: 'to_PhoneNumber' | 'to_URLAddress',
  field: 'PhoneNumber' | 'WebsiteURL',
  wanted: string | undefined,
): Promise<void> {
  if (!wanted) return;
  const [existing] = current[navigation] as { __metadata: { uri: string }; [key: string]: unknown }[];
  if (!existing) {
    await client.write('POST', SERVICE, `${addressPath}/${navigation}`, { [field]: wanted });
  } else if (existing[field] !== wanted) {
    await client.write('PATCH', SERVICE, entityPath(existing.__metadata.uri), { [field]: wanted });
  }
}

function checkCanOrder(partner: BusinessPartner, customer: CustomerV1, settings: SapSettings): ErpCustomer {
  const data = partner.to_Customer;
  const area = data?.to_CustomerSalesArea.find(
    (a) =>
      a.SalesOrganization === settings.salesOrganization &&
      a.DistributionChannel === settings.distributionChannel &&
      a.Division === settings.organizationDivision,
  );
  const salesArea = `${settings.salesOrganization}/${settings.distributionChannel}/${settings.organizationDivision}`;
  if (!data || !area) {
    throw new BusinessException(
      'ERP_CUSTOMER_REJECTED',
      `${SYSTEM_TITLE} business partner ${partner.BusinessPartner} (account ${customer.externalId}) is not a customer in sales area ${salesArea}; extend it with the customer role and that sales area in SAP.`,
    );
  }
  const block = blockOf(partner);
  if (block) {
    throw new BusinessException(
      'CUSTOMER_ON_CREDIT_HOLD',
      `Customer '${customer.name}' (${SYSTEM_TITLE} business partner ${partner.BusinessPartner}) is blocked for sales orders in ${SYSTEM_TITLE} (${block}).`,
    );
  }
  return { erpCustomerId: partner.BusinessPartner, customerNumber: data.Customer || partner.BusinessPartner };
}

function blockOf(partner: BusinessPartner): string | undefined {
  if (partner.BusinessPartnerIsBlocked) return 'central business partner block';
  const data = partner.to_Customer;
  if (data?.OrderIsBlockedForCustomer) return `order block ${data.OrderIsBlockedForCustomer}`;
  const area = data?.to_CustomerSalesArea.find((a) => a.OrderIsBlockedForCustomer);
  return area ? `order block ${area.OrderIsBlockedForCustomer} in sales area ${area.SalesOrganization}` : undefined;
}

/** Whether SAP holds the customer's orders now: what a refused order is checked against. */
export async function orderBlock(client: SapClient, businessPartner: string): Promise<string | undefined> {
  const partner = await readPartner(client, businessPartner);
  return blockOf(partner);
}

function rejected(error: unknown, customer: CustomerV1, partner?: string): unknown {
  if (!(error instanceof SapApiError)) return error;
  const which = partner ? ` (business partner ${partner})` : '';
  return new BusinessException(
    'ERP_CUSTOMER_REJECTED',
    `${SYSTEM_TITLE} refused customer '${customer.name}'${which} for account ${customer.externalId}: ${error.reasons}`,
    { cause: error },
  );
}

function entityPath(uri: string): string {
  const path = pathInService(uri, SERVICE);
  if (!path)
    throw new UnexpectedResponseError(SYSTEM_TITLE, `an entity URI of ${SERVICE}`, `${uri} is outside the service`);
  return path;
}

function numberOrder(a: string, b: string): number {
  return a.length - b.length || a.localeCompare(b);
}
