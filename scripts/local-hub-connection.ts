// Finds the hub `npm start` runs (its .hub/runtime.json), or starts one in this process.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../lib/paths';
import { type RunningHub, startHub } from '../local/hub';

export interface HubConnection {
  sandboxes: { salesforce: string; netsuite: string };
  tables: Record<string, string>;
  stateMachines: Record<string, string>;
  endpoints: RunningHub['endpoints'];
  region: string;
  /** Stops the hub when this process started it. */
  close(): Promise<void>;
}

const RUNTIME_FILE = join(PROJECT_ROOT, '.hub', 'runtime.json');

export async function connectToLocalHub(options: {
  startIfNeeded: boolean;
  log: (line: string) => void;
}): Promise<HubConnection> {
  if (existsSync(RUNTIME_FILE)) {
    const runtime = JSON.parse(readFileSync(RUNTIME_FILE, 'utf8'));
    if (await reachable(`${runtime.sandboxes?.salesforce}/_sandbox/state`)) {
      options.log(`Using the hub started by npm start (${RUNTIME_FILE})`);
      return { ...runtime, close: async () => {} };
    }
  }
  if (!options.startIfNeeded) throw new Error('No local hub is running; start one with npm start');
  options.log('No hub running: starting one in this process (the same as npm start)...');
  const hub = await startHub({ log: options.log });
  const sandboxes = hub.sandboxes;
  if (!sandboxes) throw new Error('The hub started without sandboxes');
  return {
    sandboxes: { salesforce: sandboxes.salesforce.url, netsuite: sandboxes.netsuite.url },
    tables: hub.tables,
    stateMachines: hub.stateMachines,
    endpoints: hub.endpoints,
    region: hub.region,
    close: () => hub.stop(),
  };
}

async function reachable(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}
