// What the hub writes on the opportunity: custom fields the Salesforce admin creates once
// (README, "Register the Salesforce outbound message").
import { BusinessException } from '../../domain/errors';
import type { OrderOutcome } from '../../ports/crm';
import { SalesforceApiError, type SalesforceClient } from './client';

export const WRITE_BACK_FIELDS = {
  orderNumber: 'ERP_Order_Number__c',
  orderStatus: 'ERP_Order_Status__c',
  syncStatus: 'ERP_Sync_Status__c',
  syncMessage: 'ERP_Sync_Message__c',
} as const;

export const SYNC_STATUS = { synced: 'Synced', needsAttention: 'Needs attention' } as const;

/** Salesforce's Text(255) limit on the message field. */
const MESSAGE_LIMIT = 255;

export function orderSyncedFields(outcome: OrderOutcome): Record<string, string> {
  return {
    [WRITE_BACK_FIELDS.orderNumber]: outcome.orderNumber,
    [WRITE_BACK_FIELDS.orderStatus]: outcome.orderStatus,
    [WRITE_BACK_FIELDS.syncStatus]: SYNC_STATUS.synced,
    [WRITE_BACK_FIELDS.syncMessage]: truncate(`Sales order ${outcome.orderNumber} created in ${outcome.erpTitle}.`),
  };
}

export function needsAttentionFields(code: string, explanation: string): Record<string, string> {
  return {
    [WRITE_BACK_FIELDS.syncStatus]: SYNC_STATUS.needsAttention,
    [WRITE_BACK_FIELDS.syncMessage]: truncate(`${code}: ${explanation}`),
  };
}

/** Writes the fields on the opportunity; Salesforce refusals become CRM_UPDATE_REJECTED. */
export async function writeOpportunityFields(
  client: SalesforceClient,
  opportunityId: string,
  fields: Record<string, string>,
): Promise<void> {
  try {
    await client.update('Opportunity', opportunityId, fields);
  } catch (error) {
    if (error instanceof SalesforceApiError) {
      const reasons = error.errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ');
      throw new BusinessException(
        'CRM_UPDATE_REJECTED',
        `Salesforce refused the update of opportunity ${opportunityId} (${reasons}).`,
        { cause: error },
      );
    }
    throw error;
  }
}

function truncate(text: string): string {
  return text.length <= MESSAGE_LIMIT ? text : `${text.slice(0, MESSAGE_LIMIT - 1)}…`;
}
