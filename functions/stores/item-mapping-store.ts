// The item mapping table: which ERP item each product code (SKU) sells as, per ERP.
//   sku (partition) / system (sort, e.g. 'netsuite') -> itemId
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { UnavailableError } from '../domain/errors';
import { documents } from '../platform/dynamodb';

const BATCH_LIMIT = 100;

export class ItemMappingStore {
  constructor(private readonly tableName: string) {}

  /** Returns the ERP item id per SKU; SKUs without a mapping are absent from the result. */
  async resolve(system: string, skus: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(skus)];
    const found = new Map<string, string>();
    for (let start = 0; start < unique.length; start += BATCH_LIMIT) {
      let keys: Record<string, unknown>[] | undefined = unique
        .slice(start, start + BATCH_LIMIT)
        .map((sku) => ({ sku, system }));
      // BatchGet may return some keys unprocessed under load; ask again for exactly those.
      for (let attempt = 0; keys && keys.length > 0 && attempt < 5; attempt++) {
        const result = await this.batchGet(keys);
        for (const item of result.Responses?.[this.tableName] ?? []) found.set(item.sku, item.itemId);
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
      if (keys && keys.length > 0) throw new UnavailableError('The item mapping table kept returning unprocessed keys');
    }
    return found;
  }

  private async batchGet(keys: Record<string, unknown>[]) {
    try {
      return await documents.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
    } catch (error) {
      throw new UnavailableError(`The item mapping table could not be read (${(error as Error).name})`, {
        cause: error,
      });
    }
  }
}
