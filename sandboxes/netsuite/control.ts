// The /_sandbox control API: what tests and the local twin use to look inside the account and
// to play the people around the integration (finance, an admin) and the failures of the service.
import { json, parseJson, type Router, type SandboxRequest, type SandboxResponse } from '../http';
import type { AuthService } from './auth';
import { renderCustomer } from './customers';
import type { Governance } from './governance';
import { readItemSetup, renderItem } from './items';
import type { ClientRegistration, CreditHold } from './model';
import type { RecordContext } from './request';
import { renderSalesOrder } from './sales-orders';

const CREDIT_HOLDS: readonly CreditHold[] = ['AUTO', 'ON', 'OFF'];

export interface ControlContext extends RecordContext {
  accountId: string;
  governance: Governance;
  auth: AuthService;
}

export function registerControlRoutes(router: Router, ctx: ControlContext): void {
  router
    .on('GET', '/_sandbox/state', () => json(200, snapshot(ctx)))
    .on('PUT', '/_sandbox/customers/:id/credit-hold', (req) =>
      withJsonBody(req, (body) => setCreditHold(ctx, req.params.id, body)),
    )
    .on('POST', '/_sandbox/items', (req) => withJsonBody(req, (body) => setUpItem(ctx, body)))
    .on('POST', '/_sandbox/clients', (req) => withJsonBody(req, (body) => registerClient(ctx, body)));
}

function snapshot(ctx: ControlContext) {
  const { state } = ctx.store;
  return {
    accountId: ctx.accountId,
    customers: state.customers.map((c) => renderCustomer(ctx, c, true)),
    items: state.items.map((item) => ({ ...renderItem(ctx, item), type: item.type })),
    salesOrders: state.salesOrders.map((o) => renderSalesOrder(ctx, o, true)),
    config: { ...ctx.governance.config },
    stats: { ...ctx.governance.stats },
  };
}

/** Finance changes the Hold field on the customer's Financial subtab. */
function setCreditHold(ctx: ControlContext, id: string, body: Record<string, unknown>): SandboxResponse {
  const customer = ctx.store.findCustomer({ kind: 'internal', value: id });
  if (!customer) return json(404, { error: `customer ${id} does not exist` });
  const creditHold = body.creditHold as CreditHold;
  if (!CREDIT_HOLDS.includes(creditHold)) return badRequest(`creditHold must be one of ${CREDIT_HOLDS.join(', ')}`);
  const { creditLimit } = body;
  if (creditLimit !== undefined && creditLimit !== null && (typeof creditLimit !== 'number' || creditLimit < 0)) {
    return badRequest('creditLimit must be a number >= 0 or null');
  }
  customer.creditHold = creditHold;
  if (creditLimit !== undefined) customer.creditLimit = creditLimit === null ? undefined : (creditLimit as number);
  customer.lastModifiedDate = new Date().toISOString();
  ctx.store.changed();
  return json(200, renderCustomer(ctx, customer, false));
}

/** An admin creates (201) or edits (200) an item, e.g. to deactivate it. */
function setUpItem(ctx: ControlContext, body: Record<string, unknown>): SandboxResponse {
  const item = readItemSetup(body);
  if (typeof item === 'string') return badRequest(item);
  const items = ctx.store.state.items;
  const index = items.findIndex((existing) => existing.id === item.id);
  if (index >= 0) items[index] = item;
  else items.push(item);
  ctx.store.changed();
  return json(index >= 0 ? 200 : 201, renderItem(ctx, item));
}

function registerClient(ctx: ControlContext, body: Record<string, unknown>): SandboxResponse {
  const { clientId, certificateId, publicKeyPem } = body as Partial<ClientRegistration>;
  if (typeof clientId !== 'string' || typeof certificateId !== 'string' || typeof publicKeyPem !== 'string') {
    return badRequest('clientId, certificateId and publicKeyPem must be strings');
  }
  try {
    ctx.auth.addClient({ clientId, certificateId, publicKeyPem });
  } catch (error) {
    return badRequest(`publicKeyPem is not a usable public key or certificate: ${(error as Error).message}`);
  }
  return json(201, { clientId, certificateId });
}

function withJsonBody(
  req: SandboxRequest,
  handle: (body: Record<string, unknown>) => SandboxResponse,
): SandboxResponse {
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
