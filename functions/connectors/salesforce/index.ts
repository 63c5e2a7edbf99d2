// Salesforce (REST API, OAuth 2.0 client credentials) behind the CRM port.
import * as z from 'zod';
import type { CrmConnector } from '../../ports/connector';
import type { CrmPort } from '../../ports/crm';
import { SalesforceClient } from './client';
import { type SalesforceCredentials, salesforceCredentialsSchema } from './credentials';
import { readOpportunity, toSalesOrder } from './opportunity';
import { needsAttentionFields, orderSyncedFields, writeOpportunityFields } from './write-back';

const SALESFORCE_ORG_ID = /^00D[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/;
const CUSTOM_FIELD = /^[A-Za-z][A-Za-z0-9_]*__c$/;

const settingsSchema = z.strictObject({
  /** Organizations allowed to send outbound messages to the hub. */
  orgIds: z
    .array(z.string().regex(SALESFORCE_ORG_ID, 'must be a Salesforce organization id (00D...)'))
    .min(1, 'must list at least one organization id'),
  /** Opportunity field holding the legal entity, for routing rules on it. */
  legalEntityField: z.string().regex(CUSTOM_FIELD, 'must be a custom field API name (…__c)').optional(),
  /** Opportunity field holding the business unit, for routing rules on it. */
  businessUnitField: z.string().regex(CUSTOM_FIELD, 'must be a custom field API name (…__c)').optional(),
});

export type SalesforceSettings = z.infer<typeof settingsSchema>;

export const connector: CrmConnector<SalesforceCredentials, SalesforceSettings> = {
  kind: 'crm',
  title: 'Salesforce',
  secret: {
    schema: salesforceCredentialsSchema,
    description:
      'Salesforce connected app (client credentials flow) the hub reads opportunities and writes order status with',
    placeholder: { loginUrl: 'https://example.my.salesforce.com', clientId: 'replace-me', apiVersion: '62.0' },
    generatedKey: 'clientSecret',
  },
  settings: settingsSchema,
  create({ system, secretId, settings }): CrmPort {
    const client = new SalesforceClient(secretId);
    return {
      system,
      title: 'Salesforce',
      deals: {
        loadClosedWon: async (id) => toSalesOrder(await readOpportunity(client, id, settings), settings),
        writeOrderOutcome: (id, outcome) => writeOpportunityFields(client, id, orderSyncedFields(outcome)),
        writeException: (id, exception) =>
          writeOpportunityFields(client, id, needsAttentionFields(exception.code, exception.explanation)),
      },
    };
  },
};
