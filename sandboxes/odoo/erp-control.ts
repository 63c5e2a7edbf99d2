// The common ERP sandbox control surface (../erp-sandbox.ts) over the Odoo database: an admin
// gives the integration user an API key, finance blocks customers, and tests look inside.
import { randomBytes } from 'node:crypto';
import type { ErpSandboxControl, SandboxOrder } from '../erp-sandbox';
import type { Governance, GovernanceConfig } from './governance';
import type { OdooRecord } from './model';
import { HUB_USER, type OdooStore } from './store';

const CREDIT_HOLD_MESSAGE = 'Credit hold: invoices overdue, ask finance.';

export function odooControl(ctx: {
  store: OdooStore;
  governance: Governance;
  database: string;
  baseUrl: () => string;
}): ErpSandboxControl {
  const { store } = ctx;
  const name = (model: string, id: unknown) =>
    typeof id === 'number' ? (store.find(model, id)?.name as string | undefined) : undefined;
  return {
    connection(previous) {
      // A key the database still knows is kept (and its expiry lifted); otherwise a new one.
      const kept = store.state.apiKeys.find((k) => k.key === previous?.apiKey);
      const apiKey = kept ?? { key: randomBytes(20).toString('hex'), uid: HUB_USER.uid, expired: false };
      apiKey.expired = false;
      if (!kept) store.state.apiKeys.push(apiKey);
      store.changed();
      const login = store.state.users.find((u) => u.uid === apiKey.uid)?.login ?? HUB_USER.login;
      return { baseUrl: ctx.baseUrl(), database: ctx.database, login, apiKey: apiKey.key };
    },
    itemMappings: () =>
      store.table('product.product').map((p) => ({ sku: String(p.default_code), itemId: String(p.id) })),
    orders: () =>
      store.table('sale.order').map(
        (order): SandboxOrder => ({
          crmReference: typeof order.client_order_ref === 'string' ? order.client_order_ref : '',
          orderNumber: String(order.name),
          customerNumber: String(order.partner_id),
          currency: name('res.currency', order.currency_id) ?? '',
          total: Number(order.amount_untaxed),
          lines: (order.order_line as number[])
            .map((id) => store.find('sale.order.line', id))
            .filter((line): line is OdooRecord => line !== undefined)
            .map((line) => ({
              itemId: String(line.product_id),
              quantity: Number(line.product_uom_qty),
              unitPrice: Number(line.price_unit),
            })),
        }),
      ),
    setCreditHold(crmAccountId, onHold) {
      const partner = store.partnerByRef(crmAccountId);
      if (!partner) return false;
      partner.sale_warn = onHold ? 'block' : 'no-message';
      partner.sale_warn_msg = onHold ? CREDIT_HOLD_MESSAGE : false;
      store.changed();
      return true;
    },
    setItemSellable(itemId, sellable) {
      const product = /^\d+$/.test(itemId) ? store.find('product.product', Number(itemId)) : undefined;
      if (!product) return false;
      product.sale_ok = sellable;
      store.changed();
      return true;
    },
    expireSessions() {
      // API keys have no refresh: past its expiration date a key is refused until a new one is set up.
      for (const key of store.state.apiKeys) key.expired = true;
      store.changed();
    },
    configure: (changes) => ({ ...ctx.governance.configure(changes as Partial<GovernanceConfig>) }),
    requests: () => ctx.governance.requests(),
    clearRequests: () => ctx.governance.clearRequests(),
  };
}
