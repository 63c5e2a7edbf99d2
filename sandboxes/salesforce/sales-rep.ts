// A sales rep at work in the Salesforce sandbox, through its control API (the "UI"): builds
// opportunities from the catalog and closes them. Used by the demo, the tests and the benchmark.
import type { DeliveryLogEntry } from './outbound-messages';
export interface OpportunityLine {
  productCode: string;
  quantity: number;
}

export interface SandboxRecord {
  Id: string;
  [field: string]: unknown;
}

export interface OutboxEntry {
  notificationId: string;
  recordId: string;
  status: 'pending' | 'in-flight' | 'acknowledged' | 'expired';
  attempts: number;
  enqueuedAt: string;
  acknowledgedAt?: string;
}

/** One outbound-message POST the sandbox made (its delivery log). */
export type Delivery = DeliveryLogEntry;

export interface SalesforceState {
  orgId: string;
  records: Record<string, SandboxRecord[]>;
  outbox: OutboxEntry[];
}

export class SalesRep {
  private priceBookEntries?: Map<string, string>;

  constructor(private readonly sandboxUrl: string) {}

  async state(): Promise<SalesforceState> {
    return (await this.call('GET', '/_sandbox/state')) as SalesforceState;
  }

  /** Every outbound-message POST the sandbox made, in order. */
  async deliveries(): Promise<Delivery[]> {
    return (await this.call('GET', '/_sandbox/deliveries')) as Delivery[];
  }

  async opportunity(id: string): Promise<SandboxRecord | undefined> {
    return (await this.state()).records.Opportunity?.find((o) => o.Id === id);
  }

  /** Creates an open opportunity with its products, as a rep does before the deal closes. */
  async createOpportunity(input: {
    accountId: string;
    name: string;
    currency?: string;
    lines: OpportunityLine[];
  }): Promise<string> {
    const entries = await this.entries();
    const { id } = (await this.call('POST', '/_sandbox/records/Opportunity', {
      Name: input.name,
      AccountId: input.accountId,
      StageName: 'Negotiation/Review',
      CloseDate: new Date().toISOString().slice(0, 10),
      CurrencyIsoCode: input.currency ?? 'USD',
    })) as { id: string };
    for (const line of input.lines) {
      const entry = entries.get(line.productCode);
      if (!entry) throw new Error(`No price book entry for ${line.productCode}`);
      await this.call('POST', '/_sandbox/records/OpportunityLineItem', {
        OpportunityId: id,
        PricebookEntryId: entry,
        Quantity: line.quantity,
      });
    }
    return id;
  }

  /** Marks the deal won: the workflow rule sends the outbound message. */
  async closeWon(opportunityId: string): Promise<void> {
    await this.call('PATCH', `/_sandbox/records/Opportunity/${opportunityId}`, { StageName: 'Closed Won' });
  }

  /** Saves the opportunity again (a new outbound message with a new notification id). */
  async edit(opportunityId: string, fields: Record<string, unknown>): Promise<void> {
    await this.call('PATCH', `/_sandbox/records/Opportunity/${opportunityId}`, fields);
  }

  async redeliver(notificationId: string): Promise<void> {
    await this.call('POST', `/_sandbox/outbound/${notificationId}/redeliver`);
  }

  private async entries(): Promise<Map<string, string>> {
    if (!this.priceBookEntries) {
      const { records } = await this.state();
      const codeByProduct = new Map((records.Product2 ?? []).map((p) => [p.Id, String(p.ProductCode)]));
      this.priceBookEntries = new Map(
        (records.PricebookEntry ?? []).map((e) => [codeByProduct.get(String(e.Product2Id)) ?? '', e.Id]),
      );
    }
    return this.priceBookEntries;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.sandboxUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Salesforce sandbox ${method} ${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}
