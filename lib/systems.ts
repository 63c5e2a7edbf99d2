// The systems this deployment connects: every system named under hub:systems, with its
// connector's declarations (from functions/connectors/registry.ts, the one list of vendors) and
// its settings checked against the connector's schema. Feeds the credentials secrets
// (connections.ts), the functions' bindings and the routing check.

import { isSystemName, loadConnector, SYSTEM_NAMES } from '../functions/connectors/registry';
import { routedSystems } from '../functions/domain/routing';
import type { Connector, SecretDeclaration } from '../functions/ports/connector';
import type { HubConfig } from './config';
import { describeIssues } from './config';

export interface ConnectedSystem {
  /** Registry name, e.g. 'business-central'. */
  readonly name: string;
  readonly kind: Connector['kind'];
  readonly title: string;
  readonly secret: SecretDeclaration<unknown>;
  /** The deployment's settings, as the connector's schema parsed them. */
  readonly settings: unknown;
}

export async function connectedSystems(config: HubConfig): Promise<ConnectedSystem[]> {
  const systems: ConnectedSystem[] = [];
  for (const [name, rawSettings] of Object.entries(config.systems)) {
    if (!isSystemName(name)) {
      throw new Error(
        `Context hub:systems.${name}: no connector is registered for '${name}'; known: ${SYSTEM_NAMES.join(', ')}`,
      );
    }
    const connector = await loadConnector(name);
    const settings = connector.settings.safeParse(rawSettings ?? {});
    if (!settings.success) throw new Error(describeIssues(`hub:systems.${name}`, settings.error));
    systems.push({
      name,
      kind: connector.kind,
      title: connector.title,
      secret: connector.secret,
      settings: settings.data,
    });
  }
  checkRouting(config, systems);
  return systems;
}

/** Orders can only be routed to ERPs this deployment connects. */
function checkRouting(config: HubConfig, systems: ConnectedSystem[]): void {
  const erps = systems.filter((s) => s.kind === 'erp').map((s) => s.name);
  for (const name of routedSystems(config.routing)) {
    if (!erps.includes(name)) {
      throw new Error(
        `Context hub:routing sends orders to '${name}', which is not a connected ERP; connected ERPs: ${erps.join(', ') || 'none'} (hub:systems)`,
      );
    }
  }
  if (!systems.some((s) => s.kind === 'crm')) throw new Error('Context hub:systems connects no CRM');
}

export function systemsOfKind(systems: readonly ConnectedSystem[], kind: Connector['kind']): ConnectedSystem[] {
  return systems.filter((system) => system.kind === kind);
}
