// The connected systems, one line each: the registry name and where its connector lives. A
// step loads only the connector of the system it calls, on demand: the bundler puts each vendor
// in a chunk of its own, so a step calling one ERP never loads the others' code.

import { capacityGate, currentFlow, guardErp } from '../capacity';
import type { Connection, Connector, CrmConnector, ErpConnector } from '../ports/connector';
import type { CrmPort } from '../ports/crm';
import type { ErpPort } from '../ports/erp';

const CONNECTORS = {
  salesforce: () => import('./salesforce'),
  netsuite: () => import('./netsuite'),
  'sap-s4hana': () => import('./sap-s4hana'),
  'business-central': () => import('./business-central'),
  odoo: () => import('./odoo'),
} satisfies Record<string, () => Promise<{ connector: Connector }>>;

export type SystemName = keyof typeof CONNECTORS;
export const SYSTEM_NAMES = Object.keys(CONNECTORS) as SystemName[];

export function isSystemName(name: string): name is SystemName {
  return Object.hasOwn(CONNECTORS, name);
}

export async function loadConnector(system: string): Promise<Connector> {
  if (!isSystemName(system)) throw new UnknownSystemError(`No connector is registered for system '${system}'`);
  return (await CONNECTORS[system]()).connector;
}

/** The environment variables that connect a function to a system: its secret and its settings. */
export function connectionVariables(system: string): { secretArn: string; settings: string } {
  const prefix = system.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return { secretArn: `${prefix}_SECRET_ARN`, settings: `${prefix}_SETTINGS` };
}

/** A system named in a step's input that this function is not connected to: a deployment defect. */
export class UnknownSystemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Hub.UnknownSystem';
  }
}

/** True when this function has the secret and settings of the system. */
export function isConnected(system: string): boolean {
  const variables = connectionVariables(system);
  return Boolean(process.env[variables.secretArn]) && process.env[variables.settings] !== undefined;
}

function connectionFromEnv(system: string): Connection<unknown> {
  const variables = connectionVariables(system);
  const secretId = process.env[variables.secretArn];
  const settings = process.env[variables.settings];
  if (!secretId || settings === undefined) {
    throw new UnknownSystemError(
      `This function is not connected to ${system} (${variables.secretArn} and ${variables.settings} are not set); check hub:systems and hub:routing`,
    );
  }
  return { system, secretId, settings: JSON.parse(settings) };
}

/** One adapter per system and function instance, so tokens and sessions outlive an invocation. */
function adapters<P>(kind: Connector['kind'], create: (connector: Connector, connection: Connection<unknown>) => P) {
  const cache = new Map<string, Promise<P>>();
  return (system: string): Promise<P> => {
    let adapter = cache.get(system);
    if (!adapter) {
      adapter = (async () => {
        const connection = connectionFromEnv(system);
        const connector = await loadConnector(system);
        if (connector.kind !== kind) {
          throw new UnknownSystemError(`${connector.title} is not ${kind === 'erp' ? 'an ERP' : 'a CRM'}`);
        }
        return create(connector, { ...connection, settings: connector.settings.parse(connection.settings) });
      })();
      adapter.catch(() => cache.delete(system));
      cache.set(system, adapter);
    }
    return adapter;
  };
}

/**
 * The ERP adapter for a system of this deployment. Where the deployment gives the ERP account a
 * capacity budget, every operation goes through its gate (functions/capacity).
 */
export const erp: (system: string) => Promise<ErpPort> = adapters('erp', (connector, connection) => {
  const port = (connector as ErpConnector).create(connection);
  const gate = capacityGate(connection.system, connector.title);
  return gate ? guardErp(port, gate, currentFlow()) : port;
});

/** The CRM adapter for a system of this deployment. */
export const crm: (system: string) => Promise<CrmPort> = adapters('crm', (connector, connection) =>
  (connector as CrmConnector).create(connection),
);
