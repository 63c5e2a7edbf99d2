// The common ERP sandbox control surface (../erp-sandbox.ts) over the Business Central company:
// an admin registers the hub's Entra app, finance blocks customers, and tests look inside.
import { randomBytes } from 'node:crypto';
import type { ErpSandboxControl, SandboxOrder } from '../erp-sandbox';
import type { Auth } from './auth';
import type { Governance } from './governance';
import { LOCAL_CURRENCY, type Store } from './store';

/** The app registration the hub gets, as an admin creates it once. */
export const HUB_CLIENT_ID = '3c9f5a1e-7b2d-4e8f-9a6c-1d0e2f3b4a5c';
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function businessCentralControl(ctx: {
  store: Store;
  auth: Auth;
  governance: Governance;
  tenantId: string;
  baseUrl: () => string;
}): ErpSandboxControl {
  const { store } = ctx;
  return {
    connection(previous) {
      // Credentials of an earlier run stay valid: the app registration and its secret outlive the sandbox.
      const keptId =
        typeof previous?.clientId === 'string' && GUID.test(previous.clientId) ? previous.clientId : undefined;
      const keptSecret =
        typeof previous?.clientSecret === 'string' && previous.clientSecret.length > 0
          ? previous.clientSecret
          : undefined;
      const clientId = keptId ?? HUB_CLIENT_ID;
      const clientSecret = keptId && keptSecret ? keptSecret : (store.app(clientId)?.clientSecret ?? newSecret());
      store.registerApp({ clientId, clientSecret, registeredInBusinessCentral: true, hasPermissions: true });
      return { tenantId: ctx.tenantId, clientId, clientSecret, authority: ctx.baseUrl(), apiBaseUrl: ctx.baseUrl() };
    },
    itemMappings: () => store.state.items.map((item) => ({ sku: item.number, itemId: item.id })),
    orders: () =>
      store.state.salesOrders.map(
        (order): SandboxOrder => ({
          crmReference: order.externalDocumentNumber,
          orderNumber: order.number,
          customerNumber: order.customerNumber,
          currency: order.currencyCode || LOCAL_CURRENCY,
          total: order.totalAmountExcludingTax,
          lines: order.salesOrderLines.map((line) => ({
            itemId: line.itemId,
            quantity: line.quantity,
            unitPrice: line.unitPrice,
          })),
        }),
      ),
    setCreditHold(crmAccountId, onHold) {
      const customer = store.customerByNumber(crmAccountId);
      if (!customer) return false;
      customer.blocked = onHold ? 'All' : ' ';
      customer.version += 1;
      customer.lastModifiedDateTime = new Date().toISOString();
      store.changed();
      return true;
    },
    setItemSellable(itemId, sellable) {
      const item = store.item(itemId) ?? store.itemByNumber(itemId);
      if (!item) return false;
      item.blocked = !sellable;
      store.changed();
      return true;
    },
    expireSessions: () => ctx.auth.expireAll(),
    configure: (changes) => ({ ...ctx.governance.configure(changes) }),
    requests: () => ctx.governance.requests(),
    clearRequests: () => ctx.governance.clearRequests(),
  };
}

function newSecret(): string {
  return randomBytes(30).toString('base64url');
}
