import type { SalesforceClient } from '../../connectors/salesforce/client';
import { orderSyncedFields, writeOpportunityFields } from '../../connectors/salesforce/write-back';

export interface WriteBackInput {
  opportunityId: string;
  erp: string;
  orderNumber: string;
  orderStatus: string;
}

export async function writeBackOrder(crm: SalesforceClient, input: WriteBackInput): Promise<{ updated: true }> {
  await writeOpportunityFields(crm, input.opportunityId, orderSyncedFields(input));
  return { updated: true };
}
