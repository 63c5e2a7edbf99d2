// The sandbox's account data and its persistence. The local twin restarts often, so the state
// survives in an optional JSON file: loaded on start, saved shortly after each change and on stop.
import { randomBytes } from 'node:crypto';
import { PersistedStore } from '../state-file';
import {
  type ClientRegistration,
  type CustomerRecord,
  formatEntityId,
  formatTranId,
  type ItemRecord,
  type SalesOrderRecord,
  seedCustomers,
  seedItems,
} from './model';

const STATE_VERSION = 1;
/** Names the sandbox in state-file errors. */
const LABEL = 'NetSuite sandbox';

export interface PersistedState {
  version: number;
  /** Signs the access tokens, so tokens stay valid across a restart on the same state file. */
  tokenSecret: string;
  sequences: { customerId: number; entityNumber: number; salesOrderId: number; tranNumber: number };
  customers: CustomerRecord[];
  items: ItemRecord[];
  salesOrders: SalesOrderRecord[];
  /** Integrations registered at run time (via the control API or addClient). */
  clients: ClientRegistration[];
  /** X-NetSuite-Idempotency-Key -> path of the record the first request created. */
  idempotencyKeys: Record<string, string>;
}

export class SandboxStore extends PersistedStore<PersistedState> {
  static async open(stateFile: string | undefined, seed: boolean): Promise<SandboxStore> {
    const [state, saver] = await PersistedStore.load(stateFile, {
      version: STATE_VERSION,
      label: LABEL,
      fresh: () => freshState(seed),
    });
    return new SandboxStore(state, saver);
  }

  findCustomer(ref: RecordRef): CustomerRecord | undefined {
    return ref.kind === 'external'
      ? this.state.customers.find((c) => c.externalId === ref.value)
      : this.state.customers.find((c) => c.id === ref.value);
  }

  findSalesOrder(ref: RecordRef): SalesOrderRecord | undefined {
    return ref.kind === 'external'
      ? this.state.salesOrders.find((o) => o.externalId === ref.value)
      : this.state.salesOrders.find((o) => o.id === ref.value);
  }

  findItem(id: string): ItemRecord | undefined {
    return this.state.items.find((item) => item.id === id);
  }

  nextCustomerIds(): { id: string; entityId: string } {
    const seq = this.state.sequences;
    seq.customerId += 1;
    seq.entityNumber += 1;
    return { id: String(seq.customerId), entityId: formatEntityId(seq.entityNumber) };
  }

  nextSalesOrderIds(): { id: string; tranId: string } {
    const seq = this.state.sequences;
    seq.salesOrderId += 1;
    seq.tranNumber += 1;
    return { id: String(seq.salesOrderId), tranId: formatTranId(seq.tranNumber) };
  }
}

export type RecordRef = { kind: 'internal' | 'external'; value: string };

function freshState(seed: boolean): PersistedState {
  const now = new Date().toISOString();
  const customers = seed ? seedCustomers(now) : [];
  const highestCustomerId = Math.max(800, ...customers.map((c) => Number(c.id)));
  return {
    version: STATE_VERSION,
    tokenSecret: randomBytes(32).toString('base64url'),
    sequences: {
      customerId: highestCustomerId,
      entityNumber: customers.length,
      salesOrderId: 5000,
      tranNumber: 10000,
    },
    customers,
    items: seed ? seedItems() : [],
    salesOrders: [],
    clients: [],
    idempotencyKeys: {},
  };
}
