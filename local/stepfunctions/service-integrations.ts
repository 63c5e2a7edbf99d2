// Task states whose Resource is not a Lambda function: the optimized service integrations the
// hub's ASL uses, performed with the real AWS SDK against the local endpoints. Errors carry the
// names Step Functions gives them ("DynamoDB.ConditionalCheckFailedException").
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface ServiceClients {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  eventbridge: EventBridgeClient;
}

type Integration = (clients: ServiceClients, parameters: Record<string, unknown>) => Promise<unknown>;

const INTEGRATIONS: Record<string, { service: string; run: Integration }> = {
  'arn:aws:states:::dynamodb:putItem': {
    service: 'DynamoDB',
    run: (c, p) => c.dynamodb.send(new PutItemCommand(p as never)),
  },
  'arn:aws:states:::dynamodb:updateItem': {
    service: 'DynamoDB',
    run: (c, p) => c.dynamodb.send(new UpdateItemCommand(p as never)),
  },
  'arn:aws:states:::dynamodb:getItem': {
    service: 'DynamoDB',
    run: (c, p) => c.dynamodb.send(new GetItemCommand(p as never)),
  },
  'arn:aws:states:::dynamodb:deleteItem': {
    service: 'DynamoDB',
    run: (c, p) => c.dynamodb.send(new DeleteItemCommand(p as never)),
  },
  'arn:aws:states:::sqs:sendMessage': { service: 'SQS', run: (c, p) => c.sqs.send(new SendMessageCommand(p as never)) },
  'arn:aws:states:::events:putEvents': {
    service: 'EventBridge',
    run: (c, p) => c.eventbridge.send(new PutEventsCommand(p as never)),
  },
};

export function isServiceIntegration(resource: string): boolean {
  return resource in INTEGRATIONS;
}

export async function runServiceIntegration(
  clients: ServiceClients,
  resource: string,
  parameters: unknown,
): Promise<unknown> {
  const integration = INTEGRATIONS[resource];
  if (!integration) throw taskError('States.Runtime', `The local hub does not emulate the integration ${resource}`);
  try {
    const { $metadata: _metadata, ...result } = (await integration.run(
      clients,
      parameters as Record<string, unknown>,
    )) as Record<string, unknown>;
    return result;
  } catch (error) {
    const failure = error as Error & { $metadata?: { httpStatusCode?: number } };
    throw taskError(
      `${integration.service}.${failure.name}`,
      `${failure.message} (Service: ${integration.service}, Status Code: ${failure.$metadata?.httpStatusCode ?? 'none'})`,
    );
  }
}

/** An error as the ASL runner matches it: by name, with the cause as message. */
export function taskError(name: string, cause: string): Error {
  const error = new Error(cause);
  error.name = name;
  return error;
}
