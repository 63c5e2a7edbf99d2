// The correlation table follows every business transaction end to end. Items:
//   txn#<correlationId> / summary          status, flow, execution, business keys, open exception
//   txn#<correlationId> / step#<at>#<name> one per step attempt, with its outcome
//   key#<name>#<value>  / txn#<correlationId>  pointer from a business key (opportunity id,
//                                              ERP order number...) to its transactions
// The state machines write the summary's claim and completion themselves (ASL), Lambda steps
// write steps and keys through this module.

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { UnavailableError } from '../domain/errors';
import { documents as defaultClient } from '../platform/dynamodb';

/** Business keys a transaction can be found by (findByKey). */
export const BUSINESS_KEYS = [
  'opportunityId',
  'crmAccountId',
  'erpCustomerId',
  'erpOrderId',
  'erpOrderNumber',
] as const;
export type BusinessKey = (typeof BUSINESS_KEYS)[number];
export type BusinessKeys = Partial<Record<BusinessKey, string>>;

export type TransactionStatus = 'IN_PROGRESS' | 'COMPLETED' | 'NEEDS_ATTENTION';

export interface StepRecord {
  correlationId: string;
  step: string;
  outcome: 'OK' | 'FAILED';
  executionArn?: string;
  error?: string;
  message?: string;
  durationMs: number;
  keys?: BusinessKeys;
}

export interface TransactionSummary extends BusinessKeys {
  correlationId: string;
  flow: string;
  status: TransactionStatus;
  executionArn?: string;
  exceptionCode?: string;
  exceptionMessage?: string;
  duplicateEvents?: number;
  startedAt?: string;
  updatedAt?: string;
  completedAt?: string;
}

export const summaryKey = (correlationId: string) => ({ pk: `txn#${correlationId}`, sk: 'summary' });

export class CorrelationStore {
  constructor(
    private readonly tableName: string,
    private readonly documents: DynamoDBDocumentClient = defaultClient,
  ) {}

  /** One write for the step and the pointers from the business keys it found. */
  async recordStep(record: StepRecord): Promise<void> {
    const at = new Date().toISOString();
    const keys = definedKeys(record.keys);
    const items: Record<string, unknown>[] = [
      {
        pk: `txn#${record.correlationId}`,
        sk: `step#${at}#${record.step}`,
        at,
        step: record.step,
        outcome: record.outcome,
        executionArn: record.executionArn,
        error: record.error,
        message: record.message,
        durationMs: record.durationMs,
        ...keys,
      },
      ...Object.entries(keys).map(([name, value]) => ({
        pk: `key#${name}#${value}`,
        sk: `txn#${record.correlationId}`,
        correlationId: record.correlationId,
        at,
      })),
    ];
    await this.write(() => this.batchPut(items));
  }

  /**
   * Marks the transaction as needing a person, unless a newer execution has taken it over since
   * `executionArn` failed. Returns false in that case: the failure is no longer the current state.
   */
  async markNeedsAttention(input: {
    correlationId: string;
    executionArn: string;
    code: string;
    message: string;
  }): Promise<boolean> {
    const at = new Date().toISOString();
    try {
      await this.write(() =>
        this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: summaryKey(input.correlationId),
            UpdateExpression:
              'SET #status = :needsAttention, attention = if_not_exists(#flow, :unknownFlow), exceptionCode = :code, exceptionMessage = :message, updatedAt = :at',
            ConditionExpression: 'attribute_not_exists(pk) OR executionArn = :execution',
            ExpressionAttributeNames: { '#status': 'status', '#flow': 'flow' },
            ExpressionAttributeValues: {
              ':needsAttention': 'NEEDS_ATTENTION',
              ':unknownFlow': 'unknown',
              ':code': input.code,
              ':message': input.message,
              ':at': at,
              ':execution': input.executionArn,
            },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getSummary(correlationId: string): Promise<TransactionSummary | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: summaryKey(correlationId), ConsistentRead: true }),
    );
    return result.Item as TransactionSummary | undefined;
  }

  async listSteps(correlationId: string): Promise<(StepRecord & { at: string })[]> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :step)',
        ExpressionAttributeValues: { ':pk': `txn#${correlationId}`, ':step': 'step#' },
      }),
    );
    return (result.Items ?? []).map((item) => ({ ...(item as StepRecord & { at: string }), correlationId }));
  }

  async findByKey(key: BusinessKey, value: string): Promise<string[]> {
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `key#${key}#${value}` },
      }),
    );
    return (result.Items ?? []).map((item) => item.correlationId as string);
  }

  private async batchPut(items: Record<string, unknown>[]): Promise<void> {
    let requests: { PutRequest: { Item: Record<string, unknown> } }[] | undefined = items.map((Item) => ({
      PutRequest: { Item },
    }));
    // DynamoDB may leave some writes unprocessed under load; send exactly those again.
    for (let attempt = 0; requests && requests.length > 0; attempt++) {
      if (attempt === 5) throw new Error('BatchWriteItem kept returning unprocessed items');
      const result = await this.documents.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
      requests = result.UnprocessedItems?.[this.tableName] as typeof requests;
    }
  }

  /** The table is the hub's own; when it fails, the step is retried rather than losing the record. */
  private async write<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw error;
      throw new UnavailableError(`The correlation table could not be written (${(error as Error).name})`, {
        cause: error,
      });
    }
  }
}

function definedKeys(keys: BusinessKeys | undefined): BusinessKeys {
  return Object.fromEntries(Object.entries(keys ?? {}).filter(([, value]) => value !== undefined && value !== ''));
}
