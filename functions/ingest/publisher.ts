// Puts canonical events on the hub's bus exactly once per sender delivery: the Powertools
// idempotency record (keyed by the event id, itself derived from the sender's delivery id) makes
// a repeated delivery return the first result without a second event.
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { busSource } from '../domain/canonical/envelope';
import { UnavailableError } from '../domain/errors';
import { dynamodb } from '../platform/dynamodb';
import { eventbridge } from '../platform/eventbridge';

export interface CanonicalEvent {
  eventId: string;
  eventType: string;
  occurredAt: string;
  source: { system: string };
}

export interface Publication {
  eventId: string;
  publishedAt: string;
}

export interface PublisherOptions {
  busName: string;
  idempotencyTableName: string;
  /** Must outlast the sender's retry window (Salesforce: 24 h). */
  expiresAfterSeconds: number;
}

export function createPublisher(options: PublisherOptions) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'eventId',
    expiresAfterSeconds: options.expiresAfterSeconds,
    throwOnNoIdempotencyKey: true,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.idempotencyTableName,
    awsSdkV3Client: dynamodb,
  });
  const publish = makeIdempotent(
    async (event: CanonicalEvent): Promise<Publication> => {
      await putEvent(options.busName, event);
      return { eventId: event.eventId, publishedAt: new Date().toISOString() };
    },
    { persistenceStore, config },
  );
  return { publish, config };
}

async function putEvent(busName: string, event: CanonicalEvent): Promise<void> {
  let result: PutEventsCommandOutput;
  try {
    result = await eventbridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: busName,
            Source: busSource(event.source.system),
            DetailType: event.eventType,
            Detail: JSON.stringify(event),
          },
        ],
      }),
    );
  } catch (error) {
    throw new UnavailableError(`The event bus refused the event (${(error as Error).name})`, { cause: error });
  }
  if ((result.FailedEntryCount ?? 0) > 0) {
    const entry = result.Entries?.[0];
    throw new UnavailableError(`The event bus refused the event (${entry?.ErrorCode}: ${entry?.ErrorMessage})`);
  }
}
