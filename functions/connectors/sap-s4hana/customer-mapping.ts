// The CRM account as an SAP business partner: an organization (category 2) whose name fills
// OrganizationBPName1 and, past 40 characters, OrganizationBPName2; the CRM account id in
// BusinessPartnerIDByExtSystem ("business partner number in external system", 20 characters);
// one address with phone and web site; the customer role with the deployment's sales area.
import type { CustomerV1 } from '../../domain/canonical/customer';
import { BusinessException } from '../../domain/errors';
import type { SapSettings } from './settings';

/** SAP's field lengths for what the hub writes. */
export const LIMITS = {
  externalId: 20,
  name: 40,
  searchTerm: 20,
  street: 60,
  city: 40,
  postalCode: 10,
  phone: 30,
  website: 2048,
} as const;

/** Splits a name over SAP's two 40-character name fields, at a space where there is one. */
export function splitName(name: string): [string, string] {
  const trimmed = name.trim();
  if (trimmed.length <= LIMITS.name) return [trimmed, ''];
  const space = trimmed.lastIndexOf(' ', LIMITS.name);
  const cut = space > 0 ? space : LIMITS.name;
  return [trimmed.slice(0, cut).trimEnd(), trimmed.slice(cut).trimStart()];
}

/** What SAP would refuse or silently cut, said before calling it. */
export function checkCustomer(customer: CustomerV1): void {
  const problem = customerProblem(customer);
  if (problem) {
    throw new BusinessException(
      'ERP_CUSTOMER_REJECTED',
      `Account '${customer.name}' (${customer.externalId}) cannot become an SAP S/4HANA business partner: ${problem}.`,
    );
  }
}

export function customerProblem(customer: CustomerV1): string | undefined {
  const address = customer.billingAddress;
  if (customer.externalId.length > LIMITS.externalId) {
    return `the account id is longer than the ${LIMITS.externalId} characters of BusinessPartnerIDByExtSystem`;
  }
  const [, name2] = splitName(customer.name);
  if (name2.length > LIMITS.name) return `the name does not fit SAP's two ${LIMITS.name}-character name fields`;
  if (address.street.length > LIMITS.street) return `the street is longer than ${LIMITS.street} characters`;
  if (address.city.length > LIMITS.city) return `the city is longer than ${LIMITS.city} characters`;
  if (address.postalCode.length > LIMITS.postalCode)
    return `the postal code is longer than ${LIMITS.postalCode} characters`;
  if (customer.phone !== undefined && customer.phone.length > LIMITS.phone) {
    return `the phone number is longer than ${LIMITS.phone} characters`;
  }
  if (customer.phone !== undefined && !/^\+?[\d ()/-]*$/.test(customer.phone)) {
    return `the phone number '${customer.phone}' holds characters SAP does not take (digits, spaces, + ( ) / - only)`;
  }
  return undefined;
}

export function searchTerm(name: string): string {
  return name.toUpperCase().slice(0, LIMITS.searchTerm).trim();
}

export function toBusinessPartner(customer: CustomerV1, settings: SapSettings) {
  const [name1, name2] = splitName(customer.name);
  const address = customer.billingAddress;
  const company = settings.companyCode;
  return {
    BusinessPartnerCategory: '2',
    ...(settings.businessPartnerGrouping ? { BusinessPartnerGrouping: settings.businessPartnerGrouping } : {}),
    OrganizationBPName1: name1,
    OrganizationBPName2: name2,
    SearchTerm1: searchTerm(customer.name),
    BusinessPartnerIDByExtSystem: customer.externalId,
    CorrespondenceLanguage: settings.language,
    to_BusinessPartnerAddress: [
      {
        Country: address.country,
        CityName: address.city,
        PostalCode: address.postalCode,
        StreetName: address.street,
        Language: settings.language,
        to_PhoneNumber: customer.phone ? [{ PhoneNumber: customer.phone }] : [],
        to_URLAddress: customer.website ? [{ WebsiteURL: customer.website }] : [],
      },
    ],
    to_BusinessPartnerRole: [
      { BusinessPartnerRole: 'FLCU01' },
      ...(company ? [{ BusinessPartnerRole: 'FLCU00' }] : []),
    ],
    to_Customer: {
      to_CustomerSalesArea: [
        {
          SalesOrganization: settings.salesOrganization,
          DistributionChannel: settings.distributionChannel,
          Division: settings.organizationDivision,
          Currency: settings.customerCurrency,
        },
      ],
      ...(company
        ? { to_CustomerCompany: [{ CompanyCode: company.code, ReconciliationAccount: company.reconciliationAccount }] }
        : {}),
    },
  };
}
