import type { SandboxDefinition } from '../sandbox';
import { startOdooSandbox } from './server';

export type { OdooSandbox, OdooSandboxOptions } from './server';
export { startOdooSandbox } from './server';

const numberSetting = (settings: Record<string, unknown>, key: string) =>
  typeof settings[key] === 'number' ? (settings[key] as number) : undefined;

/**
 * Options under the local hub's `sandboxes.odoo`: `rateLimitRequests` per `rateLimitWindowSeconds`
 * (default 600 per 60 s), `loginCooldownAfter` failed logins (default 5, 0 = off).
 */
export const sandbox: SandboxDefinition = {
  system: 'odoo',
  title: 'Odoo',
  defaultPort: 4750,
  start: ({ port, latencyMs, stateFile, settings }) =>
    startOdooSandbox({
      port,
      latencyMs,
      stateFile,
      rateLimitRequests: numberSetting(settings, 'rateLimitRequests'),
      rateLimitWindowSeconds: numberSetting(settings, 'rateLimitWindowSeconds'),
      loginCooldownAfter: numberSetting(settings, 'loginCooldownAfter'),
    }),
};
