// The vendor sandboxes, one line each, by the registry name of the system they play.
import { sandbox as businessCentral } from './business-central';
import { sandbox as netsuite } from './netsuite';
import { sandbox as odoo } from './odoo';
import { sandbox as salesforce } from './salesforce';
import type { SandboxDefinition } from './sandbox';
import { sandbox as sapS4hana } from './sap-s4hana';

export const SANDBOXES: readonly SandboxDefinition[] = [salesforce, netsuite, sapS4hana, businessCentral, odoo];

export function sandboxFor(system: string): SandboxDefinition | undefined {
  return SANDBOXES.find((definition) => definition.system === system);
}
