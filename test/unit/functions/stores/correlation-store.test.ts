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

describe('CorrelationStore.recordRoute', () => {
  function conditionFailedWith(stored: Record<string, unknown>) {
    documents.on(UpdateCommand).rejects(conditionFailed());
    documents.on(GetCommand).resolves({ Item: { ...summaryKey(CORRELATION_ID), status: 'IN_PROGRESS', ...stored } });
  }

  it('records the route on a transaction routed for the first time, in one conditional write', async () => {
    documents.on(UpdateCommand).resolves({});

    const route = await store().recordRoute(CORRELATION_ID, { target: 'netsuite', rule: 'default' });

    expect(route).toEqual({ target: 'netsuite', rule: 'default' });
    const calls = documents.commandCalls(UpdateCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({
      TableName: TABLE,
      Key: { pk: `txn#${CORRELATION_ID}`, sk: 'summary' },
      UpdateExpression: 'SET targetSystem = :target, routingRule = :rule, updatedAt = :at',
      ConditionExpression: 'attribute_not_exists(targetSystem)',
      ExpressionAttributeValues: { ':target': 'netsuite', ':rule': 'default', ':at': NOW.toISOString() },
    });
    expect(documents.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('records the shadow with the route', async () => {
    documents.on(UpdateCommand).resolves({});

    const route = await store().recordRoute(CORRELATION_ID, { target: 'sap-s4hana', shadow: 'netsuite', rule: 'dach' });

    expect(route).toEqual({ target: 'sap-s4hana', shadow: 'netsuite', rule: 'dach' });
    const update = documents.commandCalls(UpdateCommand)[0].args[0].input;
    expect(update.UpdateExpression).toBe(
      'SET targetSystem = :target, routingRule = :rule, shadowSystem = :shadow, updatedAt = :at',
    );
    expect(update.ExpressionAttributeValues).toMatchObject({ ':shadow': 'netsuite' });
  });

  it('returns the route an earlier execution recorded, not the one asked for', async () => {
    conditionFailedWith({ targetSystem: 'netsuite', routingRule: 'default' });

    const route = await store().recordRoute(CORRELATION_ID, { target: 'sap-s4hana', rule: 'dach' });

    expect(route).toEqual({ target: 'netsuite', rule: 'default' });
    expect(documents.commandCalls(GetCommand)[0].args[0].input).toMatchObject({ ConsistentRead: true });
  });

  it('keeps the shadow an earlier execution recorded', async () => {
    conditionFailedWith({ targetSystem: 'sap-s4hana', routingRule: 'dach', shadowSystem: 'netsuite' });

    const route = await store().recordRoute(CORRELATION_ID, { target: 'odoo', shadow: 'business-central', rule: 'x' });

    expect(route).toEqual({ target: 'sap-s4hana', shadow: 'netsuite', rule: 'dach' });
  });

  it('keeps the first route whole: no shadow from a later routing is added to it, least of all its own target', async () => {
    conditionFailedWith({ targetSystem: 'netsuite', routingRule: 'default' });

    const route = await store().recordRoute(CORRELATION_ID, { target: 'sap-s4hana', shadow: 'netsuite', rule: 'dach' });

    expect(route).toEqual({ target: 'netsuite', rule: 'default' });
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('turns a DynamoDB failure into Hub.Unavailable', async () => {
    documents.on(UpdateCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));

    await expect(store().recordRoute(CORRELATION_ID, { target: 'netsuite', rule: 'default' })).rejects.toMatchObject({
      name: 'Hub.Unavailable',
      message: 'The correlation table could not be written (InternalServerError)',
    });
  });
});

describe('CorrelationStore.recordShadowComparison', () => {
  const comparison = {
    correlationId: CORRELATION_ID,
    crmReference: '0065g00000AbCdEAAZ',
    targetSystem: 'netsuite',
    targetOrderNumber: 'SO1042',
    shadowSystem: 'sap-s4hana',
    shadowOrderNumber: '4711',
    status: 'DIFFERENT' as const,
    differences: [{ field: 'total', target: '52375.00', shadow: '52000.00' }],
    at: '2026-11-22T08:29:59.000Z',
  };

  it('writes the comparison on the transaction and in the shadow ERP list in one batch, then its status on the summary', async () => {
    documents.on(BatchWriteCommand).resolves({});
    documents.on(UpdateCommand).resolves({});

    await store().recordShadowComparison(comparison);

    const batches = documents.commandCalls(BatchWriteCommand);
    expect(batches).toHaveLength(1);
    expect(batches[0].args[0].input.RequestItems).toEqual({
      [TABLE]: [
        { PutRequest: { Item: { pk: `txn#${CORRELATION_ID}`, sk: 'shadow', ...comparison } } },
        {
          PutRequest: {
            Item: { pk: 'shadow#sap-s4hana', sk: `2026-11-22T08:29:59.000Z#${CORRELATION_ID}`, ...comparison },
          },
        },
      ],
    });
    const updates = documents.commandCalls(UpdateCommand);
    expect(updates).toHaveLength(1);
    expect(updates[0].args[0].input).toEqual({
      TableName: TABLE,
      Key: summaryKey(CORRELATION_ID),
      UpdateExpression: 'SET shadowSystem = :system, shadowStatus = :status',
      ExpressionAttributeValues: { ':system': 'sap-s4hana', ':status': 'DIFFERENT' },
    });
  });

  it('does not touch the summary when the comparison could not be written', async () => {
    documents.on(BatchWriteCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    documents.on(UpdateCommand).resolves({});

    await expect(store().recordShadowComparison(comparison)).rejects.toMatchObject({
      name: 'Hub.Unavailable',
      message: 'The correlation table could not be written (ThrottlingException)',
    });
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

describe('CorrelationStore.listShadowComparisons', () => {
  const item = (n: number) => ({
    pk: 'shadow#sap-s4hana',
    sk: `2026-11-22T08:0${n}:00.000Z#txn-${n}`,
    correlationId: `txn-${n}`,
    shadowSystem: 'sap-s4hana',
    status: 'MATCH',
    differences: [],
    at: `2026-11-22T08:0${n}:00.000Z`,
  });
  const comparison = (n: number) => {
    const { pk: _pk, sk: _sk, ...rest } = item(n);
    return rest;
  };

  it('reads every page, oldest first, without the table keys', async () => {
    documents
      .on(QueryCommand)
      .resolvesOnce({ Items: [item(1), item(2)], LastEvaluatedKey: { pk: 'shadow#sap-s4hana', sk: item(2).sk } })
      .resolvesOnce({ Items: [item(3)] });

    const comparisons = await store().listShadowComparisons('sap-s4hana');

    expect(comparisons).toEqual([comparison(1), comparison(2), comparison(3)]);
    for (const c of comparisons) {
      expect(c).not.toHaveProperty('pk');
      expect(c).not.toHaveProperty('sk');
    }
    const queries = documents.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries).toEqual([
      {
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'shadow#sap-s4hana' },
        ExclusiveStartKey: undefined,
        Limit: 500,
      },
      {
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'shadow#sap-s4hana' },
        ExclusiveStartKey: { pk: 'shadow#sap-s4hana', sk: item(2).sk },
        Limit: 500,
      },
    ]);
  });

  it('stops at the limit, asking each page for no more than it still needs', async () => {
    documents
      .on(QueryCommand)
      .resolvesOnce({ Items: [item(1), item(2)], LastEvaluatedKey: { pk: 'shadow#sap-s4hana', sk: item(2).sk } })
      .resolvesOnce({ Items: [item(3)], LastEvaluatedKey: { pk: 'shadow#sap-s4hana', sk: item(3).sk } })
      .resolves({ Items: [item(4)] });

    const comparisons = await store().listShadowComparisons('sap-s4hana', 3);

    expect(comparisons.map((c) => c.correlationId)).toEqual(['txn-1', 'txn-2', 'txn-3']);
    const limits = documents.commandCalls(QueryCommand).map((call) => call.args[0].input.Limit);
    expect(limits).toEqual([3, 1]);
  });

  it('gives an empty list for a system with no comparisons', async () => {
    documents.on(QueryCommand).resolves({ Items: [] });

    await expect(store().listShadowComparisons('odoo')).resolves.toEqual([]);
    expect(documents.commandCalls(QueryCommand)).toHaveLength(1);
  });
});
