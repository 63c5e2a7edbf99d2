// Writes to API_BUSINESS_PARTNER: the deep insert of an organization with its address, roles and
// customer data, and PATCHes of the partner (ETag-protected: 428 without If-Match, 412 when the
// partner changed since it was read), its address, phone number and web site. The checks are
// the ones a CRM account can fail: lengths, country, postal code form, sales area, roles.
import type { SandboxResponse } from '../http';
import { header } from './auth';
import { partnerEtag, renderPartner, renderPhone, renderUrl } from './business-partners';
import { odataJson, type ServiceRequest, type TenantContext, updated } from './context';
import { businessError, type ErrorDetail, malformedRequest, RequestRejected, sapError } from './errors';
import { type AddressRecord, type BusinessPartnerRecord, COMPANY_CODE, type CustomerRecord, SALES_AREA } from './model';
import { isObject, type Json, readNavigationArray } from './odata';
import { readBody, stringField, unknownProperties } from './request';

const PARTNER_PROPERTIES = new Set([
  'BusinessPartner',
  'BusinessPartnerCategory',
  'BusinessPartnerGrouping',
  'OrganizationBPName1',
  'OrganizationBPName2',
  'OrganizationBPName3',
  'OrganizationBPName4',
  'SearchTerm1',
  'SearchTerm2',
  'BusinessPartnerIDByExtSystem',
  'CorrespondenceLanguage',
  'to_BusinessPartnerAddress',
  'to_BusinessPartnerRole',
  'to_Customer',
]);
/** What a PATCH may change on the partner itself. */
const PATCHABLE_PARTNER = new Set([
  'OrganizationBPName1',
  'OrganizationBPName2',
  'OrganizationBPName3',
  'OrganizationBPName4',
  'SearchTerm1',
  'SearchTerm2',
  'CorrespondenceLanguage',
]);
const ADDRESS_PROPERTIES = new Set([
  'Country',
  'CityName',
  'PostalCode',
  'StreetName',
  'HouseNumber',
  'Language',
  'to_PhoneNumber',
  'to_URLAddress',
]);
const CUSTOMER_ROLES = new Set(['FLCU00', 'FLCU01']);
const KNOWN_ROLES = new Set([...CUSTOMER_ROLES, 'BUP001', 'BUP002']);
/** Postal code lengths the tenant's country settings enforce. */
const POSTAL_CODE_LENGTHS: Record<string, number> = { DE: 5, FR: 5, AT: 4, CH: 4 };
const REGIONS = new Intl.DisplayNames(['en'], { type: 'region' });

export function createPartner(ctx: TenantContext, request: ServiceRequest): SandboxResponse {
  const body = readBody(request);
  unknownProperties(request, body, PARTNER_PROPERTIES);
  const problems: ErrorDetail[] = [];
  const category = stringField(request, body, 'BusinessPartnerCategory');
  if (!category) problems.push(detail('R11/003', 'Enter a business partner category'));
  else if (category !== '2')
    problems.push(detail('R11/004', `Business partner category ${category} is not supported for this grouping`));
  const name1 = stringField(request, body, 'OrganizationBPName1') ?? '';
  const name2 = stringField(request, body, 'OrganizationBPName2') ?? '';
  if (!name1) problems.push(detail('R11/201', 'Enter a name for the organization', 'OrganizationBPName1'));
  problems.push(...lengthProblems({ OrganizationBPName1: name1, OrganizationBPName2: name2 }, 40));
  const externalId = stringField(request, body, 'BusinessPartnerIDByExtSystem') ?? '';
  problems.push(...lengthProblems({ BusinessPartnerIDByExtSystem: externalId }, 20));
  const searchTerm1 = stringField(request, body, 'SearchTerm1') ?? name1.slice(0, 20).toUpperCase();
  problems.push(...lengthProblems({ SearchTerm1: searchTerm1 }, 20));
  const roles = readRoles(request, body, problems);
  const addresses = (readNavigationArray(body.to_BusinessPartnerAddress) ?? []).map((raw) =>
    readAddress(ctx, request, raw, problems),
  );
  if (addresses.length === 0) problems.push(detail('R11/301', 'Enter an address for the business partner'));
  const customer = readCustomer(request, body.to_Customer, problems);
  if (customer && !roles.some((role) => CUSTOMER_ROLES.has(role))) roles.push('FLCU01');
  if (problems.length > 0) return businessError(400, request.service, problems);

  const now = new Date().toISOString();
  const bp: BusinessPartnerRecord = {
    businessPartner: ctx.store.nextPartnerNumber(),
    category: '2',
    grouping: stringField(request, body, 'BusinessPartnerGrouping') ?? 'BP02',
    name1,
    name2,
    searchTerm1,
    externalId,
    isBlocked: false,
    language: stringField(request, body, 'CorrespondenceLanguage') ?? 'EN',
    roles,
    addresses,
    customer: customer ?? (roles.some((role) => CUSTOMER_ROLES.has(role)) ? emptyCustomer() : undefined),
    createdAt: now,
    changedAt: now,
    version: 1,
  };
  ctx.store.state.businessPartners.push(bp);
  ctx.store.changed();
  const expand = [
    ['to_BusinessPartnerAddress', 'to_PhoneNumber'],
    ['to_BusinessPartnerAddress', 'to_URLAddress'],
    ['to_BusinessPartnerRole'],
    ['to_Customer', 'to_CustomerSalesArea'],
  ];
  const entity = renderPartner(ctx, bp, expand);
  return odataJson(201, entity, { location: (entity.__metadata as Json).uri as string, etag: partnerEtag(bp) });
}

export function patchPartner(ctx: TenantContext, request: ServiceRequest, bp: BusinessPartnerRecord): SandboxResponse {
  const body = readBody(request);
  unknownProperties(request, body, PARTNER_PROPERTIES);
  const ifMatch = header(request.req, 'if-match');
  if (!ifMatch) {
    return sapError(
      428,
      request.service,
      '/IWBEP/CM_MGW_RT/178',
      'Precondition required: send the ETag of A_BusinessPartner in the If-Match header',
    );
  }
  // Someone (finance, another integration) edited the partner between the caller's read and now.
  if (ctx.governance.take('conflictNextPatches')) touch(bp);
  if (ifMatch !== '*' && ifMatch !== partnerEtag(bp)) {
    return sapError(
      412,
      request.service,
      '/IWBEP/CM_MGW_RT/179',
      'Precondition failed: the business partner was changed since it was read (ETag mismatch)',
    );
  }
  const problems: ErrorDetail[] = [];
  const changes: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'BusinessPartner' && value === bp.businessPartner) continue;
    if (!PATCHABLE_PARTNER.has(key)) {
      problems.push(detail('R11/150', `Field ${key} cannot be changed`, key));
      continue;
    }
    if (typeof value !== 'string')
      throw new RequestRejected(malformedRequest(request.service, `property '${key}' must be a string`));
    changes[key] = value;
  }
  problems.push(
    ...lengthProblems(changes, (key) =>
      key.startsWith('SearchTerm') ? 20 : key === 'CorrespondenceLanguage' ? 2 : 40,
    ),
  );
  if ('OrganizationBPName1' in changes && !changes.OrganizationBPName1) {
    problems.push(detail('R11/201', 'Enter a name for the organization', 'OrganizationBPName1'));
  }
  if (problems.length > 0) return businessError(400, request.service, problems);
  if ('OrganizationBPName1' in changes) bp.name1 = changes.OrganizationBPName1;
  if ('OrganizationBPName2' in changes) bp.name2 = changes.OrganizationBPName2;
  if ('SearchTerm1' in changes) bp.searchTerm1 = changes.SearchTerm1;
  if ('CorrespondenceLanguage' in changes) bp.language = changes.CorrespondenceLanguage;
  touch(bp);
  ctx.store.changed();
  return updated({ etag: partnerEtag(bp) });
}

export function patchAddress(
  ctx: TenantContext,
  request: ServiceRequest,
  bp: BusinessPartnerRecord,
  address: AddressRecord,
): SandboxResponse {
  const body = readBody(request);
  unknownProperties(request, body, new Set([...ADDRESS_PROPERTIES, 'BusinessPartner', 'AddressID']));
  const problems: ErrorDetail[] = [];
  const next = { ...address };
  for (const [key, field] of [
    ['Country', 'country'],
    ['CityName', 'cityName'],
    ['PostalCode', 'postalCode'],
    ['StreetName', 'streetName'],
    ['HouseNumber', 'houseNumber'],
    ['Language', 'language'],
  ] as const) {
    const value = stringField(request, body, key);
    if (value !== undefined) next[field] = value;
  }
  problems.push(...addressProblems(next));
  if (problems.length > 0) return businessError(400, request.service, problems);
  Object.assign(address, next);
  touch(bp);
  ctx.store.changed();
  return updated();
}

export function createPhoneNumber(
  ctx: TenantContext,
  request: ServiceRequest,
  bp: BusinessPartnerRecord,
  address: AddressRecord,
): SandboxResponse {
  const body = readBody(request);
  unknownProperties(
    request,
    body,
    new Set([
      'AddressID',
      'Person',
      'OrdinalNumber',
      'PhoneNumber',
      'DestinationLocationCountry',
      'IsDefaultPhoneNumber',
      'PhoneNumberExtension',
    ]),
  );
  const phoneNumber = stringField(request, body, 'PhoneNumber') ?? '';
  const problems = phoneProblems(phoneNumber);
  if (problems.length > 0) return businessError(400, request.service, problems);
  const phone = { ordinalNumber: String(address.phoneNumbers.length + 1), phoneNumber };
  address.phoneNumbers.push(phone);
  touch(bp);
  ctx.store.changed();
  const entity = renderPhone(ctx, address, phone);
  return odataJson(201, entity, { location: (entity.__metadata as Json).uri as string });
}

export function patchPhoneNumber(ctx: TenantContext, request: ServiceRequest): SandboxResponse {
  const found = findByAddress(ctx, request, (a, ordinal) => a.phoneNumbers.find((p) => p.ordinalNumber === ordinal));
  if ('status' in found) return found;
  const body = readBody(request);
  unknownProperties(
    request,
    body,
    new Set([
      'AddressID',
      'Person',
      'OrdinalNumber',
      'PhoneNumber',
      'DestinationLocationCountry',
      'IsDefaultPhoneNumber',
      'PhoneNumberExtension',
    ]),
  );
  const phoneNumber = stringField(request, body, 'PhoneNumber');
  if (phoneNumber !== undefined) {
    const problems = phoneProblems(phoneNumber);
    if (problems.length > 0) return businessError(400, request.service, problems);
    found.entity.phoneNumber = phoneNumber;
  }
  touch(found.bp);
  ctx.store.changed();
  return updated();
}

export function createUrl(
  ctx: TenantContext,
  request: ServiceRequest,
  bp: BusinessPartnerRecord,
  address: AddressRecord,
): SandboxResponse {
  const body = readBody(request);
  unknownProperties(
    request,
    body,
    new Set(['AddressID', 'Person', 'OrdinalNumber', 'WebsiteURL', 'IsDefaultURLAddress', 'ValidityStartDate']),
  );
  const websiteUrl = stringField(request, body, 'WebsiteURL') ?? '';
  if (!websiteUrl) return businessError(400, request.service, [detail('AM/045', 'Enter a URL', 'WebsiteURL')]);
  const url = { ordinalNumber: String(address.urls.length + 1), websiteUrl };
  address.urls.push(url);
  touch(bp);
  ctx.store.changed();
  const entity = renderUrl(ctx, address, url);
  return odataJson(201, entity, { location: (entity.__metadata as Json).uri as string });
}

export function patchUrl(ctx: TenantContext, request: ServiceRequest): SandboxResponse {
  const found = findByAddress(ctx, request, (a, ordinal) => a.urls.find((u) => u.ordinalNumber === ordinal));
  if ('status' in found) return found;
  const body = readBody(request);
  unknownProperties(
    request,
    body,
    new Set(['AddressID', 'Person', 'OrdinalNumber', 'WebsiteURL', 'IsDefaultURLAddress', 'ValidityStartDate']),
  );
  const websiteUrl = stringField(request, body, 'WebsiteURL');
  if (websiteUrl !== undefined) {
    if (!websiteUrl) return businessError(400, request.service, [detail('AM/045', 'Enter a URL', 'WebsiteURL')]);
    found.entity.websiteUrl = websiteUrl;
  }
  touch(found.bp);
  ctx.store.changed();
  return updated();
}

function findByAddress<T>(
  ctx: TenantContext,
  request: ServiceRequest,
  find: (address: AddressRecord, ordinal: string) => T | undefined,
): { bp: BusinessPartnerRecord; entity: T } | SandboxResponse {
  const [segment] = request.segments;
  const addressId = String(segment.keys?.AddressID ?? '');
  const ordinal = String(segment.keys?.OrdinalNumber ?? '');
  for (const bp of ctx.store.state.businessPartners) {
    const address = bp.addresses.find((a) => a.addressId === addressId);
    const entity = address ? find(address, ordinal) : undefined;
    if (entity) return { bp, entity };
  }
  return sapError(404, request.service, '/IWBEP/CM_MGW_RT/020', `Resource not found for segment '${segment.name}Type'`);
}

function readAddress(
  ctx: TenantContext,
  request: ServiceRequest,
  raw: unknown,
  problems: ErrorDetail[],
): AddressRecord {
  if (!isObject(raw))
    throw new RequestRejected(malformedRequest(request.service, 'to_BusinessPartnerAddress must hold objects'));
  unknownProperties(request, raw, ADDRESS_PROPERTIES);
  const address: AddressRecord = {
    addressId: ctx.store.nextAddressId(),
    country: stringField(request, raw, 'Country') ?? '',
    cityName: stringField(request, raw, 'CityName') ?? '',
    postalCode: stringField(request, raw, 'PostalCode') ?? '',
    streetName: stringField(request, raw, 'StreetName') ?? '',
    houseNumber: stringField(request, raw, 'HouseNumber') ?? '',
    language: stringField(request, raw, 'Language') ?? 'EN',
    phoneNumbers: [],
    urls: [],
  };
  problems.push(...addressProblems(address));
  for (const phone of readNavigationArray(raw.to_PhoneNumber) ?? []) {
    const phoneNumber = isObject(phone) ? (stringField(request, phone, 'PhoneNumber') ?? '') : '';
    problems.push(...phoneProblems(phoneNumber));
    address.phoneNumbers.push({ ordinalNumber: String(address.phoneNumbers.length + 1), phoneNumber });
  }
  for (const url of readNavigationArray(raw.to_URLAddress) ?? []) {
    const websiteUrl = isObject(url) ? (stringField(request, url, 'WebsiteURL') ?? '') : '';
    if (!websiteUrl) problems.push(detail('AM/045', 'Enter a URL', 'WebsiteURL'));
    address.urls.push({ ordinalNumber: String(address.urls.length + 1), websiteUrl });
  }
  return address;
}

function addressProblems(address: AddressRecord): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (!address.country) problems.push(detail('AM/216', 'Enter a country', 'Country'));
  else if (!/^[A-Z]{2}$/.test(address.country) || REGIONS.of(address.country) === address.country) {
    problems.push(detail('AM/217', `Country ${address.country} does not exist`, 'Country'));
  }
  if (!address.cityName) problems.push(detail('AM/210', 'Enter a city', 'CityName'));
  const length = POSTAL_CODE_LENGTHS[address.country];
  if (length !== undefined && !new RegExp(`^\\d{${length}}$`).test(address.postalCode)) {
    problems.push(detail('AM/177', `Postal code ${address.postalCode} must have length ${length}`, 'PostalCode'));
  }
  problems.push(
    ...lengthProblems(
      {
        StreetName: address.streetName,
        CityName: address.cityName,
        PostalCode: address.postalCode,
        HouseNumber: address.houseNumber,
      },
      (key) => ({ StreetName: 60, CityName: 40, PostalCode: 10, HouseNumber: 10 })[key] ?? 40,
    ),
  );
  return problems;
}

function phoneProblems(phoneNumber: string): ErrorDetail[] {
  if (!phoneNumber) return [detail('AM/041', 'Enter a telephone number', 'PhoneNumber')];
  if (!/^\+?[\d ()/-]+$/.test(phoneNumber)) {
    return [detail('AM/040', `Telephone number ${phoneNumber} contains invalid characters`, 'PhoneNumber')];
  }
  return lengthProblems({ PhoneNumber: phoneNumber }, 30);
}

function readRoles(request: ServiceRequest, body: Json, problems: ErrorDetail[]): string[] {
  const roles: string[] = [];
  for (const raw of readNavigationArray(body.to_BusinessPartnerRole) ?? []) {
    const role = isObject(raw) ? stringField(request, raw, 'BusinessPartnerRole') : undefined;
    if (!role || !KNOWN_ROLES.has(role))
      problems.push(detail('R11/657', `Role ${role ?? ''} is not defined`, 'BusinessPartnerRole'));
    else if (!roles.includes(role)) roles.push(role);
  }
  return roles;
}

function readCustomer(request: ServiceRequest, raw: unknown, problems: ErrorDetail[]): CustomerRecord | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw new RequestRejected(malformedRequest(request.service, 'to_Customer must be an object'));
  unknownProperties(
    request,
    raw,
    new Set(['Customer', 'CustomerAccountGroup', 'to_CustomerSalesArea', 'to_CustomerCompany']),
  );
  const customer = emptyCustomer();
  for (const area of readNavigationArray(raw.to_CustomerSalesArea) ?? []) {
    if (!isObject(area))
      throw new RequestRejected(malformedRequest(request.service, 'to_CustomerSalesArea must hold objects'));
    const salesOrganization = stringField(request, area, 'SalesOrganization') ?? '';
    const distributionChannel = stringField(request, area, 'DistributionChannel') ?? '';
    const division = stringField(request, area, 'Division') ?? '';
    const currency = stringField(request, area, 'Currency') ?? '';
    if (
      salesOrganization !== SALES_AREA.salesOrganization ||
      distributionChannel !== SALES_AREA.distributionChannel ||
      division !== SALES_AREA.division
    ) {
      problems.push(
        detail(
          'CVI_EI/010',
          `Sales area ${salesOrganization}/${distributionChannel}/${division} does not exist`,
          'SalesOrganization',
        ),
      );
    }
    if (!/^[A-Z]{3}$/.test(currency))
      problems.push(detail('CVI_EI/021', `Currency ${currency} is not defined`, 'Currency'));
    customer.salesAreas.push({ salesOrganization, distributionChannel, division, currency, orderBlock: '' });
  }
  for (const company of readNavigationArray(raw.to_CustomerCompany) ?? []) {
    if (!isObject(company))
      throw new RequestRejected(malformedRequest(request.service, 'to_CustomerCompany must hold objects'));
    const companyCode = stringField(request, company, 'CompanyCode') ?? '';
    const reconciliationAccount = stringField(request, company, 'ReconciliationAccount') ?? '';
    if (companyCode !== COMPANY_CODE)
      problems.push(detail('CVI_EI/030', `Company code ${companyCode} does not exist`, 'CompanyCode'));
    if (!reconciliationAccount)
      problems.push(
        detail('CVI_EI/031', `Enter a reconciliation account for company code ${companyCode}`, 'ReconciliationAccount'),
      );
    customer.companyCodes.push({ companyCode, reconciliationAccount });
  }
  return customer;
}

const emptyCustomer = (): CustomerRecord => ({ orderBlock: '', salesAreas: [], companyCodes: [] });

function touch(bp: BusinessPartnerRecord): void {
  bp.version += 1;
  bp.changedAt = new Date().toISOString();
}

function lengthProblems(values: Record<string, string>, limit: number | ((key: string) => number)): ErrorDetail[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const max = typeof limit === 'number' ? limit : limit(key);
    return value.length > max ? [detail('R11/110', `Entry in field ${key} is longer than ${max} characters`, key)] : [];
  });
}

function detail(code: string, message: string, property?: string): ErrorDetail {
  return { code, message, target: property ?? '' };
}
