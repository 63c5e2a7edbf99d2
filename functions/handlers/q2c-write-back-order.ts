// Quote-to-cash step: write the ERP order number and status on the Salesforce opportunity.
import * as z from 'zod';
import { SalesforceClient } from '../connectors/salesforce/client';
import { writeBackOrder } from '../flows/quote-to-cash/write-back-order';
import { requireEnv } from '../platform/env';
import { stepHandler } from '../platform/step-handler';

const crm = new SalesforceClient(requireEnv('SALESFORCE_SECRET_ARN'));

export const handler = stepHandler({
  step: 'write-back-order',
  input: z.object({
    opportunityId: z.string().min(1),
    erp: z.string().min(1),
    orderNumber: z.string().min(1),
    orderStatus: z.string().min(1),
  }),
  run: (input) => writeBackOrder(crm, input),
});
