// Items: NetSuite has a record type per kind of item and no generic item record over REST, so
// the kinds the hub sells are asked in turn.
import * as z from 'zod';
import type { ErpItem } from '../../ports/erp';
import { NetSuiteApiError, type NetSuiteClient } from './client';

const ITEM_RECORD_TYPES = ['inventoryItem', 'serviceSaleItem', 'nonInventorySaleItem'] as const;

const itemRecord = z.object({
  id: z.string(),
  itemId: z.string(),
  displayName: z.string().optional(),
  isInactive: z.boolean().optional(),
});

export async function getItem(client: NetSuiteClient, itemId: string): Promise<ErpItem | undefined> {
  if (!/^\d+$/.test(itemId)) return undefined;
  for (const type of ITEM_RECORD_TYPES) {
    try {
      const item = await client.read(`/${type}/${itemId}`, itemRecord);
      return { itemId: item.id, name: item.displayName ?? item.itemId, sellable: item.isInactive !== true };
    } catch (error) {
      if (error instanceof NetSuiteApiError && error.status === 404) continue;
      throw error;
    }
  }
  return undefined;
}
