// The hub's deployment settings, from CDK context (cdk.json or `-c key=value`). Read and
// checked once, before any construct exists: a bad value stops the synth with the key's name.
import type { Node } from 'constructs';

export interface HubConfig {
  /** Short name of the deployment, part of resource and secret names: dev, staging, prod. */
  readonly stage: string;
  /** Salesforce organizations allowed to send outbound messages. */
  readonly salesforceOrgIds: readonly string[];
  /** NetSuite subsidiary new customers are created in (OneWorld accounts require one). */
  readonly netsuiteSubsidiaryId: string;
}

const SALESFORCE_ORG_ID = /^00D[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/;

export function readConfig(node: Node): HubConfig {
  const stage = requireString(node, 'hub:stage');
  if (!/^[a-z][a-z0-9-]{1,15}$/.test(stage)) {
    throw new Error(`Context hub:stage must be 2-16 lowercase letters, digits or dashes; got '${stage}'`);
  }
  const orgIds = node.tryGetContext('hub:salesforceOrgIds');
  const list = typeof orgIds === 'string' ? orgIds.split(',').map((id) => id.trim()) : orgIds;
  if (!Array.isArray(list) || list.length === 0 || !list.every((id) => SALESFORCE_ORG_ID.test(String(id)))) {
    throw new Error(
      `Context hub:salesforceOrgIds must list Salesforce organization ids (00D...); got ${JSON.stringify(orgIds)}`,
    );
  }
  const subsidiary = requireString(node, 'hub:netsuiteSubsidiaryId');
  if (!/^\d+$/.test(subsidiary)) {
    throw new Error(`Context hub:netsuiteSubsidiaryId must be a NetSuite internal id (digits); got '${subsidiary}'`);
  }
  return { stage, salesforceOrgIds: list.map(String), netsuiteSubsidiaryId: subsidiary };
}

function requireString(node: Node, key: string): string {
  const value = node.tryGetContext(key);
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`Context ${key} is missing; set it in cdk.json or with -c ${key}=...`);
  }
  return value;
}
