// Quote-to-cash step: read the won deal from the CRM it was won in, as the canonical order.
import * as z from 'zod';
import { crm } from '../connectors/registry';
import { loadOrder } from '../flows/quote-to-cash/load-order';
import { stepHandler } from '../platform/step-handler';

export const handler = stepHandler({
  step: 'load-order',
  input: z.object({ crm: z.string().min(1), opportunityId: z.string().min(1) }),
  run: async (input) => loadOrder(await crm(input.crm), input.opportunityId),
  inputKeys: ({ opportunityId }) => ({ opportunityId }),
  keys: (order) => ({ crmAccountId: order.customer.externalId }),
});
