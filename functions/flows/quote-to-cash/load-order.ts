import type { SalesforceClient } from '../../connectors/salesforce/client';
import { readOpportunity, toSalesOrder } from '../../connectors/salesforce/opportunity';
import type { SalesOrderV1 } from '../../domain/canonical/sales-order';

/** Reads the won opportunity as it is now (fixes made since closing count) and maps it. */
export async function loadOrder(crm: SalesforceClient, opportunityId: string): Promise<SalesOrderV1> {
  return toSalesOrder(await readOpportunity(crm, opportunityId));
}
