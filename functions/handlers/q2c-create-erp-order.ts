// Quote-to-cash step: map the products to the target ERP's items and create the sales order once.
import * as z from 'zod';
import { erp } from '../connectors/registry';
import { salesOrderV1 } from '../domain/canonical/sales-order';
import { createErpOrder } from '../flows/quote-to-cash/create-erp-order';
import { requireEnv } from '../platform/env';
import { stepHandler } from '../platform/step-handler';
import { ItemMappingStore } from '../stores/item-mapping-store';

const items = new ItemMappingStore(requireEnv('ITEM_MAPPING_TABLE_NAME'));

export const handler = stepHandler({
  step: 'create-erp-order',
  input: z.object({
    target: z.string().min(1),
    order: salesOrderV1,
    erpCustomer: z.object({ erpCustomerId: z.string().min(1), customerNumber: z.string().min(1) }),
  }),
  run: async ({ target, order, erpCustomer }) => createErpOrder({ erp: await erp(target), items }, order, erpCustomer),
  keys: (result) => ({ erpOrderId: result.erpOrderId, erpOrderNumber: result.orderNumber }),
});
