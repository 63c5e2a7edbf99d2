// Transactions waiting for an ERP's capacity, parked by their execution's task token. A parked
// execution costs nothing while it waits: no state transitions, no Lambda time. It is released
// (SendTaskSuccess) when a lease comes back, oldest first within its flow; between flows the one
// using least of the budget for its weight goes first, so a burst of one flow cannot starve
// another. A re-park of the same execution (after a hub restart or a wake that lost the race)
// keeps its place: the line is ordered by when the execution started.
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../platform/dynamodb';
import { logger } from '../platform/logger';
import { type BudgetState, type CapacityBudget, flowOfLease, readyCount } from './budget';
import type { FlowShares } from './settings';

export interface Waiter {
  system: string;
  flow: string;
  /** When the execution started (ISO 8601): its place in the line. */
  arrivedAt: string;
  executionArn: string;
  correlationId?: string;
  step: string;
  taskToken: string;
  reason?: string;
}

const sfn = new SFNClient({});

/** Task tokens that no longer belong to a waiting task: the waiter is gone, not an error. */
const STALE_TOKEN_ERRORS = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

function lineKey(system: string, flow: string): string {
  return `waiting#${system}#${flow}`;
}

export class WaitingLine {
  constructor(
    private readonly table: string,
    private readonly budget: CapacityBudget,
    private readonly shares: FlowShares = {},
  ) {}

  /** Parks a transaction; counts it as waiting unless it already had its place. Returns the budget as it is then. */
  async park(waiter: Waiter): Promise<BudgetState> {
    const { Attributes } = await documents.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: lineKey(waiter.system, waiter.flow),
          sk: `${waiter.arrivedAt}#${executionName(waiter.executionArn)}`,
          ...waiter,
          parkedAt: new Date().toISOString(),
        },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return this.budget.parked(executionName(waiter.executionArn), !Attributes);
  }

  /**
   * How many waiters the budget has room for now: one, to take the probe, once an open breaker's
   * cooldown has passed; else the free slots (none during a Retry-After), plus `ahead` released
   * early so a returning lease is taken at once, less those already on their way.
   */
  releasable(state: BudgetState, ahead: number, now = Date.now()): number {
    if (state.waiting <= 0) return 0;
    if (state.breaker === 'open') return now >= state.reopenAt ? 1 : 0;
    if (state.breaker !== 'closed' || state.holdUntil > now) return 0;
    const free = state.slots - Object.keys(state.leases).length;
    return Math.min(state.waiting, Math.max(0, free + ahead - readyCount(state, now)));
  }

  /** Releases up to `count` waiters, fairly across flows; returns how many were released. */
  async wake(count: number, state?: BudgetState): Promise<number> {
    if (count <= 0) return 0;
    const current = state ?? (await this.budget.state());
    if (current.waiting <= 0) return 0;
    const flows = this.flows();
    const active = new Map<string, number>(flows.map((flow) => [flow, 0]));
    for (const id of Object.keys(current.leases)) {
      const flow = flowOfLease(id);
      active.set(flow, (active.get(flow) ?? 0) + 1);
    }
    const empty = new Set<string>();
    let woken = 0;
    while (woken < count && empty.size < flows.length) {
      const flow = this.nextFlow(flows, active, empty);
      const waiter = await this.claimOldest(flow);
      if (!waiter) {
        empty.add(flow);
        continue;
      }
      // Counted as ready before it is released, so the woken execution finds itself expected.
      await this.budget.released(executionName(waiter.executionArn), Date.now() + READY_MS);
      if (await this.release(waiter)) {
        woken++;
        active.set(flow, (active.get(flow) ?? 0) + 1);
      }
    }
    return woken;
  }

  private flows(): string[] {
    const configured = Object.keys(this.shares);
    return configured.length > 0 ? configured : [DEFAULT_FLOW];
  }

  /** The flow with the least capacity in use for its weight, among those that may still have waiters. */
  private nextFlow(flows: string[], active: Map<string, number>, empty: Set<string>): string {
    const weight = (flow: string) => this.shares[flow]?.weight ?? 1;
    return flows
      .filter((flow) => !empty.has(flow))
      .sort((a, b) => (active.get(a) ?? 0) / weight(a) - (active.get(b) ?? 0) / weight(b))[0];
  }

  /** Takes the oldest waiter of a flow out of the line; undefined when the line is empty. */
  private async claimOldest(flow: string): Promise<Waiter | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const { Items } = await documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': lineKey(this.budget.system, flow) },
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const item = Items?.[0];
      if (!item) return undefined;
      try {
        // Two releasers may read the same oldest waiter: only the one whose delete finds it wakes it.
        const { Attributes } = await documents.send(
          new DeleteCommand({
            TableName: this.table,
            Key: { pk: item.pk, sk: item.sk },
            ConditionExpression: 'taskToken = :token',
            ExpressionAttributeValues: { ':token': item.taskToken },
            ReturnValues: 'ALL_OLD',
          }),
        );
        return Attributes as Waiter;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    return undefined;
  }

  private async release(waiter: Waiter): Promise<boolean> {
    try {
      await sfn.send(
        new SendTaskSuccessCommand({
          taskToken: waiter.taskToken,
          output: JSON.stringify({ resumedAt: new Date().toISOString(), system: waiter.system }),
        }),
      );
      return true;
    } catch (error) {
      if (STALE_TOKEN_ERRORS.has((error as Error).name)) {
        logger.info('Waiter no longer waiting', { executionArn: waiter.executionArn, error: (error as Error).name });
        await this.budget.forget(executionName(waiter.executionArn));
        return false;
      }
      // Step Functions did not take the release: the waiter keeps its place for the next one.
      await this.park(waiter);
      throw error;
    }
  }
}

/** How long a released execution counts as on its way to a lease. */
const READY_MS = 3_000;

export function executionName(executionArn: string): string {
  return executionArn.split(':').pop() as string;
}

/** The flow a lease or waiter belongs to when a function names none. */
export const DEFAULT_FLOW = 'default';
