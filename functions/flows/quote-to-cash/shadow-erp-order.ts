// Shadow mode for cutovers: the order the target ERP holds is also written to a second ERP, and
// the two records are compared field by field. The target stays authoritative: nothing here
// writes to the CRM, and a business exception in the shadow ERP is recorded, not raised, so the
// transaction completes whatever the shadow does. Transient errors are thrown for the state
// machine to retry; the shadow ERP's create is idempotent like the target's.
import type { SalesOrderV1 } from '../../domain/canonical/sales-order';
import { BusinessException } from '../../domain/errors';
import type { ErpPort } from '../../ports/erp';
import type { CorrelationStore, ShadowComparison } from '../../stores/correlation-store';
import type { ItemMappingStore } from '../../stores/item-mapping-store';
import { compareOrders } from './compare-orders';
import { resolveItems } from './create-erp-order';

export interface ShadowInput {
  correlationId: string;
  order: SalesOrderV1;
  targetOrder: { erpOrderId: string; orderNumber: string };
}

export async function shadowErpOrder(
  deps: { target: ErpPort; shadow: ErpPort; items: ItemMappingStore; correlation: CorrelationStore },
  input: ShadowInput,
): Promise<Pick<ShadowComparison, 'status' | 'shadowSystem' | 'shadowOrderNumber'> & { differences: number }> {
  const { target, shadow } = deps;
  const base = {
    correlationId: input.correlationId,
    crmReference: input.order.externalId,
    targetSystem: target.system,
    targetOrderNumber: input.targetOrder.orderNumber,
    shadowSystem: shadow.system,
  };
  let comparison: ShadowComparison;
  try {
    const customer = await shadow.customers.upsert(input.order.customer);
    const itemIds = await resolveItems({ erp: shadow, items: deps.items }, input.order);
    const created = await shadow.salesOrders.create({ order: input.order, customer, itemIds });
    const [targetDetail, shadowDetail] = await Promise.all([
      target.salesOrders.read(input.targetOrder.erpOrderId),
      shadow.salesOrders.read(created.erpOrderId),
    ]);
    const differences = compareOrders(targetDetail, shadowDetail);
    comparison = {
      ...base,
      shadowOrderNumber: created.orderNumber,
      status: differences.length > 0 ? 'DIFFERENT' : 'MATCH',
      differences,
      at: new Date().toISOString(),
    };
  } catch (error) {
    if (!(error instanceof BusinessException)) throw error;
    comparison = {
      ...base,
      status: 'FAILED',
      differences: [],
      error: error.code,
      message: error.message,
      at: new Date().toISOString(),
    };
  }
  await deps.correlation.recordShadowComparison(comparison);
  return {
    status: comparison.status,
    shadowSystem: comparison.shadowSystem,
    shadowOrderNumber: comparison.shadowOrderNumber,
    differences: comparison.differences.length,
  };
}
