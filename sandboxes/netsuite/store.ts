// The sandbox's account data and its persistence. The local twin restarts often, so the state
// survives in an optional JSON file: loaded on start, saved shortly after each change and on stop.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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
/** Long enough to coalesce a burst of writes, short enough that a crash loses little. */
const SAVE_DEBOUNCE_MS = 100;

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

export class SandboxStore {
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly state: PersistedState,
    private readonly stateFile: string | undefined,
  ) {}

  static async open(stateFile: string | undefined, seed: boolean): Promise<SandboxStore> {
    const loaded = stateFile ? await loadState(stateFile) : undefined;
    const store = new SandboxStore(loaded ?? freshState(seed), stateFile);
    // A new file is written right away so a crash before the first change still leaves the seed.
    if (stateFile && !loaded) store.changed();
    return store;
  }

  /** Marks the state dirty; the file is rewritten once the burst of changes settles. */
  changed(): void {
    if (!this.stateFile || this.closed) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      // Nobody awaits a background save: report a failure instead of crashing the process.
      this.flush().catch((error: unknown) => console.error('NetSuite sandbox: saving state failed', error));
    }, SAVE_DEBOUNCE_MS);
    this.saveTimer.unref();
  }

  async flush(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const file = this.stateFile;
    if (!file) return;
    const snapshot = JSON.stringify(this.state, null, 2);
    // Chained so two saves never interleave their temp-file renames; a failed save does not
    // block the next one.
    const write = this.saving.catch(() => undefined).then(() => writeAtomically(file, snapshot));
    this.saving = write;
    await write;
  }

  /** Final save; later changes (from requests still in flight) are not written. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
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

async function loadState(file: string): Promise<PersistedState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // A corrupt or foreign file is a setup mistake: refuse to start rather than overwrite it.
  const state = JSON.parse(text) as PersistedState;
  if (state.version !== STATE_VERSION) {
    throw new Error(`NetSuite sandbox state file ${file} has version ${state.version}, expected ${STATE_VERSION}`);
  }
  return state;
}

async function writeAtomically(file: string, content: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content, 'utf8');
  await rename(temp, file);
}
