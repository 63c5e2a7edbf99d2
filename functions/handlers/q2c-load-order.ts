// Quote-to-cash step: read the won opportunity from Salesforce and map it to the canonical order.
import * as z from 'zod';
import { SalesforceClient } from '../connectors/salesforce/client';
import { loadOrder } from '../flows/quote-to-cash/load-order';
import { requireEnv } from '../platform/env';
import { stepHandler } from '../platform/step-handler';

const crm = new SalesforceClient(requireEnv('SALESFORCE_SECRET_ARN'));

export const handler = stepHandler({
  step: 'load-order',
  input: z.object({ opportunityId: z.string().min(1) }),
  run: ({ opportunityId }) => loadOrder(crm, opportunityId),
  inputKeys: ({ opportunityId }) => ({ opportunityId }),
  keys: (order) => ({ crmAccountId: order.customer.externalId }),
});
