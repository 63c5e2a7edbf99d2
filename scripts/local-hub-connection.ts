// Finds the hub `npm start` runs (its .hub/runtime.json), or starts one in this process.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HubOptions, type RunningHub, startHub } from '../local/hub';
import { PROJECT_ROOT } from '../paths';
import { OUTPUTS } from '../stack-contract';

export interface HubConnection {
  /** Sandbox base URL by system name. */
  sandboxes: Record<string, string>;
  outputs: RunningHub['outputs'];
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
  /** Start a hub of this process's own with these options, whether `npm start` runs or not. */
  ownHub?: HubOptions;
}): Promise<HubConnection> {
  if (!options.ownHub && existsSync(RUNTIME_FILE)) {
    const runtime = JSON.parse(readFileSync(RUNTIME_FILE, 'utf8')) as Omit<HubConnection, 'close'>;
    const anySandbox = Object.values(runtime.sandboxes ?? {})[0];
    if (anySandbox && (await reachable(`${anySandbox}/_sandbox/state`))) {
      options.log(`Using the hub started by npm start (${RUNTIME_FILE})`);
      return { ...runtime, close: async () => {} };
    }
  }
  if (!options.startIfNeeded && !options.ownHub) throw new Error('No local hub is running; start one with npm start');
  options.log('Starting a hub in this process (the same as npm start)...');
  const hub = await startHub({ log: options.log, ...options.ownHub });
  return {
    sandboxes: hub.sandboxes?.urls ?? {},
    outputs: hub.outputs,
    stateMachines: hub.stateMachines,
    endpoints: hub.endpoints,
    region: hub.region,
    close: () => hub.stop(),
  };
}

/** A table the stack names in its outputs. */
export function outputValue(connection: Pick<HubConnection, 'outputs'>, name: string): string {
  const value = connection.outputs[name]?.value;
  if (!value) throw new Error(`The stack has no output ${name}`);
  return value;
}

export const tableOutputs = { correlation: OUTPUTS.correlationTable, itemMappings: OUTPUTS.itemMappingTable };

async function reachable(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}
