// Quote-to-cash step: map the products to ERP items and create the ERP sales order once.
import * as z from 'zod';
import { NetSuiteClient } from '../connectors/netsuite/client';
import { salesOrderV1 } from '../domain/canonical/sales-order';
import { createErpOrder } from '../flows/quote-to-cash/create-erp-order';
import { requireEnv } from '../platform/env';
import { stepHandler } from '../platform/step-handler';
import { ItemMappingStore } from '../stores/item-mapping-store';

const deps = {
  erp: new NetSuiteClient(requireEnv('NETSUITE_SECRET_ARN')),
  items: new ItemMappingStore(requireEnv('ITEM_MAPPING_TABLE_NAME')),
};

export const handler = stepHandler({
  step: 'create-erp-order',
  input: z.object({ order: salesOrderV1, erpCustomerId: z.string().min(1) }),
  run: ({ order, erpCustomerId }) => createErpOrder(deps, order, erpCustomerId),
  keys: (result) => ({ erpOrderId: result.erpOrderId, erpOrderNumber: result.orderNumber }),
});
