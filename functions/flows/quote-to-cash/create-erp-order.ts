import type { NetSuiteClient } from '../../connectors/netsuite/client';
import { createSalesOrder, type ErpOrder } from '../../connectors/netsuite/sales-orders';
import type { SalesOrderV1 } from '../../domain/canonical/sales-order';
import { BusinessException } from '../../domain/errors';
import type { ItemMappingStore } from '../../stores/item-mapping-store';

export const ERP_SYSTEM = 'netsuite';

/**
 * Maps every product to its ERP item through the mapping table, then creates the order. The
 * mapping is read here, not in an earlier step, so a redrive after fixing a mapping uses the fix.
 */
export async function createErpOrder(
  deps: { erp: NetSuiteClient; items: ItemMappingStore },
  order: SalesOrderV1,
  erpCustomerId: string,
): Promise<ErpOrder> {
  const itemIds = await deps.items.resolve(
    ERP_SYSTEM,
    order.lines.map((line) => line.sku),
  );
  const unmapped = order.lines.filter((line) => !itemIds.has(line.sku));
  if (unmapped.length > 0) {
    const list = unmapped.map((line) => `${line.sku} (line ${line.lineNumber}, '${line.description}')`).join(', ');
    throw new BusinessException(
      'PRODUCT_NOT_MAPPED',
      `Opportunity '${order.reference}' (${order.externalId}) sells ${list} with no NetSuite item mapping.`,
    );
  }
  return createSalesOrder(deps.erp, order, erpCustomerId, itemIds);
}
