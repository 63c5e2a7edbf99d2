import {
  OPPORTUNITY_CLOSED_WON,
  type OpportunityClosedWonEventV1,
  opportunityClosedWonEventV1,
} from '../../domain/canonical/opportunity-closed-won';
import { nameBasedId } from '../../domain/ids';
import { MalformedMessageError, type OutboundMessage, type OutboundNotification } from './outbound-message';

export const SENDER = 'salesforce';

/** The business transaction an opportunity starts: one per org and opportunity, whatever the deliveries. */
export function opportunityCorrelationId(organizationId: string, opportunityId: string): string {
  return nameBasedId(`salesforce:${organizationId}:Opportunity:${opportunityId}`);
}

/** Turns one outbound-message notification about an Opportunity into the canonical event. */
export function toClosedWonEvent(
  message: OutboundMessage,
  notification: OutboundNotification,
  receivedAt: Date,
): OpportunityClosedWonEventV1 {
  if (notification.sObjectType !== 'Opportunity') {
    throw new MalformedMessageError(
      `Notification ${notification.id} is about a ${notification.sObjectType || 'unknown object'}; this endpoint takes Opportunity messages`,
    );
  }
  const f = notification.fields;
  const opportunityId = f.Id as string;
  return opportunityClosedWonEventV1.parse({
    eventId: nameBasedId(`salesforce:${message.organizationId}:notification:${notification.id}`),
    eventType: OPPORTUNITY_CLOSED_WON,
    eventVersion: 1,
    occurredAt: f.LastModifiedDate ?? receivedAt.toISOString(),
    correlationId: opportunityCorrelationId(message.organizationId, opportunityId),
    source: { system: SENDER, tenant: message.organizationId, deliveryId: notification.id },
    subject: { type: 'opportunity', id: opportunityId },
    data: {
      opportunityId,
      accountId: f.AccountId ?? null,
      name: f.Name ?? null,
      stage: f.StageName ?? null,
      amount: f.Amount == null ? null : Number(f.Amount),
      currency: f.CurrencyIsoCode ?? null,
      closeDate: f.CloseDate ?? null,
      lastModifiedAt: f.LastModifiedDate ?? null,
    },
  });
}
