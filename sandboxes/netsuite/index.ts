import type { SandboxDefinition } from '../sandbox';
import { startNetSuiteSandbox } from './server';

export type { NetSuiteSandbox, NetSuiteSandboxOptions } from './server';
export { startNetSuiteSandbox } from './server';

/**
 * Options under the local hub's `sandboxes.netsuite`: `concurrencyLimit` (default 5, Standard
 * tier) and `integrationLimit` (a limit allocated to the hub's integration; default none).
 */
export const sandbox: SandboxDefinition = {
  system: 'netsuite',
  title: 'NetSuite',
  defaultPort: 4720,
  start: ({ port, latencyMs, stateFile, settings }) =>
    startNetSuiteSandbox({
      port,
      latencyMs,
      stateFile,
      concurrencyLimit: typeof settings.concurrencyLimit === 'number' ? settings.concurrencyLimit : undefined,
      integrationLimit: typeof settings.integrationLimit === 'number' ? settings.integrationLimit : undefined,
    }),
};
