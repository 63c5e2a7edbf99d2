// The ERP capacity budget on the whole local hub: a burst waits in line instead of overrunning
// NetSuite, the budget learns what another integration holds, and work parked behind an open
// circuit breaker survives a restart of the hub and completes once NetSuite answers again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type BudgetState, budgetKey } from '../../functions/capacity/budget';
import type { RunningHub } from '../../local/hub';
import { CATALOG_ACCOUNTS, ERP_PRODUCTS } from '../../sandboxes/catalog';
import { ErpDesk } from '../../sandboxes/erp-sandbox';
import { SalesRep } from '../../sandboxes/salesforce/sales-rep';
import { OUTPUTS } from '../../stack-contract';
import { eventually, startPersistentHub, startTestHub, type TestHub } from './local-hub';

const US_ACCOUNTS = CATALOG_ACCOUNTS.filter((a) => !a.erp?.onCreditHold && (a.billingCountry ?? 'US') === 'US');

async function openDeals(rep: SalesRep, count: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(
      await rep.createOpportunity({
        accountId: US_ACCOUNTS[i % US_ACCOUNTS.length].salesforceId,
        name: `${label} ${i + 1}`,
        lines: [{ productCode: ERP_PRODUCTS[i % ERP_PRODUCTS.length].code, quantity: 1 + i }],
      }),
    );
  }
  return ids;
}

function budgetReader(hub: RunningHub) {
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: hub.region,
      endpoint: hub.endpoints.dynamodb,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const table = hub.outputs[OUTPUTS.capacityTable].value;
  return async () =>
    (await documents.send(new GetCommand({ TableName: table, Key: budgetKey('netsuite') }))).Item as
      | BudgetState
      | undefined;
}

/** Every deal has exactly one NetSuite order. */
async function oneOrderEach(desk: ErpDesk, ids: string[], timeoutMs = 60_000) {
  return eventually(async () => {
    const orders = (await desk.orders()).filter((o) => ids.includes(o.crmReference));
    return orders.length >= ids.length ? orders : undefined;
  }, timeoutMs);
}

interface NetSuiteState {
  stats: { requests: number; throttled: number; peakInFlight: number };
}

describe('ERP capacity budget', () => {
  let test: TestHub | undefined;
  afterEach(async () => {
    await test?.stop();
    test = undefined;
  });

  it('keeps a burst within NetSuite concurrency: transactions wait in line, none is throttled or doubled', async () => {
    test = await startTestHub();
    const desk = test.erp('netsuite');
    await desk.configure({ latencyMs: 120 });
    const ids = await openDeals(test.rep, 16, 'Burst deal');
    await Promise.all(ids.map((id) => test?.rep.closeWon(id)));

    const orders = await oneOrderEach(desk, ids);

    expect(new Set(orders.map((o) => o.crmReference)).size).toBe(orders.length);
    const { stats } = (await test.sandbox('netsuite', '/_sandbox/state')) as NetSuiteState;
    expect(stats.peakInFlight).toBeLessThanOrEqual(5);
    expect(stats.throttled).toBe(0);
    // Some transactions found the budget in use and were parked rather than failed or retried.
    const machine = Object.values(test.hub.stateMachines)[0];
    const parked = test.hub.stepFunctions
      .listExecutions(machine)
      .filter((e) => e.history.some((h) => h.stateName?.endsWith('WaitsForErp')));
    expect(parked.length).toBeGreaterThan(0);
    // Every lease comes back once the last calls have answered.
    const readBudget = budgetReader(test.hub);
    const budget = await eventually(async () => {
      const state = await readBudget();
      return state && Object.keys(state.leases).length === 0 ? state : undefined;
    });
    expect(budget).toMatchObject({ waiting: 0, breaker: 'closed', throttles: 0 });
  }, 90_000);

  it('settles below the slots another integration holds, after a few throttled calls, and loses nothing', async () => {
    test = await startTestHub();
    const desk = test.erp('netsuite');
    await desk.configure({ latencyMs: 100, heldByOthers: 3 });
    const ids = await openDeals(test.rep, 12, 'Shared account deal');
    await Promise.all(ids.map((id) => test?.rep.closeWon(id)));

    await oneOrderEach(desk, ids);

    const budget = await budgetReader(test.hub)();
    expect(budget?.slots).toBeLessThanOrEqual(2);
    expect(budget?.throttles).toBeGreaterThan(0);
    const { stats } = (await test.sandbox('netsuite', '/_sandbox/state')) as NetSuiteState;
    expect(stats.throttled).toBe(budget?.throttles);
    expect(stats.throttled / stats.requests).toBeLessThan(0.2);
  }, 90_000);
});

describe('ERP limits the ERP reports', () => {
  let test: TestHub | undefined;
  afterAll(async () => {
    await test?.stop();
  });

  it('keeps to the limit NetSuite allocates to the integration, read from governanceLimits by the keeper', async () => {
    test = await startTestHub({ sandboxSettings: { netsuite: { integrationLimit: 2 } } });
    const readBudget = budgetReader(test.hub);
    await eventually(async () => ((await readBudget())?.ceiling === 2 ? true : undefined));
    const desk = test.erp('netsuite');
    await desk.configure({ latencyMs: 100 });
    const ids = await openDeals(test.rep, 10, 'Allocated deal');
    await Promise.all(ids.map((id) => test?.rep.closeWon(id)));

    await oneOrderEach(desk, ids);

    const { stats } = (await test.sandbox('netsuite', '/_sandbox/state')) as NetSuiteState;
    expect(stats.peakInFlight).toBeLessThanOrEqual(2);
    expect(stats.throttled).toBe(0);
    expect(await readBudget()).toMatchObject({ reportedLimit: 2, configuredCeiling: 5, ceiling: 2 });
  }, 90_000);
});

describe('ERP circuit breaker across a restart of the local hub', () => {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'hub-capacity-'));
  let hub: RunningHub | undefined;
  const start = () =>
    startPersistentHub(dataDirectory, {
      scheduleIntervalMs: 1_000,
      sandboxSettings: { salesforce: { outboundRetryBaseMs: 100 } },
    });

  afterAll(async () => {
    await hub?.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  it('opens on an outage, parks the work, and after a restart probes once and completes every order', async () => {
    hub = await start();
    const desk = new ErpDesk(hub.sandboxes?.urls.netsuite as string);
    const rep = new SalesRep(hub.sandboxes?.urls.salesforce as string);
    await desk.configure({ outage: true });
    const ids = await openDeals(rep, 4, 'Outage deal');
    await Promise.all(ids.map((id) => rep.closeWon(id)));
    const readBudget = budgetReader(hub);
    await eventually(async () => {
      const state = await readBudget();
      return state?.breaker !== 'closed' && state?.waiting === ids.length ? state : undefined;
    }, 30_000);
    await desk.clearRequests();
    await hub.stop();

    hub = await start();
    // The sandbox keeps its records but not its fault switch: NetSuite is back.
    const restarted = new ErpDesk(hub.sandboxes?.urls.netsuite as string);
    await restarted.configure({ outage: false });
    const orders = await oneOrderEach(restarted, ids, 60_000);
    expect(new Set(orders.map((o) => o.crmReference)).size).toBe(ids.length);
    const state = await budgetReader(hub)();
    expect(state).toMatchObject({ breaker: 'closed', waiting: 0 });
    // The breaker closed through a probe: the last transitions are open, half-open, closed.
    expect(state?.transitions.map((t) => t.to).slice(-3)).toEqual(['open', 'half-open', 'closed']);
    expect(state?.probes).toBeGreaterThanOrEqual(1);
    // While it was open nothing reached NetSuite but the probe's own calls.
    const opened = state?.transitions.findLast((t) => t.to === 'open')?.at ?? 0;
    const probed = state?.transitions.findLast((t) => t.to === 'half-open')?.at ?? 0;
    const duringOpen = (await restarted.requests()).filter((r) => {
      const at = Date.parse(r.startedAt);
      return at > opened && at < probed;
    });
    expect(duringOpen).toEqual([]);
  }, 120_000);
});
