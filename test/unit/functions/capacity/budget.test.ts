// The capacity budget and waiting line against a real (local) DynamoDB: the conditional writes
// that keep the hub under the ERP's ceiling are what is tested, so they run on dynalite.
import { SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type * as Budget from '../../../../functions/capacity/budget';
import { type BudgetSettings, budgetSettingsSchema } from '../../../../functions/capacity/settings';
import type * as Line from '../../../../functions/capacity/waiting-line';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../../support/local-dynamodb';

const TABLE = 'capacity';
let dynamodb: LocalDynamoDb;
let budgetModule: typeof Budget;
let lineModule: typeof Line;
const sfn = mockClient(SFNClient);
let system = 0;

beforeAll(async () => {
  dynamodb = await startLocalDynamoDb([TABLE]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
  });
  budgetModule = await import('../../../../functions/capacity/budget');
  lineModule = await import('../../../../functions/capacity/waiting-line');
});

afterAll(async () => {
  await dynamodb.stop();
});

beforeEach(() => {
  sfn.reset();
  sfn.on(SendTaskSuccessCommand).resolves({});
});

/** A budget of its own per test: each test gets a fresh ERP account. */
function budget(settings: Partial<BudgetSettings> & { accountLimit: number }) {
  system++;
  return new budgetModule.CapacityBudget(TABLE, `erp-${system}`, budgetSettingsSchema.parse(settings));
}

async function leases(b: Budget.CapacityBudget, count: number, flow = 'quote-to-cash', now = Date.now()) {
  const taken: Budget.Lease[] = [];
  for (let i = 0; i < count; i++) {
    const result = await b.acquire(flow, now);
    if (!budgetModule.isLease(result)) throw new Error(`lease ${i + 1} refused: ${result.reason}`);
    taken.push(result);
  }
  return taken;
}

describe('CapacityBudget leases', () => {
  it('gives at most the ceiling (account limit minus what others hold) and a freed slot again', async () => {
    const b = budget({ accountLimit: 5, reservedForOthers: 2 });
    const [first] = await leases(b, 3);
    expect(await b.acquire('quote-to-cash')).toMatchObject({ reason: 'full', slots: 3, inUse: 3 });
    await b.release(first, { kind: 'answered' });
    expect(budgetModule.isLease(await b.acquire('quote-to-cash'))).toBe(true);
  });

  it('reclaims a lease a crashed function never returned once it has expired', async () => {
    const b = budget({ accountLimit: 2, leaseSeconds: 30 });
    const start = Date.now();
    await leases(b, 2, 'quote-to-cash', start);
    expect(await b.acquire('quote-to-cash', start + 29_000)).toMatchObject({ reason: 'full' });
    const after = await b.acquire('quote-to-cash', start + 30_001);
    expect(budgetModule.isLease(after)).toBe(true);
    expect(Object.keys((await b.state()).leases)).toHaveLength(1);
  });
});

describe('CapacityBudget adapts', () => {
  it('shrinks on a throttled answer, once per overload, grows back fast to the level served and slowly beyond', async () => {
    const b = budget({ accountLimit: 5, increaseEvery: 2, probeEvery: 6, decreaseFactor: 0.6 });
    const taken = await leases(b, 5);
    const now = Date.now() + 5;
    const first = await b.release(taken[0], { kind: 'throttled' }, now);
    expect(first.limitChanged).toEqual({ from: 5, to: 3 });
    // A second 429 to a call made before the decrease does not shrink the budget again.
    const second = await b.release(taken[1], { kind: 'throttled' }, now + 10);
    expect(second.limitChanged).toBeUndefined();
    expect(await b.state()).toMatchObject({ slots: 3, servedLevel: 4 });
    // Back to the 4 slots the ERP served after increaseEvery successes...
    for (const lease of taken.slice(2)) await b.release(lease, { kind: 'answered' });
    expect((await b.state()).slots).toBe(4);
    // ...and to the 5 it throttled at only after probeEvery more.
    const answer = async (count: number) => {
      for (const lease of await leases(b, count)) await b.release(lease, { kind: 'answered' });
    };
    await answer(4);
    expect((await b.state()).slots).toBe(4);
    await answer(2);
    const state = await b.state();
    expect(state.slots).toBe(5);
    expect(state.throttles).toBe(2);
    // Never beyond the ceiling, however long the run of successes.
    await answer(5);
    await answer(5);
    expect((await b.state()).slots).toBe(5);
  });

  it('shrinks again only when a call made under the lowered budget alone is throttled too', async () => {
    const b = budget({ accountLimit: 5, decreaseFactor: 0.6 });
    const start = Date.now();
    const [early] = await leases(b, 1, 'quote-to-cash', start);
    const [stillOut] = await leases(b, 1, 'quote-to-cash', start);
    await b.release(early, { kind: 'throttled' }, start + 1);
    // While a call from before the decrease is out, a 429 is still the same overload.
    const [during] = await leases(b, 1, 'quote-to-cash', start + 2);
    expect((await b.release(during, { kind: 'throttled' }, start + 3)).limitChanged).toBeUndefined();
    await b.release(stillOut, { kind: 'answered' }, start + 4);
    const [later] = await leases(b, 1, 'quote-to-cash', start + 5);
    const again = await b.release(later, { kind: 'throttled' }, start + 6);
    expect(again.limitChanged).toEqual({ from: 3, to: 1 });
    expect(await b.state()).toMatchObject({ slots: 1, servedLevel: 2 });
  });

  it('holds new leases for the Retry-After the ERP asked for', async () => {
    const b = budget({ accountLimit: 3 });
    const [lease] = await leases(b, 1);
    const now = Date.now();
    await b.release(lease, { kind: 'throttled', retryAfterSeconds: 10 }, now);
    expect(await b.acquire('quote-to-cash', now + 5_000)).toMatchObject({ reason: 'hold' });
    expect(budgetModule.isLease(await b.acquire('quote-to-cash', now + 10_001))).toBe(true);
  });

  it('follows the limit the ERP reports down at once and back up to the configured ceiling', async () => {
    const b = budget({ accountLimit: 6, reservedForOthers: 1 });
    expect(await b.adoptReportedLimit(2)).toMatchObject({ ceiling: 2, slots: 2, reportedLimit: 2 });
    await leases(b, 2);
    expect(await b.acquire('quote-to-cash')).toMatchObject({ reason: 'full', slots: 2 });
    // A report above the configured ceiling does not lift it beyond hub:capacity.
    expect(await b.adoptReportedLimit(9)).toMatchObject({ ceiling: 5, slots: 2 });
  });

  it('applies a lowered ceiling from new settings at once', async () => {
    const b = budget({ accountLimit: 8 });
    await b.ensure();
    const lowered = new budgetModule.CapacityBudget(TABLE, b.system, budgetSettingsSchema.parse({ accountLimit: 4 }));
    expect(await lowered.state()).toMatchObject({ ceiling: 4, slots: 4 });
  });
});

describe('CapacityBudget circuit breaker', () => {
  const settings = { accountLimit: 5, breaker: { failures: 3, cooldownSeconds: 5, maxCooldownSeconds: 15 } };

  it('opens after failures in a row, lets one probe through after the cooldown, and closes when it is answered', async () => {
    const b = budget(settings);
    const taken = await leases(b, 3);
    const now = Date.now();
    const results = [];
    for (const lease of taken) results.push(await b.release(lease, { kind: 'failed', reason: 'HTTP 503' }, now));
    expect(results.map((r) => r.breakerChanged?.to)).toEqual([undefined, undefined, 'open']);
    expect(await b.acquire('quote-to-cash', now + 1_000)).toMatchObject({ reason: 'breaker-open', failures: 3 });

    const probe = await b.acquire('quote-to-cash', now + 5_001);
    expect(probe).toMatchObject({ probe: true });
    // While the probe is out nobody else calls.
    expect(await b.acquire('quote-to-cash', now + 5_002)).toMatchObject({ reason: 'breaker-open' });
    const closed = await b.release(probe as Budget.Lease, { kind: 'answered' }, now + 5_200);
    expect(closed.breakerChanged?.to).toBe('closed');
    expect(closed.free).toBe(5);
    const state = await b.state();
    expect(state).toMatchObject({ breaker: 'closed', failures: 0, probes: 1 });
    expect(state.transitions.map((t) => t.to)).toEqual(['open', 'half-open', 'closed']);
  });

  it('doubles the cooldown after a failed probe, up to the maximum', async () => {
    const b = budget(settings);
    const now = Date.now();
    for (const lease of await leases(b, 3, 'quote-to-cash', now)) {
      await b.release(lease, { kind: 'failed', reason: 'timeout' }, now);
    }
    let at = now + 5_001;
    const cooldowns: number[] = [];
    for (let i = 0; i < 3; i++) {
      const probe = (await b.acquire('quote-to-cash', at)) as Budget.Lease;
      expect(probe.probe).toBe(true);
      await b.release(probe, { kind: 'failed', reason: 'timeout' }, at);
      const state = await b.state();
      cooldowns.push(state.reopenAt - at);
      at = state.reopenAt + 1;
    }
    expect(cooldowns).toEqual([10_000, 15_000, 15_000]);
  });
});

describe('WaitingLine', () => {
  it('releases the oldest waiters first, across flows by the capacity each already uses', async () => {
    const b = budget({ accountLimit: 4 });
    const line = new lineModule.WaitingLine(TABLE, b, {
      'quote-to-cash': { weight: 1 },
      'customer-sync': { weight: 1 },
    });
    const park = (flow: string, arrivedAt: string, token: string) =>
      line.park({
        system: b.system,
        flow,
        arrivedAt,
        executionArn: `arn:aws:states:us-east-1:000000000000:execution:hub:${token}`,
        step: 'CreateErpSalesOrder',
        taskToken: token,
      });
    await park('quote-to-cash', '2026-12-03T10:00:02Z', 'q2c-2');
    await park('quote-to-cash', '2026-12-03T10:00:01Z', 'q2c-1');
    await park('quote-to-cash', '2026-12-03T10:00:03Z', 'q2c-3');
    await park('customer-sync', '2026-12-03T10:00:09Z', 'sync-1');
    // Re-parking keeps the place and is not counted twice.
    await park('quote-to-cash', '2026-12-03T10:00:01Z', 'q2c-1');
    expect((await b.state()).waiting).toBe(4);
    // quote-to-cash already holds two leases: the waiting customer sync goes first.
    await leases(b, 2);

    expect(await line.wake(3)).toBe(3);

    const tokens = sfn.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input.taskToken);
    expect(tokens).toEqual(['sync-1', 'q2c-1', 'q2c-2']);
    expect((await b.state()).waiting).toBe(1);
  });

  it('skips a waiter whose execution no longer waits and releases the next', async () => {
    const b = budget({ accountLimit: 2 });
    const line = new lineModule.WaitingLine(TABLE, b, {});
    for (const [at, token] of [
      ['2026-12-03T10:00:01Z', 'gone'],
      ['2026-12-03T10:00:02Z', 'alive'],
    ]) {
      await line.park({
        system: b.system,
        flow: 'default',
        arrivedAt: at,
        executionArn: `arn:aws:states:us-east-1:000000000000:execution:hub:${token}`,
        step: 'UpsertErpCustomer',
        taskToken: token,
      });
    }
    sfn
      .on(SendTaskSuccessCommand, { taskToken: 'gone' })
      .rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));

    expect(await line.wake(1)).toBe(1);
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input.taskToken)).toEqual([
      'gone',
      'alive',
    ]);
    expect((await b.state()).waiting).toBe(0);
  });
});
