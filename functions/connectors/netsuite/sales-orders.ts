// Sales order creation that is safe to repeat: the order carries the CRM record id as its
// external id, and any refusal is first checked against an order already holding that id, so
// a retry or redrive after a lost answer finds the first order instead of making a second.
import type { SalesOrderV1 } from '../../domain/canonical/sales-order';
import { BusinessException } from '../../domain/errors';
import { NetSuiteApiError, type NetSuiteClient } from './client';

export interface ErpOrder {
  erpOrderId: string;
  orderNumber: string;
  status: string;
}

interface SalesOrderRecord {
  id: string;
  tranId: string;
  status?: { refName?: string };
}

export function toNetSuiteSalesOrder(order: SalesOrderV1, customerId: string, itemIds: Map<string, string>) {
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

export async function createSalesOrder(
  client: NetSuiteClient,
  order: SalesOrderV1,
  customerId: string,
  itemIds: Map<string, string>,
): Promise<ErpOrder> {
  let orderId: string | undefined;
  try {
    orderId = (await client.record('POST', '/salesOrder', toNetSuiteSalesOrder(order, customerId, itemIds))).createdId;
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

async function findByExternalId(client: NetSuiteClient, externalId: string): Promise<ErpOrder | undefined> {
  try {
    return await read(client, `/salesOrder/eid:${externalId}`);
  } catch (error) {
    if (error instanceof NetSuiteApiError && error.status === 404) return undefined;
    throw error;
  }
}

async function read(client: NetSuiteClient, path: string): Promise<ErpOrder> {
  const record = (await client.record('GET', path)).body as SalesOrderRecord;
  return { erpOrderId: record.id, orderNumber: record.tranId, status: record.status?.refName ?? 'Unknown' };
}

/** Translates NetSuite's refusal into the business exception a person can act on. */
function rejection(error: NetSuiteApiError, order: SalesOrderV1, itemIds: Map<string, string>): BusinessException {
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
    `NetSuite refused the sales order for opportunity ${order.externalId}: ${error.reasons}`,
    { cause: error },
  );
}
