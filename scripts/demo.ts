// npm run demo: a sales team closes a batch of deals in the Salesforce sandbox, including a deal
// saved twice, a notification Salesforce delivers twice, a product the ERP does not sell and a
// customer on credit hold. Waits for the hub, then reports what the systems now hold.
//   --fix   afterwards, fix both exceptions (add the mapping, release the hold) and redrive
import '../local/node-setup';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RedriveExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { EXCEPTIONS, type ExceptionCode } from '../functions/domain/exceptions';
import { CorrelationStore, type TransactionSummary } from '../functions/stores/correlation-store';
import { CATALOG_ACCOUNTS } from '../sandboxes/catalog';
import { type OpportunityLine, SalesRep, type SandboxRecord } from '../sandboxes/salesforce/sales-rep';
import { connectToLocalHub } from './local-hub-connection';

interface Deal {
  account: string;
  name: string;
  lines: OpportunityLine[];
  /** What happens to the deal besides closing it. */
  twist?: 'saved-again' | 'delivered-twice';
}

const account = (name: string) => {
  const found = CATALOG_ACCOUNTS.find((a) => a.name.startsWith(name));
  if (!found) throw new Error(`No catalog account ${name}`);
  return found.salesforceId;
};

const DEALS: Deal[] = [
  {
    account: 'Acme',
    name: 'Acme - engineering laptops',
    lines: [
      { productCode: 'SKU-LAPTOP-14', quantity: 25 },
      { productCode: 'SKU-DOCK-USB4', quantity: 25 },
    ],
  },
  { account: 'Globex', name: 'Globex - dispatch monitors', lines: [{ productCode: 'SKU-MON-27', quantity: 40 }] },
  {
    account: 'Initech',
    name: 'Initech - device management rollout',
    lines: [
      { productCode: 'SUB-MDM-12M', quantity: 300 },
      { productCode: 'SVC-ONBOARD', quantity: 4 },
    ],
  },
  {
    account: 'Northwind',
    name: 'Northwind - new office',
    lines: [
      { productCode: 'SKU-LAPTOP-14', quantity: 12 },
      { productCode: 'SKU-MON-27', quantity: 12 },
    ],
  },
  { account: 'Acme', name: 'Acme - onboarding days', lines: [{ productCode: 'SVC-ONBOARD', quantity: 6 }] },
  {
    account: 'Globex',
    name: 'Globex - docking stations',
    lines: [{ productCode: 'SKU-DOCK-USB4', quantity: 60 }],
    twist: 'saved-again',
  },
  {
    account: 'Northwind',
    name: 'Northwind - MDM renewal',
    lines: [{ productCode: 'SUB-MDM-12M', quantity: 80 }],
    twist: 'delivered-twice',
  },
  {
    account: 'Initech',
    name: 'Initech - call centre headsets',
    lines: [
      { productCode: 'SKU-HEADSET-LEGACY', quantity: 50 },
      { productCode: 'SKU-DOCK-USB4', quantity: 5 },
    ],
  },
  { account: 'Hooli', name: 'Hooli - lab monitors', lines: [{ productCode: 'SKU-MON-27', quantity: 20 }] },
];

const log = (line: string) => console.log(line);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const HOOLI = CATALOG_ACCOUNTS.find((a) => a.netsuite?.creditHold === 'ON');

/** Finance has Hooli on credit hold, and nobody has mapped the legacy headset (whatever an earlier --fix did). */
async function setTheScene(
  connection: Awaited<ReturnType<typeof connectToLocalHub>>,
  documents: DynamoDBDocumentClient,
) {
  log('Scene: Hooli is on credit hold in NetSuite; SKU-HEADSET-LEGACY has no NetSuite item mapping.');
  await setCreditHold(connection.sandboxes.netsuite, 'ON');
  await documents.send(
    new DeleteCommand({
      TableName: connection.tables['Tracking/ItemMappings'],
      Key: { sku: 'SKU-HEADSET-LEGACY', system: 'netsuite' },
    }),
  );
}

async function setCreditHold(netsuiteUrl: string, creditHold: 'ON' | 'OFF'): Promise<void> {
  const response = await fetch(`${netsuiteUrl}/_sandbox/customers/${HOOLI?.netsuite?.internalId}/credit-hold`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ creditHold }),
  });
  if (!response.ok) throw new Error(`NetSuite sandbox refused the credit hold change: ${response.status}`);
}

/** Saves one deal again (a second event) and has Salesforce deliver another's notification twice. */
async function applyTwists(rep: SalesRep, ids: string[]): Promise<void> {
  for (const [index, deal] of DEALS.entries()) {
    if (deal.twist === 'saved-again') await rep.edit(ids[index], { Description: 'Customer PO attached' });
    if (deal.twist === 'delivered-twice') {
      const notification = await waitUntil(async () =>
        (await rep.state()).outbox.find((n) => n.recordId === ids[index] && n.status === 'acknowledged'),
      );
      await rep.redeliver(notification.notificationId);
      await waitUntil(async () =>
        (await rep.deliveries()).find(
          (d) =>
            d.redelivery && d.outcome === 'acknowledged' && d.notificationIds.includes(notification.notificationId),
        ),
      );
    }
  }
}

interface Outcome {
  summary: TransactionSummary;
  opportunity: SandboxRecord;
}

/** Each deal's transaction once it is finished and its result is visible on the opportunity. */
async function waitForOutcomes(
  rep: SalesRep,
  store: CorrelationStore,
  ids: string[],
  finished: (summary: TransactionSummary) => boolean = (s) => s.status !== 'IN_PROGRESS',
): Promise<Map<string, Outcome>> {
  return waitUntil(async () => {
    const outcomes = new Map<string, Outcome>();
    for (const id of ids) {
      const [correlationId] = await store.findByKey('opportunityId', id);
      const summary = correlationId ? await store.getSummary(correlationId) : undefined;
      const opportunity = await rep.opportunity(id);
      const expected = summary?.status === 'COMPLETED' ? 'Synced' : 'Needs attention';
      if (!summary || !finished(summary) || !opportunity || opportunity.ERP_Sync_Status__c !== expected)
        return undefined;
      const savedAgain = DEALS[ids.indexOf(id)].twist === 'saved-again';
      if (savedAgain && !summary.duplicateEvents) return undefined;
      outcomes.set(id, { summary, opportunity });
    }
    return outcomes;
  }, 120_000);
}

interface Report {
  rows: { opportunity: string; account: string; order: string; outcome: string }[];
  ordersCreated: number;
  duplicateOrders: number;
  duplicateEvents: number;
  duplicateDeliveries: number;
  exceptions: Map<string, number>;
}

/** Everything here is read back from the sandboxes and the correlation table. */
async function report(
  rep: SalesRep,
  netsuiteUrl: string,
  ids: string[],
  outcomes: Map<string, Outcome>,
): Promise<Report> {
  const netsuite = (await (await fetch(`${netsuiteUrl}/_sandbox/state`)).json()) as {
    salesOrders: { externalId: string }[];
  };
  const orders = netsuite.salesOrders.filter((o) => ids.includes(o.externalId));
  const deliveries = await rep.deliveries();
  const outbox = (await rep.state()).outbox.filter((n) => ids.includes(n.recordId));
  const redelivered = deliveries.filter(
    (d) =>
      d.redelivery &&
      d.outcome === 'acknowledged' &&
      d.notificationIds.some((n) => outbox.some((o) => o.notificationId === n)),
  );
  const exceptions = new Map<string, number>();
  const rows = ids.map((id) => {
    const { summary, opportunity } = outcomes.get(id) as Outcome;
    const accountName =
      CATALOG_ACCOUNTS.find((a) => a.salesforceId === opportunity.AccountId)?.name ?? String(opportunity.AccountId);
    if (summary.exceptionCode) exceptions.set(summary.exceptionCode, (exceptions.get(summary.exceptionCode) ?? 0) + 1);
    const notes = [
      summary.duplicateEvents ? `${summary.duplicateEvents} duplicate event(s) suppressed` : '',
      outbox
        .filter((n) => n.recordId === id)
        .some((n) => redelivered.some((d) => d.notificationIds.includes(n.notificationId)))
        ? 'notification delivered twice, acknowledged once'
        : '',
    ].filter(Boolean);
    const outcome = summary.exceptionCode
      ? `${summary.exceptionCode}: ${EXCEPTIONS[summary.exceptionCode as ExceptionCode]?.title ?? ''}`
      : `Synced${notes.length ? ` (${notes.join('; ')})` : ''}`;
    return {
      opportunity: String(opportunity.Name),
      account: accountName,
      order: String(opportunity.ERP_Order_Number__c ?? '-'),
      outcome,
    };
  });
  const perOpportunity = new Map<string, number>();
  for (const order of orders) perOpportunity.set(order.externalId, (perOpportunity.get(order.externalId) ?? 0) + 1);
  return {
    rows,
    ordersCreated: orders.length,
    duplicateOrders: [...perOpportunity.values()].filter((n) => n > 1).length,
    duplicateEvents: [...outcomes.values()].reduce((sum, o) => sum + (o.summary.duplicateEvents ?? 0), 0),
    duplicateDeliveries: redelivered.length,
    exceptions,
  };
}

function printReport(r: Report): void {
  const headers = { opportunity: 'Opportunity', account: 'Account', order: 'ERP order', outcome: 'Outcome' };
  const width = (key: keyof typeof headers) => Math.max(headers[key].length, ...r.rows.map((row) => row[key].length));
  const line = (row: typeof headers) =>
    `  ${row.opportunity.padEnd(width('opportunity'))}  ${row.account.padEnd(width('account'))}  ${row.order.padEnd(width('order'))}  ${row.outcome}`;
  log('');
  log(line(headers));
  log(`  ${'-'.repeat(width('opportunity') + width('account') + width('order') + 6 + 40)}`);
  for (const row of r.rows) log(line(row));
  log('');
  log(
    `  NetSuite orders created:     ${r.ordersCreated} (opportunities with more than one order: ${r.duplicateOrders})`,
  );
  log(
    `  Duplicates suppressed:       ${r.duplicateEvents + r.duplicateDeliveries} (${r.duplicateEvents} repeated event(s) for an opportunity, ${r.duplicateDeliveries} repeated delivery(ies) of a notification)`,
  );
  const exceptionCount = [...r.exceptions.values()].reduce((a, b) => a + b, 0);
  log(`  Exceptions needing a person: ${exceptionCount}`);
  for (const [code, count] of r.exceptions) {
    log(
      `    ${code} (${count}): ${EXCEPTIONS[code as ExceptionCode].title}. ${EXCEPTIONS[code as ExceptionCode].action}`,
    );
  }
}

async function fixAndRedrive(
  connection: Awaited<ReturnType<typeof connectToLocalHub>>,
  documents: DynamoDBDocumentClient,
  outcomes: Map<string, Outcome>,
): Promise<void> {
  await documents.send(
    new PutCommand({
      TableName: connection.tables['Tracking/ItemMappings'],
      Item: { sku: 'SKU-HEADSET-LEGACY', system: 'netsuite', itemId: '1202', updatedAt: new Date().toISOString() },
    }),
  );
  await setCreditHold(connection.sandboxes.netsuite, 'OFF');
  const sfn = new SFNClient({
    region: connection.region,
    endpoint: connection.endpoints.aws,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  for (const { summary } of outcomes.values()) {
    if (summary.status === 'NEEDS_ATTENTION' && summary.executionArn) {
      await sfn.send(new RedriveExecutionCommand({ executionArn: summary.executionArn }));
    }
  }
}

async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(200);
  }
  throw new Error(
    `The hub did not finish within ${timeoutMs / 1000} s; see .hub/logs and the Step Functions executions`,
  );
}

async function main(): Promise<void> {
  const hub = await connectToLocalHub({ startIfNeeded: true, log });
  try {
    const rep = new SalesRep(hub.sandboxes.salesforce);
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: hub.region, endpoint: hub.endpoints.dynamodb, credentials }),
    );
    const correlation = new CorrelationStore(hub.tables['Tracking/Correlation'], documents);

    await setTheScene(hub, documents);
    log(`\nClosing ${DEALS.length} deals in the Salesforce sandbox...`);
    const ids = await Promise.all(
      DEALS.map((deal) =>
        rep.createOpportunity({ accountId: account(deal.account), name: deal.name, lines: deal.lines }),
      ),
    );
    await Promise.all(ids.map((id) => rep.closeWon(id)));
    await applyTwists(rep, ids);

    log('Waiting for the hub to finish every transaction...');
    let outcomes = await waitForOutcomes(rep, correlation, ids);
    printReport(await report(rep, hub.sandboxes.netsuite, ids, outcomes));

    if (process.argv.includes('--fix')) {
      log(
        '\nFixing the exceptions: mapping SKU-HEADSET-LEGACY to NetSuite item 1202, releasing the credit hold, redriving...',
      );
      await fixAndRedrive(hub, documents, outcomes);
      outcomes = await waitForOutcomes(rep, correlation, ids, (summary) => summary.status === 'COMPLETED');
      printReport(await report(rep, hub.sandboxes.netsuite, ids, outcomes));
    } else {
      log('\nRun `npm run demo -- --fix` to fix both exceptions and redrive their executions.');
    }
  } finally {
    await hub.close();
  }
}

await main();
