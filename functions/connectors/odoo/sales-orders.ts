// Sales orders are sale.order records with client_order_ref = the CRM record id. Odoo accepts the
// same reference twice, so every create is preceded by a search for it: a retry after a lost
// answer finds the first order instead of making a second.
import * as z from 'zod';
import type { SalesOrderV1 } from '../../domain/canonical/sales-order';
import { BusinessException } from '../../domain/errors';
import type { ErpOrder, ErpOrderDetail, SalesOrderRequest } from '../../ports/erp';
import { many2one, type OdooClient, orFalse } from './client';
import type { OdooSettings } from './credentials';
import { assertNotBlocked, readPartner } from './customers';
import { readProducts } from './items';
import { OdooFault } from './transport';

const orderHeader = z.object({ id: z.number().int(), name: z.string(), state: z.string() });
const HEADER_FIELDS = ['id', 'name', 'state'];

const orderDetail = orderHeader.extend({
  client_order_ref: orFalse(z.string()),
  partner_id: many2one,
  date_order: z.string(),
  currency_id: many2one,
  amount_untaxed: z.number(),
  order_line: z.array(z.number().int()),
});

const orderLine = z.object({
  id: z.number().int(),
  product_id: many2one,
  product_uom_qty: z.number(),
  price_unit: z.number(),
  price_subtotal: z.number(),
});

export function toOdooSalesOrder(
  order: SalesOrderV1,
  partnerId: number,
  currencyId: number,
  itemIds: ReadonlyMap<string, string>,
  settings: OdooSettings,
) {
  return {
    partner_id: partnerId,
    client_order_ref: order.externalId,
    date_order: `${order.orderDate} 00:00:00`,
    currency_id: currencyId,
    ...(settings.salesTeamId ? { team_id: settings.salesTeamId } : {}),
    // (0, 0, vals): create the line with the order.
    order_line: order.lines.map((line) => [
      0,
      0,
      {
        product_id: Number(itemIds.get(line.sku)),
        name: line.description || line.sku,
        product_uom_qty: line.quantity,
        price_unit: line.unitPrice,
      },
    ]),
  };
}

export async function findByCrmReference(client: OdooClient, reference: string): Promise<ErpOrder | undefined> {
  const [order] = await client.searchRead(
    'sale.order',
    [['client_order_ref', '=', reference]],
    HEADER_FIELDS,
    orderHeader,
    1,
  );
  return order && toErpOrder(order);
}

export async function createSalesOrder(
  client: OdooClient,
  request: SalesOrderRequest,
  settings: OdooSettings,
): Promise<ErpOrder> {
  const { order, customer, itemIds } = request;
  const existing = await findByCrmReference(client, order.externalId);
  if (existing) return existing;
  const partnerId = Number(customer.erpCustomerId);
  const partner = await readPartner(client, partnerId);
  if (partner) assertNotBlocked(partner);
  const currencyId = await currencyIdOf(client, order);
  let orderId: number;
  try {
    orderId = await client.create('sale.order', toOdooSalesOrder(order, partnerId, currencyId, itemIds, settings));
  } catch (error) {
    if (!(error instanceof OdooFault)) throw error;
    throw await rejection(client, error, order, itemIds);
  }
  const [created] = await client.read('sale.order', [orderId], HEADER_FIELDS, orderHeader);
  if (!created)
    throw new BusinessException('ERP_ORDER_REJECTED', `Odoo created sale.order ${orderId} but cannot read it.`);
  return toErpOrder(created);
}

export async function readSalesOrderDetail(client: OdooClient, orderId: string): Promise<ErpOrderDetail> {
  const fields = [...HEADER_FIELDS, 'client_order_ref', 'partner_id', 'date_order', 'currency_id', 'amount_untaxed'];
  const [order] = /^\d{1,15}$/.test(orderId)
    ? await client
        .read('sale.order', [Number(orderId)], [...fields, 'order_line'], orderDetail)
        .catch((error: unknown) => {
          if (error instanceof OdooFault && error.is('MissingError')) return [];
          throw error;
        })
    : [];
  if (!order) throw new BusinessException('ERP_ORDER_REJECTED', `Odoo has no sales order with id ${orderId}.`);
  const lines = await client.read(
    'sale.order.line',
    order.order_line,
    ['id', 'product_id', 'product_uom_qty', 'price_unit', 'price_subtotal'],
    orderLine,
  );
  // The line's product display name carries the internal reference; the item master has the name.
  const productIds = [...new Set(lines.flatMap((line) => (line.product_id ? [line.product_id[0]] : [])))];
  const names = new Map((await readProducts(client, productIds)).map((product) => [product.id, product.name]));
  return {
    ...toErpOrder(order),
    crmReference: order.client_order_ref || '',
    customerNumber: order.partner_id ? String(order.partner_id[0]) : '',
    orderDate: order.date_order.slice(0, 10),
    currency: order.currency_id ? order.currency_id[1] : '',
    total: order.amount_untaxed,
    lines: lines.map((line) => ({
      itemId: line.product_id ? String(line.product_id[0]) : '',
      itemName: line.product_id ? (names.get(line.product_id[0]) ?? line.product_id[1]) : '',
      quantity: line.product_uom_qty,
      unitPrice: line.price_unit,
      amount: line.price_subtotal,
    })),
  };
}

function toErpOrder(order: z.infer<typeof orderHeader>): ErpOrder {
  return { erpOrderId: String(order.id), orderNumber: order.name, status: order.state };
}

async function currencyIdOf(client: OdooClient, order: SalesOrderV1): Promise<number> {
  const currencyId = await client.referenceId('res.currency', 'name', order.currency);
  if (currencyId === undefined) {
    throw new BusinessException(
      'ERP_ORDER_REJECTED',
      `Odoo has no active currency ${order.currency} for CRM record ${order.externalId}; activate it in Accounting > Settings > Currencies.`,
    );
  }
  return currencyId;
}

/** Odoo's refusal in business terms; an item refusal names the product, item and line. */
async function rejection(
  client: OdooClient,
  fault: OdooFault,
  order: SalesOrderV1,
  itemIds: ReadonlyMap<string, string>,
): Promise<BusinessException> {
  if (fault.is('ValidationError')) {
    const products = await readProducts(client, [...new Set([...itemIds.values()].map(Number))]);
    const unsellable = new Set(products.filter((p) => !p.sale_ok || !p.active).map((p) => String(p.id)));
    const line = order.lines.find((l) => unsellable.has(itemIds.get(l.sku) ?? ''));
    if (line) {
      return new BusinessException(
        'ERP_ITEM_REJECTED',
        `Odoo refused product ${line.sku} (Odoo item ${itemIds.get(line.sku)}, line ${line.lineNumber}): ${fault.odooMessage}`,
        { cause: fault },
      );
    }
  }
  if (fault.is('UserError') && /block/i.test(fault.odooMessage)) {
    return new BusinessException('CUSTOMER_ON_CREDIT_HOLD', `Odoo refused the order: ${fault.odooMessage}`, {
      cause: fault,
    });
  }
  return new BusinessException(
    'ERP_ORDER_REJECTED',
    `Odoo refused the sales order for CRM record ${order.externalId}: ${fault.odooMessage}`,
    { cause: fault },
  );
}
