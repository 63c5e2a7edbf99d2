// The common ERP sandbox control surface (../erp-sandbox.ts) over the tenant: an administrator
// sets up the hub's communication user and arrangements, finance blocks customers for orders,
// a product manager blocks materials for sales, and tests look inside.
import { randomBytes } from 'node:crypto';
import type { ErpSandboxControl, SandboxOrder } from '../erp-sandbox';
import type { TenantContext } from './context';
import type { GovernanceConfig } from './governance';
import { ALL_SCENARIOS, MATERIALS } from './model';

/** The communication user the hub gets: its name is the OAuth client id of the arrangements. */
export const HUB_USER = 'HUB_INTEGRATION';

const CONFIG_KEYS: (keyof GovernanceConfig)[] = [
  'latencyMs',
  'outage',
  'rateLimitRequests',
  'rateLimitWindowSeconds',
  'rateLimitStyle',
  'sessionTtlSeconds',
  'tokenTtlSeconds',
  'dropNextCreates',
  'conflictNextPatches',
];

export function sapControl(ctx: TenantContext): ErpSandboxControl {
  const { store } = ctx;
  return {
    connection(previous) {
      // The password stays what it was, given back by the local hub or known to the tenant: the
      // tenant keeps the user, and adapters already holding the password keep working.
      const given =
        typeof previous?.clientSecret === 'string' && previous.clientSecret.length >= 20
          ? previous.clientSecret
          : undefined;
      const clientSecret = given ?? store.user(HUB_USER)?.clientSecret ?? randomBytes(24).toString('base64url');
      ctx.auth.setUser({ clientId: HUB_USER, clientSecret, scenarios: [...ALL_SCENARIOS] });
      return { baseUrl: ctx.baseUrl(), clientId: HUB_USER, clientSecret };
    },
    itemMappings: () => Object.entries(MATERIALS).map(([sku, itemId]) => ({ sku, itemId })),
    orders: () =>
      store.state.salesOrders.map(
        (order): SandboxOrder => ({
          crmReference: order.purchaseOrderByCustomer,
          orderNumber: order.salesOrder,
          customerNumber: order.soldToParty,
          currency: order.currency,
          total: order.totalNetAmount,
          lines: order.items.map((item) => ({
            itemId: item.material,
            quantity: item.quantity,
            unitPrice: item.netPrice,
          })),
        }),
      ),
    setCreditHold(crmAccountId, onHold) {
      const bp = store.partnerByExternalId(crmAccountId);
      if (!bp?.customer) return false;
      // Finance sets the central order block with the credit reason (or removes it).
      bp.customer.orderBlock = onHold ? '01' : '';
      bp.version += 1;
      bp.changedAt = new Date().toISOString();
      store.changed();
      return true;
    },
    setItemSellable(itemId, sellable) {
      const product = store.product(itemId);
      if (!product) return false;
      for (const chain of product.salesDelivery) chain.salesStatus = sellable ? '' : '01';
      store.changed();
      return true;
    },
    expireSessions() {
      // A new signing secret ends every token; the sessions and their CSRF tokens end with them.
      store.state.tokenSecret = randomBytes(32).toString('base64url');
      ctx.csrf.expireAll();
      store.changed();
    },
    configure(changes) {
      const unknown = Object.keys(changes).filter((key) => !CONFIG_KEYS.includes(key as keyof GovernanceConfig));
      if (unknown.length > 0)
        throw new Error(`unknown settings: ${unknown.join(', ')}; known: ${CONFIG_KEYS.join(', ')}`);
      return { ...ctx.governance.configure(changes as Partial<GovernanceConfig>) };
    },
    requests: () => ctx.governance.requests(),
    clearRequests: () => ctx.governance.clearRequests(),
  };
}
