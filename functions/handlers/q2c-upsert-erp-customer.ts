// Quote-to-cash step: create or update the customer for the order's account in the target ERP.
import * as z from 'zod';
import { erp } from '../connectors/registry';
import { customerV1 } from '../domain/canonical/customer';
import { upsertErpCustomer } from '../flows/quote-to-cash/upsert-erp-customer';
import { stepHandler } from '../platform/step-handler';

export const handler = stepHandler({
  step: 'upsert-erp-customer',
  input: z.object({ target: z.string().min(1), customer: customerV1 }),
  run: async ({ target, customer }) => upsertErpCustomer(await erp(target), customer),
  keys: (result) => ({ erpCustomerId: result.erpCustomerId }),
});
