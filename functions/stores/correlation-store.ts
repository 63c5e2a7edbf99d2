// The correlation table follows every business transaction end to end. Items:
//   txn#<correlationId> / summary          status, flow, execution, business keys, open exception
//   txn#<correlationId> / step#<at>#<name> one per step attempt, with its outcome
//   txn#<correlationId> / shadow            the shadow ERP's order compared with the target's
//   key#<name>#<value>  / txn#<correlationId>  pointer from a business key (opportunity id,
//                                              ERP order number...) to its transactions
//   shadow#<system>     / <at>#<correlationId> every comparison made with a shadow ERP, newest last
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
import type { Route } from '../domain/routing';
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
  /** WAITING: the step found no ERP capacity and its transaction was parked, not failed. */
  outcome: 'OK' | 'FAILED' | 'WAITING';
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
  /** The ERP the transaction was routed to, and by which rule; kept for the transaction's life. */
  targetSystem?: string;
  routingRule?: string;
  shadowSystem?: string;
  shadowStatus?: ShadowStatus;
  executionArn?: string;
  exceptionCode?: string;
  exceptionMessage?: string;
  duplicateEvents?: number;
  startedAt?: string;
  updatedAt?: string;
  completedAt?: string;
}

export type ShadowStatus = 'MATCH' | 'DIFFERENT' | 'FAILED' | 'UNAVAILABLE';

export interface ShadowDifference {
  /** What differs, e.g. 'total' or 'line 2 item'. */
  field: string;
  target: string;
  shadow: string;
}

export interface ShadowComparison {
  correlationId: string;
  crmReference: string;
  targetSystem: string;
  targetOrderNumber: string;
  shadowSystem: string;
  shadowOrderNumber?: string;
  status: ShadowStatus;
  differences: ShadowDifference[];
  /** Why the shadow ERP has no comparable order (FAILED): its exception code and message. */
  error?: string;
  message?: string;
  at: string;
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

  /**
   * Records the route on the transaction, unless an earlier execution already did: a transaction
   * stays with the ERP it was first routed to (its customer or order may exist there already),
   * whatever the routing says by now. Returns the route in force.
   */
  async recordRoute(correlationId: string, route: Route): Promise<Route> {
    try {
      await this.write(() =>
        this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: summaryKey(correlationId),
            UpdateExpression: `SET targetSystem = :target, routingRule = :rule${route.shadow ? ', shadowSystem = :shadow' : ''}, updatedAt = :at`,
            // The route is kept whole: a shadow is never added to, or taken from, an earlier route.
            ConditionExpression: 'attribute_not_exists(targetSystem)',
            ExpressionAttributeValues: {
              ':target': route.target,
              ':rule': route.rule,
              ':at': new Date().toISOString(),
              ...(route.shadow ? { ':shadow': route.shadow } : {}),
            },
          }),
        ),
      );
      return route;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const stored = await this.getSummary(correlationId);
    if (!stored?.targetSystem)
      throw new UnavailableError(`The route of transaction ${correlationId} could not be read back`);
    return {
      target: stored.targetSystem,
      rule: stored.routingRule ?? 'unknown',
      ...(stored.shadowSystem ? { shadow: stored.shadowSystem } : {}),
    };
  }

  /** The comparison on the transaction, in the shadow ERP's list, and its status on the summary. */
  async recordShadowComparison(comparison: ShadowComparison): Promise<void> {
    const { correlationId, shadowSystem, at } = comparison;
    await this.write(() =>
      this.batchPut([
        { pk: `txn#${correlationId}`, sk: 'shadow', ...comparison },
        { pk: `shadow#${shadowSystem}`, sk: `${at}#${correlationId}`, ...comparison },
      ]),
    );
    await this.write(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: summaryKey(correlationId),
          UpdateExpression: 'SET shadowSystem = :system, shadowStatus = :status',
          ExpressionAttributeValues: { ':system': shadowSystem, ':status': comparison.status },
        }),
      ),
    );
  }

  /** Comparisons made with a shadow ERP, oldest first, up to `limit`. */
  async listShadowComparisons(shadowSystem: string, limit = 1000): Promise<ShadowComparison[]> {
    const comparisons: ShadowComparison[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `shadow#${shadowSystem}` },
          ExclusiveStartKey: start,
          Limit: Math.min(limit - comparisons.length, 500),
        }),
      );
      for (const item of page.Items ?? []) {
        const { pk: _pk, sk: _sk, ...comparison } = item;
        comparisons.push(comparison as ShadowComparison);
      }
      start = page.LastEvaluatedKey;
    } while (start && comparisons.length < limit);
    return comparisons;
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
