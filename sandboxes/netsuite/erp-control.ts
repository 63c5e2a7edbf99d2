// The common ERP sandbox control surface (../erp-sandbox.ts) over the NetSuite account: an admin
// sets up the hub's OAuth 2.0 M2M integration, finance holds customers, and tests look inside.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { ErpSandboxControl, SandboxOrder } from '../erp-sandbox';
import type { AuthService } from './auth';
import type { Governance, GovernanceConfig } from './governance';
import { CURRENCIES, ITEM_IDS } from './model';
import type { SandboxStore } from './store';

/** The integration record the hub gets, as an admin registers it once. */
const HUB_CLIENT = { clientId: 'hub-local', certificateId: 'hub-local-certificate' };

export function netSuiteControl(ctx: {
  store: SandboxStore;
  accountId: string;
  baseUrl: () => string;
  governance: Governance;
  auth: AuthService;
}): ErpSandboxControl {
  const { store } = ctx;
  return {
    connection(previous) {
      // The key stays the same between runs of the local hub: NetSuite keeps the certificate.
      const kept = typeof previous?.privateKeyPem === 'string' ? previous.privateKeyPem : undefined;
      const privateKeyPem = kept?.includes('PRIVATE KEY') ? kept : newRsaKeyPem();
      const publicKeyPem = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' });
      ctx.auth.addClient({ ...HUB_CLIENT, publicKeyPem: publicKeyPem.toString() });
      return { accountId: ctx.accountId, baseUrl: ctx.baseUrl(), ...HUB_CLIENT, privateKeyPem };
    },
    itemMappings: () => Object.entries(ITEM_IDS).map(([sku, itemId]) => ({ sku, itemId })),
    orders: () =>
      store.state.salesOrders.map(
        (order): SandboxOrder => ({
          crmReference: order.externalId ?? '',
          orderNumber: order.tranId,
          customerNumber: store.findCustomer({ kind: 'internal', value: order.entityId })?.entityId ?? order.entityId,
          currency: CURRENCIES[order.currencyId] ?? order.currencyId,
          total: order.total,
          lines: order.lines.map((line) => ({ itemId: line.itemId, quantity: line.quantity, unitPrice: line.rate })),
        }),
      ),
    setCreditHold(crmAccountId, onHold) {
      const customer = store.findCustomer({ kind: 'external', value: crmAccountId });
      if (!customer) return false;
      customer.creditHold = onHold ? 'ON' : 'OFF';
      customer.lastModifiedDate = new Date().toISOString();
      store.changed();
      return true;
    },
    setItemSellable(itemId, sellable) {
      const item = store.findItem(itemId);
      if (!item) return false;
      item.isInactive = !sellable;
      store.changed();
      return true;
    },
    expireSessions() {
      // A new signing secret: every token issued so far stops verifying.
      store.state.tokenSecret = randomBytes(32).toString('base64url');
      store.changed();
    },
    configure: ({ latencyMs, concurrencyLimit, heldByOthers, integrationLimit, outage, dropNextCreates }) => ({
      ...ctx.governance.configure({
        latencyMs,
        concurrencyLimit,
        heldByOthers,
        integrationLimit,
        outage,
        dropNextCreates,
      } as Partial<GovernanceConfig>),
    }),
    requests: () => ctx.governance.requests(),
    clearRequests: () => ctx.governance.clearRequests(),
  };
}

function newRsaKeyPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}
