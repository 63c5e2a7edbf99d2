// Quote-to-cash step: show the ERP order number and status on the deal in the CRM.
import * as z from 'zod';
import { crm } from '../connectors/registry';
import { writeBackOrder } from '../flows/quote-to-cash/write-back-order';
import { stepHandler } from '../platform/step-handler';

export const handler = stepHandler({
  step: 'write-back-order',
  input: z.object({
    crm: z.string().min(1),
    opportunityId: z.string().min(1),
    erpTitle: z.string().min(1),
    orderNumber: z.string().min(1),
    orderStatus: z.string().min(1),
  }),
  run: async (input) => writeBackOrder(await crm(input.crm), input.opportunityId, input),
});
