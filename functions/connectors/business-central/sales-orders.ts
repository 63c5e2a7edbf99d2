// Sales orders made once per CRM record: Business Central takes a second order with the same
// External Document No., so the adapter looks for one before creating, and again after any
// refusal or lost answer, and returns the first order instead of making another.
import * as z from 'zod';
import { BusinessException, UnavailableError } from '../../domain/errors';
import { parseBody } from '../../platform/http';
import type { ErpOrder, ErpOrderDetail, SalesOrderRequest } from '../../ports/erp';
import type { BusinessCentralClient } from './client';
import { isGuid } from './credentials';
import { BusinessCentralApiError, SYSTEM_TITLE } from './errors';
import { findItem, type ItemRecord } from './items';
import { collectionOf, filterEq } from './odata';
import { checkOrder, concernsItem, fromCurrencyCode, orderRejection, toSalesOrder } from './order-mapping';
import type { BusinessCentralSettings } from './settings';

const salesOrderHeader = z.object({
  id: z.string().min(1),
  number: z.string().min(1),
  status: z.string(),
});

const salesOrderLine = z.object({
  lineType: z.string(),
  itemId: z.string().default(''),
  lineObjectNumber: z.string().default(''),
  description: z.string().default(''),
  quantity: z.number(),
  unitPrice: z.number(),
  amountExcludingTax: z.number().optional(),
  netAmount: z.number().optional(),
});

const salesOrderDetail = salesOrderHeader.extend({
  externalDocumentNumber: z.string(),
  customerNumber: z.string(),
  orderDate: z.iso.date(),
  currencyCode: z.string(),
  totalAmountExcludingTax: z.number(),
  salesOrderLines: z.array(salesOrderLine),
});

export async function findByCrmReference(
  client: BusinessCentralClient,
  crmReference: string,
): Promise<ErpOrder | undefined> {
  const page = await client.read(
    `/salesOrders?${filterEq('externalDocumentNumber', crmReference)}&$top=1`,
    collectionOf(salesOrderHeader),
  );
  return page.value[0] && toErpOrder(page.value[0]);
}

export async function createSalesOrder(
  client: BusinessCentralClient,
  request: SalesOrderRequest,
  settings: BusinessCentralSettings,
): Promise<ErpOrder> {
  checkOrder(request.order, request.itemIds);
  const reference = request.order.externalId;
  const existing = await findByCrmReference(client, reference);
  if (existing) return existing;
  let response: Awaited<ReturnType<BusinessCentralClient['request']>>;
  try {
    response = await client.request({ method: 'POST', path: '/salesOrders', body: toSalesOrder(request, settings) });
  } catch (error) {
    if (error instanceof BusinessCentralApiError || error instanceof UnavailableError) {
      // A lost answer may hide a create that went through; a refusal may follow one made earlier.
      const made = await findByCrmReference(client, reference).catch(() => undefined);
      if (made) return made;
    }
    if (error instanceof BusinessCentralApiError) throw orderRejection(error, request, await namedItem(client, error));
    throw error;
  }
  return toErpOrder(parseBody(response, salesOrderHeader, SYSTEM_TITLE, 'POST /salesOrders'));
}

export async function readSalesOrderDetail(
  client: BusinessCentralClient,
  orderId: string,
  settings: BusinessCentralSettings,
): Promise<ErpOrderDetail> {
  const missing = () => new BusinessException('ERP_ORDER_REJECTED', `${SYSTEM_TITLE} has no sales order ${orderId}.`);
  if (!isGuid(orderId)) throw missing();
  let order: z.infer<typeof salesOrderDetail>;
  try {
    order = await client.read(`/salesOrders(${orderId})?$expand=salesOrderLines`, salesOrderDetail);
  } catch (error) {
    if (error instanceof BusinessCentralApiError && error.status === 404) throw missing();
    throw error;
  }
  return {
    ...toErpOrder(order),
    crmReference: order.externalDocumentNumber,
    customerNumber: order.customerNumber,
    orderDate: order.orderDate,
    currency: fromCurrencyCode(order.currencyCode, settings),
    total: order.totalAmountExcludingTax,
    lines: order.salesOrderLines
      .filter((line) => line.lineType === 'Item')
      .map((line) => ({
        itemId: line.itemId || line.lineObjectNumber,
        // Business Central copies the item's description from the item card onto the line.
        itemName: line.description || line.lineObjectNumber,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        amount: line.amountExcludingTax ?? line.netAmount ?? round2(line.quantity * line.unitPrice),
      })),
  };
}

/**
 * The item a refusal names by its No. ("in Item: No.=1896-S", "No.='1896-S'"), read so the line
 * can be found by the item id the mapping holds; undefined when there is none or the read fails.
 */
async function namedItem(
  client: BusinessCentralClient,
  error: BusinessCentralApiError,
): Promise<ItemRecord | undefined> {
  if (!concernsItem(error)) return undefined;
  const number = /No\.\s*=\s*'?([^'\s,.]+(?:\.[^'\s,.]+)*)'?/.exec(error.reason)?.[1];
  return number ? findItem(client, number).catch(() => undefined) : undefined;
}

function toErpOrder(header: z.infer<typeof salesOrderHeader>): ErpOrder {
  return { erpOrderId: header.id, orderNumber: header.number, status: header.status };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
