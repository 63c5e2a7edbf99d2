import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../../../functions/domain/errors';
import { createQuarantine, type Rejection } from '../../../../functions/ingest/quarantine';

const QUEUE_URL = 'https://sqs.eu-central-1.amazonaws.com/111122223333/hub-rejected-deliveries';
const sqs = mockClient(SQSClient);

function rejection(
  reason = 'Notification 04l5g000001AbCgAAK is about a Account; this endpoint takes Opportunity messages',
): Rejection {
  return {
    sender: 'salesforce',
    reason,
    deliveryId: '04l5g000001AbCgAAK',
    receivedAt: '2026-11-22T08:30:00.000Z',
    payload: { organizationId: '00D5g000004FAKEEA0', notification: { id: '04l5g000001AbCgAAK' } },
  };
}

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: '5fea7756-0ea4-451a-a703-a558b933e274' });
});

describe('createQuarantine', () => {
  it('sends the whole rejection as the message, with sender and reason as attributes', async () => {
    await createQuarantine(QUEUE_URL)(rejection());

    const calls = sqs.commandCalls(SendMessageCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0].args[0].input;
    expect(input.QueueUrl).toBe(QUEUE_URL);
    expect(JSON.parse(input.MessageBody ?? '')).toEqual(rejection());
    expect(input.MessageAttributes).toEqual({
      sender: { DataType: 'String', StringValue: 'salesforce' },
      reason: { DataType: 'String', StringValue: rejection().reason },
    });
  });

  it('cuts the reason attribute to 256 characters but keeps it whole in the body', async () => {
    const long = 'r'.repeat(400);

    await createQuarantine(QUEUE_URL)(rejection(long));

    const input = sqs.commandCalls(SendMessageCommand)[0].args[0].input;
    expect(input.MessageAttributes?.reason.StringValue).toBe('r'.repeat(256));
    expect(JSON.parse(input.MessageBody ?? '').reason).toBe(long);
  });

  it('turns an SQS failure into Hub.Unavailable so the delivery is not acknowledged', async () => {
    const failure = Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' });
    sqs.on(SendMessageCommand).rejects(failure);

    const result = createQuarantine(QUEUE_URL)(rejection());

    await expect(result).rejects.toBeInstanceOf(UnavailableError);
    await expect(result).rejects.toMatchObject({
      message: 'The rejected-delivery queue refused the message (QueueDoesNotExist)',
      cause: failure,
    });
  });
});
