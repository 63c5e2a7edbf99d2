// The hub's deployment settings, from CDK context (cdk.json or `-c key=value`). Read and checked
// once, before any construct exists: a bad value stops the synth naming the key. Which systems a
// deployment connects and how orders are routed between them are context too, so connecting an
// ERP or moving a region to another ERP is a configuration deploy.
import type { Node } from 'constructs';
import type * as z from 'zod';
import { type CapacitySettings, capacitySettingsSchema } from '../functions/capacity/settings';
import { type Routing, routingSchema } from '../functions/domain/routing';

export interface HubConfig {
  /** Short name of the deployment, part of resource and secret names: dev, staging, prod. */
  readonly stage: string;
  /** The connected systems by registry name, with their settings (checked against each connector in lib/systems.ts). */
  readonly systems: Readonly<Record<string, unknown>>;
  /** Which ERP each order goes to. */
  readonly routing: Routing;
  /** How much of each ERP account the hub may use (functions/capacity/settings.ts). */
  readonly capacity: CapacitySettings;
}

/** Context keys of earlier versions, and where their values live now. */
const MOVED_KEYS: Record<string, string> = {
  'hub:salesforceOrgIds': 'hub:systems.salesforce.orgIds',
  'hub:netsuiteSubsidiaryId': 'hub:systems.netsuite.subsidiaryId',
};

export function readConfig(node: Node): HubConfig {
  for (const [old, now] of Object.entries(MOVED_KEYS)) {
    if (node.tryGetContext(old) !== undefined) throw new Error(`Context ${old} has moved to ${now}`);
  }
  const stage = requireString(node, 'hub:stage');
  if (!/^[a-z][a-z0-9-]{1,15}$/.test(stage)) {
    throw new Error(`Context hub:stage must be 2-16 lowercase letters, digits or dashes; got '${stage}'`);
  }
  const systems = requireObject(node, 'hub:systems');
  const routing = routingSchema.safeParse(requireObject(node, 'hub:routing'));
  if (!routing.success) throw new Error(describeIssues('hub:routing', routing.error));
  const capacity = capacitySettingsSchema.safeParse(
    node.tryGetContext('hub:capacity') === undefined ? {} : requireObject(node, 'hub:capacity'),
  );
  if (!capacity.success) throw new Error(describeIssues('hub:capacity', capacity.error));
  return { stage, systems, routing: routing.data, capacity: capacity.data };
}

/** Every problem of a context value, each with the key path it is at. */
export function describeIssues(key: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => `  ${[key, ...issue.path.map(String)].join('.')}: ${issue.message}`);
  return `Context ${key} is not valid:\n${lines.join('\n')}`;
}

function requireString(node: Node, key: string): string {
  const value = node.tryGetContext(key);
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`Context ${key} is missing; set it in cdk.json or with -c ${key}=...`);
  }
  return value;
}

/** An object from cdk.json, or a JSON string from `-c key='{...}'`. */
function requireObject(node: Node, key: string): Record<string, unknown> {
  let value = node.tryGetContext(key);
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new Error(`Context ${key} must be a JSON object; got '${value}'`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`Context ${key} is missing or not an object; set it in cdk.json (see README, Configuration)`);
  }
  return value as Record<string, unknown>;
}
