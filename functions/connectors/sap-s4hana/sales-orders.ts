// Sales orders made once per CRM record: SAP takes a second order with the same customer
// reference, so the adapter looks for one before creating, and again after any refusal or
// lost answer, and returns the first order instead of making another.
import * as z from 'zod';
import { BusinessException, UnavailableError } from '../../domain/errors';
import { parseBody } from '../../platform/http';
import type { ErpOrder, ErpOrderDetail, SalesOrderRequest } from '../../ports/erp';
import type { SapClient } from './client';
import { orderBlock } from './customers';
import { SapApiError, SYSTEM_TITLE } from './errors';
import { byKey, collection, decimal, edmDate, entity, expanded, literal, resource } from './odata';
import { checkOrder, concernsSoldToParty, itemRejection, refusedItem, toSalesOrder } from './order-mapping';
import type { SapSettings } from './settings';

const SERVICE = 'API_SALES_ORDER_SRV';

/** OverallSDProcessStatus in the words SAP's apps show. */
const PROCESS_STATUS: Record<string, string> = { '': 'Open', A: 'Open', B: 'In Process', C: 'Completed' };

const salesOrderHeader = z.object({
  SalesOrder: z.string().min(1),
  OverallSDProcessStatus: z.string().default(''),
  TotalCreditCheckStatus: z.string().default(''),
});

const salesOrderDetail = salesOrderHeader.extend({
  SoldToParty: z.string(),
  PurchaseOrderByCustomer: z.string(),
  SalesOrderDate: edmDate,
  TransactionCurrency: z.string(),
  TotalNetAmount: decimal,
  to_Item: expanded(
    z.object({
      SalesOrderItem: z.string(),
      Material: z.string(),
      SalesOrderItemText: z.string().default(''),
      RequestedQuantity: decimal,
      NetAmount: decimal,
      NetPriceAmount: decimal,
      NetPriceQuantity: decimal.default(1),
    }),
  ),
});

export async function findByCrmReference(client: SapClient, crmReference: string): Promise<ErpOrder | undefined> {
  const [first] = await client.get(
    SERVICE,
    resource('A_SalesOrder', {
      $filter: `PurchaseOrderByCustomer eq ${literal(crmReference)}`,
      $orderby: 'SalesOrder asc',
      $top: 1,
    }),
    collection(salesOrderHeader),
  );
  return first ? toErpOrder(first) : undefined;
}

export async function createSalesOrder(
  client: SapClient,
  request: SalesOrderRequest,
  settings: SapSettings,
): Promise<ErpOrder> {
  const { order, customer, itemIds } = request;
  checkOrder(order, itemIds);
  const existing = await findByCrmReference(client, order.externalId);
  if (existing) return existing;
  let response: Awaited<ReturnType<SapClient['write']>>;
  try {
    response = await client.write(
      'POST',
      SERVICE,
      'A_SalesOrder',
      toSalesOrder(order, customer.erpCustomerId, itemIds, settings),
    );
  } catch (error) {
    if (error instanceof SapApiError || error instanceof UnavailableError) {
      // A refusal may follow a create that went through earlier; a lost answer may hide one.
      const made = await findByCrmReference(client, order.externalId).catch(() => undefined);
      if (made) return made;
    }
    if (!(error instanceof SapApiError)) throw error;
    throw await rejection(client, error, request);
  }
  return toErpOrder(
    parseBody(response, z.object({ d: salesOrderHeader }), SYSTEM_TITLE, `POST ${SERVICE}/A_SalesOrder`).d,
  );
}

export async function readSalesOrderDetail(client: SapClient, orderId: string): Promise<ErpOrderDetail> {
  const order = await client.find(
    SERVICE,
    resource(`A_SalesOrder${byKey(orderId)}`, { $expand: 'to_Item' }),
    entity(salesOrderDetail),
  );
  if (!order) throw new BusinessException('ERP_ORDER_REJECTED', `${SYSTEM_TITLE} has no sales order ${orderId}.`);
  return {
    ...toErpOrder(order),
    crmReference: order.PurchaseOrderByCustomer,
    customerNumber: order.SoldToParty,
    orderDate: order.SalesOrderDate,
    currency: order.TransactionCurrency,
    total: order.TotalNetAmount,
    lines: order.to_Item.map((item) => ({
      itemId: item.Material,
      // SAP copies the material's description from the product master onto the item.
      itemName: item.SalesOrderItemText || item.Material,
      quantity: item.RequestedQuantity,
      unitPrice: item.NetPriceAmount / (item.NetPriceQuantity || 1),
      amount: item.NetAmount,
    })),
  };
}

function toErpOrder(header: z.infer<typeof salesOrderHeader>): ErpOrder {
  const status = PROCESS_STATUS[header.OverallSDProcessStatus] ?? header.OverallSDProcessStatus;
  return {
    erpOrderId: header.SalesOrder,
    orderNumber: header.SalesOrder,
    status: header.TotalCreditCheckStatus === 'B' ? `${status} (credit block)` : status,
  };
}

/** SAP's refusal as the exception a person can act on: the item, the customer's block, or the order. */
async function rejection(
  client: SapClient,
  error: SapApiError,
  request: SalesOrderRequest,
): Promise<BusinessException> {
  const { order, customer, itemIds } = request;
  const item = refusedItem(error);
  if (item) return itemRejection(error, order, itemIds, item);
  if (concernsSoldToParty(error)) {
    // Block reasons and their texts are customizing; whether the partner is blocked is data.
    const block = await orderBlock(client, customer.erpCustomerId).catch(() => undefined);
    if (block) {
      return new BusinessException(
        'CUSTOMER_ON_CREDIT_HOLD',
        `${SYSTEM_TITLE} refused the order for CRM record ${order.externalId}: customer ${customer.customerNumber} is blocked for sales orders (${block}); SAP says: ${error.reasons}`,
        { cause: error },
      );
    }
  }
  return new BusinessException(
    'ERP_ORDER_REJECTED',
    `${SYSTEM_TITLE} refused the sales order for CRM record ${order.externalId}: ${error.reasons}`,
    { cause: error },
  );
}
