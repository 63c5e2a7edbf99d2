// API_PRODUCT_SRV, read only: products with their descriptions and sales data per sales
// organization and distribution channel (where the sales status blocks a product for orders).
import { odataJson, type ServiceHandler, type TenantContext } from './context';
import { methodNotAllowed, resourceNotFound } from './errors';
import type { ProductRecord } from './model';
import { applyQuery, deferred, edmDate, isExpanded, type Json, keyOf, metadata, parseQuery, quoted } from './odata';

const SERVICE = 'API_PRODUCT_SRV';

export const handleProducts: ServiceHandler = (ctx, request) => {
  const { req, segments } = request;
  const [first, second] = segments;
  if (first?.name !== 'A_Product') return resourceNotFound(request.service, first?.name ?? '');
  if (req.method !== 'GET') return methodNotAllowed(request.service, req.method, first.name);
  const options = parseQuery(request.service, req.query);
  if (!first.keys) {
    if (segments.length > 1) return resourceNotFound(request.service, segments[1].name);
    const rendered = ctx.store.state.products.map((p) => renderProduct(ctx, p, options.expand));
    return odataJson(200, { results: applyQuery(request.service, rendered, options) });
  }
  const product = ctx.store.product(keyOf(first, 'Product') ?? '');
  if (!product) return resourceNotFound(request.service, 'A_ProductType');
  if (!second) return odataJson(200, renderProduct(ctx, product, options.expand));
  if (second.name === 'to_Description') return odataJson(200, { results: descriptions(ctx, product) });
  if (second.name === 'to_SalesDelivery') return odataJson(200, { results: salesDelivery(ctx, product) });
  return resourceNotFound(request.service, second.name);
};

export function renderProduct(ctx: TenantContext, product: ProductRecord, expand: string[][]): Json {
  const base = ctx.baseUrl();
  const uri = `A_Product(${quoted(product.product)})`;
  return {
    __metadata: metadata(base, SERVICE, 'A_ProductType', uri),
    Product: product.product,
    ProductType: product.baseUnit === 'EA' ? 'SERV' : 'HAWA',
    CrossPlantStatus: '',
    CreationDate: edmDate('2026-01-05'),
    IsMarkedForDeletion: product.isMarkedForDeletion,
    ProductGroup: 'L001',
    BaseUnit: product.baseUnit,
    ItemCategoryGroup: product.baseUnit === 'EA' ? 'LEIS' : 'NORM',
    Division: '00',
    to_Description: isExpanded(expand, 'to_Description')
      ? { results: descriptions(ctx, product) }
      : deferred(base, SERVICE, `${uri}/to_Description`),
    to_SalesDelivery: isExpanded(expand, 'to_SalesDelivery')
      ? { results: salesDelivery(ctx, product) }
      : deferred(base, SERVICE, `${uri}/to_SalesDelivery`),
  };
}

function descriptions(ctx: TenantContext, product: ProductRecord): Json[] {
  return [
    {
      __metadata: metadata(
        ctx.baseUrl(),
        SERVICE,
        'A_ProductDescriptionType',
        `A_ProductDescription(Product=${quoted(product.product)},Language='EN')`,
      ),
      Product: product.product,
      Language: 'EN',
      ProductDescription: product.description,
    },
  ];
}

function salesDelivery(ctx: TenantContext, product: ProductRecord): Json[] {
  return product.salesDelivery.map((s) => ({
    __metadata: metadata(
      ctx.baseUrl(),
      SERVICE,
      'A_ProductSalesDeliveryType',
      `A_ProductSalesDelivery(Product=${quoted(product.product)},ProductSalesOrg=${quoted(s.salesOrganization)},ProductDistributionChnl=${quoted(s.distributionChannel)})`,
    ),
    Product: product.product,
    ProductSalesOrg: s.salesOrganization,
    ProductDistributionChnl: s.distributionChannel,
    ProductSalesStatus: s.salesStatus,
    SalesMeasureUnit: product.baseUnit,
    ItemCategoryGroup: product.baseUnit === 'EA' ? 'LEIS' : 'NORM',
    IsMarkedForDeletion: false,
  }));
}
