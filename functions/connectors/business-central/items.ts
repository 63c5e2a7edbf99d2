// Items by id (the GUID the API keys them by) or, for mappings an admin wrote by hand, by item No.
import * as z from 'zod';
import type { ErpItem } from '../../ports/erp';
import type { BusinessCentralClient } from './client';
import { isGuid } from './credentials';
import { BusinessCentralApiError } from './errors';
import { collectionOf, filterEq } from './odata';

export const itemRecord = z.object({
  id: z.string().min(1),
  number: z.string(),
  displayName: z.string(),
  blocked: z.boolean(),
});

export type ItemRecord = z.infer<typeof itemRecord>;

/** Item No. is Code[20]. */
export const ITEM_NUMBER_LIMIT = 20;

export async function getItem(client: BusinessCentralClient, itemId: string): Promise<ErpItem | undefined> {
  const item = await findItem(client, itemId);
  return item && { itemId: item.id, name: item.displayName || item.number, sellable: !item.blocked };
}

export async function findItem(client: BusinessCentralClient, itemId: string): Promise<ItemRecord | undefined> {
  if (isGuid(itemId)) {
    try {
      return await client.read(`/items(${itemId})`, itemRecord);
    } catch (error) {
      if (error instanceof BusinessCentralApiError && error.status === 404) return undefined;
      throw error;
    }
  }
  const number = itemId.toUpperCase();
  if (number.length === 0 || number.length > ITEM_NUMBER_LIMIT) return undefined;
  const page = await client.read(`/items?${filterEq('number', number)}`, collectionOf(itemRecord));
  return page.value[0];
}
