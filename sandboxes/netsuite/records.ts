// The record API routes under /services/rest/record/v1. Anything the sandbox does not model
// answers a NetSuite-style 404 rather than the toolkit's plain-text one.
import type { Route, Router, SandboxRequest, SandboxResponse } from '../http';
import { createCustomer, getCustomer, upsertCustomer } from './customers';
import { rejectionAware } from './errors';
import { getItem } from './items';
import { ITEM_TYPES } from './model';
import { RECORD_BASE, type RecordContext, unsupportedRoute } from './request';
import { createSalesOrder, getSalesOrder, getSalesOrderLines } from './sales-orders';

const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

type RecordHandler = (ctx: RecordContext, req: SandboxRequest) => SandboxResponse;

export function registerRecordRoutes(router: Router, ctx: RecordContext): void {
  const bind =
    (handler: RecordHandler): Route =>
    (req) =>
      rejectionAware(() => handler(ctx, req));

  router
    .on('PUT', `${RECORD_BASE}/customer/:id`, bind(upsertCustomer))
    .on('POST', `${RECORD_BASE}/customer`, bind(createCustomer))
    .on('GET', `${RECORD_BASE}/customer/:id`, bind(getCustomer))
    .on('POST', `${RECORD_BASE}/salesOrder`, bind(createSalesOrder))
    .on('GET', `${RECORD_BASE}/salesOrder/:id`, bind(getSalesOrder))
    .on('GET', `${RECORD_BASE}/salesOrder/:id/item`, bind(getSalesOrderLines));
  for (const type of ITEM_TYPES) {
    router.on(
      'GET',
      `${RECORD_BASE}/${type}/:id`,
      bind((c, req) => getItem(c, type, req)),
    );
  }
  // Registered last: the router takes the first match, so these only catch what is left.
  for (const method of ALL_METHODS) router.on(method, `${RECORD_BASE}/*`, unsupportedRoute);
}
