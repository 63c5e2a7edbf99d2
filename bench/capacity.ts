// The ERP capacity benches: a burst of orders against a NetSuite sandbox allowing C concurrent
// requests of L ms each, run with the budget on, with it off, and with part of the account held
// by an integration the hub cannot see; and an outage in the middle of a burst. Each run starts
// its own local hub from the template synthesized with that run's hub:capacity.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { BudgetState } from '../functions/capacity/budget';
import { budgetKey } from '../functions/capacity/budget';
import { startHub } from '../local/hub';
import { CATALOG_ACCOUNTS, ERP_PRODUCTS } from '../sandboxes/catalog';
import { ErpDesk } from '../sandboxes/erp-sandbox';
import type { RequestLogEntry } from '../sandboxes/request-log';
import { SalesRep } from '../sandboxes/salesforce/sales-rep';
import { OUTPUTS } from '../stack-contract';
import { loadMeter, sleep, writeBacks } from './support';

export interface BurstOptions {
  orders: number;
  concurrency: number;
  latencyMs: number;
  budget: boolean;
  /** Slots of the account held by another integration, unknown to the hub. */
  heldByOthers?: number;
  outage?: { afterSeconds: number; seconds: number };
  log: (line: string) => void;
}

export interface BurstResult {
  orders: number;
  created: number;
  /** Deals with no ERP order whose execution did not fail visibly either: work that vanished. */
  lost: number;
  duplicates: number;
  /** Executions that failed or timed out and wait for a redrive. */
  failedExecutions: number;
  drained: boolean;
  drainSeconds: number | null;
  erpRequests: number;
  throttled: number;
  throttledShare: number;
  /** Served ERP record requests per second once warmed (see warmedWindow), over what the ERP allows. */
  ratio: number;
  /** The same over the whole run, from the first deal closed to the last execution finished. */
  overallRatio: number;
  /** The limit the ratio is taken against: (C - held by others) / L requests per second. */
  limitPerSecond: number;
  transitionsPerOrder: number;
  lambdaGbSecondsPerOrder: number;
  /** The budget's slots over the second half of the run (median), when the budget is on. */
  settledSlots: number | null;
  callsWhileOpen: number;
  probes: number;
  recoverySeconds: number | null;
  hubCpuMsPerOrder: number;
  /** Invocations and run time per function: where the Lambda time goes. */
  functions: Record<string, { invocations: number; seconds: number }>;
  load: string;
}

const RECORD_PREFIX = '/services/rest/record/';
/** Every bench function runs with 512 MB (lib/hub-function.ts): the GB of GB-seconds. */
const FUNCTION_GB = 0.5;

export async function runBurst(options: BurstOptions): Promise<BurstResult> {
  const { orders, concurrency, latencyMs, log } = options;
  const dataDirectory = mkdtempSync(join(tmpdir(), 'hub-capacity-'));
  const hub = await startHub({
    dataDirectory,
    persist: false,
    context: {
      'hub:routing': { default: { target: 'netsuite' } },
      'hub:capacity': {
        enabled: options.budget,
        flows: { 'quote-to-cash': { weight: 1 } },
        // The hub is told the account's limit only; what others hold it must find out.
        systems: { netsuite: { accountLimit: concurrency, reservedForOthers: 0 } },
      },
    },
    sandboxSettings: { netsuite: { concurrencyLimit: concurrency } },
    // As Lambda would, enough execution environments that the ERP, not the runtime, is the limit.
    maxEnvironmentsPerFunction: 12,
  });
  try {
    const sandboxes = hub.sandboxes as NonNullable<typeof hub.sandboxes>;
    const desk = new ErpDesk(sandboxes.urls.netsuite);
    await desk.configure({ latencyMs, heldByOthers: options.heldByOthers ?? 0 });
    const rep = new SalesRep(sandboxes.urls.salesforce);
    const budgetTable = hub.outputs[OUTPUTS.capacityTable].value;
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: hub.region,
        endpoint: hub.endpoints.dynamodb,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    const budgetState = async () =>
      (await documents.send(new GetCommand({ TableName: budgetTable, Key: budgetKey('netsuite') }))).Item as
        | BudgetState
        | undefined;

    log(`  preparing ${orders} opportunities...`);
    const accounts = CATALOG_ACCOUNTS.filter((a) => !a.erp?.onCreditHold);
    const ids: string[] = [];
    for (let i = 0; i < orders; i++) {
      ids.push(
        await rep.createOpportunity({
          accountId: accounts[i % accounts.length].salesforceId,
          name: `Burst deal ${i + 1}`,
          lines: [{ productCode: ERP_PRODUCTS[i % ERP_PRODUCTS.length].code, quantity: 1 + (i % 5) }],
        }),
      );
    }
    await desk.clearRequests();
    await fetch(`${sandboxes.urls.salesforce}/_sandbox/requests`, { method: 'DELETE' });

    log(`  closing all ${orders} at once (${options.budget ? 'budget on' : 'budget off'})...`);
    const cpuBefore = process.cpuUsage();
    const meter = loadMeter();
    const started = Date.now();
    for (let i = 0; i < ids.length; i += 100) await Promise.all(ids.slice(i, i + 100).map((id) => rep.closeWon(id)));

    const outage = { start: 0, end: 0 };
    const outageTimer = options.outage
      ? (() => {
          const { afterSeconds, seconds } = options.outage;
          return setTimeout(async () => {
            outage.start = Date.now();
            await desk.configure({ outage: true });
            log(`  NetSuite down for ${seconds} s`);
            await sleep(seconds * 1000);
            await desk.configure({ outage: false });
            outage.end = Date.now();
            log('  NetSuite back');
          }, afterSeconds * 1000);
        })()
      : undefined;

    const slots: number[] = [];
    // Long enough for the budget-off run to give up by itself (its retries last about ten minutes).
    const deadline = started + Math.max(180_000, ((orders * 6) / (concurrency / (latencyMs / 1000))) * 4000);
    const machine = hub.stateMachines[Object.keys(hub.stateMachines)[0]];
    let drainedAt: number | undefined;
    let lastReport = 0;
    while (Date.now() < deadline) {
      await sleep(1000);
      const state = options.budget ? await budgetState() : undefined;
      if (state) slots.push(state.slots);
      const executions = hub.stepFunctions.listExecutions(machine);
      const running = executions.filter((e) => e.status === 'RUNNING').length;
      const outageDone = !options.outage || outage.end > 0;
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        log(
          `  ${Math.round((Date.now() - started) / 1000)} s: ${executions.length} executions, ${running} running${state ? `, budget ${state.slots} slots, ${state.waiting} waiting, breaker ${state.breaker}` : ''}`,
        );
      }
      if (executions.length >= orders && running === 0 && outageDone) {
        drainedAt = Math.max(...executions.map((e) => e.stopDate ?? 0));
        break;
      }
    }
    if (outageTimer) clearTimeout(outageTimer);
    const cpu = process.cpuUsage(cpuBefore);
    const load = meter();

    const requests = await desk.requests();
    const records = requests.filter((r) => r.path.startsWith(RECORD_PREFIX));
    const throttled = records.filter((r) => r.status === 429).length;
    const limitPerSecond = (concurrency - (options.heldByOthers ?? 0)) / (latencyMs / 1000);
    const created = (await desk.orders()).filter((o) => ids.includes(o.crmReference));
    const byDeal = new Map<string, number>();
    for (const order of created) byDeal.set(order.crmReference, (byDeal.get(order.crmReference) ?? 0) + 1);
    const executions = hub.stepFunctions.listExecutions(machine);
    const failedDeals = new Set(
      executions
        .filter((e) => e.status === 'FAILED' || e.status === 'TIMED_OUT')
        .map((e) => (JSON.parse(e.input) as { detail?: { subject?: { id?: string } } }).detail?.subject?.id),
    );
    const runningDeals = new Set(
      executions
        .filter((e) => e.status === 'RUNNING')
        .map((e) => (JSON.parse(e.input) as { detail?: { subject?: { id?: string } } }).detail?.subject?.id),
    );
    const lost = ids.filter((id) => !byDeal.has(id) && !failedDeals.has(id) && !runningDeals.has(id)).length;
    const intakeDone = Math.max(
      0,
      ...executions.map(
        (e) => e.history.find((h) => h.stateName === 'RouteOrder' && h.type === 'StateExited')?.timestamp ?? 0,
      ),
    );
    const transitions = executions.reduce(
      (sum, e) => sum + e.history.filter((h) => h.type.endsWith('StateEntered') || h.retryAttempt !== undefined).length,
      0,
    );
    const byFunction = hub.lambda.stats();
    const stats = Object.values(byFunction);
    const lambdaMs = stats.reduce((sum, s) => sum + s.durationMs.reduce((a, b) => a + b, 0), 0);
    const final = options.budget ? await budgetState() : undefined;
    const { callsWhileOpen, probes } = breakerCalls(requests, final, started);
    const written = await writeBacks(sandboxes.urls.salesforce, ids);
    const lastWriteBack = Math.max(0, ...written.values());
    const half = slots.slice(Math.floor(slots.length / 2)).sort((a, b) => a - b);
    return {
      orders,
      created: byDeal.size,
      lost,
      duplicates: [...byDeal.values()].reduce((sum, n) => sum + n - 1, 0),
      failedExecutions: failedDeals.size,
      drained: drainedAt !== undefined,
      drainSeconds: drainedAt === undefined ? null : round((drainedAt - started) / 1000),
      erpRequests: records.length,
      throttled,
      throttledShare: records.length === 0 ? 0 : round(throttled / records.length, 4),
      ratio: round(servedRate(records, ...warmedWindow(records, intakeDone)) / limitPerSecond, 3),
      overallRatio: round(servedRate(records, started, drainedAt ?? Date.now()) / limitPerSecond, 3),
      limitPerSecond,
      transitionsPerOrder: round(transitions / orders, 2),
      lambdaGbSecondsPerOrder: round(((lambdaMs / 1000) * FUNCTION_GB) / orders, 3),
      settledSlots: half.length > 0 ? half[Math.floor(half.length / 2)] : null,
      callsWhileOpen,
      probes,
      recoverySeconds: outage.end > 0 && lastWriteBack > outage.end ? round((lastWriteBack - outage.end) / 1000) : null,
      hubCpuMsPerOrder: Math.round((cpu.user + cpu.system) / 1000 / orders),
      functions: Object.fromEntries(
        Object.entries(byFunction).map(([name, s]) => [
          name.replace(/^IntegrationHub-dev-/, ''),
          { invocations: s.invocations, seconds: round(s.durationMs.reduce((a, b) => a + b, 0) / 1000) },
        ]),
      ),
      load,
    };
  } finally {
    await hub.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

/**
 * Served record requests per second in [from, to], each request counted by the share of it
 * inside the window.
 */
function servedRate(records: RequestLogEntry[], from: number, to: number): number {
  if (to - from < 1000) return 0;
  const inside = records
    .filter((r) => r.status !== 429)
    .reduce((sum, r) => {
      const start = Date.parse(r.startedAt);
      const end = Date.parse(r.finishedAt);
      const overlap = Math.min(end, to) - Math.max(start, from);
      return overlap > 0 ? sum + overlap / Math.max(1, end - start) : sum;
    }, 0);
  return inside / ((to - from) / 1000);
}

/**
 * The window in which the ERP can be kept full: from the moment every transaction of the burst
 * has been taken in (read from the CRM and routed; on one machine that intake competes with the
 * ERP calls for the same two cores, on AWS it does not) to the last tenth of the ERP's busy time,
 * when too few orders are left to fill it.
 */
function warmedWindow(records: RequestLogEntry[], intakeDone: number): [number, number] {
  const served = records.filter((r) => r.status !== 429);
  if (served.length === 0) return [0, 0];
  const first = Math.min(...served.map((r) => Date.parse(r.startedAt)));
  const last = Math.max(...served.map((r) => Date.parse(r.finishedAt)));
  return [Math.max(intakeDone, first + (last - first) / 10), last - (last - first) / 10];
}

/** ERP calls (token requests included) that started while the breaker was open, and the probes. */
function breakerCalls(
  requests: RequestLogEntry[],
  state: BudgetState | undefined,
  since: number,
): { callsWhileOpen: number; probes: number } {
  const transitions = (state?.transitions ?? []).filter((t) => t.at >= since);
  const openIntervals: [number, number][] = [];
  for (const [i, t] of transitions.entries()) {
    if (t.to !== 'open') continue;
    openIntervals.push([t.at, transitions[i + 1]?.at ?? Number.POSITIVE_INFINITY]);
  }
  const callsWhileOpen = requests.filter((r) => {
    const at = Date.parse(r.startedAt);
    return openIntervals.some(([from, to]) => at > from && at < to);
  }).length;
  return { callsWhileOpen, probes: transitions.filter((t) => t.to === 'half-open').length };
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
