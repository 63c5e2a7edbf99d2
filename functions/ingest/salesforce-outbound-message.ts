// The Salesforce outbound-message receiver: authenticate, parse, publish one canonical event per
// notification, and acknowledge only when every notification is safely on the bus or quarantined.
import { SENDER, toClosedWonEvent } from '../connectors/salesforce/closed-won-event';
import {
  acknowledgement,
  fault,
  MalformedMessageError,
  type OutboundMessage,
  parseOutboundMessage,
} from '../connectors/salesforce/outbound-message';
import { logger } from '../platform/logger';
import type { CanonicalEvent, Publication } from './publisher';
import type { Rejection } from './quarantine';
import { secretsMatch, type WebhookRequest, type WebhookResponse } from './webhook';

export interface OutboundMessageReceiver {
  allowedOrgIds: readonly string[];
  maxBodyBytes: number;
  sharedSecret: () => Promise<string>;
  publish: (event: CanonicalEvent) => Promise<Publication>;
  quarantine: (rejection: Rejection) => Promise<void>;
}

export async function receiveOutboundMessage(
  request: WebhookRequest,
  receiver: OutboundMessageReceiver,
): Promise<WebhookResponse> {
  const receivedAt = new Date();
  if (Buffer.byteLength(request.body, 'utf8') > receiver.maxBodyBytes) {
    return soap(413, fault('Client', `Message larger than ${receiver.maxBodyBytes} bytes`));
  }
  if (!secretsMatch(request.query.token, await receiver.sharedSecret())) {
    logger.warn('Outbound message with a missing or wrong token refused');
    return soap(401, fault('Client', 'Unauthorized: the endpoint URL token does not match'));
  }
  let message: OutboundMessage;
  try {
    message = parseOutboundMessage(request.body);
  } catch (error) {
    if (error instanceof MalformedMessageError) {
      logger.warn('Malformed outbound message refused', { reason: error.message });
      return soap(400, fault('Client', error.message));
    }
    throw error;
  }
  if (!receiver.allowedOrgIds.includes(message.organizationId)) {
    logger.warn('Outbound message from an organization not on the allow-list', { org: message.organizationId });
    return soap(403, fault('Client', `Organization ${message.organizationId} is not allowed to send to this hub`));
  }
  const outcomes = await Promise.allSettled(
    message.notifications.map((notification) => deliver(message, notification, receivedAt, receiver)),
  );
  const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  const counts = countOutcomes(outcomes, receivedAt);
  if (failures.length > 0) {
    logger.error('Outbound message not acknowledged; Salesforce will deliver it again', {
      org: message.organizationId,
      ...counts,
      failed: failures.length,
      reasons: failures.map((f) => `${(f.reason as Error).name}: ${(f.reason as Error).message}`),
    });
    return soap(500, fault('Server', 'Temporarily unable to accept the notifications; please retry'));
  }
  logger.info('Outbound message acknowledged', { org: message.organizationId, ...counts });
  return soap(200, acknowledgement());
}

type Delivery = { kind: 'published'; publication: Publication } | { kind: 'quarantined' };

async function deliver(
  message: OutboundMessage,
  notification: OutboundMessage['notifications'][number],
  receivedAt: Date,
  receiver: OutboundMessageReceiver,
): Promise<Delivery> {
  let event: CanonicalEvent;
  try {
    event = toClosedWonEvent(message, notification, receivedAt);
  } catch (error) {
    await receiver.quarantine({
      sender: SENDER,
      reason: (error as Error).message,
      deliveryId: notification.id,
      receivedAt: receivedAt.toISOString(),
      payload: { organizationId: message.organizationId, actionId: message.actionId, notification },
    });
    return { kind: 'quarantined' };
  }
  return { kind: 'published', publication: await receiver.publish(event) };
}

/** A publication older than this request was made by an earlier delivery: a duplicate. */
function countOutcomes(outcomes: PromiseSettledResult<Delivery>[], receivedAt: Date) {
  let published = 0;
  let duplicates = 0;
  let quarantined = 0;
  for (const outcome of outcomes) {
    if (outcome.status !== 'fulfilled') continue;
    if (outcome.value.kind === 'quarantined') quarantined++;
    else if (new Date(outcome.value.publication.publishedAt) < receivedAt) duplicates++;
    else published++;
  }
  return { published, duplicates, quarantined };
}

function soap(statusCode: number, body: string): WebhookResponse {
  return { statusCode, headers: { 'content-type': 'text/xml; charset=utf-8' }, body };
}
