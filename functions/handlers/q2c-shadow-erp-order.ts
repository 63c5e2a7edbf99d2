// Quote-to-cash step (cutovers): write the order to the shadow ERP too and compare the records.
import * as z from 'zod';
import { erp } from '../connectors/registry';
import { salesOrderV1 } from '../domain/canonical/sales-order';
import { shadowErpOrder } from '../flows/quote-to-cash/shadow-erp-order';
import { requireEnv } from '../platform/env';
import { stepHandler } from '../platform/step-handler';
import { CorrelationStore } from '../stores/correlation-store';
import { ItemMappingStore } from '../stores/item-mapping-store';

const items = new ItemMappingStore(requireEnv('ITEM_MAPPING_TABLE_NAME'));
const correlation = new CorrelationStore(requireEnv('CORRELATION_TABLE_NAME'));

export const handler = stepHandler({
  step: 'shadow-erp-order',
  input: z.object({
    target: z.string().min(1),
    shadow: z.string().min(1),
    order: salesOrderV1,
    targetOrder: z.object({ erpOrderId: z.string().min(1), orderNumber: z.string().min(1) }),
  }),
  run: async ({ target, shadow, ...input }) =>
    shadowErpOrder({ target: await erp(target), shadow: await erp(shadow), items, correlation }, input),
});
