import * as z from 'zod';
import type { ErpItem } from '../../ports/erp';
import { type OdooClient, orFalse } from './client';
import { OdooFault } from './transport';

const productRecord = z.object({
  id: z.number().int(),
  name: z.string(),
  default_code: orFalse(z.string()),
  sale_ok: z.boolean(),
  active: z.boolean(),
});

export type ProductRecord = z.infer<typeof productRecord>;

/** Products by id; reading by id finds archived ones too, which a search would hide. */
export async function readProducts(client: OdooClient, ids: number[]): Promise<ProductRecord[]> {
  try {
    return await client.read(
      'product.product',
      ids,
      ['id', 'name', 'default_code', 'sale_ok', 'active'],
      productRecord,
    );
  } catch (error) {
    if (error instanceof OdooFault && error.is('MissingError')) return [];
    throw error;
  }
}

export async function getItem(client: OdooClient, itemId: string): Promise<ErpItem | undefined> {
  if (!/^\d{1,15}$/.test(itemId)) return undefined;
  const [product] = await readProducts(client, [Number(itemId)]);
  if (!product) return undefined;
  return { itemId: String(product.id), name: product.name, sellable: product.sale_ok && product.active };
}
