// The SaaS applications that push webhooks to the hub. Adding a sender is a handler in
// functions/handlers and one entry here: the ingest construct gives it a URL, a function,
// a secret and a dead-letter queue.
import type { SalesforceSettings } from '../functions/connectors/salesforce';
import type { ConnectedSystem } from './systems';

export interface WebhookSender {
  /** URL segment: the sender posts to /webhooks/<name>. */
  readonly name: string;
  /** Receiver in functions/handlers. */
  readonly handler: string;
  readonly description: string;
  /** The receiver secret: its generated key holds what the sender signs or authenticates with. */
  readonly secret: { readonly variable: string; readonly generatedKey: string };
  readonly environment: Record<string, string>;
}

/** Bodies above this are refused before parsing (API Gateway HTTP APIs accept up to 10 MB). */
const MAX_BODY_BYTES = String(1024 * 1024);

/** The senders among the connected systems: each connected system that sends webhooks gets its receiver. */
export function webhookSenders(systems: readonly ConnectedSystem[]): WebhookSender[] {
  const settingsOf = (name: string) => systems.find((s) => s.name === name)?.settings;
  const salesforce = settingsOf('salesforce') as SalesforceSettings | undefined;
  return [...(salesforce ? [salesforceSender(salesforce)] : [])];
}

function salesforceSender(settings: SalesforceSettings): WebhookSender {
  return {
    name: 'salesforce',
    handler: 'salesforce-receiver',
    description: 'Receives Salesforce outbound messages and publishes canonical events',
    secret: { variable: 'OUTBOUND_MESSAGE_SECRET_ARN', generatedKey: 'sharedSecret' },
    environment: {
      ALLOWED_ORG_IDS: settings.orgIds.join(','),
      MAX_BODY_BYTES,
    },
  };
}
