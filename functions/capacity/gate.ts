// Every ERP operation of every flow passes this gate: it holds a lease of the ERP account's
// budget while the operation talks to the ERP, tells the budget what the ERP answered, and hands
// freed capacity to the oldest waiting transactions. When there is no capacity it does not wait
// inside the function (that would bill Lambda time for waiting): it fails with Hub.WaitingForErp
// and the state machine parks the transaction. Only the few transactions just released from the
// line, for leases about to come back, wait up to RELEASED_WAIT_MS for them.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { ThrottledError, UnavailableError, WaitingForErpError } from '../domain/errors';
import { currentExecution } from '../platform/current-execution';
import { logger } from '../platform/logger';
import type { ErpPort } from '../ports/erp';
import { type CallOutcome, type CapacityBudget, isLease, type Lease, type Refusal, type Released } from './budget';
import { CAPACITY_METRICS } from './metrics';
import { executionName, type WaitingLine } from './waiting-line';

/** How long a transaction released from the line may try: a lease is about to come back. */
const RELEASED_WAIT_MS = 1_500;
const RETRY_EVERY_MS = 10;
/**
 * Released transactions kept on their way to a lease beyond the free slots, so a returned lease
 * is taken within milliseconds instead of after a wake-up: this keeps the ERP at its limit.
 */
const READY_AHEAD = 2;

const metrics = new Metrics({ namespace: CAPACITY_METRICS.namespace });

export class ErpGate {
  constructor(
    readonly budget: CapacityBudget,
    readonly line: WaitingLine,
    private readonly title: string,
  ) {}

  /** Runs `operation` under a lease; a refusal becomes Hub.WaitingForErp. */
  async run<T>(flow: string, operation: () => Promise<T>): Promise<T> {
    const lease = await this.lease(flow);
    let outcome: CallOutcome = { kind: 'answered' };
    try {
      return await operation();
    } catch (error) {
      outcome = outcomeOf(error);
      throw this.afterFailure(error, outcome);
    } finally {
      await this.returnLease(lease, outcome);
    }
  }

  private async lease(flow: string): Promise<Lease> {
    const execution = currentExecution();
    const name = execution ? executionName(execution) : undefined;
    const started = Date.now();
    let result: Lease | Refusal = await this.budget.acquire(flow, Date.now(), name);
    // Only a transaction released from the line for a slot about to free waits for it, trying to
    // take it every few milliseconds (one conditional write each, so it is taken the moment it is
    // back); everyone else is parked at once, in order of arrival.
    if (!isLease(result) && result.reason === 'full' && result.released) {
      let lease: Lease | undefined;
      while (!lease && Date.now() - started + RETRY_EVERY_MS <= RELEASED_WAIT_MS) {
        await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
        lease = await this.budget.tryTake(flow, name);
      }
      result = lease ?? (await this.budget.acquire(flow, Date.now(), name));
    }
    if (isLease(result)) {
      if (result.probe) logger.info('ERP circuit breaker probe', { system: this.budget.system });
      return result;
    }
    countMetric(CAPACITY_METRICS.waits, this.budget.system);
    throw new WaitingForErpError(this.budget.system, this.refusalMessage(result));
  }

  private async returnLease(lease: Lease, outcome: CallOutcome): Promise<void> {
    const released = await this.budget.release(lease, outcome);
    this.report(released, outcome);
    // An open breaker's probe is the keeper's to send: a returning lease releases only into a closed one.
    if (released.state.breaker !== 'closed') return;
    await this.line.wake(this.line.releasable(released.state, READY_AHEAD), released.state);
  }

  private report(released: Released, outcome: CallOutcome): void {
    const system = this.budget.system;
    if (outcome.kind === 'throttled') countMetric(CAPACITY_METRICS.throttled, system);
    if (released.limitChanged) {
      logger.info('ERP capacity budget changed', { system, slots: released.limitChanged });
      putMetric(CAPACITY_METRICS.slots, system, released.limitChanged.to);
    }
    if (released.breakerChanged) {
      logger.warn('ERP circuit breaker changed', { system, breaker: released.breakerChanged });
      countMetric(
        released.breakerChanged.to === 'open' ? CAPACITY_METRICS.breakerOpened : CAPACITY_METRICS.breakerClosed,
        system,
      );
    }
  }

  /** A throttled call, or a failure that opened the breaker, parks the transaction instead of retrying it. */
  private afterFailure(error: unknown, outcome: CallOutcome): unknown {
    if (outcome.kind === 'throttled') {
      return new WaitingForErpError(
        this.budget.system,
        `${this.title} throttled the hub (${(error as Error).message}); the hub lowered its share of ${this.title}'s capacity and the transaction waits in line.`,
      );
    }
    return error;
  }

  private refusalMessage(refusal: Refusal): string {
    switch (refusal.reason) {
      case 'full':
        return `${this.title} is at the hub's share of its capacity (${refusal.inUse} of ${refusal.slots} concurrent requests in use); the transaction waits in line and continues when a request finishes.`;
      case 'hold':
        return `${this.title} asked the hub to wait until ${new Date(refusal.holdUntil).toISOString()} (Retry-After); the transaction waits in line.`;
      case 'breaker-open':
        return `${this.title} failed ${refusal.failures} times in a row, so the hub stopped calling it; the transaction waits in line and continues once a probe call succeeds (next probe after ${new Date(refusal.reopenAt).toISOString()}). Nothing to fix in the hub: check ${this.title}'s status if this lasts.`;
    }
  }
}

function outcomeOf(error: unknown): CallOutcome {
  if (error instanceof ThrottledError) return { kind: 'throttled', retryAfterSeconds: error.retryAfterSeconds };
  if (error instanceof UnavailableError) return { kind: 'failed', reason: error.message };
  // Any other error is an answer (a business refusal): the ERP is up and serving.
  return { kind: 'answered' };
}

function countMetric(name: string, system: string): void {
  putMetric(name, system, 1);
}

function putMetric(name: string, system: string, value: number): void {
  const metric = metrics.singleMetric();
  metric.addDimension(CAPACITY_METRICS.dimension, system);
  metric.addMetric(name, MetricUnit.Count, value);
}

/** The port with every operation under the gate. */
export function guardErp(port: ErpPort, gate: ErpGate, flow: string): ErpPort {
  const guard = <F extends (...args: never[]) => Promise<unknown>>(operation: F): F =>
    ((...args: Parameters<F>) => gate.run(flow, () => operation(...args))) as F;
  return {
    system: port.system,
    title: port.title,
    customers: { upsert: guard(port.customers.upsert) },
    salesOrders: {
      findByCrmReference: guard(port.salesOrders.findByCrmReference),
      create: guard(port.salesOrders.create),
      read: guard(port.salesOrders.read),
    },
    items: { get: guard(port.items.get) },
    governance: port.governance && { concurrencyLimit: guard(port.governance.concurrencyLimit) },
  };
}
