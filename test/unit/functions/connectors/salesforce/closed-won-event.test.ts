import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  opportunityCorrelationId,
  toClosedWonEvent,
} from '../../../../../functions/connectors/salesforce/closed-won-event';
import {
  MalformedMessageError,
  type OutboundMessage,
  type OutboundNotification,
  parseOutboundMessage,
} from '../../../../../functions/connectors/salesforce/outbound-message';
import { opportunityClosedWonEventV1 } from '../../../../../functions/domain/canonical/opportunity-closed-won';
import { fixtureText } from '../../support/fixtures';

const RECEIVED_AT = new Date('2026-11-20T14:03:29.512Z');

function batch(): OutboundMessage {
  return parseOutboundMessage(fixtureText('salesforce/outbound-message-batch.xml'));
}

function withFields(message: OutboundMessage, fields: Record<string, string | null>): OutboundNotification {
  const first = message.notifications[0];
  return { ...first, fields: { ...first.fields, ...fields } };
}

describe('toClosedWonEvent', () => {
  it('maps an Opportunity notification to a valid opportunity.closed_won v1 event', () => {
    const message = parseOutboundMessage(fixtureText('salesforce/outbound-message-single.xml'));

    const event = toClosedWonEvent(message, message.notifications[0], RECEIVED_AT);

    expect(opportunityClosedWonEventV1.safeParse(event).success).toBe(true);
    expect(event).toMatchObject({
      eventType: 'opportunity.closed_won',
      eventVersion: 1,
      occurredAt: '2026-11-20T14:03:27.000Z',
      source: { system: 'salesforce', tenant: '00D5g000004FAKEEA0', deliveryId: '04l5g000001AbCdAAK' },
      subject: { type: 'opportunity', id: '0065g00000AbCdEAAZ' },
      data: {
        opportunityId: '0065g00000AbCdEAAZ',
        accountId: '0015g00000XyZabAAB',
        name: 'Müller & Söhne - Laptop refresh',
        stage: 'Closed Won',
        amount: 52375,
        currency: 'EUR',
        closeDate: '2026-11-20',
        lastModifiedAt: '2026-11-20T14:03:27.000Z',
      },
    });
  });

  it('derives the ids from the org and notification (RFC 9562 v5 reference values)', () => {
    const message = parseOutboundMessage(fixtureText('salesforce/outbound-message-single.xml'));

    const event = toClosedWonEvent(message, message.notifications[0], RECEIVED_AT);

    // Python: uuid.uuid5(UUID('5b0c3e2a-9f0d-4c7e-8a61-d2f4b7c9e013'), 'salesforce:<org>:notification:<id>')
    expect(event.eventId).toBe('e1eb111a-50a3-5aa9-b669-a06591939f8a');
    expect(event.correlationId).toBe('b0c1498f-476e-5d40-aab6-59ae3e8176ba');
  });

  it('gives a redelivered notification the same event id and correlation id', () => {
    const first = batch();
    const again = batch();

    const a = toClosedWonEvent(first, first.notifications[0], RECEIVED_AT);
    const b = toClosedWonEvent(again, again.notifications[0], new Date('2026-11-20T15:00:00.000Z'));

    expect(b.eventId).toBe(a.eventId);
    expect(b.correlationId).toBe(a.correlationId);
  });

  it('gives another notification about the same opportunity a new event id but the same correlation id', () => {
    const message = batch();

    const first = toClosedWonEvent(message, message.notifications[0], RECEIVED_AT);
    const second = toClosedWonEvent(message, message.notifications[1], RECEIVED_AT);

    expect(second.subject.id).toBe(first.subject.id);
    expect(second.eventId).not.toBe(first.eventId);
    expect(second.correlationId).toBe(first.correlationId);
  });

  it('gives a different opportunity a different correlation id', () => {
    const message = batch();

    const first = toClosedWonEvent(message, message.notifications[0], RECEIVED_AT);
    const other = toClosedWonEvent(message, message.notifications[2], RECEIVED_AT);

    expect(other.correlationId).not.toBe(first.correlationId);
    expect(other.correlationId).toBe(opportunityCorrelationId('00D5g000004FAKEEA0', '0065g00000QrStUAAZ'));
  });

  it('gives the same opportunity id in another org another transaction', () => {
    expect(opportunityCorrelationId('00D5g000004FAKEEA0', '0065g00000AbCdEAAZ')).not.toBe(
      opportunityCorrelationId('00D5g000009OTHREA0', '0065g00000AbCdEAAZ'),
    );
  });

  it('refuses a notification about another object, naming it', () => {
    const message = batch();
    const account: OutboundNotification = {
      id: '04l5g000001AbCgAAK',
      sObjectType: 'Account',
      fields: { Id: '0015g00000XyZabAAB' },
    };

    expect(() => toClosedWonEvent(message, account, RECEIVED_AT)).toThrow(
      new MalformedMessageError(
        'Notification 04l5g000001AbCgAAK is about a Account; this endpoint takes Opportunity messages',
      ),
    );
  });

  it('names an unknown object when the notification declares no type', () => {
    const message = batch();
    const untyped = { ...message.notifications[0], sObjectType: '' };

    expect(() => toClosedWonEvent(message, untyped, RECEIVED_AT)).toThrow(/is about a unknown object/);
  });

  it.each([
    ['52375.0', 52375],
    ['1234.56', 1234.56],
    ['0.0', 0],
    ['-150.5', -150.5],
  ])('parses Amount %s as the number %d', (amount, expected) => {
    const message = batch();

    const event = toClosedWonEvent(message, withFields(message, { Amount: amount }), RECEIVED_AT);

    expect(event.data.amount).toBe(expected);
  });

  it('reads a nil or absent Amount as null', () => {
    const message = batch();
    const absent = message.notifications[0];
    const { Amount: _, ...withoutAmount } = absent.fields;

    expect(toClosedWonEvent(message, message.notifications[2], RECEIVED_AT).data.amount).toBeNull();
    expect(toClosedWonEvent(message, { ...absent, fields: withoutAmount }, RECEIVED_AT).data.amount).toBeNull();
  });

  it('refuses an Amount that is not a number', () => {
    const message = batch();

    expect(() => toClosedWonEvent(message, withFields(message, { Amount: 'lots' }), RECEIVED_AT)).toThrow(ZodError);
  });

  it('uses the receipt time when LastModifiedDate is missing, and leaves lastModifiedAt null', () => {
    const message = batch();

    const event = toClosedWonEvent(message, message.notifications[2], RECEIVED_AT);

    expect(event.occurredAt).toBe('2026-11-20T14:03:29.512Z');
    expect(event.data.lastModifiedAt).toBeNull();
  });

  it('reads missing optional fields as null', () => {
    const message = batch();
    const bare: OutboundNotification = {
      id: '04l5g000001AbChAAK',
      sObjectType: 'Opportunity',
      fields: { Id: '0065g00000AbCdEAAZ' },
    };

    const event = toClosedWonEvent(message, bare, RECEIVED_AT);

    expect(event.data).toEqual({
      opportunityId: '0065g00000AbCdEAAZ',
      accountId: null,
      name: null,
      stage: null,
      amount: null,
      currency: null,
      closeDate: null,
      lastModifiedAt: null,
    });
  });
});
