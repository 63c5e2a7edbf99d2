import type { SalesOrderV1 } from '../../domain/canonical/sales-order';
import type { CrmPort } from '../../ports/crm';

/** Reads the won deal as it is now (fixes made since closing count) as a canonical order. */
export function loadOrder(crm: CrmPort, dealId: string): Promise<SalesOrderV1> {
  return crm.deals.loadClosedWon(dealId);
}
