// API_SALES_ORDER_SRV: reads of sales orders with their items and pricing elements, and the deep
// insert that creates one. SAP does not refuse a second order with the same customer reference
// (PurchaseOrderByCustomer): callers look it up before creating, which is what the hub does.
import type { SandboxResponse } from '../http';
import { odataJson, type ServiceHandler, type ServiceRequest, type TenantContext } from './context';
import { methodNotAllowed, resourceNotFound } from './errors';
import type { SalesOrderItemRecord, SalesOrderRecord } from './model';
import {
  applyQuery,
  decimal,
  deferred,
  edmDate,
  edmDateTimeOffset,
  expansionsUnder,
  isExpanded,
  type Json,
  keyOf,
  metadata,
  parseQuery,
  quantity,
  quoted,
} from './odata';
import { createSalesOrder } from './sales-order-create';

const SERVICE = 'API_SALES_ORDER_SRV';

export function salesOrderEtag(order: SalesOrderRecord): string {
  return `W/"datetimeoffset'${encodeURIComponent(`${order.changedAt.slice(0, 23)}0000Z`)}'"`;
}

export const handleSalesOrders: ServiceHandler = (ctx, request) => {
  const { req, segments } = request;
  const [first, second] = segments;
  if (!first) return resourceNotFound(request.service, '');
  const options = parseQuery(request.service, req.query);
  if (first.name === 'A_SalesOrder' && !first.keys) {
    if (segments.length > 1) return resourceNotFound(request.service, segments[1].name);
    if (req.method === 'GET') {
      const rendered = ctx.store.state.salesOrders.map((o) => renderSalesOrder(ctx, o, options.expand));
      return odataJson(200, { results: applyQuery(request.service, rendered, options) });
    }
    if (req.method === 'POST') return createSalesOrder(ctx, request);
    return methodNotAllowed(request.service, req.method, first.name);
  }
  if (first.name === 'A_SalesOrder') {
    const order = ctx.store.salesOrder(keyOf(first, 'SalesOrder') ?? '');
    if (!order) return resourceNotFound(request.service, 'A_SalesOrderType');
    if (req.method !== 'GET') return notModelled(request);
    if (!second) return odataJson(200, renderSalesOrder(ctx, order, options.expand), { etag: salesOrderEtag(order) });
    if (second.name === 'to_Item') {
      return odataJson(200, { results: order.items.map((item) => renderItem(ctx, order, item, options.expand)) });
    }
    return resourceNotFound(request.service, second.name);
  }
  if (first.name === 'A_SalesOrderItem' && first.keys) {
    const order = ctx.store.salesOrder(keyOf(first, 'SalesOrder') ?? '');
    const item = order?.items.find((i) => i.item === keyOf(first, 'SalesOrderItem'));
    if (!order || !item) return resourceNotFound(request.service, 'A_SalesOrderItemType');
    if (req.method !== 'GET') return notModelled(request);
    if (!second) return odataJson(200, renderItem(ctx, order, item, options.expand));
    if (second.name === 'to_PricingElement') return odataJson(200, { results: renderPricing(ctx, order, item) });
    return resourceNotFound(request.service, second.name);
  }
  return resourceNotFound(request.service, first.name);
};

/** Changes and deletions of orders exist in SAP; the hub never makes them, so the sandbox has none. */
function notModelled(request: ServiceRequest): SandboxResponse {
  return methodNotAllowed(request.service, request.req.method, request.segments[0].name);
}

export function renderSalesOrder(ctx: TenantContext, order: SalesOrderRecord, expand: string[][]): Json {
  const base = ctx.baseUrl();
  const uri = `A_SalesOrder(${quoted(order.salesOrder)})`;
  return {
    __metadata: metadata(base, SERVICE, 'A_SalesOrderType', uri, salesOrderEtag(order)),
    SalesOrder: order.salesOrder,
    SalesOrderType: order.salesOrderType,
    SalesOrganization: order.salesOrganization,
    DistributionChannel: order.distributionChannel,
    OrganizationDivision: order.division,
    SalesGroup: '',
    SalesOffice: '',
    SoldToParty: order.soldToParty,
    CreationDate: edmDate(order.createdAt),
    CreatedByUser: 'CC0000000001',
    LastChangeDate: edmDate(order.changedAt),
    LastChangeDateTime: edmDateTimeOffset(order.changedAt),
    PurchaseOrderByCustomer: order.purchaseOrderByCustomer,
    CustomerPurchaseOrderDate: null,
    SalesOrderDate: edmDate(order.salesOrderDate),
    TotalNetAmount: decimal(order.totalNetAmount, 2),
    TransactionCurrency: order.currency,
    PricingDate: edmDate(order.salesOrderDate),
    RequestedDeliveryDate: edmDate(order.salesOrderDate),
    OverallSDProcessStatus: 'A',
    TotalCreditCheckStatus: '',
    OverallTotalDeliveryStatus: '',
    OverallSDDocumentRejectionSts: 'A',
    DeliveryBlockReason: '',
    HeaderBillingBlockReason: '',
    to_Item: isExpanded(expand, 'to_Item')
      ? { results: order.items.map((item) => renderItem(ctx, order, item, expansionsUnder(expand, 'to_Item'))) }
      : deferred(base, SERVICE, `${uri}/to_Item`),
  };
}

function renderItem(ctx: TenantContext, order: SalesOrderRecord, item: SalesOrderItemRecord, expand: string[][]): Json {
  const base = ctx.baseUrl();
  const uri = `A_SalesOrderItem(SalesOrder=${quoted(order.salesOrder)},SalesOrderItem=${quoted(item.item)})`;
  return {
    __metadata: metadata(base, SERVICE, 'A_SalesOrderItemType', uri),
    SalesOrder: order.salesOrder,
    SalesOrderItem: item.item,
    HigherLevelItem: '000000',
    SalesOrderItemCategory: 'TAN',
    SalesOrderItemText: item.text,
    PurchaseOrderByCustomer: order.purchaseOrderByCustomer,
    Material: item.material,
    RequestedQuantity: quantity(item.quantity),
    RequestedQuantityUnit: item.unit,
    ItemGrossWeight: '0.000',
    NetAmount: decimal(item.netAmount, 2),
    TransactionCurrency: order.currency,
    NetPriceAmount: decimal(item.netPrice, 2),
    NetPriceQuantity: '1',
    NetPriceQuantityUnit: item.unit,
    SDProcessStatus: 'A',
    to_PricingElement: isExpanded(expand, 'to_PricingElement')
      ? { results: renderPricing(ctx, order, item) }
      : deferred(base, SERVICE, `${uri}/to_PricingElement`),
  };
}

function renderPricing(ctx: TenantContext, order: SalesOrderRecord, item: SalesOrderItemRecord): Json[] {
  return item.pricing.map((element, index) => {
    const counter = String(index + 1).padStart(3, '0');
    const step = String((index + 1) * 10).padStart(3, '0');
    return {
      __metadata: metadata(
        ctx.baseUrl(),
        SERVICE,
        'A_SalesOrderItemPrElementType',
        `A_SalesOrderItemPrElement(SalesOrder=${quoted(order.salesOrder)},SalesOrderItem=${quoted(item.item)},PricingProcedureStep=${quoted(step)},PricingProcedureCounter=${quoted(counter)})`,
      ),
      SalesOrder: order.salesOrder,
      SalesOrderItem: item.item,
      PricingProcedureStep: step,
      PricingProcedureCounter: counter,
      ConditionType: element.conditionType,
      ConditionCalculationType: 'C',
      ConditionRateValue: decimal(element.rate, 2),
      ConditionCurrency: element.currency,
      ConditionQuantity: '1',
      ConditionQuantityUnit: item.unit,
      ConditionAmount: decimal(element.rate * item.quantity, 2),
      TransactionCurrency: order.currency,
      ConditionIsManuallyChanged: element.manual,
      // A manual price overrides the list price, which stays in the document, inactive.
      ConditionInactiveReason: !element.manual && item.pricing.some((e) => e.manual) ? 'X' : '',
    };
  });
}
