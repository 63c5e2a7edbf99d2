// The API v2.0 entities the hub uses, below /v2.0/{tenant}/{environment}/api/v2.0/companies({id}):
// customers, items and salesOrders (with salesOrderLines), OData v4 JSON with @odata.etag.
import { json, type SandboxRequest, type SandboxResponse } from '../http';
import { bcError, invalidBody, notFound } from './errors';
import type { CustomerRecord, ItemRecord, SalesOrderLineRecord, SalesOrderRecord, Store } from './store';

export interface ApiContext {
  store: Store;
  /** Someone else saves the customer just before this PATCH. */
  takeConflict: () => boolean;
  tenantId: string;
  environment: string;
  companyId: string;
  baseUrl: () => string;
}

const PATH = /^\/v2\.0\/([^/]+)\/([^/]+)\/api\/v2\.0\/companies(?:\(([^)]*)\)(?:\/([A-Za-z]+)(?:\(([^)]*)\))?)?)?$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const CUSTOMER_FIELDS: Record<string, number> = {
  displayName: 100,
  type: 20,
  addressLine1: 100,
  city: 30,
  postalCode: 20,
  country: 10,
  phoneNumber: 30,
  email: 80,
  website: 80,
  currencyCode: 10,
};

export function handleApi(ctx: ApiContext, req: SandboxRequest): SandboxResponse {
  const match = PATH.exec(req.path);
  if (!match) return bcError(404, 'BadRequest_NotFound', `No HTTP resource was found that matches the request URI.`);
  const [, tenant, environment, companyId, entitySet, key] = match;
  if (tenant.toLowerCase() !== ctx.tenantId) {
    return bcError(401, 'Authentication_InvalidCredentials', 'The server has rejected the client credentials.');
  }
  if (environment !== ctx.environment) {
    return bcError(404, 'NoEnvironment', `Environment '${environment}' does not exist for tenant ${tenant}.`);
  }
  const context = `${ctx.baseUrl()}/v2.0/${tenant}/${environment}/api/v2.0/$metadata`;
  if (companyId === undefined) {
    if (req.method !== 'GET') return bcError(405, 'BadRequest_MethodNotAllowed', "'companies' is read only.");
    return json(200, {
      '@odata.context': `${context}#companies`,
      value: [{ id: ctx.companyId, name: 'CRONUS USA, Inc.', displayName: 'CRONUS USA, Inc.' }],
    });
  }
  if (companyId.toLowerCase() !== ctx.companyId) {
    return bcError(
      404,
      'Internal_CompanyNotFound',
      `Cannot process the request because the company '${companyId}' cannot be found.`,
    );
  }
  let body: unknown;
  if (req.method === 'POST' || req.method === 'PATCH') {
    try {
      body = JSON.parse(req.body);
    } catch {
      return invalidBody();
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return invalidBody();
  }
  const fields = body as Record<string, unknown>;
  const filter = req.query.get('$filter');
  switch (`${req.method} ${entitySet ?? ''}${key === undefined ? '' : '()'}`) {
    case 'GET customers':
      return collection(ctx, 'customers', ctx.store.state.customers, filter, req, customerView);
    case 'GET customers()':
      return byKey(ctx.store.customer(key ?? ''), 'customer', key, (c) => json(200, customerView(c)));
    case 'POST customers':
      return createCustomer(ctx, fields);
    case 'PATCH customers()':
      return updateCustomer(ctx, key ?? '', fields, req.headers['if-match']);
    case 'GET items':
      return collection(ctx, 'items', ctx.store.state.items, filter, req, itemView);
    case 'GET items()':
      return byKey(ctx.store.item(key ?? ''), 'item', key, (i) => json(200, itemView(i)));
    case 'GET salesOrders':
      return collection(ctx, 'salesOrders', ctx.store.state.salesOrders, filter, req, (o) =>
        orderView(o, expandsLines(req)),
      );
    case 'GET salesOrders()':
      return byKey(ctx.store.salesOrder(key ?? ''), 'salesOrder', key, (o) =>
        json(200, orderView(o, expandsLines(req))),
      );
    case 'POST salesOrders':
      return createSalesOrder(ctx, fields);
    default:
      return bcError(
        entitySet && ['customers', 'items', 'salesOrders'].includes(entitySet) ? 405 : 404,
        'BadRequest_NotFound',
        `The sandbox does not serve ${req.method} ${entitySet ?? ''}.`,
      );
  }
}

function byKey<T>(
  record: T | undefined,
  what: string,
  key: string | undefined,
  answer: (record: T) => SandboxResponse,
) {
  if (!key || !GUID.test(key)) return bcError(400, 'BadRequest_InvalidToken', `'${key}' is not a valid GUID.`);
  return record ? answer(record) : notFound(what);
}

function collection<T extends object>(
  ctx: ApiContext,
  name: string,
  records: T[],
  filter: string | null,
  req: SandboxRequest,
  view: (record: T) => object,
): SandboxResponse {
  let selected = records;
  if (filter !== null) {
    const parsed = /^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(filter);
    if (!parsed) return bcError(400, 'BadRequest', `The $filter '${filter}' is not supported by the sandbox.`);
    const [, field, literal] = parsed;
    const value = literal.replace(/''/g, "'");
    if (!records.some((r) => field in r) && records.length > 0) {
      return bcError(400, 'BadRequest_PropertyNotFound', `Could not find a property named '${field}'.`);
    }
    // Code fields compare without case, as Business Central upper-cases them.
    selected = records.filter(
      (r) => String((r as Record<string, unknown>)[field]).toUpperCase() === value.toUpperCase(),
    );
  }
  const top = req.query.get('$top');
  if (top !== null) {
    if (!/^\d+$/.test(top)) return bcError(400, 'BadRequest', `Invalid $top '${top}'.`);
    selected = selected.slice(0, Number(top));
  }
  return json(200, {
    '@odata.context': `${ctx.baseUrl()}/api/v2.0/$metadata#companies(${ctx.companyId})/${name}`,
    value: selected.map(view),
  });
}

const etag = (id: string, version: number) => `W/"JzE5OzE${Buffer.from(`${id}:${version}`).toString('base64url')}Oyc="`;

function customerView(c: CustomerRecord) {
  const { version, ...fields } = c;
  return { '@odata.etag': etag(c.id, version), ...fields };
}

function itemView(i: ItemRecord) {
  return { '@odata.etag': etag(i.id, i.blocked ? 2 : 1), ...i };
}

function orderView(o: SalesOrderRecord, withLines: boolean) {
  const { salesOrderLines, ...header } = o;
  return {
    '@odata.etag': etag(o.id, 1),
    ...header,
    ...(withLines ? { salesOrderLines: salesOrderLines.map((l) => ({ '@odata.etag': etag(l.id, 1), ...l })) } : {}),
  };
}

function expandsLines(req: SandboxRequest): boolean {
  return (req.query.get('$expand') ?? '').split(',').includes('salesOrderLines');
}

/** Text fields as the table holds them; undefined when one is too long or not text. */
function textFields(fields: Record<string, unknown>): { values: Partial<CustomerRecord> } | { problem: string } {
  const values: Record<string, string> = {};
  for (const [field, value] of Object.entries(fields)) {
    if (field === 'number' || field === 'blocked' || field.startsWith('@odata')) continue;
    const limit = CUSTOMER_FIELDS[field];
    if (limit === undefined) return { problem: `The property '${field}' does not exist on type 'customer'.` };
    if (typeof value !== 'string')
      return { problem: `Cannot convert a primitive value to the expected type 'Edm.String' for '${field}'.` };
    if (value.length > limit) {
      return {
        problem: `The length of the string is ${value.length}, but it must be less than or equal to ${limit} characters. Value: ${value}`,
      };
    }
    values[field] = value;
  }
  return { values: values as Partial<CustomerRecord> };
}

function createCustomer(ctx: ApiContext, fields: Record<string, unknown>): SandboxResponse {
  const number = typeof fields.number === 'string' ? fields.number.toUpperCase() : '';
  if (number.length === 0 || number.length > 20) {
    return bcError(
      400,
      'BadRequest',
      `The length of the string is ${number.length}, but it must be less than or equal to 20 characters. Value: ${number}`,
    );
  }
  const parsed = textFields(fields);
  if ('problem' in parsed) return bcError(400, 'BadRequest', parsed.problem);
  if (ctx.store.customerByNumber(number)) {
    return bcError(
      400,
      'Internal_EntityWithSameKeyExists',
      `The record already exists. Identification fields and values: No.='${number}'`,
    );
  }
  const record: CustomerRecord = {
    id: ctx.store.newId(),
    number,
    displayName: '',
    type: 'Company',
    addressLine1: '',
    city: '',
    postalCode: '',
    country: '',
    phoneNumber: '',
    email: '',
    website: '',
    currencyCode: '',
    blocked: ' ',
    ...parsed.values,
    version: 1,
    lastModifiedDateTime: new Date().toISOString(),
  };
  ctx.store.state.customers.push(record);
  ctx.store.changed();
  return json(201, customerView(record));
}

function updateCustomer(
  ctx: ApiContext,
  id: string,
  fields: Record<string, unknown>,
  ifMatch: string | string[] | undefined,
): SandboxResponse {
  const record = ctx.store.customer(id);
  if (!record) return notFound('customer');
  if (ctx.takeConflict()) {
    record.version += 1;
    record.lastModifiedDateTime = new Date().toISOString();
  }
  if (typeof ifMatch !== 'string' || ifMatch.length === 0) {
    return bcError(
      428,
      'Request_IfMatchHeaderMissing',
      'Could not process the request because the If-Match header is missing.',
    );
  }
  if (ifMatch !== '*' && ifMatch !== etag(record.id, record.version)) {
    return bcError(
      412,
      'Request_EntityChanged',
      'Could not save the changes because the record was changed by another user. Refresh the page and try again.',
    );
  }
  if ('number' in fields && String(fields.number).toUpperCase() !== record.number) {
    return bcError(400, 'BadRequest', 'The customer number cannot be changed through the hub sandbox.');
  }
  const parsed = textFields(fields);
  if ('problem' in parsed) return bcError(400, 'BadRequest', parsed.problem);
  Object.assign(record, parsed.values, { version: record.version + 1, lastModifiedDateTime: new Date().toISOString() });
  ctx.store.changed();
  return json(200, customerView(record));
}

function createSalesOrder(ctx: ApiContext, fields: Record<string, unknown>): SandboxResponse {
  const number = typeof fields.customerNumber === 'string' ? fields.customerNumber : '';
  const customer = ctx.store.customerByNumber(number);
  if (!customer) {
    return bcError(
      400,
      'Internal_RecordNotFound',
      `The Customer does not exist. Identification fields and values: No.='${number}'`,
    );
  }
  if (customer.blocked === 'Ship' || customer.blocked === 'All') {
    return bcError(
      400,
      'Application_DialogException',
      `You cannot create this type of document when Customer ${customer.number} is blocked with type ${customer.blocked}`,
    );
  }
  const reference = fields.externalDocumentNumber ?? '';
  if (typeof reference !== 'string' || reference.length > 35) {
    return bcError(400, 'BadRequest', 'externalDocumentNumber must be text of at most 35 characters.');
  }
  const orderDate = fields.orderDate ?? new Date().toISOString().slice(0, 10);
  if (typeof orderDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(orderDate)) {
    return bcError(
      400,
      'BadRequest',
      `Cannot convert the literal '${String(orderDate)}' to the expected type 'Edm.Date'.`,
    );
  }
  const currencyCode = fields.currencyCode ?? '';
  if (typeof currencyCode !== 'string' || !/^([A-Z]{3})?$/.test(currencyCode)) {
    return bcError(
      400,
      'Internal_RecordNotFound',
      `The Currency does not exist. Identification fields and values: Code='${String(currencyCode)}'`,
    );
  }
  const rawLines = fields.salesOrderLines ?? [];
  if (!Array.isArray(rawLines)) return invalidBody();
  const lines: SalesOrderLineRecord[] = [];
  for (const [index, raw] of rawLines.entries()) {
    const line = lineFrom(ctx, raw, index);
    if ('status' in line) return line;
    lines.push(line);
  }
  const order: SalesOrderRecord = {
    id: ctx.store.newId(),
    number: ctx.store.nextOrderNumber(),
    externalDocumentNumber: reference,
    orderDate,
    customerId: customer.id,
    customerNumber: customer.number,
    customerName: customer.displayName,
    currencyCode,
    status: 'Draft',
    totalAmountExcludingTax: round2(lines.reduce((sum, line) => sum + line.amountExcludingTax, 0)),
    lastModifiedDateTime: new Date().toISOString(),
    salesOrderLines: lines,
  };
  ctx.store.state.salesOrders.push(order);
  ctx.store.changed();
  return json(201, orderView(order, false));
}

function lineFrom(ctx: ApiContext, raw: unknown, index: number): SalesOrderLineRecord | SandboxResponse {
  if (typeof raw !== 'object' || raw === null) return invalidBody();
  const line = raw as Record<string, unknown>;
  if ((line.lineType ?? 'Item') !== 'Item') {
    return bcError(400, 'BadRequest', `The sandbox only takes lines of lineType Item, not '${String(line.lineType)}'.`);
  }
  const item =
    typeof line.itemId === 'string'
      ? ctx.store.item(line.itemId)
      : typeof line.lineObjectNumber === 'string'
        ? ctx.store.itemByNumber(line.lineObjectNumber)
        : undefined;
  if (!item) {
    const which = String(line.itemId ?? line.lineObjectNumber ?? '');
    return bcError(
      400,
      'Internal_RecordNotFound',
      `The Item does not exist. Identification fields and values: No.='${which}'`,
    );
  }
  if (item.blocked) {
    return bcError(
      400,
      'Application_DialogException',
      `Blocked must be equal to 'No' in Item: No.=${item.number}. Current value is 'Yes'.`,
    );
  }
  const quantity = line.quantity ?? 0;
  const unitPrice = line.unitPrice ?? item.unitPrice;
  if (typeof quantity !== 'number' || !(quantity > 0) || typeof unitPrice !== 'number' || unitPrice < 0) {
    return bcError(400, 'BadRequest', 'quantity must be a number above zero and unitPrice a number of at least zero.');
  }
  return {
    id: ctx.store.newId(),
    sequence: (index + 1) * 10000,
    lineType: 'Item',
    itemId: item.id,
    lineObjectNumber: item.number,
    description: item.displayName,
    quantity,
    unitPrice,
    amountExcludingTax: round2(quantity * unitPrice),
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
