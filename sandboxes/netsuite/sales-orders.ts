// Sales orders: creation with NetSuite's validations (customer, lines, items, credit hold,
// duplicate external id) and reads with the item sublist linked or expanded.
import { noContent, type SandboxRequest, type SandboxResponse } from '../http';
import { duplicateRecord, readCurrency, unbilledOrders } from './customers';
import { collection, invalidFieldValue, nonexistentId, RequestRejected, resource, userError } from './errors';
import {
  CURRENCIES,
  type CustomerRecord,
  type SalesOrderLine,
  type SalesOrderRecord,
  STATUS_PENDING_FULFILLMENT,
} from './model';
import {
  idempotencyConflict,
  idempotencyKey,
  isValidExternalId,
  type JsonObject,
  parseBody,
  parseRecordRef,
  type RecordContext,
  readNumber,
  readRefId,
  readString,
  recordUrl,
  rememberIdempotencyKey,
  roundMoney,
  selfLinks,
} from './request';

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function createSalesOrder(ctx: RecordContext, req: SandboxRequest): SandboxResponse {
  const body = parseBody(req);
  const key = idempotencyKey(req);
  const conflict = idempotencyConflict(ctx, key);
  if (conflict) return conflict;

  const customer = readCustomer(ctx, body);
  const externalId = readExternalId(ctx, body);
  const tranDate = readTranDate(body);
  const currencyId = readCurrency(body, 'currency') ?? customer.currencyId;
  const lines = readLines(ctx, body);
  const total = roundMoney(lines.reduce((sum, line) => sum + line.amount, 0));
  assertCreditAvailable(ctx, customer, total);

  const now = new Date().toISOString();
  const { id, tranId } = ctx.store.nextSalesOrderIds();
  const order: SalesOrderRecord = {
    id,
    tranId,
    externalId,
    entityId: customer.id,
    tranDate,
    currencyId,
    otherRefNum: readString(body, 'otherRefNum'),
    memo: readString(body, 'memo'),
    lines,
    total,
    createdDate: now,
    lastModifiedDate: now,
  };
  ctx.store.state.salesOrders.push(order);
  const location = recordUrl(ctx, 'salesOrder', id);
  rememberIdempotencyKey(ctx, key, location);
  ctx.store.changed();
  return noContent({ location });
}

export function getSalesOrder(ctx: RecordContext, req: SandboxRequest): SandboxResponse {
  const order = ctx.store.findSalesOrder(parseRecordRef(req.params.id));
  if (!order) return nonexistentId();
  return resource(renderSalesOrder(ctx, order, req.query.get('expandSubResources') === 'true'));
}

/** GET /salesOrder/{id}/item: the item sublist on its own. */
export function getSalesOrderLines(ctx: RecordContext, req: SandboxRequest): SandboxResponse {
  const order = ctx.store.findSalesOrder(parseRecordRef(req.params.id));
  if (!order) return nonexistentId();
  return collection(renderLines(ctx, order));
}

export function renderSalesOrder(ctx: RecordContext, order: SalesOrderRecord, expand: boolean): JsonObject {
  const href = recordUrl(ctx, 'salesOrder', order.id);
  const customer = ctx.store.findCustomer({ kind: 'internal', value: order.entityId });
  return {
    links: selfLinks(href),
    id: order.id,
    tranId: order.tranId,
    externalId: order.externalId,
    entity: {
      links: selfLinks(recordUrl(ctx, 'customer', order.entityId)),
      id: order.entityId,
      refName: customer ? `${customer.entityId} ${customer.companyName}` : undefined,
    },
    tranDate: order.tranDate,
    status: STATUS_PENDING_FULFILLMENT,
    orderStatus: STATUS_PENDING_FULFILLMENT,
    currency: { links: [], id: order.currencyId, refName: CURRENCIES[order.currencyId] },
    otherRefNum: order.otherRefNum,
    memo: order.memo,
    subtotal: order.total,
    total: order.total,
    item: expand ? renderLines(ctx, order) : { links: selfLinks(`${href}/item`) },
    createdDate: order.createdDate,
    lastModifiedDate: order.lastModifiedDate,
  };
}

function renderLines(ctx: RecordContext, order: SalesOrderRecord): JsonObject {
  const href = recordUrl(ctx, 'salesOrder', order.id, 'item');
  return {
    links: selfLinks(href),
    items: order.lines.map((line) => {
      const item = ctx.store.findItem(line.itemId);
      return {
        links: selfLinks(`${href}/${line.line}`),
        line: line.line,
        item: {
          links: item ? selfLinks(recordUrl(ctx, item.type, item.id)) : [],
          id: line.itemId,
          refName: item?.itemId,
        },
        description: line.description,
        quantity: line.quantity,
        rate: line.rate,
        amount: line.amount,
      };
    }),
    totalResults: order.lines.length,
    count: order.lines.length,
    hasMore: false,
    offset: 0,
  };
}

function readCustomer(ctx: RecordContext, body: JsonObject): CustomerRecord {
  const entityId = readRefId(body, 'entity');
  if (entityId === undefined) throw new RequestRejected(userError('Please enter value(s) for: Customer', 'entity'));
  const customer = ctx.store.findCustomer({ kind: 'internal', value: entityId });
  if (!customer) throw new RequestRejected(invalidFieldValue(entityId, 'entity', 'entity'));
  return customer;
}

function readExternalId(ctx: RecordContext, body: JsonObject): string | undefined {
  const externalId = readString(body, 'externalId');
  if (externalId === undefined) return undefined;
  if (!isValidExternalId(externalId)) {
    throw new RequestRejected(invalidFieldValue(externalId, 'externalId', 'externalId'));
  }
  if (ctx.store.findSalesOrder({ kind: 'external', value: externalId })) throw new RequestRejected(duplicateRecord());
  return externalId;
}

/** NetSuite defaults the date to today; a malformed one is an invalid field value. */
function readTranDate(body: JsonObject): string {
  const tranDate = readString(body, 'tranDate');
  if (tranDate === undefined) return new Date().toISOString().slice(0, 10);
  if (!DATE_PATTERN.test(tranDate) || Number.isNaN(Date.parse(tranDate))) {
    throw new RequestRejected(invalidFieldValue(tranDate, 'tranDate', 'tranDate'));
  }
  return tranDate;
}

function readLines(ctx: RecordContext, body: JsonObject): SalesOrderLine[] {
  const sublist = body.item;
  const items =
    sublist && typeof sublist === 'object' && !Array.isArray(sublist) ? (sublist as JsonObject).items : undefined;
  if (items !== undefined && !Array.isArray(items)) {
    throw new RequestRejected(invalidFieldValue(JSON.stringify(sublist), 'item', 'item'));
  }
  if (!items || items.length === 0) {
    throw new RequestRejected(userError('You must enter at least one line item for this transaction.'));
  }
  return items.map((line, index) => readLine(ctx, line, index));
}

function readLine(ctx: RecordContext, raw: unknown, index: number): SalesOrderLine {
  const path = `item.items[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new RequestRejected(invalidFieldValue(JSON.stringify(raw), 'item', path));
  }
  const line = raw as JsonObject;
  const itemId = readRefId(line, 'item', `${path}.item`);
  if (itemId === undefined) throw new RequestRejected(userError('Please enter value(s) for: Item', `${path}.item`));
  const item = ctx.store.findItem(itemId);
  // NetSuite treats an inactive item like a missing one: it is not a valid value for the line.
  if (!item || item.isInactive) throw new RequestRejected(invalidFieldValue(itemId, 'item', `${path}.item`));
  const quantity = readNumber(line, 'quantity', `${path}.quantity`) ?? 1;
  if (quantity <= 0) throw new RequestRejected(invalidFieldValue(quantity, 'quantity', `${path}.quantity`));
  const rate = readNumber(line, 'rate', `${path}.rate`) ?? item.basePrice;
  return {
    line: index + 1,
    itemId,
    quantity,
    rate,
    amount: roundMoney(quantity * rate),
    description: readString(line, 'description', `${path}.description`) ?? item.displayName,
  };
}

/** Hold ON blocks every order; AUTO blocks once open orders would pass the credit limit. */
function assertCreditAvailable(ctx: RecordContext, customer: CustomerRecord, total: number): void {
  const overLimit =
    customer.creditHold === 'AUTO' &&
    customer.creditLimit !== undefined &&
    unbilledOrders(ctx, customer.id) + total > customer.creditLimit;
  if (customer.creditHold === 'ON' || overLimit) {
    throw new RequestRejected(userError('Customer is on credit hold.'));
  }
}
