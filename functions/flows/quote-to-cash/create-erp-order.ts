import type { SalesOrderV1 } from '../../domain/canonical/sales-order';
import { BusinessException } from '../../domain/errors';
import type { ErpCustomer, ErpOrder, ErpPort } from '../../ports/erp';
import type { ItemMappingStore } from '../../stores/item-mapping-store';

/** The order as the state machine carries it on: which ERP holds it, by its name people read. */
export interface CreatedOrder extends ErpOrder {
  system: string;
  erpTitle: string;
}

/**
 * Maps every product to the target ERP's item, then creates the order once. The mapping is read
 * here, not in an earlier step, so a redrive after fixing a mapping uses the fix.
 */
export async function createErpOrder(
  deps: { erp: ErpPort; items: ItemMappingStore },
  order: SalesOrderV1,
  customer: ErpCustomer,
): Promise<CreatedOrder> {
  const itemIds = await resolveItems(deps, order);
  const created = await deps.erp.salesOrders.create({ order, customer, itemIds });
  return { ...created, system: deps.erp.system, erpTitle: deps.erp.title };
}

/** The ERP item of every product on the order, or PRODUCT_NOT_MAPPED naming the ones without. */
export async function resolveItems(
  deps: { erp: ErpPort; items: ItemMappingStore },
  order: SalesOrderV1,
): Promise<Map<string, string>> {
  const itemIds = await deps.items.resolve(
    deps.erp.system,
    order.lines.map((line) => line.sku),
  );
  const unmapped = order.lines.filter((line) => !itemIds.has(line.sku));
  if (unmapped.length > 0) {
    const list = unmapped.map((line) => `${line.sku} (line ${line.lineNumber}, '${line.description}')`).join(', ');
    throw new BusinessException(
      'PRODUCT_NOT_MAPPED',
      `Deal '${order.reference}' (${order.externalId}) sells ${list} with no ${deps.erp.title} item mapping (system ${deps.erp.system}).`,
    );
  }
  return itemIds;
}
