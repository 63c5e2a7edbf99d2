import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UnavailableError } from '../../../../functions/domain/errors';
import { CorrelationStore, summaryKey } from '../../../../functions/stores/correlation-store';

const TABLE = 'hub-correlation';
const NOW = new Date('2026-11-22T08:30:00.000Z');
const CORRELATION_ID = 'b0c1498f-476e-5d40-aab6-59ae3e8176ba';
const EXECUTION_ARN =
  'arn:aws:states:eu-central-1:111122223333:execution:QuoteToCash:e1eb111a-50a3-5aa9-b669-a06591939f8a';

const documents = mockClient(DynamoDBDocumentClient);
const store = () => new CorrelationStore(TABLE, DynamoDBDocumentClient.from(new DynamoDBClient({})));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  documents.reset();
});

afterEach(() => {
  vi.useRealTimers();
});

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

describe('CorrelationStore.recordStep', () => {
  it('writes the step and one pointer per business key in a single batch', async () => {
    documents.on(BatchWriteCommand).resolves({});

    await store().recordStep({
      correlationId: CORRELATION_ID,
      executionArn: EXECUTION_ARN,
      step: 'load-order',
      outcome: 'OK',
      durationMs: 412,
      keys: { opportunityId: '0065g00000AbCdEAAZ', crmAccountId: '0015g00000XyZabAAB' },
    });

    const calls = documents.commandCalls(BatchWriteCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input.RequestItems).toEqual({
      [TABLE]: [
        {
          PutRequest: {
            Item: {
              pk: `txn#${CORRELATION_ID}`,
              sk: `step#${NOW.toISOString()}#load-order`,
              at: NOW.toISOString(),
              step: 'load-order',
              outcome: 'OK',
              executionArn: EXECUTION_ARN,
              error: undefined,
              message: undefined,
              durationMs: 412,
              opportunityId: '0065g00000AbCdEAAZ',
              crmAccountId: '0015g00000XyZabAAB',
            },
          },
        },
        {
          PutRequest: {
            Item: {
              pk: 'key#opportunityId#0065g00000AbCdEAAZ',
              sk: `txn#${CORRELATION_ID}`,
              correlationId: CORRELATION_ID,
              at: NOW.toISOString(),
            },
          },
        },
        {
          PutRequest: {
            Item: {
              pk: 'key#crmAccountId#0015g00000XyZabAAB',
              sk: `txn#${CORRELATION_ID}`,
              correlationId: CORRELATION_ID,
              at: NOW.toISOString(),
            },
          },
        },
      ],
    });
  });

  it('drops undefined and empty keys from the step and writes no pointer for them', async () => {
    documents.on(BatchWriteCommand).resolves({});

    await store().recordStep({
      correlationId: CORRELATION_ID,
      step: 'create-erp-order',
      outcome: 'FAILED',
      error: 'PRODUCT_NOT_MAPPED',
      message: 'SKU-X has no NetSuite item mapping.',
      durationMs: 35,
      keys: { erpOrderId: undefined, erpOrderNumber: '', erpCustomerId: '3481' },
    });

    const [request] = documents.commandCalls(BatchWriteCommand)[0].args[0].input.RequestItems?.[TABLE] ?? [];
    const items = (documents.commandCalls(BatchWriteCommand)[0].args[0].input.RequestItems?.[TABLE] ?? []).map(
      (r) => r.PutRequest?.Item,
    );
    expect(items).toHaveLength(2);
    expect(request.PutRequest?.Item).toMatchObject({
      outcome: 'FAILED',
      error: 'PRODUCT_NOT_MAPPED',
      erpCustomerId: '3481',
    });
    expect(request.PutRequest?.Item).not.toHaveProperty('erpOrderId');
    expect(request.PutRequest?.Item).not.toHaveProperty('erpOrderNumber');
    expect(items[1]?.pk).toBe('key#erpCustomerId#3481');
  });

  it('writes only the step when there are no keys', async () => {
    documents.on(BatchWriteCommand).resolves({});

    await store().recordStep({
      correlationId: CORRELATION_ID,
      step: 'write-back-order',
      outcome: 'OK',
      durationMs: 80,
    });

    expect(documents.commandCalls(BatchWriteCommand)[0].args[0].input.RequestItems?.[TABLE]).toHaveLength(1);
  });

  it('sends exactly the unprocessed items again', async () => {
    const pointer = {
      PutRequest: { Item: { pk: 'key#opportunityId#0065g00000AbCdEAAZ', sk: `txn#${CORRELATION_ID}` } },
    };
    documents
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: [pointer] } })
      .resolves({ UnprocessedItems: {} });

    await store().recordStep({
      correlationId: CORRELATION_ID,
      step: 'load-order',
      outcome: 'OK',
      durationMs: 1,
      keys: { opportunityId: '0065g00000AbCdEAAZ' },
    });

    const calls = documents.commandCalls(BatchWriteCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1].args[0].input.RequestItems).toEqual({ [TABLE]: [pointer] });
  });

  it('gives up with Hub.Unavailable after five batches that leave items unprocessed', async () => {
    documents.on(BatchWriteCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));

    const failure = store().recordStep({
      correlationId: CORRELATION_ID,
      step: 'load-order',
      outcome: 'OK',
      durationMs: 1,
    });

    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    expect(documents.commandCalls(BatchWriteCommand)).toHaveLength(5);
  });

  it('turns a DynamoDB failure into Hub.Unavailable naming the error', async () => {
    const throttled = Object.assign(new Error('Throughput exceeds the current capacity'), {
      name: 'ProvisionedThroughputExceededException',
    });
    documents.on(BatchWriteCommand).rejects(throttled);

    const failure = store().recordStep({
      correlationId: CORRELATION_ID,
      step: 'load-order',
      outcome: 'OK',
      durationMs: 1,
    });

    await expect(failure).rejects.toMatchObject({
      name: 'Hub.Unavailable',
      message: 'The correlation table could not be written (ProvisionedThroughputExceededException)',
      cause: throttled,
    });
  });
});

describe('CorrelationStore.markNeedsAttention', () => {
  const input = {
    correlationId: CORRELATION_ID,
    executionArn: EXECUTION_ARN,
    code: 'CUSTOMER_ON_CREDIT_HOLD',
    message: 'Customer is on credit hold. Finance releases the hold.',
  };

  it('sets the exception on the summary unless another execution owns it, and returns true', async () => {
    documents.on(UpdateCommand).resolves({});

    await expect(store().markNeedsAttention(input)).resolves.toBe(true);

    const update = documents.commandCalls(UpdateCommand)[0].args[0].input;
    expect(update.TableName).toBe(TABLE);
    expect(update.Key).toEqual({ pk: `txn#${CORRELATION_ID}`, sk: 'summary' });
    expect(update.Key).toEqual(summaryKey(CORRELATION_ID));
    expect(update.ConditionExpression).toBe('attribute_not_exists(pk) OR executionArn = :execution');
    expect(update.UpdateExpression).toBe(
      'SET #status = :needsAttention, attention = if_not_exists(#flow, :unknownFlow), exceptionCode = :code, exceptionMessage = :message, updatedAt = :at',
    );
    expect(update.ExpressionAttributeNames).toEqual({ '#status': 'status', '#flow': 'flow' });
    expect(update.ExpressionAttributeValues).toEqual({
      ':needsAttention': 'NEEDS_ATTENTION',
      ':unknownFlow': 'unknown',
      ':code': 'CUSTOMER_ON_CREDIT_HOLD',
      ':message': 'Customer is on credit hold. Finance releases the hold.',
      ':at': NOW.toISOString(),
      ':execution': EXECUTION_ARN,
    });
  });

  it('returns false when a newer execution has taken the transaction over', async () => {
    documents.on(UpdateCommand).rejects(conditionFailed());

    await expect(store().markNeedsAttention(input)).resolves.toBe(false);
  });

  it('turns other failures into Hub.Unavailable', async () => {
    documents.on(UpdateCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));

    await expect(store().markNeedsAttention(input)).rejects.toMatchObject({
      name: 'Hub.Unavailable',
      message: 'The correlation table could not be written (InternalServerError)',
    });
  });
});

describe('CorrelationStore reads', () => {
  it('finds the transactions a business key points to', async () => {
    documents.on(QueryCommand).resolves({
      Items: [
        { pk: 'key#erpOrderNumber#SO1042', sk: `txn#${CORRELATION_ID}`, correlationId: CORRELATION_ID },
        { pk: 'key#erpOrderNumber#SO1042', sk: 'txn#other', correlationId: '0d8a0a3c-0000-5000-8000-000000000000' },
      ],
    });

    const found = await store().findByKey('erpOrderNumber', 'SO1042');

    expect(found).toEqual([CORRELATION_ID, '0d8a0a3c-0000-5000-8000-000000000000']);
    expect(documents.commandCalls(QueryCommand)[0].args[0].input).toEqual({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'key#erpOrderNumber#SO1042' },
    });
  });

  it('finds nothing for an unknown key', async () => {
    documents.on(QueryCommand).resolves({});

    await expect(store().findByKey('opportunityId', '0065g00000NoNeXAAZ')).resolves.toEqual([]);
  });

  it('reads the summary consistently', async () => {
    documents
      .on(GetCommand)
      .resolves({ Item: { ...summaryKey(CORRELATION_ID), status: 'COMPLETED', flow: 'quote-to-cash' } });

    const summary = await store().getSummary(CORRELATION_ID);

    expect(summary).toMatchObject({ status: 'COMPLETED', flow: 'quote-to-cash' });
    expect(documents.commandCalls(GetCommand)[0].args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: `txn#${CORRELATION_ID}`, sk: 'summary' },
      ConsistentRead: true,
    });
  });

  it('lists the step records of a transaction with its correlation id', async () => {
    documents.on(QueryCommand).resolves({
      Items: [
        {
          pk: `txn#${CORRELATION_ID}`,
          sk: 'step#2026-11-22T08:30:00.000Z#load-order',
          step: 'load-order',
          outcome: 'OK',
        },
      ],
    });

    const steps = await store().listSteps(CORRELATION_ID);

    expect(steps).toEqual([
      expect.objectContaining({ step: 'load-order', outcome: 'OK', correlationId: CORRELATION_ID }),
    ]);
    expect(documents.commandCalls(QueryCommand)[0].args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :step)',
      ExpressionAttributeValues: { ':pk': `txn#${CORRELATION_ID}`, ':step': 'step#' },
    });
  });
});
