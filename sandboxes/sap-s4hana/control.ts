// The tenant-specific part of /_sandbox: the records as SAP holds them, the communication users
// and the scenarios their arrangements cover (to take one away and see the 403), and ending the
// CSRF sessions alone (tokens stay valid).
import { json, noContent, parseJson, type Router, type SandboxRequest, type SandboxResponse } from '../http';
import { renderPartner } from './business-partners';
import type { TenantContext } from './context';
import { ALL_SCENARIOS } from './model';
import { renderProduct } from './products';
import { renderSalesOrder } from './sales-orders';

const FULL_PARTNER = [
  ['to_BusinessPartnerAddress', 'to_PhoneNumber'],
  ['to_BusinessPartnerAddress', 'to_URLAddress'],
  ['to_BusinessPartnerRole'],
  ['to_Customer', 'to_CustomerSalesArea'],
];

export function registerControlRoutes(router: Router, ctx: TenantContext): void {
  router
    .on('GET', '/_sandbox/state', () => json(200, snapshot(ctx)))
    .on('PUT', '/_sandbox/communication-users/:user', (req) => withObject(req, (body) => setUser(ctx, req, body)))
    .on('POST', '/_sandbox/csrf-sessions/expire', () => {
      ctx.csrf.expireAll();
      return noContent();
    });
}

function snapshot(ctx: TenantContext) {
  const { state } = ctx.store;
  return {
    businessPartners: state.businessPartners.map((bp) => renderPartner(ctx, bp, FULL_PARTNER)),
    products: state.products.map((p) => renderProduct(ctx, p, [['to_Description'], ['to_SalesDelivery']])),
    salesOrders: state.salesOrders.map((o) => renderSalesOrder(ctx, o, [['to_Item', 'to_PricingElement']])),
    communicationUsers: state.communicationUsers.map(({ clientId, scenarios }) => ({ clientId, scenarios })),
    liveSessions: ctx.csrf.live,
    config: { ...ctx.governance.config },
    stats: { ...ctx.governance.stats },
  };
}

/** An administrator creates or edits a communication user and the arrangements naming it. */
function setUser(ctx: TenantContext, req: SandboxRequest, body: Record<string, unknown>): SandboxResponse {
  const existing = ctx.store.user(req.params.user);
  const clientSecret = body.clientSecret ?? existing?.clientSecret;
  const scenarios = body.scenarios ?? existing?.scenarios ?? [];
  if (typeof clientSecret !== 'string' || clientSecret.length === 0)
    return badRequest('clientSecret must be a non-empty string');
  if (!Array.isArray(scenarios) || !scenarios.every((s) => typeof s === 'string' && ALL_SCENARIOS.includes(s))) {
    return badRequest(`scenarios must be a list of ${ALL_SCENARIOS.join(', ')}`);
  }
  ctx.auth.setUser({ clientId: req.params.user, clientSecret, scenarios: scenarios as string[] });
  return json(200, { clientId: req.params.user, scenarios });
}

function withObject(req: SandboxRequest, handle: (body: Record<string, unknown>) => SandboxResponse): SandboxResponse {
  let body: unknown;
  try {
    body = parseJson(req);
  } catch {
    return badRequest('body must be JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return badRequest('body must be a JSON object');
  return handle(body as Record<string, unknown>);
}

const badRequest = (message: string) => json(400, { error: message });
