// Optional persistence of the org (records, outbox, id counters) to one JSON file, written
// atomically and debounced so bursts of saves cost one write (see ../state-file).
import { readStateFile, DebouncedSaver as StateFileSaver, writeStateFile } from '../state-file';
import type { OutboxEntry } from './outbound-messages';
import type { StoredRecord } from './store';

export interface PersistedState {
  version: 1;
  orgId: string;
  idCounters: Record<string, number>;
  records: StoredRecord[];
  outbox: OutboxEntry[];
}

const STATE_VERSION = 1;
/** Names the sandbox in state-file errors. */
const LABEL = 'salesforce sandbox';

export function loadState(file: string): Promise<PersistedState | undefined> {
  return readStateFile<PersistedState>(file, STATE_VERSION, LABEL);
}

/** Writes to a temporary file and renames it, so a crash never leaves half a state file. */
export function saveState(file: string, state: PersistedState): Promise<void> {
  return writeStateFile(file, JSON.stringify(state));
}

export class DebouncedSaver extends StateFileSaver {
  constructor(file: string, capture: () => PersistedState) {
    super(file, () => JSON.stringify(capture()), LABEL);
  }
}
