// npm run demo: a sales team closes a batch of deals in the Salesforce sandbox for customers in
// several countries; the hub routes each to the ERP its region runs on (cdk.json hub:routing),
// including a deal saved twice, a notification Salesforce delivers twice, a product no ERP sells
// and a customer on credit hold. Waits for the hub, then reports what the systems now hold.
//   --fix         afterwards, fix both exceptions (map the product, release the hold) and redrive
//   --erp <name>  send every deal to one ERP: starts a hub of its own with that routing
//   --json        print the report as one JSON object (per opportunity and totals)
import '../local/node-setup';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RedriveExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { EXCEPTIONS, type ExceptionCode } from '../functions/domain/exceptions';
import { CorrelationStore, type TransactionSummary } from '../functions/stores/correlation-store';
import { PROJECT_ROOT } from '../paths';
import { CATALOG_ACCOUNTS } from '../sandboxes/catalog';
import { ErpDesk, type SandboxOrder } from '../sandboxes/erp-sandbox';
import { sandboxFor } from '../sandboxes/registry';
import { type OpportunityLine, SalesRep, type SandboxRecord } from '../sandboxes/salesforce/sales-rep';
import { connectToLocalHub, type HubConnection, outputValue, tableOutputs } from './local-hub-connection';

interface Deal {
  account: string;
  name: string;
  lines: OpportunityLine[];
  /** What happens to the deal besides closing it. */
  twist?: 'saved-again' | 'delivered-twice';
}

const UNMAPPED_PRODUCT = 'SKU-HEADSET-LEGACY';
/** What --fix maps the unmapped product to: the item its replacement sells as in each ERP. */
const REPLACEMENT_PRODUCT = 'SKU-DOCK-USB4';

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
    account: 'Vandelay',
    name: 'Vandelay - Paris office',
    lines: [
      { productCode: 'SKU-LAPTOP-14', quantity: 8 },
      { productCode: 'SKU-DOCK-USB4', quantity: 8 },
    ],
  },
  {
    account: 'Initech',
    name: 'Initech - call centre headsets',
    lines: [
      { productCode: UNMAPPED_PRODUCT, quantity: 50 },
      { productCode: 'SKU-DOCK-USB4', quantity: 5 },
    ],
  },
  { account: 'Hooli', name: 'Hooli - lab monitors', lines: [{ productCode: 'SKU-MON-27', quantity: 20 }] },
];

const args = process.argv.slice(2);
const json = args.includes('--json');
const erpIndex = args.indexOf('--erp');
const onlyErp = erpIndex >= 0 ? args[erpIndex + 1] : undefined;
const log = (line: string) => {
  // With --json, stdout holds the JSON object only.
  if (json) console.error(line);
  else console.log(line);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const titleOf = (system: string | undefined) => (system ? (sandboxFor(system)?.title ?? system) : '-');

const accountOf = (name: string) => {
  const found = CATALOG_ACCOUNTS.find((a) => a.name.startsWith(name));
  if (!found) throw new Error(`No catalog account ${name}`);
  return found;
};
const HOOLI = CATALOG_ACCOUNTS.find((a) => a.erp?.onCreditHold);

interface Demo {
  hub: HubConnection;
  rep: SalesRep;
  documents: DynamoDBDocumentClient;
  correlation: CorrelationStore;
  /** Every ERP sandbox of the hub, by system. */
  erps: Map<string, ErpDesk>;
}

/** Hooli is on credit hold in every ERP, and nobody has mapped the legacy headset (whatever an earlier --fix did). */
async function setTheScene(demo: Demo): Promise<void> {
  log(`Scene: ${HOOLI?.name} is on credit hold in every ERP; ${UNMAPPED_PRODUCT} has no item mapping in any ERP.`);
  for (const [system, desk] of demo.erps) {
    if (HOOLI) await desk.setCreditHold(HOOLI.salesforceId, true).catch(() => undefined);
    await demo.documents.send(
      new DeleteCommand({
        TableName: outputValue(demo.hub, tableOutputs.itemMappings),
        Key: { sku: UNMAPPED_PRODUCT, system },
      }),
    );
  }
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

/** Each deal's transaction once it is finished, its result visible on the opportunity and any shadow compared. */
async function waitForOutcomes(
  demo: Demo,
  ids: string[],
  finished: (summary: TransactionSummary) => boolean = (s) => s.status !== 'IN_PROGRESS',
): Promise<Map<string, Outcome>> {
  return waitUntil(async () => {
    const outcomes = new Map<string, Outcome>();
    for (const id of ids) {
      const [correlationId] = await demo.correlation.findByKey('opportunityId', id);
      const summary = correlationId ? await demo.correlation.getSummary(correlationId) : undefined;
      const opportunity = await demo.rep.opportunity(id);
      const expected = summary?.status === 'COMPLETED' ? 'Synced' : 'Needs attention';
      if (!summary || !finished(summary) || !opportunity || opportunity.ERP_Sync_Status__c !== expected)
        return undefined;
      if (summary.status === 'COMPLETED' && summary.shadowSystem && !summary.shadowStatus) return undefined;
      const savedAgain = DEALS[ids.indexOf(id)].twist === 'saved-again';
      if (savedAgain && !summary.duplicateEvents) return undefined;
      outcomes.set(id, { summary, opportunity });
    }
    return outcomes;
  }, 180_000);
}

interface Row {
  opportunity: string;
  opportunityId: string;
  account: string;
  targetErp: string | null;
  erpOrderNumber: string | null;
  exceptionCode: string | null;
  shadow: { erp: string; status: string } | null;
  notes: string[];
}

interface Report {
  opportunities: Row[];
  totals: {
    opportunities: number;
    ordersCreated: number;
    ordersByErp: Record<string, number>;
    opportunitiesWithMoreThanOneOrder: number;
    duplicateEventsSuppressed: number;
    duplicateDeliveriesSuppressed: number;
    exceptions: Record<string, number>;
  };
}

/** Everything here is read back from the sandboxes and the correlation table. */
async function report(demo: Demo, ids: string[], outcomes: Map<string, Outcome>): Promise<Report> {
  const ordersByErp: Record<string, SandboxOrder[]> = {};
  for (const [system, desk] of demo.erps) {
    ordersByErp[system] = (await desk.orders()).filter((o) => ids.includes(o.crmReference));
  }
  const deliveries = await demo.rep.deliveries();
  const outbox = (await demo.rep.state()).outbox.filter((n) => ids.includes(n.recordId));
  const redelivered = deliveries.filter(
    (d) =>
      d.redelivery &&
      d.outcome === 'acknowledged' &&
      d.notificationIds.some((n) => outbox.some((o) => o.notificationId === n)),
  );
  const exceptions: Record<string, number> = {};
  const opportunities = ids.map((id): Row => {
    const { summary, opportunity } = outcomes.get(id) as Outcome;
    const account = CATALOG_ACCOUNTS.find((a) => a.salesforceId === opportunity.AccountId)?.name;
    if (summary.exceptionCode) exceptions[summary.exceptionCode] = (exceptions[summary.exceptionCode] ?? 0) + 1;
    const deliveredTwice = outbox
      .filter((n) => n.recordId === id)
      .some((n) => redelivered.some((d) => d.notificationIds.includes(n.notificationId)));
    return {
      opportunity: String(opportunity.Name),
      opportunityId: id,
      account: account ?? String(opportunity.AccountId),
      targetErp: summary.targetSystem ?? null,
      erpOrderNumber: (opportunity.ERP_Order_Number__c as string | undefined) ?? null,
      exceptionCode: summary.exceptionCode ?? null,
      shadow: summary.shadowSystem ? { erp: summary.shadowSystem, status: summary.shadowStatus ?? 'PENDING' } : null,
      notes: [
        summary.duplicateEvents ? `${summary.duplicateEvents} duplicate event(s) suppressed` : '',
        deliveredTwice ? 'notification delivered twice, acknowledged once' : '',
      ].filter(Boolean),
    };
  });
  // The shadow ERP holds a copy for comparison; only the target's orders count as created.
  const targetOrders = Object.entries(ordersByErp).flatMap(([system, orders]) =>
    orders.filter((o) => opportunities.some((r) => r.opportunityId === o.crmReference && r.targetErp === system)),
  );
  const perOpportunity = new Map<string, number>();
  for (const order of targetOrders)
    perOpportunity.set(order.crmReference, (perOpportunity.get(order.crmReference) ?? 0) + 1);
  return {
    opportunities,
    totals: {
      opportunities: ids.length,
      ordersCreated: targetOrders.length,
      ordersByErp: Object.fromEntries(
        Object.keys(ordersByErp).map((system) => [
          system,
          targetOrders.filter(
            (o) => opportunities.find((r) => r.opportunityId === o.crmReference)?.targetErp === system,
          ).length,
        ]),
      ),
      opportunitiesWithMoreThanOneOrder: [...perOpportunity.values()].filter((n) => n > 1).length,
      duplicateEventsSuppressed: [...outcomes.values()].reduce((sum, o) => sum + (o.summary.duplicateEvents ?? 0), 0),
      duplicateDeliveriesSuppressed: redelivered.length,
      exceptions,
    },
  };
}

function printReport(r: Report): void {
  const rows = r.opportunities.map((row) => ({
    opportunity: row.opportunity,
    account: row.account,
    erp: titleOf(row.targetErp ?? undefined),
    order: row.erpOrderNumber ?? '-',
    outcome: row.exceptionCode
      ? `${row.exceptionCode}: ${EXCEPTIONS[row.exceptionCode as ExceptionCode]?.title ?? ''}`
      : `Synced${row.notes.length ? ` (${row.notes.join('; ')})` : ''}${row.shadow ? `; shadow ${titleOf(row.shadow.erp)}: ${row.shadow.status}` : ''}`,
  }));
  const headers = {
    opportunity: 'Opportunity',
    account: 'Account',
    erp: 'ERP',
    order: 'ERP order',
    outcome: 'Outcome',
  };
  const keys = Object.keys(headers) as (keyof typeof headers)[];
  const width = (key: keyof typeof headers) => Math.max(headers[key].length, ...rows.map((row) => row[key].length));
  const line = (row: typeof headers) =>
    `  ${keys.map((k) => (k === 'outcome' ? row[k] : row[k].padEnd(width(k)))).join('  ')}`;
  log('');
  log(line(headers));
  log(`  ${'-'.repeat(keys.slice(0, -1).reduce((sum, k) => sum + width(k) + 2, 0) + 40)}`);
  for (const row of rows) log(line(row));
  const t = r.totals;
  const byErp = Object.entries(t.ordersByErp)
    .map(([system, n]) => `${titleOf(system)} ${n}`)
    .join(', ');
  log('');
  log(
    `  ERP orders created:          ${t.ordersCreated} (${byErp}; deals with more than one order: ${t.opportunitiesWithMoreThanOneOrder})`,
  );
  log(
    `  Duplicates suppressed:       ${t.duplicateEventsSuppressed + t.duplicateDeliveriesSuppressed} (${t.duplicateEventsSuppressed} repeated event(s) for a deal, ${t.duplicateDeliveriesSuppressed} repeated delivery(ies) of a notification)`,
  );
  const exceptionCount = Object.values(t.exceptions).reduce((a, b) => a + b, 0);
  log(`  Exceptions needing a person: ${exceptionCount}`);
  for (const [code, count] of Object.entries(t.exceptions)) {
    const entry = EXCEPTIONS[code as ExceptionCode];
    log(`    ${code} (${count}): ${entry.title}. ${entry.action}`);
  }
}

async function fixAndRedrive(demo: Demo, outcomes: Map<string, Outcome>): Promise<void> {
  const sfn = new SFNClient({
    region: demo.hub.region,
    endpoint: demo.hub.endpoints.aws,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  for (const { summary } of outcomes.values()) {
    if (summary.status !== 'NEEDS_ATTENTION' || !summary.executionArn || !summary.targetSystem) continue;
    const desk = demo.erps.get(summary.targetSystem);
    if (summary.exceptionCode === 'PRODUCT_NOT_MAPPED' && desk) {
      const replacement = (await desk.itemMappings()).find((m) => m.sku === REPLACEMENT_PRODUCT);
      await demo.documents.send(
        new PutCommand({
          TableName: outputValue(demo.hub, tableOutputs.itemMappings),
          Item: {
            sku: UNMAPPED_PRODUCT,
            system: summary.targetSystem,
            itemId: replacement?.itemId,
            updatedAt: new Date().toISOString(),
          },
        }),
      );
    }
    if (summary.exceptionCode === 'CUSTOMER_ON_CREDIT_HOLD' && desk && HOOLI)
      await desk.setCreditHold(HOOLI.salesforceId, false);
    await sfn.send(new RedriveExecutionCommand({ executionArn: summary.executionArn }));
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

async function connect(): Promise<HubConnection> {
  if (!onlyErp) return connectToLocalHub({ startIfNeeded: true, log });
  if (!sandboxFor(onlyErp))
    throw new Error(
      `--erp must name an ERP the hub has a sandbox for, e.g. netsuite, sap-s4hana, business-central, odoo; got '${onlyErp}'`,
    );
  log(
    `Routing every deal to ${titleOf(onlyErp)}: a configuration deploy of hub:routing, here on a hub of this process's own.`,
  );
  return connectToLocalHub({
    startIfNeeded: true,
    log,
    ownHub: {
      persist: false,
      dataDirectory: join(PROJECT_ROOT, '.hub', `demo-${onlyErp}`),
      context: { 'hub:routing': { default: { target: onlyErp } } },
    },
  });
}

async function main(): Promise<void> {
  const hub = await connect();
  try {
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: hub.region, endpoint: hub.endpoints.dynamodb, credentials }),
    );
    const erps = new Map(
      Object.entries(hub.sandboxes)
        .filter(([system]) => system !== 'salesforce')
        .map(([system, url]) => [system, new ErpDesk(url)] as const),
    );
    const demo: Demo = {
      hub,
      rep: new SalesRep(hub.sandboxes.salesforce),
      documents,
      correlation: new CorrelationStore(outputValue(hub, tableOutputs.correlation), documents),
      erps,
    };
    await setTheScene(demo);
    log(`\nClosing ${DEALS.length} deals in the Salesforce sandbox...`);
    const ids = await Promise.all(
      DEALS.map((deal) =>
        demo.rep.createOpportunity({
          accountId: accountOf(deal.account).salesforceId,
          name: deal.name,
          lines: deal.lines,
        }),
      ),
    );
    await Promise.all(ids.map((id) => demo.rep.closeWon(id)));
    await applyTwists(demo.rep, ids);

    log('Waiting for the hub to finish every transaction...');
    let outcomes = await waitForOutcomes(demo, ids);
    let result = await report(demo, ids, outcomes);
    if (!json) printReport(result);

    if (args.includes('--fix')) {
      log(
        `\nFixing the exceptions: mapping ${UNMAPPED_PRODUCT} to the ERP's item for ${REPLACEMENT_PRODUCT}, releasing the credit hold, redriving...`,
      );
      await fixAndRedrive(demo, outcomes);
      outcomes = await waitForOutcomes(demo, ids, (summary) => summary.status === 'COMPLETED');
      result = await report(demo, ids, outcomes);
      if (!json) printReport(result);
    } else {
      log('\nRun `npm run demo -- --fix` to fix both exceptions and redrive their executions.');
    }
    if (json) console.log(JSON.stringify(result, null, 2));
  } finally {
    await hub.close();
  }
}

await main();
