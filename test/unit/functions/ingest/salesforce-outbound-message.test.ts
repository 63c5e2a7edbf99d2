import { XMLParser } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

import { UnavailableError } from '../../../../functions/domain/errors';
import type { CanonicalEvent, Publication } from '../../../../functions/ingest/publisher';
import type { Rejection } from '../../../../functions/ingest/quarantine';
import {
  type OutboundMessageReceiver,
  receiveOutboundMessage,
} from '../../../../functions/ingest/salesforce-outbound-message';
import { secretsMatch } from '../../../../functions/ingest/webhook';
import { logger } from '../../../../functions/platform/logger';
import { fixtureText } from '../support/fixtures';
import { notificationXml, ORG_ID, opportunityNotification, outboundMessage } from '../support/outbound-messages';

const SHARED_SECRET = 'om-shared-secret-7f3c9a1e5b2d';
const NOW = new Date('2026-11-22T08:30:00.000Z');
const soapReader = new XMLParser({ removeNSPrefix: true, parseTagValue: false, htmlEntities: true });

/** Receiver dependencies that record what they were given. */
function fakeReceiver(overrides: Partial<OutboundMessageReceiver> = {}) {
  const published: CanonicalEvent[] = [];
  const quarantined: Rejection[] = [];
  const receiver: OutboundMessageReceiver = {
    allowedOrgIds: [ORG_ID, '00D5g000009OTHREA0'],
    maxBodyBytes: 256 * 1024,
    sharedSecret: async () => SHARED_SECRET,
    publish: async (event) => {
      published.push(event);
      return { eventId: event.eventId, publishedAt: new Date().toISOString() };
    },
    quarantine: async (rejection) => {
      quarantined.push(rejection);
    },
    ...overrides,
  };
  return { receiver, published, quarantined };
}

function request(body: string, query: Record<string, string | undefined> = { token: SHARED_SECRET }) {
  return { body, query, headers: { 'content-type': 'text/xml; charset=utf-8' } };
}

function soapBody(body: string) {
  return soapReader.parse(body).Envelope.Body;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('receiveOutboundMessage', () => {
  it('publishes one event per notification and acknowledges the message', async () => {
    const { receiver, published, quarantined } = fakeReceiver();

    const response = await receiveOutboundMessage(
      request(fixtureText('salesforce/outbound-message-batch.xml')),
      receiver,
    );

    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({ 'content-type': 'text/xml; charset=utf-8' });
    expect(soapBody(response.body).notificationsResponse).toEqual({ Ack: 'true' });
    expect(published.map((e) => e.eventType)).toEqual([
      'opportunity.closed_won',
      'opportunity.closed_won',
      'opportunity.closed_won',
    ]);
    expect(published.map((e) => (e as unknown as { source: { deliveryId: string } }).source.deliveryId)).toEqual([
      '04l5g000001AbCdAAK',
      '04l5g000001AbCeAAK',
      '04l5g000001AbCfAAK',
    ]);
    expect(quarantined).toEqual([]);
  });

  it('refuses a body over the size limit with 413 before reading the token or the XML', async () => {
    const sharedSecret = vi.fn(async () => SHARED_SECRET);
    const body = fixtureText('salesforce/outbound-message-single.xml');
    const { receiver, published } = fakeReceiver({ maxBodyBytes: Buffer.byteLength(body) - 1, sharedSecret });

    const response = await receiveOutboundMessage(request(body), receiver);

    expect(response.statusCode).toBe(413);
    expect(soapBody(response.body).Fault).toEqual({
      faultcode: 'soapenv:Client',
      faultstring: `Message larger than ${Buffer.byteLength(body) - 1} bytes`,
    });
    expect(sharedSecret).not.toHaveBeenCalled();
    expect(published).toEqual([]);
  });

  it('counts the size in UTF-8 bytes, not characters', async () => {
    const body = outboundMessage([opportunityNotification(1, { Name: 'ü'.repeat(100) })]);
    const { receiver } = fakeReceiver({ maxBodyBytes: body.length + 50 });

    const response = await receiveOutboundMessage(request(body), receiver);

    expect(response.statusCode).toBe(413);
  });

  it.each<[string, Record<string, string>]>([
    ['a wrong token', { token: 'guessed-token' }],
    ['a missing token', {}],
    ['an empty token', { token: '' }],
    ['the token with different case', { token: SHARED_SECRET.toUpperCase() }],
    ['the secret under another parameter', { secret: SHARED_SECRET }],
  ])('refuses %s with 401 and publishes nothing', async (_, query) => {
    const { receiver, published } = fakeReceiver();

    const response = await receiveOutboundMessage(
      request(fixtureText('salesforce/outbound-message-single.xml'), query),
      receiver,
    );

    expect(response.statusCode).toBe(401);
    expect(soapBody(response.body).Fault.faultstring).toBe('Unauthorized: the endpoint URL token does not match');
    expect(published).toEqual([]);
  });

  it('refuses a malformed message with 400 and the reason', async () => {
    const { receiver, published } = fakeReceiver();

    const response = await receiveOutboundMessage(request(outboundMessage([])), receiver);

    expect(response.statusCode).toBe(400);
    expect(soapBody(response.body).Fault).toEqual({
      faultcode: 'soapenv:Client',
      faultstring: 'The message holds no <Notification>',
    });
    expect(published).toEqual([]);
  });

  it('refuses a message from an organization not on the allow-list with 403', async () => {
    const { receiver, published } = fakeReceiver();

    const response = await receiveOutboundMessage(
      request(outboundMessage([opportunityNotification(1)], '00D000000000001EAA')),
      receiver,
    );

    expect(response.statusCode).toBe(403);
    expect(soapBody(response.body).Fault.faultstring).toBe(
      'Organization 00D000000000001EAA is not allowed to send to this hub',
    );
    expect(published).toEqual([]);
  });

  it('quarantines a notification about another object and still publishes and acknowledges the others', async () => {
    const { receiver, published, quarantined } = fakeReceiver();
    const account = { id: '04l5g000001AbCgAAK', type: 'Account', fields: { Id: '0015g00000XyZabAAB', Name: 'Acme' } };
    const body = outboundMessage([opportunityNotification(1), account, opportunityNotification(2)]);

    const response = await receiveOutboundMessage(request(body), receiver);

    expect(response.statusCode).toBe(200);
    expect(published).toHaveLength(2);
    expect(quarantined).toEqual([
      {
        sender: 'salesforce',
        reason: 'Notification 04l5g000001AbCgAAK is about a Account; this endpoint takes Opportunity messages',
        deliveryId: '04l5g000001AbCgAAK',
        receivedAt: NOW.toISOString(),
        payload: {
          organizationId: ORG_ID,
          actionId: '04k5g000000TESTAAA',
          notification: {
            id: '04l5g000001AbCgAAK',
            sObjectType: 'Account',
            fields: { Id: '0015g00000XyZabAAB', Name: 'Acme' },
          },
        },
      },
    ]);
  });

  it('quarantines a notification whose values cannot make an event', async () => {
    const { receiver, published, quarantined } = fakeReceiver();
    const body = outboundMessage([opportunityNotification(1, { Amount: 'n/a' }), opportunityNotification(2)]);

    const response = await receiveOutboundMessage(request(body), receiver);

    expect(response.statusCode).toBe(200);
    expect(published).toHaveLength(1);
    expect(quarantined.map((r) => r.deliveryId)).toEqual([opportunityNotification(1).id]);
  });

  it('answers 500 with a Server fault, not an ack, when any publication fails', async () => {
    let calls = 0;
    const { receiver } = fakeReceiver({
      publish: async (event): Promise<Publication> => {
        calls++;
        if (calls === 2) throw new UnavailableError('The event bus refused the event (InternalException)');
        return { eventId: event.eventId, publishedAt: new Date().toISOString() };
      },
    });

    const response = await receiveOutboundMessage(
      request(fixtureText('salesforce/outbound-message-batch.xml')),
      receiver,
    );

    expect(response.statusCode).toBe(500);
    expect(soapBody(response.body).Fault).toEqual({
      faultcode: 'soapenv:Server',
      faultstring: 'Temporarily unable to accept the notifications; please retry',
    });
    expect(response.body).not.toContain('Ack');
    expect(calls).toBe(3);
  });

  it('answers 500 when a quarantine fails, since the notification would be lost', async () => {
    const { receiver } = fakeReceiver({
      quarantine: async () => {
        throw new UnavailableError('The rejected-delivery queue refused the message (QueueDoesNotExist)');
      },
    });
    const body = outboundMessage([{ id: '04l5g000001AbCgAAK', type: 'Account', fields: { Id: '0015g00000XyZabAAB' } }]);

    const response = await receiveOutboundMessage(request(body), receiver);

    expect(response.statusCode).toBe(500);
  });

  it('counts notifications published by an earlier delivery as duplicates', async () => {
    const info = vi.spyOn(logger, 'info');
    const { receiver } = fakeReceiver({
      publish: async (event) => ({
        eventId: event.eventId,
        // The first delivery's result, returned by the idempotency record.
        publishedAt:
          event.eventId === 'e1eb111a-50a3-5aa9-b669-a06591939f8a'
            ? '2026-11-22T07:00:00.000Z'
            : new Date().toISOString(),
      }),
    });
    const account = notificationXml({
      id: '04l5g000001AbCgAAK',
      type: 'Account',
      fields: { Id: '0015g00000XyZabAAB' },
    });
    // The batch fixture (its first notification was published before) with an Account notification in front.
    const body = fixtureText('salesforce/outbound-message-batch.xml').replace(
      '<Notification>',
      `${account}<Notification>`,
    );

    const response = await receiveOutboundMessage(request(body), receiver);

    expect(response.statusCode).toBe(200);
    expect(info).toHaveBeenCalledWith('Outbound message acknowledged', {
      org: ORG_ID,
      published: 2,
      duplicates: 1,
      quarantined: 1,
    });
  });

  it('lets an unexpected error escape for the handler to turn into a fault', async () => {
    const { receiver } = fakeReceiver({
      sharedSecret: async () => {
        throw new Error('AccessDeniedException');
      },
    });

    await expect(
      receiveOutboundMessage(request(outboundMessage([opportunityNotification(1)])), receiver),
    ).rejects.toThrow('AccessDeniedException');
  });
});

describe('secretsMatch', () => {
  it('matches only the exact secret', () => {
    expect(secretsMatch(SHARED_SECRET, SHARED_SECRET)).toBe(true);
    expect(secretsMatch(`${SHARED_SECRET} `, SHARED_SECRET)).toBe(false);
    expect(secretsMatch(SHARED_SECRET.slice(0, -1), SHARED_SECRET)).toBe(false);
    expect(secretsMatch('', SHARED_SECRET)).toBe(false);
    expect(secretsMatch(undefined, SHARED_SECRET)).toBe(false);
  });
});
