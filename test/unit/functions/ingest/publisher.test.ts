import { createHash } from 'node:crypto';
import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UnavailableError } from '../../../../functions/domain/errors';
import { type CanonicalEvent, createPublisher } from '../../../../functions/ingest/publisher';
import { FakeIdempotencyTable } from '../support/idempotency-table';
import { lambdaContext } from '../support/lambda-context';

const BUS = 'hub-events';
const TABLE = 'hub-idempotency';
const NOW = new Date('2026-11-22T08:30:00.000Z');
const EXPIRES_AFTER_SECONDS = 48 * 3600;

const dynamodb = mockClient(DynamoDBClient);
const eventbridge = mockClient(EventBridgeClient);
let table: FakeIdempotencyTable;

function event(
  eventId = 'e1eb111a-50a3-5aa9-b669-a06591939f8a',
  name = 'Laptop refresh',
): CanonicalEvent & {
  data: { name: string };
} {
  return {
    eventId,
    eventType: 'opportunity.closed_won',
    occurredAt: '2026-11-20T14:03:27.000Z',
    source: { system: 'salesforce' },
    data: { name },
  };
}

/** Powertools' key: function name prefix (none outside Lambda), '#', base64 MD5 of the JSON of the selected eventId. */
function idempotencyKey(eventId: string): string {
  return `#${createHash('md5').update(JSON.stringify(eventId)).digest('base64')}`;
}

function publisher() {
  const created = createPublisher({
    busName: BUS,
    idempotencyTableName: TABLE,
    expiresAfterSeconds: EXPIRES_AFTER_SECONDS,
  });
  created.config.registerLambdaContext(lambdaContext(25_000));
  return created;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  dynamodb.reset();
  eventbridge.reset();
  table = new FakeIdempotencyTable(TABLE);
  table.serve(dynamodb);
  eventbridge
    .on(PutEventsCommand)
    .resolves({ FailedEntryCount: 0, Entries: [{ EventId: '11710aed-b79e-4468-a20b-bb3c0c3b4860' }] });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('createPublisher().publish', () => {
  it('puts one entry on the bus: source hub.<system>, detail type = event type, detail = the event', async () => {
    const { publish } = publisher();

    const publication = await publish(event());

    expect(publication).toEqual({ eventId: 'e1eb111a-50a3-5aa9-b669-a06591939f8a', publishedAt: NOW.toISOString() });
    const calls = eventbridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({
      Entries: [
        {
          EventBusName: BUS,
          Source: 'hub.salesforce',
          DetailType: 'opportunity.closed_won',
          Detail: JSON.stringify(event()),
        },
      ],
    });
  });

  it('claims the event id first (INPROGRESS, in-progress expiry from the Lambda time left), then stores the result', async () => {
    const { publish } = publisher();

    await publish(event());

    const [put] = dynamodb.commandCalls(PutItemCommand);
    expect(put.args[0].input).toMatchObject({
      TableName: TABLE,
      Item: marshall({
        id: idempotencyKey('e1eb111a-50a3-5aa9-b669-a06591939f8a'),
        expiration: NOW.getTime() / 1000 + EXPIRES_AFTER_SECONDS,
        status: 'INPROGRESS',
        in_progress_expiration: NOW.getTime() + 25_000,
      }),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(put.args[0].input.ConditionExpression).toContain('attribute_not_exists(#id)');
    expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(1);
    expect(table.records()).toEqual([
      {
        id: idempotencyKey('e1eb111a-50a3-5aa9-b669-a06591939f8a'),
        expiration: NOW.getTime() / 1000 + EXPIRES_AFTER_SECONDS,
        in_progress_expiration: NOW.getTime() + 25_000,
        status: 'COMPLETED',
        data: { eventId: 'e1eb111a-50a3-5aa9-b669-a06591939f8a', publishedAt: NOW.toISOString() },
      },
    ]);
  });

  it('returns the first publication for a repeated event id without a second event on the bus', async () => {
    const { publish } = publisher();
    const first = await publish(event());
    vi.setSystemTime(NOW.getTime() + 3_600_000);

    const again = await publish(event('e1eb111a-50a3-5aa9-b669-a06591939f8a', 'edited since'));

    expect(again).toEqual(first);
    expect(again.publishedAt).toBe(NOW.toISOString());
    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(dynamodb.commandCalls(PutItemCommand)).toHaveLength(2);
    expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(1);
  });

  it('recognises the repeat in another function instance, which shares only the table', async () => {
    await publisher().publish(event());

    const again = await publisher().publish(event());

    expect(again.publishedAt).toBe(NOW.toISOString());
    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('publishes a different event id again', async () => {
    const { publish } = publisher();

    await publish(event('e1eb111a-50a3-5aa9-b669-a06591939f8a'));
    await publish(event('0f3e6a43-5c7d-5e2b-9c1a-3d2b1a0f9e8d'));

    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(2);
    expect(table.records()).toHaveLength(2);
  });

  it('publishes again once the record has expired (past the sender retry window)', async () => {
    const { publish } = publisher();
    await publish(event());
    vi.setSystemTime(NOW.getTime() + (EXPIRES_AFTER_SECONDS + 1) * 1000);

    await publish(event());

    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('fails with Hub.Unavailable when the bus reports a failed entry, and forgets the claim so a retry publishes', async () => {
    eventbridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service error' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: '11710aed-b79e-4468-a20b-bb3c0c3b4860' }] });
    const { publish } = publisher();

    const failure = publish(event());

    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toThrow('The event bus refused the event (InternalFailure: Internal service error)');
    expect(table.records()).toEqual([]);
    await expect(publish(event())).resolves.toMatchObject({ eventId: event().eventId });
    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('fails with Hub.Unavailable naming the error when the bus cannot be called', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    eventbridge.on(PutEventsCommand).rejects(throttled);

    const failure = publisher().publish(event());

    await expect(failure).rejects.toMatchObject({
      name: 'Hub.Unavailable',
      message: 'The event bus refused the event (ThrottlingException)',
      cause: throttled,
    });
    expect(table.records()).toEqual([]);
  });

  it('refuses a concurrent duplicate while the first delivery is still publishing', async () => {
    const key = idempotencyKey(event().eventId);
    table.items.set(
      key,
      marshall({
        id: key,
        expiration: NOW.getTime() / 1000 + EXPIRES_AFTER_SECONDS,
        status: 'INPROGRESS',
        in_progress_expiration: NOW.getTime() + 10_000,
      }),
    );

    await expect(publisher().publish(event())).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('takes over a claim whose Lambda ran out of time before completing', async () => {
    const key = idempotencyKey(event().eventId);
    table.items.set(
      key,
      marshall({
        id: key,
        expiration: NOW.getTime() / 1000 + EXPIRES_AFTER_SECONDS,
        status: 'INPROGRESS',
        in_progress_expiration: NOW.getTime() - 1,
      }),
    );

    await publisher().publish(event());

    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('refuses an event without an event id and publishes nothing', async () => {
    const { publish } = publisher();

    await expect(publish({ ...event(), eventId: '' })).rejects.toMatchObject({
      name: 'IdempotencyPersistenceLayerError',
      cause: { name: 'IdempotencyKeyError' },
    });
    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(dynamodb.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  it('still publishes without a registered Lambda context, but the claim then has no in-progress expiry', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { publish } = createPublisher({
      busName: BUS,
      idempotencyTableName: TABLE,
      expiresAfterSeconds: EXPIRES_AFTER_SECONDS,
    });

    await publish(event());

    expect(eventbridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(dynamodb.commandCalls(PutItemCommand)[0].args[0].input.Item).not.toHaveProperty('in_progress_expiration');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('registerLambdaContext'));
  });
});
