import type { SandboxDefinition } from '../sandbox';
import { startBusinessCentralSandbox } from './server';

export type { BusinessCentralSandbox, BusinessCentralSandboxOptions } from './server';
export {
  SANDBOX_COMPANY_ID,
  SANDBOX_ENVIRONMENT,
  SANDBOX_TENANT_ID,
  startBusinessCentralSandbox,
} from './server';

const LIMITS = ['rateLimitRequests', 'rateLimitWindowSeconds', 'concurrencyLimit', 'queueLimit'] as const;

/**
 * Options under the local hub's `sandboxes.business-central`: rateLimitRequests (default 6000) per
 * rateLimitWindowSeconds (300), concurrencyLimit (5) and queueLimit (95), as Business Central online documents.
 */
export const sandbox: SandboxDefinition = {
  system: 'business-central',
  title: 'Business Central',
  defaultPort: 4740,
  start: ({ port, latencyMs, stateFile, settings }) =>
    startBusinessCentralSandbox({
      port,
      latencyMs,
      stateFile,
      ...Object.fromEntries(
        LIMITS.filter((name) => typeof settings[name] === 'number').map((name) => [name, settings[name]]),
      ),
    }),
};
