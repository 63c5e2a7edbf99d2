import { describe, expect, it } from 'vitest';
import { SalesforceApiError, SalesforceClient } from '../../../../../functions/connectors/salesforce/client';
import {
  needsAttentionFields,
  orderSyncedFields,
  writeOpportunityFields,
} from '../../../../../functions/connectors/salesforce/write-back';
import { BusinessException, ThrottledError } from '../../../../../functions/domain/errors';
import { fixtureJson } from '../../support/fixtures';

/** Records updates, or fails them with the given error. */
class RecordingSalesforce extends SalesforceClient {
  readonly updates: { sObject: string; id: string; fields: Record<string, unknown> }[] = [];

  constructor(private readonly failWith?: Error) {
    super('unused-secret');
  }

  override async update(sObject: string, id: string, fields: Record<string, unknown>): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.updates.push({ sObject, id, fields });
  }
}

describe('orderSyncedFields', () => {
  it('sets the ERP order number and status, Synced, and a message naming order and ERP', () => {
    const fields = orderSyncedFields({
      erpTitle: 'NetSuite',
      orderNumber: 'SO1042',
      orderStatus: 'Pending Fulfillment',
    });

    expect(fields).toEqual({
      ERP_Order_Number__c: 'SO1042',
      ERP_Order_Status__c: 'Pending Fulfillment',
      ERP_Sync_Status__c: 'Synced',
      ERP_Sync_Message__c: 'Sales order SO1042 created in NetSuite.',
    });
  });
});

describe('needsAttentionFields', () => {
  it('sets Needs attention with the code before the explanation, and leaves the order fields alone', () => {
    const fields = needsAttentionFields('PRODUCT_NOT_MAPPED', 'SKU-X has no NetSuite item.');

    expect(fields).toEqual({
      ERP_Sync_Status__c: 'Needs attention',
      ERP_Sync_Message__c: 'PRODUCT_NOT_MAPPED: SKU-X has no NetSuite item.',
    });
  });

  it('keeps a message of exactly 255 characters whole', () => {
    const code = 'CODE';
    const explanation = 'x'.repeat(255 - 'CODE: '.length);

    const message = needsAttentionFields(code, explanation).ERP_Sync_Message__c;

    expect(message).toHaveLength(255);
    expect(message.endsWith('x')).toBe(true);
  });

  it('cuts a longer message to 255 characters ending in an ellipsis (Salesforce Text(255))', () => {
    const explanation = `${'a'.repeat(250)}TAIL-NOT-SHOWN`;

    const message = needsAttentionFields('ORDER_DATA_INVALID', explanation).ERP_Sync_Message__c;

    expect(message).toHaveLength(255);
    expect(message.startsWith('ORDER_DATA_INVALID: aaaa')).toBe(true);
    expect(message.endsWith('a…')).toBe(true);
    expect(message).not.toContain('TAIL');
  });

  it('truncates the synced message too when an order number is very long', () => {
    const message = orderSyncedFields({
      erpTitle: 'NetSuite',
      orderNumber: 'N'.repeat(300),
      orderStatus: 'Open',
    }).ERP_Sync_Message__c;

    expect(message).toHaveLength(255);
    expect(message.at(-1)).toBe('…');
  });
});

describe('writeOpportunityFields', () => {
  it('updates the Opportunity with exactly the fields given', async () => {
    const crm = new RecordingSalesforce();
    const fields = needsAttentionFields('SYSTEM_UNAVAILABLE', 'NetSuite did not answer.');

    await writeOpportunityFields(crm, '0065g00000AbCdEAAZ', fields);

    expect(crm.updates).toEqual([{ sObject: 'Opportunity', id: '0065g00000AbCdEAAZ', fields }]);
  });

  it('turns a Salesforce refusal into CRM_UPDATE_REJECTED listing every reason', async () => {
    const refusal = new SalesforceApiError(400, fixtureJson('salesforce/error-field-validation.json'));
    const crm = new RecordingSalesforce(refusal);

    const failure = writeOpportunityFields(crm, '0065g00000AbCdEAAZ', { ERP_Sync_Status__c: 'Synced' });

    await expect(failure).rejects.toBeInstanceOf(BusinessException);
    await expect(failure).rejects.toMatchObject({
      name: 'CRM_UPDATE_REJECTED',
      message:
        "Salesforce refused the update of opportunity 0065g00000AbCdEAAZ (FIELD_CUSTOM_VALIDATION_EXCEPTION: ERP order number can only be set by the integration user.; INVALID_FIELD: No such column 'ERP_Sync_Message__c' on sobject of type Opportunity).",
      cause: refusal,
    });
  });

  it('lets transient errors through unchanged so the step is retried', async () => {
    const throttled = new ThrottledError('Salesforce throttled PATCH /sobjects/Opportunity/0065g00000AbCdEAAZ (429)');
    const crm = new RecordingSalesforce(throttled);

    await expect(writeOpportunityFields(crm, '0065g00000AbCdEAAZ', {})).rejects.toBe(throttled);
  });
});
