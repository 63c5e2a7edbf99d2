// Optional persistence of the org (records, outbox, id counters) to one JSON file, written
// atomically and debounced so bursts of saves cost one write.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { OutboxEntry } from './outbound-messages';
import type { StoredRecord } from './store';

export interface PersistedState {
  version: 1;
  orgId: string;
  idCounters: Record<string, number>;
  records: StoredRecord[];
  outbox: OutboxEntry[];
}

const SAVE_DEBOUNCE_MS = 100;

export async function loadState(file: string): Promise<PersistedState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const state = JSON.parse(text) as PersistedState;
  if (state.version !== 1) throw new Error(`${file}: unsupported sandbox state version ${String(state.version)}`);
  return state;
}

/** Writes to a temporary file and renames it, so a crash never leaves half a state file. */
export async function saveState(file: string, state: PersistedState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(state));
  await rename(temporary, file);
}

export class DebouncedSaver {
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly capture: () => PersistedState,
  ) {}

  schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A background save has no caller to fail; say so loudly, stop() will try again and throw.
      this.write().catch((error: Error) =>
        console.error(`salesforce sandbox: saving ${this.file} failed: ${error.message}`),
      );
    }, SAVE_DEBOUNCE_MS);
  }

  /** Cancels a pending debounced write and writes now (after any write in progress). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.write();
  }

  /** The final write on stop; changes a straggling request makes afterwards are not saved. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private write(): Promise<void> {
    // Capture when this write's turn comes, so the last write always holds the latest state.
    this.writing = this.writing.catch(() => undefined).then(() => saveState(this.file, this.capture()));
    return this.writing;
  }
}
