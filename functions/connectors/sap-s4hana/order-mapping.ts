// The canonical order as an SAP sales order deep insert, and SAP's refusals of it as the
// exception a person can act on. SAP does not refuse a repeated customer reference, so the
// CRM record id in PurchaseOrderByCustomer is what the adapter looks orders up by.
import type { SalesOrderV1 } from '../../domain/canonical/sales-order';
import { BusinessException } from '../../domain/errors';
import type { SapApiError } from './errors';
import { SYSTEM_TITLE } from './errors';
import { decimalString, toEdmDate } from './odata';
import type { SapSettings } from './settings';

/** PurchaseOrderByCustomer (BSTKD) holds 35 characters; a material number 40. */
export const REFERENCE_LIMIT = 35;
export const MATERIAL_LIMIT = 40;
/** Items are numbered 10, 20, ...; SalesOrderItem holds six digits. */
const ITEM_STEP = 10;
const ITEM_LIMIT = 999_999;

export const itemNumber = (index: number) => String((index + 1) * ITEM_STEP);

/** What SAP would refuse, said before calling it. */
export function checkOrder(order: SalesOrderV1, itemIds: ReadonlyMap<string, string>): void {
  if (order.externalId.length > REFERENCE_LIMIT) {
    throw new BusinessException(
      'ERP_ORDER_REJECTED',
      `CRM record ${order.externalId} is longer than the ${REFERENCE_LIMIT} characters of SAP's customer reference (PurchaseOrderByCustomer).`,
    );
  }
  if (order.lines.length * ITEM_STEP > ITEM_LIMIT) {
    throw new BusinessException('ERP_ORDER_REJECTED', `The order has more lines than SAP numbers items for.`);
  }
  for (const line of order.lines) {
    const material = itemIds.get(line.sku) ?? '';
    if (material.length === 0 || material.length > MATERIAL_LIMIT) {
      throw new BusinessException(
        'ERP_ITEM_REJECTED',
        `Product ${line.sku} (line ${line.lineNumber}) is mapped to '${material}', which is not an SAP material number (1 to ${MATERIAL_LIMIT} characters).`,
      );
    }
  }
}

export function toSalesOrder(
  order: SalesOrderV1,
  soldToParty: string,
  itemIds: ReadonlyMap<string, string>,
  settings: SapSettings,
) {
  return {
    SalesOrderType: settings.salesOrderType,
    SalesOrganization: settings.salesOrganization,
    DistributionChannel: settings.distributionChannel,
    OrganizationDivision: settings.organizationDivision,
    SoldToParty: soldToParty,
    PurchaseOrderByCustomer: order.externalId,
    SalesOrderDate: toEdmDate(order.orderDate),
    TransactionCurrency: order.currency,
    to_Item: order.lines.map((line, index) => ({
      SalesOrderItem: itemNumber(index),
      Material: itemIds.get(line.sku),
      RequestedQuantity: decimalString(line.quantity, 3),
      to_PricingElement: [
        {
          ConditionType: settings.priceConditionType,
          ConditionRateValue: line.unitPrice.toFixed(2),
          ConditionCurrency: order.currency,
        },
      ],
    })),
  };
}

/** The item SAP names in a refusal: by "Error in SALES_ITEM_IN 000020" or the message target. */
export function refusedItem(error: SapApiError): string | undefined {
  for (const detail of [...error.details, { message: error.text, target: '' }]) {
    const fromMessage = /SALES_ITEM_IN\s+0*(\d+)/.exec(detail.message)?.[1];
    const fromTarget = /SalesOrderItem='0*(\d+)'/.exec(detail.target)?.[1];
    if (fromMessage ?? fromTarget) return fromMessage ?? fromTarget;
  }
  return undefined;
}

/** Whether the refusal names the sold-to party (a block, a missing sales area), not the order. */
export function concernsSoldToParty(error: SapApiError): boolean {
  return error.details.some((d) => /SoldToParty/.test(d.target)) || /sold-to party/i.test(error.text);
}

export function itemRejection(
  error: SapApiError,
  order: SalesOrderV1,
  itemIds: ReadonlyMap<string, string>,
  item: string,
): BusinessException {
  const index = Number(item) / ITEM_STEP - 1;
  const line = Number.isInteger(index) ? order.lines[index] : undefined;
  const which = line
    ? `product ${line.sku} (${SYSTEM_TITLE} material ${itemIds.get(line.sku)}, line ${line.lineNumber})`
    : `item ${item}`;
  return new BusinessException('ERP_ITEM_REJECTED', `${SYSTEM_TITLE} refused ${which}: ${error.reasons}`, {
    cause: error,
  });
}
