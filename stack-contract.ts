// What tools read from the synthesized stack, named once: lib/ writes these outputs and metadata,
// the local hub, the scripts and the bench read them (from the template, or a deployed stack's
// outputs) instead of guessing from construct ids or resource names.

/** Stack outputs by fixed logical id. */
export const OUTPUTS = {
  correlationTable: 'CorrelationTableName',
  itemMappingTable: 'ItemMappingTableName',
  capacityTable: 'CapacityTableName',
  /** The URL a SaaS sender posts its webhooks to, e.g. SalesforceWebhookUrl. */
  webhookUrl: (sender: string) =>
    `${sender.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())}WebhookUrl`,
} as const;

/** Resource metadata key on every secret, saying which system it connects and how. */
export const SECRET_METADATA = 'hub:secret';

export interface SecretPurpose {
  readonly system: string;
  /** 'api': the hub's credentials at the system; 'webhook': what the system signs or authenticates its webhooks with. */
  readonly purpose: 'api' | 'webhook';
  /** For a webhook secret: the stack output holding the webhook URL to register. */
  readonly urlOutput?: string;
}
