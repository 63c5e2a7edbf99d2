// The tenant's data and its persistence: loaded from the optional state file on start, saved
// shortly after each change and on stop. Sessions and CSRF tokens are not kept: like the
// tenant's own sessions, they end with a restart.
import { randomBytes } from 'node:crypto';
import { PersistedStore } from '../state-file';
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

export class SandboxStore extends PersistedStore<PersistedState> {
  static async open(stateFile: string | undefined, seed: boolean): Promise<SandboxStore> {
    const [state, saver] = await PersistedStore.load(stateFile, {
      version: STATE_VERSION,
      label: LABEL,
      fresh: () => freshState(seed),
    });
    return new SandboxStore(state, saver);
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
