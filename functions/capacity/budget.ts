// One capacity budget per ERP account, held in DynamoDB so every function instance and every
// execution shares it. A call takes a lease (one concurrent request's slot) by a conditional
// write and returns it when the ERP has answered; leases carry an expiry, so a function that
// crashed mid-call cannot keep a slot. The number of slots adapts: fewer (multiplied by
// decreaseFactor) when the ERP throttles, back up quickly to the last level the ERP served, and
// only slowly beyond it, so a share of the account taken by others is found without a storm of
// 429s; never more than the configured ceiling. A circuit breaker on the same item stops calls after transient failures in
// a row and lets a single probe through once its cooldown has passed.
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { documents } from '../platform/dynamodb';
import { type BudgetSettings, ceilingOf } from './settings';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerTransition {
  at: number;
  to: BreakerState;
  reason: string;
}

export interface BudgetState {
  /** Adaptive concurrency; slots is its whole part, at least 1. */
  limit: number;
  slots: number;
  ceiling: number;
  /** Lease id ("<flow>~<id>") -> expiry in epoch milliseconds. */
  leases: Record<string, number>;
  successes: number;
  decreasedAt: number;
  /** Leases out when the budget last shrank: until they are back, a 429 is the same overload. */
  overloadLeases?: string[];
  /** The most slots the ERP served without throttling since its last 429 (the ceiling before any). */
  servedLevel: number;
  /** From hub:capacity: accountLimit - reservedForOthers. */
  configuredCeiling: number;
  /** What the ERP last reported the hub may use (NetSuite governanceLimits), and when it was asked. */
  reportedLimit?: number;
  limitsCheckedAt?: number;
  /** No new leases before this (the ERP's Retry-After). */
  holdUntil: number;
  breaker: BreakerState;
  failures: number;
  reopenAt: number;
  cooldownMs: number;
  probe?: string;
  /** Transactions parked in the waiting line. */
  waiting: number;
  /** Executions released from the line and on their way to take a lease -> until when they count. */
  ready: Record<string, number>;
  throttles: number;
  probes: number;
  transitions: BreakerTransition[];
}

export interface Lease {
  id: string;
  /** When the lease was taken: a throttled answer to a call made before the last decrease is not news. */
  takenAt: number;
  system: string;
  flow: string;
  probe: boolean;
}

export type Refusal =
  | {
      reason: 'full';
      slots: number;
      inUse: number;
      /** The caller was released from the line for a slot about to free. */
      released: boolean;
      waiting: number;
    }
  | { reason: 'breaker-open'; reopenAt: number; failures: number }
  | { reason: 'hold'; holdUntil: number };

/** What became of a call made under a lease. */
export type CallOutcome =
  | { kind: 'answered' }
  | { kind: 'throttled'; retryAfterSeconds?: number }
  | { kind: 'failed'; reason: string };

/** Consequences of returning a lease that the caller acts on (waking waiters, logging). */
export interface Released {
  state: BudgetState;
  /** Slots free now that the lease is back. */
  free: number;
  breakerChanged?: BreakerTransition;
  limitChanged?: { from: number; to: number };
}

/** Only the most recent breaker transitions are kept on the item. */
const TRANSITIONS_KEPT = 50;

export function budgetKey(system: string) {
  return { pk: `budget#${system}`, sk: 'state' };
}

export function flowOfLease(leaseId: string): string {
  return leaseId.split('~')[0];
}

export class CapacityBudget {
  private ensured?: Promise<void>;

  constructor(
    private readonly table: string,
    readonly system: string,
    readonly settings: BudgetSettings,
  ) {}

  get ceiling(): number {
    return ceilingOf(this.settings);
  }

  /**
   * Takes the limit the ERP reports for the hub: the ceiling becomes the lower of it and the
   * configured one, and a budget above it comes down at once.
   */
  async adoptReportedLimit(limit: number, now = Date.now()): Promise<BudgetState> {
    await this.ensure();
    const updated = await this.update({
      UpdateExpression: 'SET reportedLimit = :reported, limitsCheckedAt = :now',
      ExpressionAttributeValues: { ':reported': limit, ':now': now },
    });
    return this.applyCeiling(updated as BudgetState);
  }

  /** Notes that the ERP was asked for its limits and did not say. */
  async limitsChecked(now = Date.now()): Promise<void> {
    await this.update({
      UpdateExpression: 'SET limitsCheckedAt = :now',
      ExpressionAttributeValues: { ':now': now },
    });
  }

  /** Creates the item on first use and applies a changed ceiling (a deploy of new settings). */
  ensure(): Promise<void> {
    this.ensured ??= this.initialise().catch((error) => {
      this.ensured = undefined;
      throw error;
    });
    return this.ensured;
  }

  async state(): Promise<BudgetState> {
    await this.ensure();
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.table, Key: budgetKey(this.system), ConsistentRead: true }),
    );
    return Item as BudgetState;
  }

  /** A lease, or why there is none. A probe lease is given when the breaker's cooldown has passed. */
  async acquire(flow: string, now = Date.now(), execution?: string): Promise<Lease | Refusal> {
    await this.ensure();
    const lease = newLease(this.system, flow, now);
    if (await this.take(lease, now, execution)) return lease;
    const state = await this.state();
    if (state.breaker !== 'closed') {
      if (now >= state.reopenAt && (await this.takeProbe(lease, now))) return { ...lease, probe: true };
      return { reason: 'breaker-open', reopenAt: state.reopenAt, failures: state.failures };
    }
    if (state.holdUntil > now) return { reason: 'hold', holdUntil: state.holdUntil };
    if ((await this.reclaimExpired(state, now)) > 0 && (await this.take(lease, now, execution))) return lease;
    return {
      reason: 'full',
      slots: state.slots,
      inUse: Object.keys(state.leases).length,
      released: execution !== undefined && (state.ready?.[execution] ?? 0) > now,
      waiting: state.waiting,
    };
  }

  /** A lease if a slot is free right now: one conditional write, nothing else (for callers about to try again). */
  async tryTake(flow: string, execution?: string, now = Date.now()): Promise<Lease | undefined> {
    await this.ensure();
    const lease = newLease(this.system, flow, now);
    return (await this.take(lease, now, execution)) ? lease : undefined;
  }

  /** Returns the lease and adapts the budget and breaker to what the call met. */
  async release(lease: Lease, outcome: CallOutcome, now = Date.now()): Promise<Released> {
    const names: Record<string, string> = { '#lease': lease.id };
    const values: Record<string, unknown> = {};
    const set: string[] = [];
    const add: string[] = [];
    let transition: BreakerTransition | undefined;
    if (outcome.kind === 'answered') {
      add.push('successes :one');
      values[':one'] = 1;
      set.push('failures = :zero');
      values[':zero'] = 0;
      if (lease.probe) {
        transition = { at: now, to: 'closed', reason: 'the probe call was answered' };
        set.push('breaker = :closed', 'cooldownMs = :baseCooldown');
        values[':closed'] = 'closed';
        values[':baseCooldown'] = this.settings.breaker.cooldownSeconds * 1000;
      }
    } else if (outcome.kind === 'throttled') {
      add.push('throttles :one');
      values[':one'] = 1;
      if (outcome.retryAfterSeconds && outcome.retryAfterSeconds > 0) {
        set.push('holdUntil = :holdUntil');
        values[':holdUntil'] = now + outcome.retryAfterSeconds * 1000;
      }
      if (lease.probe) {
        transition = { at: now, to: 'closed', reason: 'the probe call was answered (throttled)' };
        set.push('breaker = :closed');
        values[':closed'] = 'closed';
      }
    } else {
      add.push('failures :one');
      values[':one'] = 1;
      if (lease.probe) {
        transition = { at: now, to: 'open', reason: `the probe call failed: ${outcome.reason}` };
        set.push('breaker = :open', 'reopenAt = :reopenAt', 'cooldownMs = :cooldown');
        const cooldown = Math.min(this.settings.breaker.maxCooldownSeconds * 1000, (await this.state()).cooldownMs * 2);
        Object.assign(values, { ':open': 'open', ':reopenAt': now + cooldown, ':cooldown': cooldown });
      }
    }
    if (lease.probe) set.push('probes = probes + :one');
    if (transition) {
      set.push('transitions = list_append(transitions, :transition)');
      values[':transition'] = [transition];
    }
    const updated = await this.update({
      UpdateExpression: `REMOVE leases.#lease${lease.probe ? ', probe' : ''} SET ${set.length > 0 ? set.join(', ') : 'successes = successes'}${add.length > 0 ? ` ADD ${add.join(', ')}` : ''}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
    let state = updated as BudgetState;
    const released: Released = { state, free: 0, breakerChanged: transition };
    if (outcome.kind === 'failed' && !lease.probe && state.breaker === 'closed') {
      const opened = await this.openBreaker(state, outcome.reason, now);
      if (opened) {
        released.breakerChanged = opened.transition;
        state = opened.state;
      }
    }
    const growAfter = state.slots < state.servedLevel ? this.settings.increaseEvery : this.settings.probeEvery;
    if (outcome.kind === 'answered' && state.successes >= growAfter && state.limit < state.ceiling) {
      const grown = await this.setLimit(state, Math.min(state.ceiling, Math.floor(state.limit) + 1), now, {
        resetSuccesses: true,
      });
      if (grown) {
        released.limitChanged = { from: state.slots, to: grown.slots };
        state = grown;
      }
    }
    // Throttled answers belong to the overload already answered while calls made before the last
    // decrease are still out; only a call made under the lowered budget alone says it is too high.
    const overloadOver = (state.overloadLeases ?? []).every((id) => !(id in state.leases));
    if (outcome.kind === 'throttled' && lease.takenAt > state.decreasedAt && overloadOver) {
      const shrunk = await this.setLimit(state, Math.max(1, state.limit * this.settings.decreaseFactor), now, {
        resetSuccesses: true,
        decrease: true,
        servedLevel: Math.max(1, state.slots - 1),
      });
      if (shrunk) {
        released.limitChanged = { from: state.slots, to: shrunk.slots };
        state = shrunk;
      }
    }
    released.state = state;
    released.free = state.breaker === 'closed' ? Math.max(0, state.slots - Object.keys(state.leases).length) : 0;
    return released;
  }

  /** Removes leases past their expiry; returns how many. */
  async reclaimExpired(state: BudgetState, now = Date.now()): Promise<number> {
    const stale = Object.entries(state.ready ?? {}).filter(([, until]) => until <= now);
    if (stale.length > 0) {
      await this.update({
        UpdateExpression: `REMOVE ${stale.map((_, i) => `ready.#r${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(stale.map(([execution], i) => [`#r${i}`, execution])),
      });
    }
    const expired = Object.entries(state.leases).filter(([, expiresAt]) => expiresAt <= now);
    let reclaimed = 0;
    for (const [id, expiresAt] of expired) {
      const removed = await this.update({
        UpdateExpression: `REMOVE leases.#lease${state.probe === id ? ', probe SET breaker = :open, reopenAt = :now' : ''}`,
        ConditionExpression: 'leases.#lease = :expiresAt',
        ExpressionAttributeNames: { '#lease': id },
        ExpressionAttributeValues: {
          ':expiresAt': expiresAt,
          ...(state.probe === id ? { ':open': 'open', ':now': now } : {}),
        },
      });
      if (removed) reclaimed++;
    }
    return reclaimed;
  }

  /** Counts a transaction into the waiting line (unless it had its place) and off the ready list. */
  async parked(execution: string, isNew: boolean): Promise<BudgetState> {
    await this.ensure();
    return this.unconditional({
      UpdateExpression: `REMOVE ready.#ready${isNew ? ' ADD waiting :one' : ''}`,
      ExpressionAttributeNames: { '#ready': execution },
      ExpressionAttributeValues: isNew ? { ':one': 1 } : undefined,
    });
  }

  /** Counts a transaction out of the line and as ready, on its way to a lease, until `until`. */
  async released(execution: string, until: number): Promise<void> {
    await this.update({
      UpdateExpression: 'SET ready.#ready = :until ADD waiting :minusOne',
      ExpressionAttributeNames: { '#ready': execution },
      ExpressionAttributeValues: { ':until': until, ':minusOne': -1 },
    });
  }

  /** A released transaction that turned out to wait no longer: it is not on its way either. */
  async forget(execution: string): Promise<void> {
    await this.update({
      UpdateExpression: 'REMOVE ready.#ready',
      ExpressionAttributeNames: { '#ready': execution },
    });
  }

  private async initialise(): Promise<void> {
    const ceiling = this.ceiling;
    const cooldownMs = this.settings.breaker.cooldownSeconds * 1000;
    const updated = await this.update({
      UpdateExpression:
        'SET configuredCeiling = :ceiling, ceiling = if_not_exists(ceiling, :ceiling), servedLevel = if_not_exists(servedLevel, :ceiling), #limit = if_not_exists(#limit, :ceiling), slots = if_not_exists(slots, :ceiling), leases = if_not_exists(leases, :empty), successes = if_not_exists(successes, :zero), decreasedAt = if_not_exists(decreasedAt, :zero), holdUntil = if_not_exists(holdUntil, :zero), breaker = if_not_exists(breaker, :closed), failures = if_not_exists(failures, :zero), reopenAt = if_not_exists(reopenAt, :zero), cooldownMs = if_not_exists(cooldownMs, :cooldown), waiting = if_not_exists(waiting, :zero), ready = if_not_exists(ready, :empty), throttles = if_not_exists(throttles, :zero), probes = if_not_exists(probes, :zero), transitions = if_not_exists(transitions, :none)',
      ExpressionAttributeNames: { '#limit': 'limit' },
      ExpressionAttributeValues: {
        ':ceiling': ceiling,
        ':empty': {},
        ':zero': 0,
        ':closed': 'closed',
        ':cooldown': cooldownMs,
        ':none': [],
      },
    });
    await this.applyCeiling(updated as BudgetState);
  }

  /** The ceiling is the configured one, or what the ERP reports if lower. A lowered ceiling applies at once; a raised one is reached by growing into it. */
  private async applyCeiling(state: BudgetState): Promise<BudgetState> {
    const ceiling = Math.max(1, Math.min(state.configuredCeiling, state.reportedLimit ?? Number.POSITIVE_INFINITY));
    let current = state;
    if (state.ceiling !== ceiling) {
      const updated = await this.update({
        UpdateExpression: 'SET ceiling = :ceiling',
        ExpressionAttributeValues: { ':ceiling': ceiling },
      });
      current = updated as BudgetState;
    }
    if (current.limit > ceiling) {
      current = (await this.setLimit(current, ceiling, Date.now(), { resetSuccesses: false })) ?? current;
    }
    return current;
  }

  private async take(lease: Lease, now: number, execution?: string): Promise<boolean> {
    const taken = await this.update({
      UpdateExpression: `SET leases.#lease = :expiresAt${execution ? ' REMOVE ready.#ready' : ''}`,
      ConditionExpression: 'size(leases) < slots AND breaker = :closed AND holdUntil <= :now',
      ExpressionAttributeNames: { '#lease': lease.id, ...(execution ? { '#ready': execution } : {}) },
      ExpressionAttributeValues: {
        ':expiresAt': now + this.settings.leaseSeconds * 1000,
        ':closed': 'closed',
        ':now': now,
      },
    });
    return taken !== undefined;
  }

  private async takeProbe(lease: Lease, now: number): Promise<boolean> {
    const taken = await this.update({
      UpdateExpression:
        'SET leases.#lease = :expiresAt, probe = :lease, breaker = :halfOpen, transitions = list_append(transitions, :transition)',
      ConditionExpression: 'breaker = :open AND reopenAt <= :now',
      ExpressionAttributeNames: { '#lease': lease.id },
      ExpressionAttributeValues: {
        ':expiresAt': now + this.settings.leaseSeconds * 1000,
        ':lease': lease.id,
        ':halfOpen': 'half-open',
        ':open': 'open',
        ':now': now,
        ':transition': [{ at: now, to: 'half-open', reason: 'cooldown passed: one probe call' }],
      },
    });
    return taken !== undefined;
  }

  private async openBreaker(
    state: BudgetState,
    reason: string,
    now: number,
  ): Promise<{ state: BudgetState; transition: BreakerTransition } | undefined> {
    if (state.failures < this.settings.breaker.failures) return undefined;
    const transition: BreakerTransition = {
      at: now,
      to: 'open',
      reason: `${state.failures} transient failures in a row, the last: ${reason}`,
    };
    const updated = await this.update({
      UpdateExpression:
        'SET breaker = :open, reopenAt = :reopenAt, transitions = list_append(transitions, :transition)',
      ConditionExpression: 'breaker = :closed',
      ExpressionAttributeValues: {
        ':open': 'open',
        ':closed': 'closed',
        ':reopenAt': now + state.cooldownMs,
        ':transition': [transition],
      },
    });
    if (!updated) return undefined;
    await this.trimTransitions(updated);
    return { state: updated, transition };
  }

  private async setLimit(
    state: BudgetState,
    limit: number,
    now: number,
    options: { resetSuccesses: boolean; decrease?: boolean; servedLevel?: number },
  ): Promise<BudgetState | undefined> {
    const slots = Math.max(1, Math.floor(limit));
    return this.update({
      UpdateExpression: `SET #limit = :limit, slots = :slots${options.resetSuccesses ? ', successes = :zero' : ''}${options.decrease ? ', decreasedAt = :now, overloadLeases = :outstanding' : ''}${options.servedLevel ? ', servedLevel = :servedLevel' : ''}`,
      ConditionExpression: '#limit = :previous',
      ExpressionAttributeNames: { '#limit': 'limit' },
      ExpressionAttributeValues: {
        ':limit': limit,
        ':slots': slots,
        ':previous': state.limit,
        ...(options.resetSuccesses ? { ':zero': 0 } : {}),
        ...(options.decrease ? { ':now': now, ':outstanding': Object.keys(state.leases) } : {}),
        ...(options.servedLevel ? { ':servedLevel': options.servedLevel } : {}),
      },
    });
  }

  /** An update without a condition: the item as it is afterwards. */
  private async unconditional(input: Omit<UpdateCommandInput, 'TableName' | 'Key' | 'ReturnValues'>) {
    return (await this.update(input)) as BudgetState;
  }

  private async trimTransitions(state: BudgetState): Promise<void> {
    const excess = state.transitions.length - TRANSITIONS_KEPT;
    if (excess <= 0) return;
    await this.update({
      UpdateExpression: `REMOVE ${Array.from({ length: excess }, (_, i) => `transitions[${i}]`).join(', ')}`,
    });
  }

  /**
   * Updates the budget item and returns it as it is now; undefined when the update's condition
   * did not hold (another function got there first), an answer rather than an error.
   */
  private async update(
    input: Omit<UpdateCommandInput, 'TableName' | 'Key' | 'ReturnValues'>,
  ): Promise<BudgetState | undefined> {
    try {
      const { Attributes } = await documents.send(
        new UpdateCommand({ ...input, TableName: this.table, Key: budgetKey(this.system), ReturnValues: 'ALL_NEW' }),
      );
      return Attributes as BudgetState;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}

/** Released executions still on their way to a lease. */
export function readyCount(state: BudgetState, now = Date.now()): number {
  return Object.values(state.ready ?? {}).filter((until) => until > now).length;
}

function newLease(system: string, flow: string, now: number): Lease {
  return { id: `${flow}~${randomUUID().slice(0, 13)}`, takenAt: now, system, flow, probe: false };
}

export function isLease(result: Lease | Refusal): result is Lease {
  return 'id' in result;
}
