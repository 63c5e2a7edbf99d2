// Notifications the hub cannot turn into events are kept, with the reason, in the sender's
// dead-letter queue instead of being refused: refusing would make the sender retry a message
// that can never succeed, and blocks the good notifications delivered with it.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { UnavailableError } from '../domain/errors';

import { sqs } from '../platform/sqs';

export interface Rejection {
  sender: string;
  reason: string;
  deliveryId: string;
  receivedAt: string;
  payload: unknown;
}

export function createQuarantine(queueUrl: string) {
  return async (rejection: Rejection): Promise<void> => {
    try {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(rejection),
          MessageAttributes: {
            sender: { DataType: 'String', StringValue: rejection.sender },
            reason: { DataType: 'String', StringValue: rejection.reason.slice(0, 256) },
          },
        }),
      );
    } catch (error) {
      throw new UnavailableError(`The rejected-delivery queue refused the message (${(error as Error).name})`, {
        cause: error,
      });
    }
  };
}
