// Sales order creation that is safe to repeat: the order carries the CRM record id as its
// external id, which NetSuite refuses twice, and any refusal is first checked against an order
// already holding that id, so a retry or redrive after a lost answer finds the first order.
import * as z from 'zod';
import type { SalesOrderV1 } from '../../domain/canonical/sales-order';
import { BusinessException } from '../../domain/errors';
import type { ErpOrder, ErpOrderDetail, SalesOrderRequest } from '../../ports/erp';
import { NetSuiteApiError, type NetSuiteClient } from './client';
import { getItem } from './items';

const reference = z.object({ id: z.string(), refName: z.string().optional() });

const salesOrderRecord = z.object({
  id: z.string().min(1),
  tranId: z.string().min(1),
  externalId: z.string().optional(),
  status: z.object({ refName: z.string().optional() }).optional(),
});

const salesOrderDetail = salesOrderRecord.extend({
  tranDate: z.string(),
  entity: reference,
  currency: reference.optional(),
  total: z.number(),
  item: z.object({
    items: z.array(z.object({ item: reference, quantity: z.number(), rate: z.number(), amount: z.number() })),
  }),
});

export function toNetSuiteSalesOrder(order: SalesOrderV1, customerId: string, itemIds: ReadonlyMap<string, string>) {
  return {
    externalId: order.externalId,
    entity: { id: customerId },
    tranDate: order.orderDate,
    otherRefNum: order.reference.slice(0, 45),
    memo: `${order.source.system} ${order.source.recordType} ${order.source.recordId}`,
    item: {
      items: order.lines.map((line) => ({
        item: { id: itemIds.get(line.sku) },
        quantity: line.quantity,
        rate: line.unitPrice,
        description: line.description,
      })),
    },
  };
}

export async function createSalesOrder(client: NetSuiteClient, request: SalesOrderRequest): Promise<ErpOrder> {
  const { order, customer, itemIds } = request;
  let orderId: string | undefined;
  try {
    const body = toNetSuiteSalesOrder(order, customer.erpCustomerId, itemIds);
    orderId = (await client.record('POST', '/salesOrder', body)).createdId;
  } catch (error) {
    if (!(error instanceof NetSuiteApiError)) throw error;
    const existing = await findByExternalId(client, order.externalId);
    if (existing) return existing;
    throw rejection(error, order, itemIds);
  }
  if (!orderId) {
    const existing = await findByExternalId(client, order.externalId);
    if (existing) return existing;
    throw new BusinessException('ERP_ORDER_REJECTED', 'NetSuite accepted the order but returned no record location.');
  }
  return read(client, `/salesOrder/${orderId}`);
}

export async function findByExternalId(client: NetSuiteClient, externalId: string): Promise<ErpOrder | undefined> {
  try {
    return await read(client, `/salesOrder/eid:${externalId}`);
  } catch (error) {
    if (error instanceof NetSuiteApiError && error.status === 404) return undefined;
    throw error;
  }
}

async function read(client: NetSuiteClient, path: string): Promise<ErpOrder> {
  const record = await client.read(path, salesOrderRecord);
  return { erpOrderId: record.id, orderNumber: record.tranId, status: record.status?.refName ?? 'Unknown' };
}

/**
 * The order with its lines. A line's item reference carries the item's number, not its name, so
 * each distinct item is read once for the name its item record shows (shadow comparisons only).
 */
export async function readSalesOrderDetail(client: NetSuiteClient, orderId: string): Promise<ErpOrderDetail> {
  const record = await client.read(`/salesOrder/${orderId}?expandSubResources=true`, salesOrderDetail);
  const itemIds = [...new Set(record.item.items.map((line) => line.item.id))];
  // One request at a time: the operation holds one concurrent request of the account's budget.
  const names = new Map<string, string | undefined>();
  for (const id of itemIds) names.set(id, (await getItem(client, id))?.name);
  return {
    erpOrderId: record.id,
    orderNumber: record.tranId,
    status: record.status?.refName ?? 'Unknown',
    crmReference: record.externalId ?? '',
    customerNumber: record.entity.refName?.split(' ')[0] ?? record.entity.id,
    orderDate: record.tranDate,
    currency: record.currency?.refName ?? '',
    total: record.total,
    lines: record.item.items.map((line) => ({
      itemId: line.item.id,
      itemName: names.get(line.item.id) ?? line.item.refName ?? line.item.id,
      quantity: line.quantity,
      unitPrice: line.rate,
      amount: line.amount,
    })),
  };
}

/** Translates NetSuite's refusal into the business exception a person can act on. */
function rejection(
  error: NetSuiteApiError,
  order: SalesOrderV1,
  itemIds: ReadonlyMap<string, string>,
): BusinessException {
  const itemDetail = error.details.find((d) => d['o:errorPath']?.startsWith('item'));
  if (itemDetail) {
    const index = Number(/items\[(\d+)\]/.exec(itemDetail['o:errorPath'] ?? '')?.[1]);
    const line = Number.isInteger(index) ? order.lines[index] : undefined;
    const which = line
      ? `product ${line.sku} (NetSuite item ${itemIds.get(line.sku)}, line ${line.lineNumber})`
      : 'an item';
    return new BusinessException('ERP_ITEM_REJECTED', `NetSuite refused ${which}: ${itemDetail.detail}`, {
      cause: error,
    });
  }
  if (/credit hold/i.test(error.reasons)) {
    return new BusinessException('CUSTOMER_ON_CREDIT_HOLD', `NetSuite refused the order: ${error.reasons}`, {
      cause: error,
    });
  }
  return new BusinessException(
    'ERP_ORDER_REJECTED',
    `NetSuite refused the sales order for CRM record ${order.externalId}: ${error.reasons}`,
    { cause: error },
  );
}
