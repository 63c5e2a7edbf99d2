// The canonical order as a Business Central sales order deep insert (header and lines in one
// POST), and Business Central's refusals of it as the exception a person can act on.
import type { SalesOrderV1 } from '../../domain/canonical/sales-order';
import { BusinessException } from '../../domain/errors';
import type { SalesOrderRequest } from '../../ports/erp';
import { isGuid } from './credentials';
import { type BusinessCentralApiError, SYSTEM_TITLE } from './errors';
import { ITEM_NUMBER_LIMIT } from './items';
import type { BusinessCentralSettings } from './settings';

/** External Document No. is Text[35]; it holds the CRM record id the hub looks orders up by. */
export const REFERENCE_LIMIT = 35;

/** What Business Central would refuse, said before calling it. */
export function checkOrder(order: SalesOrderV1, itemIds: ReadonlyMap<string, string>): void {
  if (order.externalId.length > REFERENCE_LIMIT) {
    throw new BusinessException(
      'ERP_ORDER_REJECTED',
      `CRM record ${order.externalId} is longer than the ${REFERENCE_LIMIT} characters of Business Central's External Document No.`,
    );
  }
  for (const line of order.lines) {
    const item = itemIds.get(line.sku) ?? '';
    if (!isGuid(item) && (item.length === 0 || item.length > ITEM_NUMBER_LIMIT)) {
      throw new BusinessException(
        'ERP_ITEM_REJECTED',
        `Product ${line.sku} (line ${line.lineNumber}) is mapped to '${item}', which is neither a Business Central item id nor an item No. (1 to ${ITEM_NUMBER_LIMIT} characters).`,
      );
    }
  }
}

/**
 * Business Central leaves the currency code empty for the company's local currency and refuses
 * its code there, so the local currency is sent, and read back, as ''.
 */
export function toCurrencyCode(currency: string, settings: BusinessCentralSettings): string {
  return settings.localCurrency && currency === settings.localCurrency ? '' : currency;
}

export function fromCurrencyCode(code: string, settings: BusinessCentralSettings): string {
  return code === '' ? (settings.localCurrency ?? '') : code;
}

export function toSalesOrder(request: SalesOrderRequest, settings: BusinessCentralSettings) {
  const { order, customer, itemIds } = request;
  return {
    customerNumber: customer.customerNumber,
    externalDocumentNumber: order.externalId,
    orderDate: order.orderDate,
    currencyCode: toCurrencyCode(order.currency, settings),
    salesOrderLines: order.lines.map((line) => {
      const item = itemIds.get(line.sku) ?? '';
      return {
        lineType: 'Item',
        ...(isGuid(item) ? { itemId: item } : { lineObjectNumber: item.toUpperCase() }),
        quantity: line.quantity,
        unitPrice: line.unitPrice,
      };
    }),
  };
}

/** Whether a refusal is about an item: Business Central names the item table or the Item No. */
export function concernsItem(error: BusinessCentralApiError): boolean {
  return /\bitem\b/i.test(error.reason);
}

/** Whether a refusal is the customer's Blocked field ("Customer X is blocked with type Ship"). */
export function concernsCustomerBlock(error: BusinessCentralApiError): boolean {
  return /customer\b.*\bblocked\b|\bblocked\b.*\bcustomer/i.test(error.reason);
}

export function orderRejection(
  error: BusinessCentralApiError,
  request: SalesOrderRequest,
  /** The item the refusal names, when the adapter could read it. */
  named?: { id: string; number: string },
): BusinessException {
  const { order, customer, itemIds } = request;
  const where = `the sales order for CRM record ${order.externalId}`;
  if (concernsCustomerBlock(error)) {
    return new BusinessException(
      'CUSTOMER_ON_CREDIT_HOLD',
      `${SYSTEM_TITLE} refused ${where}: customer ${customer.customerNumber} is blocked (${error.reason}).`,
      { cause: error },
    );
  }
  if (concernsItem(error)) {
    const line = order.lines.find((candidate) => {
      const item = (itemIds.get(candidate.sku) ?? '').toUpperCase();
      if (item === '') return false;
      if (named && (item === named.id.toUpperCase() || item === named.number.toUpperCase())) return true;
      return error.reason.toUpperCase().includes(item);
    });
    const which = line ? `product ${line.sku} (item ${itemIds.get(line.sku)}, line ${line.lineNumber})` : 'an item';
    return new BusinessException('ERP_ITEM_REJECTED', `${SYSTEM_TITLE} refused ${which} on ${where}: ${error.reason}`, {
      cause: error,
    });
  }
  return new BusinessException(
    'ERP_ORDER_REJECTED',
    `${SYSTEM_TITLE} refused ${where}: ${error.code}: ${error.reason}`,
    {
      cause: error,
    },
  );
}
