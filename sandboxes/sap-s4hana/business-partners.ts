// API_BUSINESS_PARTNER: business partners with their addresses (phone numbers, web sites),
// roles and customer data (A_Customer, A_CustomerSalesArea), as SAP renders them in OData v2.
import type { SandboxResponse } from '../http';
import {
  createPartner,
  createPhoneNumber,
  createUrl,
  patchAddress,
  patchPartner,
  patchPhoneNumber,
  patchUrl,
} from './business-partner-writes';
import { odataJson, type ServiceHandler, type ServiceRequest, type TenantContext } from './context';
import { methodNotAllowed, resourceNotFound } from './errors';
import type { AddressRecord, BusinessPartnerRecord, CustomerRecord } from './model';
import {
  applyQuery,
  deferred,
  edmDate,
  expansionsUnder,
  isExpanded,
  type Json,
  keyOf,
  metadata,
  parseQuery,
  quoted,
} from './odata';

const SERVICE = 'API_BUSINESS_PARTNER';

/** The ETag SAP derives from the partner's change stamp. */
export function partnerEtag(bp: BusinessPartnerRecord): string {
  return `W/"'${bp.changedAt.replace(/[-:TZ.]/g, '').slice(0, 14)}${String(bp.version).padStart(7, '0')}'"`;
}

export const handleBusinessPartners: ServiceHandler = (ctx, request) => {
  const { req, segments } = request;
  const [first, second] = segments;
  const method = req.method === 'MERGE' ? 'PATCH' : req.method;
  if (!first) return resourceNotFound(request.service, '');
  switch (first.name) {
    case 'A_BusinessPartner':
      if (!first.keys) {
        if (segments.length > 1) return resourceNotFound(request.service, segments[1].name);
        if (method === 'GET') return listPartners(ctx, request);
        if (method === 'POST') return createPartner(ctx, request);
        return methodNotAllowed(request.service, req.method, first.name);
      }
      return partnerResource(ctx, request, keyOf(first, 'BusinessPartner') ?? '', second?.name, method);
    case 'A_BusinessPartnerAddress':
      return addressResource(ctx, request, method);
    case 'A_AddressPhoneNumber':
      if (method === 'PATCH' && first.keys) return patchPhoneNumber(ctx, request);
      return methodNotAllowed(request.service, req.method, first.name);
    case 'A_AddressHomePageURL':
      if (method === 'PATCH' && first.keys) return patchUrl(ctx, request);
      return methodNotAllowed(request.service, req.method, first.name);
    case 'A_Customer': {
      const bp = first.keys ? ctx.store.partner(keyOf(first, 'Customer') ?? '') : undefined;
      if (!bp?.customer) return resourceNotFound(request.service, 'A_CustomerType');
      if (method !== 'GET') return methodNotAllowed(request.service, req.method, first.name);
      const { expand } = parseQuery(request.service, req.query);
      if (!second) return odataJson(200, renderCustomer(ctx, bp, bp.customer, expand));
      if (second.name !== 'to_CustomerSalesArea') return resourceNotFound(request.service, second.name);
      return odataJson(200, renderCustomer(ctx, bp, bp.customer, [['to_CustomerSalesArea']]).to_CustomerSalesArea);
    }
    default:
      return resourceNotFound(request.service, first.name);
  }
};

function listPartners(ctx: TenantContext, request: ServiceRequest): SandboxResponse {
  const options = parseQuery(request.service, request.req.query);
  const rendered = ctx.store.state.businessPartners.map((bp) => renderPartner(ctx, bp, options.expand));
  return odataJson(200, { results: applyQuery(request.service, rendered, options) });
}

function partnerResource(
  ctx: TenantContext,
  request: ServiceRequest,
  id: string,
  navigation: string | undefined,
  method: string,
): SandboxResponse {
  const bp = ctx.store.partner(id);
  if (!bp) return resourceNotFound(request.service, 'A_BusinessPartnerType');
  const { expand } = parseQuery(request.service, request.req.query);
  if (navigation === undefined) {
    if (method === 'GET') return odataJson(200, renderPartner(ctx, bp, expand), { etag: partnerEtag(bp) });
    if (method === 'PATCH') return patchPartner(ctx, request, bp);
    return methodNotAllowed(request.service, request.req.method, 'A_BusinessPartner');
  }
  if (method !== 'GET') return methodNotAllowed(request.service, request.req.method, navigation);
  if (navigation === 'to_BusinessPartnerAddress') {
    return odataJson(200, { results: bp.addresses.map((a) => renderAddress(ctx, bp, a, expand)) });
  }
  if (navigation === 'to_Customer') {
    return odataJson(200, bp.customer ? renderCustomer(ctx, bp, bp.customer, expand) : null);
  }
  if (navigation === 'to_BusinessPartnerRole') return odataJson(200, { results: renderRoles(ctx, bp) });
  return resourceNotFound(request.service, navigation);
}

function addressResource(ctx: TenantContext, request: ServiceRequest, method: string): SandboxResponse {
  const [first, second] = request.segments;
  const bp = ctx.store.partner(keyOf(first, 'BusinessPartner') ?? '');
  const address = bp?.addresses.find((a) => a.addressId === keyOf(first, 'AddressID'));
  if (!bp || !address) return resourceNotFound(request.service, 'A_BusinessPartnerAddressType');
  if (!second) {
    if (method === 'GET') {
      return odataJson(200, renderAddress(ctx, bp, address, parseQuery(request.service, request.req.query).expand));
    }
    if (method === 'PATCH') return patchAddress(ctx, request, bp, address);
    return methodNotAllowed(request.service, request.req.method, first.name);
  }
  if (second.name === 'to_PhoneNumber') {
    if (method === 'GET')
      return odataJson(200, { results: address.phoneNumbers.map((p) => renderPhone(ctx, address, p)) });
    if (method === 'POST') return createPhoneNumber(ctx, request, bp, address);
  }
  if (second.name === 'to_URLAddress') {
    if (method === 'GET') return odataJson(200, { results: address.urls.map((u) => renderUrl(ctx, address, u)) });
    if (method === 'POST') return createUrl(ctx, request, bp, address);
  }
  if (second.name !== 'to_PhoneNumber' && second.name !== 'to_URLAddress') {
    return resourceNotFound(request.service, second.name);
  }
  return methodNotAllowed(request.service, request.req.method, second.name);
}

export function renderPartner(ctx: TenantContext, bp: BusinessPartnerRecord, expand: string[][]): Json {
  const base = ctx.baseUrl();
  const uri = `A_BusinessPartner(${quoted(bp.businessPartner)})`;
  const name = [bp.name1, bp.name2].filter(Boolean).join(' ');
  return {
    __metadata: metadata(base, SERVICE, 'A_BusinessPartnerType', uri, partnerEtag(bp)),
    BusinessPartner: bp.businessPartner,
    Customer: bp.customer ? bp.businessPartner : '',
    Supplier: '',
    BusinessPartnerCategory: bp.category,
    BusinessPartnerFullName: name,
    BusinessPartnerGrouping: bp.grouping,
    BusinessPartnerName: name,
    OrganizationBPName1: bp.name1,
    OrganizationBPName2: bp.name2,
    SearchTerm1: bp.searchTerm1,
    BusinessPartnerIDByExtSystem: bp.externalId,
    BusinessPartnerIsBlocked: bp.isBlocked,
    CorrespondenceLanguage: bp.language,
    CreationDate: edmDate(bp.createdAt),
    LastChangeDate: edmDate(bp.changedAt),
    to_BusinessPartnerAddress: isExpanded(expand, 'to_BusinessPartnerAddress')
      ? {
          results: bp.addresses.map((a) =>
            renderAddress(ctx, bp, a, expansionsUnder(expand, 'to_BusinessPartnerAddress')),
          ),
        }
      : deferred(base, SERVICE, `${uri}/to_BusinessPartnerAddress`),
    to_BusinessPartnerRole: isExpanded(expand, 'to_BusinessPartnerRole')
      ? { results: renderRoles(ctx, bp) }
      : deferred(base, SERVICE, `${uri}/to_BusinessPartnerRole`),
    to_Customer: isExpanded(expand, 'to_Customer')
      ? bp.customer
        ? renderCustomer(ctx, bp, bp.customer, expansionsUnder(expand, 'to_Customer'))
        : null
      : deferred(base, SERVICE, `${uri}/to_Customer`),
  };
}

function renderRoles(ctx: TenantContext, bp: BusinessPartnerRecord): Json[] {
  return bp.roles.map((role) => ({
    __metadata: metadata(
      ctx.baseUrl(),
      SERVICE,
      'A_BusinessPartnerRoleType',
      `A_BusinessPartnerRole(BusinessPartner=${quoted(bp.businessPartner)},BusinessPartnerRole=${quoted(role)})`,
    ),
    BusinessPartner: bp.businessPartner,
    BusinessPartnerRole: role,
  }));
}

export function renderAddress(
  ctx: TenantContext,
  bp: BusinessPartnerRecord,
  address: AddressRecord,
  expand: string[][],
): Json {
  const base = ctx.baseUrl();
  const uri = `A_BusinessPartnerAddress(BusinessPartner=${quoted(bp.businessPartner)},AddressID=${quoted(address.addressId)})`;
  return {
    __metadata: metadata(base, SERVICE, 'A_BusinessPartnerAddressType', uri),
    BusinessPartner: bp.businessPartner,
    AddressID: address.addressId,
    Country: address.country,
    CityName: address.cityName,
    PostalCode: address.postalCode,
    StreetName: address.streetName,
    HouseNumber: address.houseNumber,
    Language: address.language,
    to_PhoneNumber: isExpanded(expand, 'to_PhoneNumber')
      ? { results: address.phoneNumbers.map((p) => renderPhone(ctx, address, p)) }
      : deferred(base, SERVICE, `${uri}/to_PhoneNumber`),
    to_URLAddress: isExpanded(expand, 'to_URLAddress')
      ? { results: address.urls.map((u) => renderUrl(ctx, address, u)) }
      : deferred(base, SERVICE, `${uri}/to_URLAddress`),
  };
}

export function renderPhone(ctx: TenantContext, address: AddressRecord, phone: AddressRecord['phoneNumbers'][0]): Json {
  const uri = `A_AddressPhoneNumber(AddressID=${quoted(address.addressId)},Person='',OrdinalNumber=${quoted(phone.ordinalNumber)})`;
  return {
    __metadata: metadata(ctx.baseUrl(), SERVICE, 'A_AddressPhoneNumberType', uri),
    AddressID: address.addressId,
    Person: '',
    OrdinalNumber: phone.ordinalNumber,
    DestinationLocationCountry: address.country,
    IsDefaultPhoneNumber: phone.ordinalNumber === '1',
    PhoneNumber: phone.phoneNumber,
    PhoneNumberExtension: '',
    InternationalPhoneNumber: phone.phoneNumber,
    PhoneNumberType: '1',
  };
}

export function renderUrl(ctx: TenantContext, address: AddressRecord, url: AddressRecord['urls'][0]): Json {
  const uri = `A_AddressHomePageURL(AddressID=${quoted(address.addressId)},Person='',OrdinalNumber=${quoted(url.ordinalNumber)},ValidityStartDate=datetime'0001-01-01T00%3A00%3A00',IsDefaultURLAddress=true)`;
  return {
    __metadata: metadata(ctx.baseUrl(), SERVICE, 'A_AddressHomePageURLType', uri),
    AddressID: address.addressId,
    Person: '',
    OrdinalNumber: url.ordinalNumber,
    ValidityStartDate: '/Date(-62135596800000)/',
    IsDefaultURLAddress: true,
    SearchURLAddress: url.websiteUrl.toUpperCase().slice(0, 50),
    URLFieldLength: url.websiteUrl.length,
    WebsiteURL: url.websiteUrl,
  };
}

export function renderCustomer(
  ctx: TenantContext,
  bp: BusinessPartnerRecord,
  customer: CustomerRecord,
  expand: string[][],
): Json {
  const base = ctx.baseUrl();
  const uri = `A_Customer(${quoted(bp.businessPartner)})`;
  const name = [bp.name1, bp.name2].filter(Boolean).join(' ');
  return {
    __metadata: metadata(base, SERVICE, 'A_CustomerType', uri),
    Customer: bp.businessPartner,
    CustomerName: name,
    CustomerFullName: name,
    CustomerAccountGroup: 'CUST',
    OrderIsBlockedForCustomer: customer.orderBlock,
    DeliveryIsBlocked: '',
    BillingIsBlockedForCustomer: '',
    PostingIsBlocked: false,
    DeletionIndicator: false,
    to_CustomerSalesArea: isExpanded(expand, 'to_CustomerSalesArea')
      ? {
          results: customer.salesAreas.map((area) => ({
            __metadata: metadata(
              base,
              SERVICE,
              'A_CustomerSalesAreaType',
              `A_CustomerSalesArea(Customer=${quoted(bp.businessPartner)},SalesOrganization=${quoted(area.salesOrganization)},DistributionChannel=${quoted(area.distributionChannel)},Division=${quoted(area.division)})`,
            ),
            Customer: bp.businessPartner,
            SalesOrganization: area.salesOrganization,
            DistributionChannel: area.distributionChannel,
            Division: area.division,
            Currency: area.currency,
            OrderIsBlockedForCustomer: area.orderBlock,
            DeliveryIsBlocked: '',
            BillingIsBlockedForCustomer: '',
            DeletionIndicator: false,
          })),
        }
      : deferred(base, SERVICE, `${uri}/to_CustomerSalesArea`),
  };
}
