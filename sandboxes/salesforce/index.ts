import type { SandboxDefinition } from '../sandbox';
import { startSalesforceSandbox } from './server';

export { type SalesforceSandbox, type SalesforceSandboxOptions, startSalesforceSandbox } from './server';

/** Options under the local hub's `sandboxes.salesforce`: `outboundRetryBaseMs` (first outbound-message retry, default 1000). */
export const sandbox: SandboxDefinition = {
  system: 'salesforce',
  title: 'Salesforce',
  defaultPort: 4710,
  start: ({ port, latencyMs, stateFile, settings }) =>
    startSalesforceSandbox({
      port,
      latencyMs,
      stateFile,
      outboundMessage: {
        retryBaseMs: typeof settings.outboundRetryBaseMs === 'number' ? settings.outboundRetryBaseMs : undefined,
      },
    }),
};
