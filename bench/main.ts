// npm run bench: the quote-to-cash figures, each printed next to its target.
//   1. every function's bundle size and module init (cold start) time
//   2. the Salesforce receiver's in-process latency at a steady rate
//   3. end-to-end latency, outbound message sent -> order number written back, for a stream of
//      opportunities at a fixed rate with sandbox latency, and the hub's peak resident memory
// Options: --opportunities=N (200) --rate=R per second (20) --latency=MS (50) --receiver-rate=R (100)
import '../local/node-setup';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub } from '../local/hub';
import { CATALOG_ACCOUNTS, CATALOG_PRODUCTS, SANDBOX_ORG_ID } from '../sandboxes/catalog';
import { SalesRep } from '../sandboxes/salesforce/sales-rep';
import { buildNotificationsEnvelope } from '../sandboxes/salesforce/soap';

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

const results: { measure: string; reached: string; target: string; ok: boolean | undefined }[] = [];
const record = (measure: string, reached: string, target = '-', ok?: boolean) => {
  results.push({ measure, reached, target, ok });
  console.log(`  ${measure}: ${reached}${target === '-' ? '' : `  (target ${target}: ${ok ? 'met' : 'NOT met'})`}`);
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function bundlesAndColdStarts(): Promise<void> {
  console.log('\n1. Bundles and cold starts');
  const dataDirectory = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  const hub = await startHub({ dataDirectory, persist: false, sandboxes: false });
  try {
    for (const [path, name] of Object.entries(hub.functions)) {
      const model = hub.lambda.describe(name);
      const size = statSync(model.modulePath).size;
      const samples: number[] = [];
      for (let i = 0; i < INIT_SAMPLES; i++) samples.push(await hub.lambda.measureColdStart(name));
      const worst = Math.max(...samples);
      record(
        `${path} bundle ${(size / 1024).toFixed(0)} KiB, init median ${percentile(samples, 50).toFixed(0)} ms / max`,
        `${worst.toFixed(0)} ms`,
        '<= 150 ms',
        worst <= 150,
      );
    }
  } finally {
    await hub.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

async function receiverLatency(): Promise<void> {
  console.log(`\n2. Receiver in-process latency, ${RECEIVER_RATE} messages/s for ${RECEIVER_SECONDS} s (one notification each)`);
  const dataDirectory = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  const hub = await startHub({ dataDirectory, persist: false, sandboxes: false });
  try {
    // A bus without rules: this measures the receiver, not the flows its events would start.
    hub.eventBridge.addBus('bench-receiver');
    const receiver = hub.lambda.describe(hub.functions['Ingest/SalesforceReceiver']);
    Object.assign(process.env, hub.awsEnvironment, receiver.environment, { EVENT_BUS_NAME: 'bench-receiver' });
    const { handler } = (await import(receiver.modulePath)) as { handler: (event: unknown, context: unknown) => Promise<{ statusCode: number }> };
    const token = JSON.parse(hub.secrets.get(receiver.environment.OUTBOUND_MESSAGE_SECRET_ARN)?.value ?? '{}').sharedSecret;
    const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 29_000 };
    const durations: number[] = [];
    let failures = 0;
    const total = RECEIVER_RATE * RECEIVER_SECONDS;
    const started = performance.now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RECEIVER_RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const body = buildNotificationsEnvelope({ orgId: SANDBOX_ORG_ID, actionId: '04k5g0000000001AAA', instanceUrl: 'https://bench.my.salesforce.com' }, [
        {
          notificationId: `04l5g${String(i).padStart(10, '0')}AAA`,
          objectType: 'Opportunity',
          fields: { Id: `0065g${String(i).padStart(10, '0')}AAA`, StageName: 'Closed Won', Amount: 1000 },
        },
      ]);
      const event = { version: '2.0', rawPath: '/webhooks/salesforce', queryStringParameters: { token }, headers: {}, body, isBase64Encoded: false };
      pending.push(
        (async () => {
          const t0 = performance.now();
          const response = await handler(event, context);
          durations.push(performance.now() - t0);
          if (response.statusCode !== 200) failures++;
        })(),
      );
    }
    await Promise.all(pending);
    const p99 = percentile(durations, 99);
    record('receiver p50', `${percentile(durations, 50).toFixed(2)} ms`);
    record(`receiver p99 (${durations.length} messages, ${failures} not acknowledged)`, `${p99.toFixed(2)} ms`, '<= 10 ms', p99 <= 10 && failures === 0);
  } finally {
    await hub.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

async function endToEnd(): Promise<void> {
  console.log(`\n3. End to end: ${OPPORTUNITIES} opportunities closed at ${RATE}/s, every sandbox answer delayed ${LATENCY_MS} ms`);
  const dataDirectory = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  const rssBefore = process.memoryUsage().rss;
  const hub = await startHub({
    dataDirectory,
    persist: false,
    sandboxLatencyMs: LATENCY_MS,
    // A Premium NetSuite account (15 concurrent requests); the default Standard tier allows 5.
    netsuiteConcurrencyLimit: 15,
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  try {
    const sandboxes = hub.sandboxes as NonNullable<typeof hub.sandboxes>;
    const rep = new SalesRep(sandboxes.salesforce.url);
    const mapped = CATALOG_PRODUCTS.filter((p) => p.netsuiteItemId);
    const accounts = CATALOG_ACCOUNTS.filter((a) => a.netsuite?.creditHold !== 'ON');
    console.log('  preparing opportunities...');
    const ids: string[] = [];
    for (let i = 0; i < OPPORTUNITIES; i++) {
      ids.push(
        await rep.createOpportunity({
          accountId: accounts[i % accounts.length].salesforceId,
          name: `Bench deal ${i + 1}`,
          lines: [
            { productCode: mapped[i % mapped.length].code, quantity: 1 + (i % 7) },
            { productCode: mapped[(i + 1) % mapped.length].code, quantity: 2 },
          ],
        }),
      );
    }
    await fetch(`${sandboxes.salesforce.url}/_sandbox/requests`, { method: 'DELETE' });
    await fetch(`${sandboxes.netsuite.url}/_sandbox/requests`, { method: 'DELETE' });
    console.log('  closing them...');
    const started = performance.now();
    for (const [i, id] of ids.entries()) {
      const wait = started + (i * 1000) / RATE - performance.now();
      if (wait > 0) await sleep(wait);
      void rep.closeWon(id);
    }
    const deadline = Date.now() + 300_000;
    let written = new Map<string, number>();
    while (Date.now() < deadline) {
      written = await writeBacks(sandboxes.salesforce.url, ids);
      if (written.size === ids.length) break;
      await sleep(500);
    }
    const sent = await firstDeliveries(rep, ids);
    const latencies = ids.filter((id) => written.has(id) && sent.has(id)).map((id) => (written.get(id) as number) - (sent.get(id) as number));
    const netsuite = (await (await fetch(`${sandboxes.netsuite.url}/_sandbox/state`)).json()) as {
      salesOrders: { externalId: string }[];
      stats: { throttled: number };
    };
    const orders = netsuite.salesOrders.filter((o) => ids.includes(o.externalId)).length;
    // Sequential sandbox answers per order: SF reads (2 queries in parallel) 1, NetSuite customer
    // upsert + read 2, order create + read 2, SF write-back 1.
    const criticalPath = 6 * LATENCY_MS;
    const p99 = percentile(latencies, 99);
    record('orders created / write-backs seen', `${orders} / ${written.size} of ${ids.length} (NetSuite 429s retried: ${netsuite.stats.throttled})`);
    record('end-to-end p50', `${percentile(latencies, 50).toFixed(0)} ms`);
    record(`end-to-end p99 (critical path: 6 sandbox answers x ${LATENCY_MS} ms = ${criticalPath} ms)`, `${p99.toFixed(0)} ms`, `<= ${3 * criticalPath} ms`, p99 <= 3 * criticalPath && written.size === ids.length);
  } finally {
    clearInterval(sampler);
    await hub.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
  const gib = peakRss / 1024 ** 3;
  record(`peak resident memory of the hub process (sandboxes and load generator included; ${(rssBefore / 1024 ** 2).toFixed(0)} MiB before start)`, `${(peakRss / 1024 ** 2).toFixed(0)} MiB`, '< 1 GiB', gib < 1);
}

/** When the sandbox finished each opportunity's write-back PATCH (epoch ms). */
async function writeBacks(salesforceUrl: string, ids: string[]): Promise<Map<string, number>> {
  const requests = (await (await fetch(`${salesforceUrl}/_sandbox/requests`)).json()) as { method: string; path: string; status: number; finishedAt: string }[];
  const wanted = new Set(ids);
  const found = new Map<string, number>();
  for (const r of requests) {
    const id = r.path.split('/').pop() as string;
    if (r.method === 'PATCH' && r.status === 204 && wanted.has(id)) found.set(id, Date.parse(r.finishedAt));
  }
  return found;
}

/** When Salesforce started delivering each opportunity's first notification (epoch ms). */
async function firstDeliveries(rep: SalesRep, ids: string[]): Promise<Map<string, number>> {
  const { outbox } = await rep.state();
  const notificationOf = new Map(outbox.filter((n) => ids.includes(n.recordId)).map((n) => [n.notificationId, n.recordId]));
  const sent = new Map<string, number>();
  for (const delivery of await rep.deliveries()) {
    for (const notificationId of delivery.notificationIds) {
      const id = notificationOf.get(notificationId);
      if (id && !sent.has(id)) sent.set(id, Date.parse(delivery.startedAt));
    }
  }
  return sent;
}

await bundlesAndColdStarts();
await receiverLatency();
await endToEnd();
console.log('\nSummary');
for (const r of results.filter((r) => r.target !== '-')) console.log(`  ${r.ok ? 'met    ' : 'NOT met'}  ${r.measure}: ${r.reached} (target ${r.target})`);
process.exit(0);
