// Items are products (API_PRODUCT_SRV): the name is the description in the deployment's
// language, and a product can be sold when it is not flagged for deletion and is extended to
// the sales organization and distribution channel without a sales status.
import * as z from 'zod';
import type { ErpItem } from '../../ports/erp';
import type { SapClient } from './client';
import { byKey, entity, expanded, resource } from './odata';
import type { SapSettings } from './settings';

const product = z.object({
  Product: z.string(),
  IsMarkedForDeletion: z.boolean().default(false),
  to_Description: expanded(z.object({ Language: z.string(), ProductDescription: z.string() })),
  to_SalesDelivery: expanded(
    z.object({
      ProductSalesOrg: z.string(),
      ProductDistributionChnl: z.string(),
      ProductSalesStatus: z.string().default(''),
    }),
  ),
});

export async function getItem(client: SapClient, itemId: string, settings: SapSettings): Promise<ErpItem | undefined> {
  if (itemId.length === 0 || itemId.length > 40) return undefined;
  const found = await client.find(
    'API_PRODUCT_SRV',
    resource(`A_Product${byKey(itemId)}`, { $expand: 'to_Description,to_SalesDelivery' }),
    entity(product),
  );
  if (!found) return undefined;
  const description = found.to_Description.find((d) => d.Language === settings.language) ?? found.to_Description[0];
  const salesData = found.to_SalesDelivery.find(
    (s) =>
      s.ProductSalesOrg === settings.salesOrganization && s.ProductDistributionChnl === settings.distributionChannel,
  );
  return {
    itemId: found.Product,
    name: description?.ProductDescription ?? found.Product,
    // Which sales statuses only warn is customizing; any status is taken as one that may refuse.
    sellable: !found.IsMarkedForDeletion && salesData !== undefined && salesData.ProductSalesStatus === '',
  };
}
