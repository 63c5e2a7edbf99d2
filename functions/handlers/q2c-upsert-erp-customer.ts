// Quote-to-cash step: create or update the ERP customer for the order's account.
import * as z from 'zod';
import { NetSuiteClient } from '../connectors/netsuite/client';
import { upsertCustomer } from '../connectors/netsuite/customers';
import { customerV1 } from '../domain/canonical/customer';
import { requireEnv } from '../platform/env';
import { stepHandler } from '../platform/step-handler';

const erp = new NetSuiteClient(requireEnv('NETSUITE_SECRET_ARN'));
const settings = { subsidiaryId: requireEnv('NETSUITE_SUBSIDIARY_ID') };

export const handler = stepHandler({
  step: 'upsert-erp-customer',
  input: z.object({ customer: customerV1 }),
  run: ({ customer }) => upsertCustomer(erp, customer, settings),
  keys: (result) => ({ erpCustomerId: result.erpCustomerId }),
});
