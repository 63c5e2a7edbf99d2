// The deep insert of a sales order (header, to_Item, to_PricingElement) with the checks SD runs
// for it, reported the way the API reports BAPI messages: the refusing message first, then
// "Error in SALES_ITEM_IN <item>" naming the item, then "Sales document was not changed".
import type { SandboxResponse } from '../http';
import { odataJson, type ServiceRequest, type TenantContext } from './context';
import { businessError, type ErrorDetail, malformedRequest, RequestRejected } from './errors';
import {
  BLOCKING_SALES_STATUSES,
  LIST_PRICE_CONDITION,
  MANUAL_PRICE_CONDITIONS,
  ORDER_BLOCK_REASONS,
  type PricingElementRecord,
  SALES_AREA,
  SALES_ORDER_TYPES,
  type SalesOrderItemRecord,
  type SalesOrderRecord,
} from './model';
import { isObject, type Json, readDecimal, readEdmDate, readNavigationArray } from './odata';
import { readBody, stringField, unknownProperties } from './request';
import { renderSalesOrder, salesOrderEtag } from './sales-orders';

const HEADER_PROPERTIES = new Set([
  'SalesOrderType',
  'SalesOrganization',
  'DistributionChannel',
  'OrganizationDivision',
  'SoldToParty',
  'PurchaseOrderByCustomer',
  'CustomerPurchaseOrderDate',
  'SalesOrderDate',
  'RequestedDeliveryDate',
  'TransactionCurrency',
  'to_Item',
]);
const ITEM_PROPERTIES = new Set([
  'SalesOrderItem',
  'Material',
  'SalesOrderItemText',
  'RequestedQuantity',
  'RequestedQuantityUnit',
  'to_PricingElement',
]);
const PRICING_PROPERTIES = new Set(['ConditionType', 'ConditionRateValue', 'ConditionCurrency']);
const NOT_CHANGED: ErrorDetail = { code: 'V4/219', message: 'Sales document was not changed' };

export function createSalesOrder(ctx: TenantContext, request: ServiceRequest): SandboxResponse {
  const body = readBody(request);
  unknownProperties(request, body, HEADER_PROPERTIES);
  const header = readHeader(ctx, request, body);
  if ('problems' in header) return businessError(400, request.service, [...header.problems, NOT_CHANGED]);
  const rawItems = readNavigationArray(body.to_Item) ?? [];
  if (rawItems.length === 0) {
    return businessError(400, request.service, [
      { code: 'V1/761', message: 'The sales document contains no items' },
      NOT_CHANGED,
    ]);
  }
  const items: SalesOrderItemRecord[] = [];
  for (const [index, raw] of rawItems.entries()) {
    const item = readItem(ctx, request, raw, index, header.currency);
    if ('problems' in item) {
      const itemNumber = item.item.padStart(6, '0');
      return businessError(400, request.service, [
        ...item.problems,
        { code: 'V4/248', message: `Error in SALES_ITEM_IN ${itemNumber}` },
        NOT_CHANGED,
      ]);
    }
    if (items.some((existing) => existing.item === item.item)) {
      return businessError(400, request.service, [
        { code: 'V1/081', message: `Item ${item.item} already exists in the document` },
        NOT_CHANGED,
      ]);
    }
    items.push(item);
  }
  const now = new Date().toISOString();
  const order: SalesOrderRecord = {
    salesOrder: ctx.store.nextSalesOrderNumber(),
    ...header,
    items,
    totalNetAmount: round(items.reduce((sum, item) => sum + item.netAmount, 0)),
    createdAt: now,
    changedAt: now,
  };
  ctx.store.state.salesOrders.push(order);
  ctx.store.changed();
  const entity = renderSalesOrder(ctx, order, [['to_Item', 'to_PricingElement']]);
  const response = odataJson(201, entity, {
    location: (entity.__metadata as Json).uri as string,
    etag: salesOrderEtag(order),
  });
  // The order is saved; the answer is lost on the way back (a timeout, a dropped connection).
  return ctx.governance.take('dropNextCreates') ? { ...response, drop: true } : response;
}

type Header = Omit<SalesOrderRecord, 'salesOrder' | 'items' | 'totalNetAmount' | 'createdAt' | 'changedAt'>;

function readHeader(ctx: TenantContext, request: ServiceRequest, body: Json): Header | { problems: ErrorDetail[] } {
  const field = (name: string) => stringField(request, body, name) ?? '';
  const salesOrderType = field('SalesOrderType');
  const salesOrganization = field('SalesOrganization');
  const distributionChannel = field('DistributionChannel');
  const division = field('OrganizationDivision');
  const soldToParty = field('SoldToParty');
  const purchaseOrderByCustomer = field('PurchaseOrderByCustomer');
  if (!SALES_ORDER_TYPES.includes(salesOrderType)) {
    return {
      problems: [
        { code: 'V1/898', message: `Sales document type ${salesOrderType} is not defined`, target: 'SalesOrderType' },
      ],
    };
  }
  if (
    salesOrganization !== SALES_AREA.salesOrganization ||
    distributionChannel !== SALES_AREA.distributionChannel ||
    division !== SALES_AREA.division
  ) {
    return {
      problems: [
        {
          code: 'V1/317',
          message: `Sales area ${salesOrganization} ${distributionChannel} ${division} is not defined for sales document type ${salesOrderType}`,
          target: 'SalesOrganization',
        },
      ],
    };
  }
  if (purchaseOrderByCustomer.length > 35) {
    return {
      problems: [
        {
          code: 'V1/012',
          message: 'Customer reference is longer than 35 characters',
          target: 'PurchaseOrderByCustomer',
        },
      ],
    };
  }
  const bp = ctx.store.partner(soldToParty);
  const area = bp?.customer?.salesAreas.find(
    (a) =>
      a.salesOrganization === salesOrganization &&
      a.distributionChannel === distributionChannel &&
      a.division === division,
  );
  if (!bp?.customer || !area) {
    return {
      problems: [
        {
          code: 'VP/199',
          message: `Customer ${soldToParty} has not been created for sales area ${salesOrganization} ${distributionChannel} ${division}`,
          target: 'SoldToParty',
        },
      ],
    };
  }
  const block = bp.customer.orderBlock || area.orderBlock;
  if (bp.isBlocked || block) {
    const reason = block ? ` (order block ${block}: ${ORDER_BLOCK_REASONS[block] ?? 'blocked'})` : '';
    return {
      problems: [
        {
          code: 'V1/462',
          message: `Sold-to party ${soldToParty} is blocked for sales orders${reason}`,
          target: 'SoldToParty',
        },
      ],
    };
  }
  const currency = field('TransactionCurrency') || area.currency;
  if (!/^[A-Z]{3}$/.test(currency)) {
    return {
      problems: [{ code: 'V1/227', message: `Currency ${currency} is not defined`, target: 'TransactionCurrency' }],
    };
  }
  const dateValue = body.SalesOrderDate;
  const salesOrderDate =
    dateValue === undefined || dateValue === null ? new Date().toISOString().slice(0, 10) : readEdmDate(dateValue);
  if (!salesOrderDate)
    throw new RequestRejected(malformedRequest(request.service, "property 'SalesOrderDate' must be an Edm.DateTime"));
  return {
    salesOrderType,
    salesOrganization,
    distributionChannel,
    division,
    soldToParty,
    purchaseOrderByCustomer,
    salesOrderDate,
    currency,
  };
}

function readItem(
  ctx: TenantContext,
  request: ServiceRequest,
  raw: unknown,
  index: number,
  currency: string,
): SalesOrderItemRecord | { item: string; problems: ErrorDetail[] } {
  if (!isObject(raw)) throw new RequestRejected(malformedRequest(request.service, 'to_Item must hold objects'));
  unknownProperties(request, raw, ITEM_PROPERTIES);
  const item = stringField(request, raw, 'SalesOrderItem') ?? String((index + 1) * 10);
  const target = (property: string) => `/A_SalesOrderItem(SalesOrder='',SalesOrderItem='${item}')/${property}`;
  const refuse = (code: string, message: string, property: string) => ({
    item,
    problems: [{ code, message, target: target(property) }],
  });
  if (!/^\d{1,6}$/.test(item)) return refuse('V1/082', `Item number ${item} is not valid`, 'SalesOrderItem');
  const material = stringField(request, raw, 'Material') ?? '';
  const product = ctx.store.product(material);
  const chain = product?.salesDelivery.find(
    (s) =>
      s.salesOrganization === SALES_AREA.salesOrganization && s.distributionChannel === SALES_AREA.distributionChannel,
  );
  if (!product || !chain || product.isMarkedForDeletion) {
    return refuse(
      'V1/392',
      `Material ${material} is not defined for sales org.${SALES_AREA.salesOrganization}, distr.chan.${SALES_AREA.distributionChannel}, language EN`,
      'Material',
    );
  }
  const status = BLOCKING_SALES_STATUSES[chain.salesStatus];
  if (status) return refuse('V1/028', `Material ${material} has status: ${status}`, 'Material');
  const quantity = readDecimal(raw.RequestedQuantity);
  if (raw.RequestedQuantity !== undefined && quantity === undefined) {
    throw new RequestRejected(malformedRequest(request.service, "property 'RequestedQuantity' must be an Edm.Decimal"));
  }
  if (quantity === undefined || quantity <= 0) return refuse('V1/212', 'Enter an order quantity', 'RequestedQuantity');
  const unit = stringField(request, raw, 'RequestedQuantityUnit') || product.baseUnit;
  if (unit !== product.baseUnit) {
    return refuse('V1/375', `Unit ${unit} is not defined for material ${material}`, 'RequestedQuantityUnit');
  }
  const listPrice: PricingElementRecord = {
    conditionType: LIST_PRICE_CONDITION,
    rate: product.listPrice,
    currency,
    manual: false,
  };
  const pricing: PricingElementRecord[] = [listPrice];
  for (const element of readNavigationArray(raw.to_PricingElement) ?? []) {
    if (!isObject(element))
      throw new RequestRejected(malformedRequest(request.service, 'to_PricingElement must hold objects'));
    unknownProperties(request, element, PRICING_PROPERTIES);
    const conditionType = stringField(request, element, 'ConditionType') ?? '';
    if (!MANUAL_PRICE_CONDITIONS.includes(conditionType)) {
      return refuse('V1/208', `Condition type ${conditionType} cannot be entered manually`, 'ConditionType');
    }
    const rate = readDecimal(element.ConditionRateValue);
    if (rate === undefined || rate < 0) {
      return refuse('V1/209', `Enter a valid amount for condition type ${conditionType}`, 'ConditionRateValue');
    }
    const conditionCurrency = stringField(request, element, 'ConditionCurrency') || currency;
    if (conditionCurrency !== currency) {
      return refuse(
        'V1/210',
        `Condition currency ${conditionCurrency} differs from document currency ${currency}`,
        'ConditionCurrency',
      );
    }
    pricing.push({ conditionType, rate, currency, manual: true });
  }
  const manual = pricing.filter((p) => p.manual).at(-1);
  const netPrice = manual ? manual.rate : product.listPrice;
  return {
    item,
    material,
    text: stringField(request, raw, 'SalesOrderItemText') || product.description,
    quantity,
    unit,
    netPrice,
    netAmount: round(netPrice * quantity),
    pricing,
  };
}

const round = (value: number) => Math.round(value * 100) / 100;
