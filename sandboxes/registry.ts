// The vendor sandboxes, one line each, by the registry name of the system they play.
import { sandbox as netsuite } from './netsuite';
import { sandbox as salesforce } from './salesforce';
import type { SandboxDefinition } from './sandbox';
import { sandbox as sapS4hana } from './sap-s4hana';

export const SANDBOXES: readonly SandboxDefinition[] = [salesforce, netsuite, sapS4hana];

export function sandboxFor(system: string): SandboxDefinition | undefined {
  return SANDBOXES.find((definition) => definition.system === system);
}
