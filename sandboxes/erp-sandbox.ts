// What every ERP sandbox offers besides its vendor's API: one control surface under /_sandbox,
// the same for NetSuite, SAP, Business Central and Odoo, so the local hub, the tests, the demo
// and the bench can set them up and look inside without knowing which ERP they talk to.
//   POST /_sandbox/connection      {previous?}        -> the JSON the hub's credentials secret holds
//   GET  /_sandbox/item-mappings                      -> [{sku, itemId}] for the catalog products
//   GET  /_sandbox/orders                             -> every sales order, in one neutral shape
//   PUT  /_sandbox/credit-hold     {crmAccountId, onHold}   finance holds or releases a customer
//   PUT  /_sandbox/items/:itemId   {sellable}         an admin blocks or unblocks an item
//   POST /_sandbox/sessions/expire                    every token and session ends now
//   PUT  /_sandbox/config          {latencyMs?, outage?, ...vendor limits}
//   GET|DELETE /_sandbox/requests                     the log of vendor API calls
// GET /_sandbox/state stays vendor-specific: the records as that ERP holds them.
import { json, noContent, parseJson, type Router, type SandboxRequest, type SandboxResponse } from './http';
import type { RequestLogEntry } from './request-log';

export interface SandboxOrder {
  /** The CRM record the order was made for (NetSuite externalId, SAP PurchaseOrderByCustomer, ...). */
  crmReference: string;
  orderNumber: string;
  customerNumber: string;
  currency: string;
  total: number;
  lines: { itemId: string; quantity: number; unitPrice: number }[];
}

export interface ErpSandboxControl {
  /**
   * Sets up the hub's integration as an administrator would (an integration record, a client, an
   * API key...) and returns its credentials as the connector's secret JSON. `previous` is what
   * the secret held on an earlier run: credentials the sandbox still knows are kept working.
   */
  connection(previous: Record<string, unknown> | undefined): Promise<Record<string, unknown>> | Record<string, unknown>;
  itemMappings(): { sku: string; itemId: string }[];
  orders(): SandboxOrder[];
  /** Returns false when no customer is linked to the CRM account. */
  setCreditHold(crmAccountId: string, onHold: boolean): boolean;
  /** Returns false when there is no such item. */
  setItemSellable(itemId: string, sellable: boolean): boolean;
  expireSessions(): void;
  /** Applies validated settings; throws an Error whose message fits a 400. */
  configure(changes: Record<string, unknown>): Record<string, unknown>;
  requests(): RequestLogEntry[];
  clearRequests(): void;
}

export function registerErpControlRoutes(router: Router, control: ErpSandboxControl): void {
  router
    .on('POST', '/_sandbox/connection', async (req) =>
      withObject(req, async (body) =>
        json(200, await control.connection(body.previous as Record<string, unknown> | undefined)),
      ),
    )
    .on('GET', '/_sandbox/item-mappings', () => json(200, control.itemMappings()))
    .on('GET', '/_sandbox/orders', () => json(200, control.orders()))
    .on('PUT', '/_sandbox/credit-hold', (req) =>
      withObject(req, (body) => {
        if (typeof body.crmAccountId !== 'string' || typeof body.onHold !== 'boolean') {
          return badRequest('crmAccountId must be a string and onHold a boolean');
        }
        return control.setCreditHold(body.crmAccountId, body.onHold)
          ? noContent()
          : json(404, { error: `no customer is linked to CRM account ${body.crmAccountId}` });
      }),
    )
    .on('PUT', '/_sandbox/items/:itemId', (req) =>
      withObject(req, (body) => {
        if (typeof body.sellable !== 'boolean') return badRequest('sellable must be a boolean');
        return control.setItemSellable(req.params.itemId, body.sellable)
          ? noContent()
          : json(404, { error: `item ${req.params.itemId} does not exist` });
      }),
    )
    .on('POST', '/_sandbox/sessions/expire', () => {
      control.expireSessions();
      return noContent();
    })
    .on('PUT', '/_sandbox/config', (req) =>
      withObject(req, (body) => {
        try {
          return json(200, control.configure(body));
        } catch (error) {
          return badRequest((error as Error).message);
        }
      }),
    )
    .on('GET', '/_sandbox/requests', () => json(200, control.requests()))
    .on('DELETE', '/_sandbox/requests', () => {
      control.clearRequests();
      return noContent();
    });
}

async function withObject(
  req: SandboxRequest,
  handle: (body: Record<string, unknown>) => SandboxResponse | Promise<SandboxResponse>,
): Promise<SandboxResponse> {
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

/** The same control surface from the other side: finance and an admin at any ERP sandbox. */
export class ErpDesk {
  constructor(readonly url: string) {}

  orders(): Promise<SandboxOrder[]> {
    return this.call('GET', '/_sandbox/orders') as Promise<SandboxOrder[]>;
  }

  async ordersFor(crmReference: string): Promise<SandboxOrder[]> {
    return (await this.orders()).filter((order) => order.crmReference === crmReference);
  }

  async setCreditHold(crmAccountId: string, onHold: boolean): Promise<void> {
    await this.call('PUT', '/_sandbox/credit-hold', { crmAccountId, onHold });
  }

  async setItemSellable(itemId: string, sellable: boolean): Promise<void> {
    await this.call('PUT', `/_sandbox/items/${encodeURIComponent(itemId)}`, { sellable });
  }

  itemMappings(): Promise<{ sku: string; itemId: string }[]> {
    return this.call('GET', '/_sandbox/item-mappings') as Promise<{ sku: string; itemId: string }[]>;
  }

  configure(changes: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.call('PUT', '/_sandbox/config', changes) as Promise<Record<string, unknown>>;
  }

  async expireSessions(): Promise<void> {
    await this.call('POST', '/_sandbox/sessions/expire');
  }

  requests(): Promise<RequestLogEntry[]> {
    return this.call('GET', '/_sandbox/requests') as Promise<RequestLogEntry[]>;
  }

  async clearRequests(): Promise<void> {
    await this.call('DELETE', '/_sandbox/requests');
  }

  connection(previous?: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.call('POST', '/_sandbox/connection', { previous }) as Promise<Record<string, unknown>>;
  }

  state(): Promise<unknown> {
    return this.call('GET', '/_sandbox/state');
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Sandbox ${method} ${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}
