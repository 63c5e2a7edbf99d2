// npm run bench: the quote-to-cash figures, each printed next to its target.
//   1. every function's bundle size and module init (cold start) time
//   2. the Salesforce receiver's in-process latency at a steady rate
//   3. end-to-end latency, outbound message sent -> order number written back, for a stream of
//      opportunities at a fixed rate with sandbox latency, and the hub's peak resident memory
// Options: --opportunities=N (200) --rate=R per second (20) --latency=MS (50) --receiver-rate=R (100)
//          --receiver-seconds=S (10) --warmup=N (40)
//   4. saturation: a burst of orders against NetSuite's concurrency limit, with the ERP capacity
//      budget on, off, and with slots held by another integration
//   5. outage: NetSuite down in the middle of a burst, behind the circuit breaker
// Options: --orders=N (2000; 1000 for the outage) --concurrency=C (5) --latency=MS (200 for 4 and 5)
//          --held=N (2) --outage-after=S (60) --outage-seconds=S (60) --json (with --only=saturation|outage)
//          --only=bundles|receiver|e2e|saturation|outage
import '../local/node-setup';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SYSTEM_NAMES } from '../functions/connectors/registry';
import { startHub } from '../local/hub';
import type { LocalFunction } from '../local/lambda/runtime';
import { CATALOG_ACCOUNTS, ERP_PRODUCTS, SANDBOX_ORG_ID } from '../sandboxes/catalog';
import { ErpDesk } from '../sandboxes/erp-sandbox';
import { SalesRep } from '../sandboxes/salesforce/sales-rep';
import { buildNotificationsEnvelope } from '../sandboxes/salesforce/soap';
import { type BurstResult, runBurst } from './capacity';
import { loadMeter, percentile, sleep, writeBacks } from './support';

const option = (name: string, fallback: number) => {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
};
const OPPORTUNITIES = option('opportunities', 200);
const RATE = option('rate', 20);
const LATENCY_MS = option('latency', 50);
const RECEIVER_RATE = option('receiver-rate', 100);
const RECEIVER_SECONDS = option('receiver-seconds', 10);
const INIT_SAMPLES = 5;
const WARMUP = option('warmup', 40);

const results: { measure: string; reached: string; target: string; ok: boolean | undefined }[] = [];
const record = (measure: string, reached: string, target = '-', ok?: boolean) => {
  results.push({ measure, reached, target, ok });
  console.log(`  ${measure}: ${reached}${target === '-' ? '' : `  (target ${target}: ${ok ? 'met' : 'NOT met'})`}`);
};

async function bundlesAndColdStarts(): Promise<void> {
  console.log('\n1. Bundles and cold starts');
  const dataDirectory = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  const hub = await startHub({ dataDirectory, persist: false, sandboxes: false, warmEnvironmentsPerFunction: 0 });
  try {
    for (const [path, name] of Object.entries(hub.functions)) {
      const model = hub.lambda.describe(name);
      const loaded = staticClosure(model.modulePath);
      const vendors = vendorChunks(dirname(model.modulePath), loaded.paths);
      const onDemand = vendors.map((v) => `${v.system} ${(v.bytes / 1024).toFixed(0)}`).join(', ');
      const samples: number[] = [];
      for (let i = 0; i < INIT_SAMPLES; i++) samples.push(await hub.lambda.measureColdStart(name));
      const median = percentile(samples, 50);
      record(
        `${path}: loads ${(loaded.bytes / 1024).toFixed(0)} KiB at init (${loaded.files} files)${onDemand ? `, per system on demand: ${onDemand} KiB` : ''}; init median of ${INIT_SAMPLES} cold starts (max ${Math.max(...samples).toFixed(0)} ms)`,
        `${median.toFixed(0)} ms`,
        '<= 150 ms',
        median <= 150,
      );
    }
  } finally {
    await hub.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

/** The bundle files a module loads when it is imported: itself and every chunk it imports statically. */
function staticClosure(modulePath: string): { files: number; bytes: number; paths: Set<string> } {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, specifier] of source.matchAll(/(?:^|[;}\s])import\s*(?:[^'"()]*?from\s*)?["'](\.[^"']+)["']/g)) {
      visit(resolve(dirname(file), specifier));
    }
  };
  visit(modulePath);
  return { files: seen.size, bytes: [...seen].reduce((sum, file) => sum + statSync(file).size, 0), paths: seen };
}

/** What each vendor connector adds to a bundle's loaded code, only when a step calls that system. */
function vendorChunks(bundleDirectory: string, loaded: Set<string>): { system: string; bytes: number }[] {
  const chunks = join(bundleDirectory, 'chunks');
  if (!existsSync(chunks)) return [];
  return readdirSync(chunks).flatMap((file) => {
    const system = SYSTEM_NAMES.find((name) => file.startsWith(`${name}-`) && file.endsWith('.mjs'));
    if (!system) return [];
    const added = [...staticClosure(join(chunks, file)).paths].filter((path) => !loaded.has(path));
    return [{ system, bytes: added.reduce((sum, path) => sum + statSync(path).size, 0) }];
  });
}

async function receiverLatency(): Promise<void> {
  console.log(
    `\n2. Receiver in-process latency, ${RECEIVER_RATE} messages/s for ${RECEIVER_SECONDS} s (one notification each)`,
  );
  const dataDirectory = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  const hubThread = new Worker(new URL('./hub-thread-loader.mjs', import.meta.url), {
    workerData: {
      options: { dataDirectory, persist: false, sandboxes: false, warmEnvironmentsPerFunction: 0 },
      busName: 'bench-receiver',
      functionPath: 'Ingest/SalesforceReceiver',
    },
  });
  try {
    const [ready] = (await once(hubThread, 'message')) as [
      { awsEnvironment: Record<string, string>; function: LocalFunction; secrets: Record<string, string> },
    ];
    const receiver = ready.function;
    Object.assign(process.env, ready.awsEnvironment, receiver.environment, { EVENT_BUS_NAME: 'bench-receiver' });
    const { handler } = (await import(receiver.modulePath)) as {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number }>;
    };
    const token = JSON.parse(ready.secrets[receiver.environment.OUTBOUND_MESSAGE_SECRET_ARN] ?? '{}').sharedSecret;
    const meter = loadMeter();
    const { durations, failures } = await driveReceiver(handler, token);
    const load = meter();
    const p99 = percentile(durations, 99);
    record(
      'with the local stand-ins p50 / p90 / p95 / max',
      `${[50, 90, 95, 100].map((p) => percentile(durations, p).toFixed(2)).join(' / ')} ms ${load}`,
    );
    record(
      `with the local stand-ins p99 (${durations.length} messages, ${failures} not acknowledged)`,
      `${p99.toFixed(2)} ms ${load}`,
      '<= 10 ms',
      p99 <= 10 && failures === 0,
    );
  } finally {
    hubThread.postMessage({ type: 'stop' });
    await once(hubThread, 'message');
    await hubThread.terminate();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

type ReceiverHandler = (event: unknown, context: unknown) => Promise<{ statusCode: number }>;

/** Sends one single-notification message per tick at RECEIVER_RATE; the first second is warm-up. */
async function driveReceiver(
  handler: ReceiverHandler,
  token: string,
): Promise<{ durations: number[]; failures: number }> {
  const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 29_000 };
  const durations: number[] = [];
  let failures = 0;
  // The first second warms the function up (its cold start is measured in part 1) and is not counted.
  const warmup = RECEIVER_RATE;
  const total = warmup + RECEIVER_RATE * RECEIVER_SECONDS;
  const run = `${Date.now() % 100000}`.padStart(5, '0');
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / RECEIVER_RATE - performance.now();
    if (wait > 0) await sleep(wait);
    const serial = `${run}${String(i).padStart(5, '0')}`;
    const body = buildNotificationsEnvelope(
      { orgId: SANDBOX_ORG_ID, actionId: '04k5g0000000001AAA', instanceUrl: 'https://bench.my.salesforce.com' },
      [
        {
          notificationId: `04l5g${serial}AAA`,
          objectType: 'Opportunity',
          fields: { Id: `0065g${serial}AAA`, StageName: 'Closed Won', Amount: 1000 },
        },
      ],
    );
    const event = {
      version: '2.0',
      rawPath: '/webhooks/salesforce',
      queryStringParameters: { token },
      headers: {},
      body,
      isBase64Encoded: false,
    };
    pending.push(
      (async () => {
        const t0 = performance.now();
        const response = await handler(event, context);
        if (i >= warmup) durations.push(performance.now() - t0);
        if (response.statusCode !== 200) failures++;
      })(),
    );
  }
  await Promise.all(pending);
  return { durations, failures };
}

/**
 * The receiver's own work: the same handler with every AWS call answered in-process by
 * aws-sdk-client-mock, so what remains is parsing, checks, mapping, idempotency logic and logging.
 */
async function receiverOwnWork(): Promise<void> {
  const { mockClient } = await import('aws-sdk-client-mock');
  const { DynamoDBClient, PutItemCommand, UpdateItemCommand } = await import('@aws-sdk/client-dynamodb');
  const { EventBridgeClient, PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const token = 'bench-shared-secret-0123456789';
  const mocks = [
    mockClient(DynamoDBClient).on(PutItemCommand).resolves({}).on(UpdateItemCommand).resolves({}),
    mockClient(EventBridgeClient)
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'bench' }] }),
    mockClient(SecretsManagerClient)
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ sharedSecret: token }) }),
  ];
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    OUTBOUND_MESSAGE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:bench',
    EVENT_BUS_NAME: 'bench',
    IDEMPOTENCY_TABLE_NAME: 'bench-idempotency',
    REJECTED_DELIVERIES_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench',
    ALLOWED_ORG_IDS: SANDBOX_ORG_ID,
    MAX_BODY_BYTES: '1048576',
  });
  const { handler } = (await import('../functions/handlers/salesforce-receiver')) as { handler: ReceiverHandler };
  const { durations, failures } = await driveReceiver(handler, token).finally(() => {
    // The mocks replace send() on every client of these classes in this process, the hub's included.
    for (const mock of mocks) mock.restore();
  });
  record(
    `own work, AWS calls mocked in-process, p50 / p99 (${failures} not acknowledged)`,
    `${percentile(durations, 50).toFixed(2)} / ${percentile(durations, 99).toFixed(2)} ms`,
  );
}

async function endToEnd(): Promise<void> {
  console.log(
    `\n3. End to end: ${OPPORTUNITIES} opportunities closed at ${RATE}/s, every sandbox answer delayed ${LATENCY_MS} ms`,
  );
  const dataDirectory = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  const rssBefore = process.memoryUsage().rss;
  const hub = await startHub({
    dataDirectory,
    persist: false,
    sandboxLatencyMs: LATENCY_MS,
    // Every order to NetSuite, so the figures compare with earlier runs whatever cdk.json routes.
    context: { 'hub:routing': { default: { target: 'netsuite' } } },
    // A Premium NetSuite account (15 concurrent requests); the default Standard tier allows 5.
    sandboxSettings: { netsuite: { concurrencyLimit: 15 } },
  });
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);
  try {
    const sandboxes = hub.sandboxes as NonNullable<typeof hub.sandboxes>;
    const rep = new SalesRep(sandboxes.urls.salesforce);
    const mapped = ERP_PRODUCTS;
    const accounts = CATALOG_ACCOUNTS.filter((a) => !a.erp?.onCreditHold);
    console.log(`  preparing ${WARMUP} warm-up and ${OPPORTUNITIES} measured opportunities...`);
    const prepare = async (count: number, label: string) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        ids.push(
          await rep.createOpportunity({
            accountId: accounts[i % accounts.length].salesforceId,
            name: `${label} deal ${i + 1}`,
            lines: [
              { productCode: mapped[i % mapped.length].code, quantity: 1 + (i % 7) },
              { productCode: mapped[(i + 1) % mapped.length].code, quantity: 2 },
            ],
          }),
        );
      }
      return ids;
    };
    const closeAtRate = async (ids: string[]) => {
      const started = performance.now();
      for (const [i, id] of ids.entries()) {
        const wait = started + (i * 1000) / RATE - performance.now();
        if (wait > 0) await sleep(wait);
        void rep.closeWon(id);
      }
      const deadline = Date.now() + 300_000;
      let written = new Map<string, number>();
      while (Date.now() < deadline) {
        written = await writeBacks(sandboxes.urls.salesforce, ids);
        if (written.size === ids.length) break;
        await sleep(250);
      }
      return { written, elapsed: performance.now() - started };
    };
    const warmupIds = await prepare(WARMUP, 'Warm-up');
    const ids = await prepare(OPPORTUNITIES, 'Bench');
    console.log('  warming up (execution environments, JIT, connections)...');
    await closeAtRate(warmupIds);
    await fetch(`${sandboxes.urls.salesforce}/_sandbox/requests`, { method: 'DELETE' });
    const statsBefore = hub.lambda.stats();
    console.log('  closing the measured opportunities...');
    const cpuBefore = process.cpuUsage();
    const meter = loadMeter();
    const { written, elapsed } = await closeAtRate(ids);
    const cpu = process.cpuUsage(cpuBefore);
    const load = meter();
    record(
      'hub process CPU per order',
      `${((cpu.user + cpu.system) / 1000 / ids.length).toFixed(0)} ms (${(((cpu.user + cpu.system) / 1000 / elapsed) * 100).toFixed(0)}% of one core over ${(elapsed / 1000).toFixed(1)} s)`,
    );
    const sent = await firstDeliveries(rep, ids);
    const latencies = ids
      .filter((id) => written.has(id) && sent.has(id))
      .map((id) => (written.get(id) as number) - (sent.get(id) as number));
    const desk = new ErpDesk(sandboxes.urls.netsuite);
    const netsuite = (await desk.state()) as { stats: { throttled: number } };
    const orders = (await desk.orders()).filter((o) => ids.includes(o.crmReference)).length;
    printBreakdown(hub, sent, statsBefore);
    // Sequential sandbox answers per order: SF reads (2 queries in parallel) 1, NetSuite customer
    // upsert + read 2, order create + read 2, SF write-back 1. Routing answers no sandbox.
    const criticalPath = 6 * LATENCY_MS;
    const p99 = percentile(latencies, 99);
    record(
      'orders created / write-backs seen',
      `${orders} / ${written.size} of ${ids.length} (NetSuite 429s retried: ${netsuite.stats.throttled})`,
    );
    record('end-to-end p50', `${percentile(latencies, 50).toFixed(0)} ms ${load}`);
    record(
      `end-to-end p99 (critical path: 6 sandbox answers x ${LATENCY_MS} ms = ${criticalPath} ms)`,
      `${p99.toFixed(0)} ms ${load}`,
      `<= ${3 * criticalPath} ms`,
      p99 <= 3 * criticalPath && written.size === ids.length,
    );
  } finally {
    clearInterval(sampler);
    await hub.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
  const gib = peakRss / 1024 ** 3;
  record(
    `peak resident memory of the hub process (load generator included, sandboxes run in their own process; ${(rssBefore / 1024 ** 2).toFixed(0)} MiB before start)`,
    `${(peakRss / 1024 ** 2).toFixed(0)} MiB`,
    '< 1 GiB',
    gib < 1,
  );
}

/** Where an execution's time goes: delivery to start, then each state, at p50/p99. */
function printBreakdown(
  hub: Awaited<ReturnType<typeof startHub>>,
  sent: Map<string, number>,
  before: ReturnType<typeof hub.lambda.stats>,
): void {
  const machine = hub.stateMachines['QuoteToCash/StateMachine'];
  const spans = new Map<string, number[]>();
  const add = (name: string, ms: number) => spans.set(name, [...(spans.get(name) ?? []), ms]);
  for (const execution of hub.stepFunctions.listExecutions(machine)) {
    const opportunityId = JSON.parse(execution.input).detail?.subject?.id;
    if (!sent.has(opportunityId)) continue;
    add('delivery -> execution start', execution.startDate - (sent.get(opportunityId) as number));
    const entered = new Map<string, number>();
    for (const event of execution.history) {
      if (event.type === 'StateEntered' && event.stateName) entered.set(event.stateName, event.timestamp);
      if (event.type === 'StateExited' && event.stateName && entered.has(event.stateName)) {
        add(event.stateName, event.timestamp - (entered.get(event.stateName) as number));
      }
    }
  }
  for (const [name, values] of spans) {
    console.log(
      `    ${name.padEnd(28)} p50 ${percentile(values, 50).toFixed(0).padStart(5)} ms   p99 ${percentile(values, 99).toFixed(0).padStart(5)} ms`,
    );
  }
  const stats = hub.lambda.stats();
  for (const [path, name] of Object.entries(hub.functions)) {
    const all = stats[name];
    const skip = before[name]?.invocations ?? 0;
    const s = {
      ...all,
      durationMs: all.durationMs.slice(skip),
      waitMs: all.waitMs.slice(skip),
      invocations: all.invocations - skip,
      coldStarts: all.coldStarts - (before[name]?.coldStarts ?? 0),
    };
    if (!s.invocations) continue;
    console.log(
      `    ${path.padEnd(34)} ${String(s.invocations).padStart(4)} calls, run p50 ${percentile(s.durationMs, 50).toFixed(0)} / p99 ${percentile(s.durationMs, 99).toFixed(0)} ms, waited for an environment p99 ${percentile(s.waitMs, 99).toFixed(0)} ms, ${s.coldStarts} cold starts`,
    );
  }
}

/** When Salesforce started delivering each opportunity's first notification (epoch ms). */
async function firstDeliveries(rep: SalesRep, ids: string[]): Promise<Map<string, number>> {
  const { outbox } = await rep.state();
  const notificationOf = new Map(
    outbox.filter((n) => ids.includes(n.recordId)).map((n) => [n.notificationId, n.recordId]),
  );
  const sent = new Map<string, number>();
  for (const delivery of await rep.deliveries()) {
    for (const notificationId of delivery.notificationIds) {
      const id = notificationOf.get(notificationId);
      if (id && !sent.has(id)) sent.set(id, Date.parse(delivery.startedAt));
    }
  }
  return sent;
}

/** With --json a part prints one JSON object on stdout and its progress on stderr. */
const JSON_OUTPUT = process.argv.includes('--json');
const progress = (line: string) => (JSON_OUTPUT ? process.stderr.write(`${line}\n`) : console.log(line));
const BURST_KEYS = [
  'ratio',
  'throttledShare',
  'lost',
  'duplicates',
  'drainSeconds',
  'transitionsPerOrder',
  'lambdaGbSecondsPerOrder',
] as const;

function recordBurst(label: string, run: BurstResult): void {
  const line = (measure: string, reached: string, target?: string, ok?: boolean) =>
    JSON_OUTPUT ? progress(`  ${measure}: ${reached}`) : record(measure, reached, target, ok);
  line(
    `${label}: achieved ERP requests per second / (C / L = ${run.limitPerSecond}/s), warmed (whole run)`,
    `${run.ratio} (${run.overallRatio}) ${run.load}`,
  );
  line(
    `${label}: ERP calls answered 429`,
    `${(run.throttledShare * 100).toFixed(2)}% (${run.throttled} of ${run.erpRequests})`,
  );
  line(
    `${label}: orders created / lost / duplicated / executions failed`,
    `${run.created} of ${run.orders} / ${run.lost} / ${run.duplicates} / ${run.failedExecutions}`,
  );
  line(
    `${label}: time to drain`,
    run.drainSeconds === null ? 'did not drain before the deadline' : `${run.drainSeconds} s`,
  );
  line(
    `${label}: per order`,
    `${run.transitionsPerOrder} state transitions, ${run.lambdaGbSecondsPerOrder} Lambda GB-s, hub CPU ${run.hubCpuMsPerOrder} ms${run.settledSlots === null ? '' : `; budget settled at ${run.settledSlots} slots`}`,
  );
}

async function saturation(): Promise<void> {
  const orders = option('orders', 2000);
  const concurrency = option('concurrency', 5);
  const latencyMs = option('latency', 200);
  const held = option('held', 2);
  progress(
    `\n4. Saturation: ${orders} orders at once, NetSuite allows ${concurrency} concurrent requests of ${latencyMs} ms`,
  );
  const base = { orders, concurrency, latencyMs, log: progress };
  const on = await runBurst({ ...base, budget: true });
  recordBurst('budget on', on);
  const off = await runBurst({ ...base, budget: false });
  recordBurst('budget off', off);
  progress(`  the same with ${held} of the ${concurrency} slots held by another integration the hub cannot see`);
  const shared = await runBurst({ ...base, budget: true, heldByOthers: held });
  recordBurst(`budget on, ${held} slots held by others`, shared);
  if (!JSON_OUTPUT) {
    record(
      'saturation with the budget: ERP use / 429s / lost / duplicates',
      `${on.ratio} / ${(on.throttledShare * 100).toFixed(2)}% / ${on.lost} / ${on.duplicates}`,
      '>= 0.95 / <= 1% / 0 / 0',
      on.ratio >= 0.95 && on.throttledShare <= 0.01 && on.lost === 0 && on.duplicates === 0,
    );
  }
  const pick = (run: BurstResult) => ({
    ...Object.fromEntries(BURST_KEYS.map((key) => [key, run[key]])),
    overallRatio: run.overallRatio,
    created: run.created,
    failedExecutions: run.failedExecutions,
    erpRequests: run.erpRequests,
    settledSlots: run.settledSlots,
    hubCpuMsPerOrder: run.hubCpuMsPerOrder,
  });
  if (JSON_OUTPUT) {
    console.log(
      JSON.stringify({
        orders,
        concurrency,
        latencyMs,
        ...pick(on),
        budgetOff: pick(off),
        sharedAccount: { heldByOthers: held, ...pick(shared) },
      }),
    );
  }
}

async function outage(): Promise<void> {
  const orders = option('orders', 1000);
  const concurrency = option('concurrency', 5);
  const latencyMs = option('latency', 200);
  const afterSeconds = option('outage-after', 60);
  const seconds = option('outage-seconds', 60);
  progress(
    `\n5. Outage: NetSuite down for ${seconds} s, ${afterSeconds} s into a burst of ${orders} orders (C = ${concurrency}, L = ${latencyMs} ms)`,
  );
  const run = await runBurst({
    orders,
    concurrency,
    latencyMs,
    budget: true,
    outage: { afterSeconds, seconds },
    log: progress,
  });
  const summary = {
    lost: run.lost,
    duplicates: run.duplicates,
    callsWhileOpen: run.callsWhileOpen,
    probes: run.probes,
    recoverySeconds: run.recoverySeconds,
    overallRatio: run.overallRatio,
    created: run.created,
    failedExecutions: run.failedExecutions,
    drainSeconds: run.drainSeconds,
    transitionsPerOrder: run.transitionsPerOrder,
  };
  if (JSON_OUTPUT) {
    console.log(JSON.stringify({ orders, outageSeconds: seconds, ...summary }));
    return;
  }
  record(
    'outage: orders created / lost / duplicated / executions failed',
    `${run.created} of ${orders} / ${run.lost} / ${run.duplicates} / ${run.failedExecutions}`,
  );
  record(
    'outage: ERP calls while the breaker was open / probes',
    `${run.callsWhileOpen} / ${run.probes}`,
    'only probes (0 other calls)',
    run.callsWhileOpen === 0 && run.lost === 0 && run.duplicates === 0,
  );
  record(
    'outage: time from recovery to an empty backlog',
    run.recoverySeconds === null
      ? 'not measured (no write-back after recovery)'
      : `${run.recoverySeconds} s ${run.load}`,
  );
}

const PARTS: Record<string, () => Promise<void>> = {
  bundles: bundlesAndColdStarts,
  receiver: async () => {
    await receiverLatency();
    await receiverOwnWork();
  },
  e2e: endToEnd,
  saturation,
  outage,
};

const only = process.argv.find((a) => a.startsWith('--only='))?.split('=')[1];
const resultsFile = process.argv.find((a) => a.startsWith('--results='))?.split('=')[1];
if (only) {
  const part = PARTS[only];
  if (!part) throw new Error(`--only takes ${Object.keys(PARTS).join(', ')}`);
  await part();
  if (resultsFile) appendFileSync(resultsFile, results.map((r) => `${JSON.stringify(r)}\n`).join(''));
} else {
  // Each part in a fresh process: one part's threads and heap do not weigh on the next one's figures.
  const file = join(mkdtempSync(join(tmpdir(), 'hub-bench-')), 'results.jsonl');
  writeFileSync(file, '');
  const passOn = process.argv.slice(2).filter((a) => !a.startsWith('--only=') && !a.startsWith('--results='));
  for (const name of Object.keys(PARTS)) {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), `--only=${name}`, `--results=${file}`, ...passOn],
      {
        stdio: 'inherit',
      },
    );
    if (child.status !== 0) throw new Error(`Benchmark part ${name} failed`);
  }
  results.push(
    ...readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line)),
  );
}
if (!resultsFile && !JSON_OUTPUT) {
  console.log('\nSummary');
  for (const r of results.filter((r) => r.target !== '-')) {
    console.log(`  ${r.ok ? 'met    ' : 'NOT met'}  ${r.measure}: ${r.reached} (target ${r.target})`);
  }
}
process.exit(0);
