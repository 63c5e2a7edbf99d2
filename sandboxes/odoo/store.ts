// The sandbox's database and its persistence: an optional JSON state file, loaded on start and
// saved shortly after each change and on stop.
import { PersistedStore } from '../state-file';
import { formatOrderName, type OdooRecord, seedTables } from './model';

const STATE_VERSION = 1;
const LABEL = 'Odoo sandbox';

export interface ApiKey {
  key: string;
  uid: number;
  /** Odoo 19 API keys carry an expiration date; past it the key is refused. */
  expired: boolean;
}

export interface OdooUser {
  uid: number;
  login: string;
  /** False for a user without Sales and Contacts access rights. */
  salesRights: boolean;
}

export interface PersistedState {
  version: number;
  tables: Record<string, OdooRecord[]>;
  /** Next id per model. */
  sequences: Record<string, number>;
  orderNumber: number;
  users: OdooUser[];
  apiKeys: ApiKey[];
}

export class OdooStore extends PersistedStore<PersistedState> {
  static async open(stateFile: string | undefined, seed: boolean): Promise<OdooStore> {
    const [state, saver] = await PersistedStore.load(stateFile, {
      version: STATE_VERSION,
      label: LABEL,
      fresh: () => freshState(seed),
    });
    return new OdooStore(state, saver);
  }

  table(model: string): OdooRecord[] {
    this.state.tables[model] ??= [];
    return this.state.tables[model];
  }

  find(model: string, id: number): OdooRecord | undefined {
    return this.table(model).find((record) => record.id === id);
  }

  nextId(model: string): number {
    const next = this.state.sequences[model] ?? Math.max(0, ...this.table(model).map((r) => r.id)) + 1;
    this.state.sequences[model] = next + 1;
    return next;
  }

  nextOrderName(): string {
    this.state.orderNumber += 1;
    return formatOrderName(this.state.orderNumber);
  }

  partnerByRef(ref: string): OdooRecord | undefined {
    return this.table('res.partner').find((partner) => partner.ref === ref);
  }
}

export const HUB_USER: OdooUser = { uid: 2, login: 'hub-integration', salesRights: true };

function freshState(seed: boolean): PersistedState {
  return {
    version: STATE_VERSION,
    tables: seedTables(seed),
    sequences: { 'sale.order': 1, 'sale.order.line': 1 },
    orderNumber: 41,
    users: [HUB_USER],
    apiKeys: [],
  };
}
