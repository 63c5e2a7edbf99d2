// The tenant's data and its persistence: loaded from the optional state file on start, saved
// shortly after each change and on stop. Sessions and CSRF tokens are not kept: like the
// tenant's own sessions, they end with a restart.
import { randomBytes } from 'node:crypto';
import { DebouncedSaver, readStateFile } from '../state-file';
import {
  type BusinessPartnerRecord,
  type CommunicationUser,
  FIRST_ADDRESS_ID,
  FIRST_SEEDED_PARTNER,
  type ProductRecord,
  type SalesOrderRecord,
  seedBusinessPartners,
  seedProducts,
} from './model';

const STATE_VERSION = 1;
const LABEL = 'SAP S/4HANA sandbox';

export interface PersistedState {
  version: number;
  /** Signs access tokens, so tokens stay valid across a restart on the same state file. */
  tokenSecret: string;
  sequences: { businessPartner: number; address: number; salesOrder: number };
  businessPartners: BusinessPartnerRecord[];
  products: ProductRecord[];
  salesOrders: SalesOrderRecord[];
  communicationUsers: CommunicationUser[];
}

export class SandboxStore {
  private constructor(
    readonly state: PersistedState,
    private readonly saver: DebouncedSaver | undefined,
  ) {}

  static async open(stateFile: string | undefined, seed: boolean): Promise<SandboxStore> {
    const loaded = stateFile ? await readStateFile<PersistedState>(stateFile, STATE_VERSION, LABEL) : undefined;
    const state = loaded ?? freshState(seed);
    const saver = stateFile ? new DebouncedSaver(stateFile, () => JSON.stringify(state, null, 2), LABEL) : undefined;
    const store = new SandboxStore(state, saver);
    if (stateFile && !loaded) store.changed();
    return store;
  }

  changed(): void {
    this.saver?.schedule();
  }

  async close(): Promise<void> {
    await this.saver?.close();
  }

  partner(id: string): BusinessPartnerRecord | undefined {
    return this.state.businessPartners.find((bp) => bp.businessPartner === id);
  }

  partnerByExternalId(externalId: string): BusinessPartnerRecord | undefined {
    return this.state.businessPartners.find((bp) => bp.externalId === externalId);
  }

  product(id: string): ProductRecord | undefined {
    return this.state.products.find((p) => p.product === id);
  }

  salesOrder(id: string): SalesOrderRecord | undefined {
    return this.state.salesOrders.find((o) => o.salesOrder === id);
  }

  user(clientId: string): CommunicationUser | undefined {
    return this.state.communicationUsers.find((u) => u.clientId === clientId);
  }

  nextPartnerNumber(): string {
    this.state.sequences.businessPartner += 1;
    return String(this.state.sequences.businessPartner);
  }

  nextAddressId(): string {
    this.state.sequences.address += 1;
    return String(this.state.sequences.address);
  }

  nextSalesOrderNumber(): string {
    this.state.sequences.salesOrder += 1;
    return String(this.state.sequences.salesOrder);
  }
}

function freshState(seed: boolean): PersistedState {
  const now = new Date().toISOString();
  const partners = seed ? seedBusinessPartners(now) : [];
  return {
    version: STATE_VERSION,
    tokenSecret: randomBytes(32).toString('base64url'),
    sequences: {
      // New customers are numbered after the ones finance set up, leaving room for more.
      businessPartner: FIRST_SEEDED_PARTNER + 99,
      address: FIRST_ADDRESS_ID + 99,
      salesOrder: 5000000,
    },
    businessPartners: partners,
    products: seed ? seedProducts() : [],
    salesOrders: [],
    communicationUsers: [],
  };
}
