import * as z from 'zod';

/**
 * Every canonical event shares this envelope. `eventVersion` versions the `data` schema of an
 * `eventType`; a breaking change adds a new version and consumers match on both fields.
 */
export const eventSourceSchema = z.object({
  /** The sending application, e.g. 'salesforce'. */
  system: z.string().min(1),
  /** The sender's tenant: Salesforce org id, HubSpot portal id, Shopify shop domain. */
  tenant: z.string().min(1),
  /** The sender's id for this delivery (Salesforce notification id, Stripe event id), the dedup key. */
  deliveryId: z.string().min(1),
});

/** What the EventBridge `source` of every canonical event starts with. */
export const HUB_SOURCE_PREFIX = 'hub.';

/** The EventBridge `source` of canonical events from a sending system: what rules match on. */
export function busSource(system: string): string {
  return `${HUB_SOURCE_PREFIX}${system}`;
}

export function eventEnvelope<T extends z.ZodType, K extends string>(eventType: K, version: number, data: T) {
  return z.object({
    eventId: z.uuid(),
    eventType: z.literal(eventType),
    eventVersion: z.literal(version),
    occurredAt: z.iso.datetime({ offset: true }),
    /** Follows one business transaction across every system and step. */
    correlationId: z.uuid(),
    source: eventSourceSchema,
    subject: z.object({ type: z.string(), id: z.string().min(1) }),
    data,
  });
}
