import type { SandboxDefinition } from '../sandbox';
import type { GovernanceConfig } from './governance';
import { startSapSandbox } from './server';

export type { GovernanceConfig as SapSandboxConfig } from './governance';
export type { SapSandbox, SapSandboxOptions } from './server';
export { startSapSandbox } from './server';

const NUMERIC_SETTINGS = [
  'rateLimitRequests',
  'rateLimitWindowSeconds',
  'sessionTtlSeconds',
  'tokenTtlSeconds',
] as const satisfies readonly (keyof GovernanceConfig)[];

/**
 * Options under the local hub's `sandboxes.sap-s4hana`: `rateLimitRequests` per
 * `rateLimitWindowSeconds` (default 1200 per 60), `rateLimitStyle` ('gateway' answers 429 with
 * Retry-After, 'api-management' the Spike Arrest fault), `sessionTtlSeconds` (1800),
 * `tokenTtlSeconds` (3600).
 */
export const sandbox: SandboxDefinition = {
  system: 'sap-s4hana',
  title: 'SAP S/4HANA',
  defaultPort: 4730,
  start: ({ port, latencyMs, stateFile, settings }) =>
    startSapSandbox({
      port,
      latencyMs,
      stateFile,
      ...Object.fromEntries(
        NUMERIC_SETTINGS.filter((key) => typeof settings[key] === 'number').map((key) => [key, settings[key]]),
      ),
      ...(settings.rateLimitStyle === 'gateway' || settings.rateLimitStyle === 'api-management'
        ? { rateLimitStyle: settings.rateLimitStyle }
        : {}),
    }),
};
