// The Gateway in front of the OData services, in the order SAP applies it: logon (bearer token),
// CSRF (token fetch and check), the service's authorization (communication scenario), then the
// service itself. Service documents and $metadata are served for CSRF fetches; the service
// handlers parse the resource path and query.
import type { Router, SandboxRequest, SandboxResponse } from '../http';
import { handleBusinessPartners } from './business-partners';
import { odataJson, type ServiceHandler, type TenantContext } from './context';
import { malformedRequest, RequestRejected, sapError, serviceInfo } from './errors';
import { SAP_CLIENT } from './model';
import { ODATA_ROOT, parseResourcePath } from './odata';
import { handleProducts } from './products';
import { handleSalesOrders } from './sales-orders';

const SERVICES: Record<string, { handler: ServiceHandler; entitySets: string[] }> = {
  API_BUSINESS_PARTNER: {
    handler: handleBusinessPartners,
    entitySets: [
      'A_BusinessPartner',
      'A_BusinessPartnerAddress',
      'A_AddressPhoneNumber',
      'A_AddressHomePageURL',
      'A_Customer',
    ],
  },
  API_SALES_ORDER_SRV: { handler: handleSalesOrders, entitySets: ['A_SalesOrder', 'A_SalesOrderItem'] },
  API_PRODUCT_SRV: { handler: handleProducts, entitySets: ['A_Product'] },
};

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'MERGE', 'DELETE'];

export function registerGatewayRoutes(router: Router, ctx: TenantContext): void {
  // The router decodes path parameters itself; a broken escape is Gateway's 400, not a crash.
  router.use(ODATA_ROOT, (req, next) => {
    try {
      decodeURIComponent(req.path);
    } catch {
      return Promise.resolve(malformedRequest(undefined, 'the request URI holds an invalid escape'));
    }
    return next();
  });
  const route = (req: SandboxRequest) => handle(ctx, req);
  for (const method of METHODS) {
    router.on(method, `${ODATA_ROOT}/:service`, route).on(method, `${ODATA_ROOT}/:service/*`, route);
  }
}

function handle(ctx: TenantContext, req: SandboxRequest): SandboxResponse {
  const name = req.params.service.split(';')[0];
  const definition = SERVICES[name];
  const service = serviceInfo(name);
  if (!definition) {
    return sapError(
      404,
      undefined,
      '/IWFND/MED/170',
      `No service found for namespace '/SAP/', name '${name}', version '0001'`,
    );
  }
  const client = req.query.get('sap-client');
  const principal =
    client === null || client === SAP_CLIENT
      ? ctx.auth.authenticate(req)
      : ctx.auth.authenticate({ ...req, headers: {} });
  if ('status' in principal) return principal;
  const csrfRefused = ctx.csrf.check(req, principal.clientId);
  if (csrfRefused) return csrfRefused;
  const forbidden = ctx.auth.authorize(principal, name);
  if (forbidden) return forbidden;
  const sessionHeaders = ctx.csrf.fetch(req, principal.clientId) ?? {};
  const format = req.query.get('$format');
  let response: SandboxResponse;
  try {
    if (format !== null && format !== 'json') {
      throw new RequestRejected(malformedRequest(service, 'the sandbox answers in JSON only ($format=json)'));
    }
    const rest = req.params.rest ?? '';
    if (rest === '' || rest === '/') response = serviceDocument(definition.entitySets);
    else if (rest === '$metadata') response = metadataDocument(name, definition.entitySets);
    else response = definition.handler(ctx, { req, service, segments: parseResourcePath(service, rest), principal });
  } catch (error) {
    if (!(error instanceof RequestRejected)) throw error;
    response = error.response;
  }
  const withSession = { ...response, headers: { ...response.headers, ...sessionHeaders } };
  return req.method === 'HEAD' ? { ...withSession, body: '' } : withSession;
}

function serviceDocument(entitySets: string[]): SandboxResponse {
  return odataJson(200, { EntitySets: entitySets });
}

/** A minimal EDMX naming the entity sets: enough for clients that fetch the CSRF token here. */
function metadataDocument(service: string, entitySets: string[]): SandboxResponse {
  const sets = entitySets.map((set) => `<EntitySet Name="${set}" EntityType="${service}.${set}Type"/>`).join('');
  return {
    status: 200,
    headers: { 'content-type': 'application/xml', dataserviceversion: '2.0' },
    body: `<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx"><edmx:DataServices m:DataServiceVersion="2.0" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><Schema Namespace="${service}" xmlns="http://schemas.microsoft.com/ado/2008/09/edm"><EntityContainer Name="${service}_Entities" m:IsDefaultEntityContainer="true">${sets}</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`,
  };
}
