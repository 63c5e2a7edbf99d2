// Quote-to-cash end to end through the local runtime for each of the four ERPs: the routing in
// cdk.json picks the ERP by the account's country, the ERP's adapter creates one order, and a
// duplicate delivery and a business exception (a product with no item in that ERP) end the way
// they must, the redrive after the fix completing without a second order.

import { RedriveExecutionCommand } from '@aws-sdk/client-sfn';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_ACCOUNTS } from '../../sandboxes/catalog';
import { eventually, startTestHub, type TestHub, transactionReaching } from './local-hub';

/** One account per ERP, by the region its billing country belongs to in cdk.json's hub:routing. */
const CASES = [
  { system: 'netsuite', title: 'NetSuite', account: 'Initech', rule: 'default' },
  { system: 'sap-s4hana', title: 'SAP S/4HANA', account: 'Acme', rule: 'dach' },
  { system: 'business-central', title: 'Business Central', account: 'Globex', rule: 'uk-ie' },
  { system: 'odoo', title: 'Odoo', account: 'Northwind', rule: 'nordics' },
];

let test: TestHub;

beforeAll(async () => {
  test = await startTestHub();
});

afterAll(async () => {
  await test?.stop();
});

const accountId = (name: string) => {
  const account = CATALOG_ACCOUNTS.find((a) => a.name.startsWith(name));
  if (!account) throw new Error(`No catalog account ${name}`);
  return account.salesforceId;
};

async function closeDeal(account: string, name: string, lines: { productCode: string; quantity: number }[]) {
  const id = await test.rep.createOpportunity({ accountId: accountId(account), name, lines });
  await test.rep.closeWon(id);
  return id;
}

function writtenBack(opportunityId: string, status: string) {
  return eventually(async () => {
    const opportunity = await test.rep.opportunity(opportunityId);
    return opportunity?.ERP_Sync_Status__c === status ? opportunity : undefined;
  });
}

describe.each(CASES)('quote-to-cash routed to $title', ({ system, title, account, rule }) => {
  it('creates one order in the ERP the routing chose, writes its number back, and ignores a repeated delivery', async () => {
    const opportunityId = await closeDeal(account, `${account} - ${system} laptops`, [
      { productCode: 'SKU-LAPTOP-14', quantity: 3 },
      { productCode: 'SKU-DOCK-USB4', quantity: 3 },
    ]);

    const summary = await transactionReaching(test, opportunityId, 'COMPLETED');
    const opportunity = await writtenBack(opportunityId, 'Synced');
    const [order] = await test.erp(system).ordersFor(opportunityId);

    expect(summary).toMatchObject({ targetSystem: system, routingRule: rule, erpOrderNumber: order.orderNumber });
    expect(opportunity).toMatchObject({ ERP_Order_Number__c: order.orderNumber });
    expect(opportunity.ERP_Sync_Message__c).toBe(`Sales order ${order.orderNumber} created in ${title}.`);
    expect(order.lines.map((l) => [l.quantity, l.unitPrice])).toEqual([
      [3, 1899],
      [3, 249],
    ]);

    const notification = (await test.rep.state()).outbox.find((n) => n.recordId === opportunityId);
    await test.rep.redeliver(notification?.notificationId as string);
    await eventually(async () =>
      (await test.rep.deliveries()).some(
        (d) =>
          d.redelivery &&
          d.outcome === 'acknowledged' &&
          d.notificationIds.includes(notification?.notificationId as string),
      ),
    );
    expect(await test.erp(system).ordersFor(opportunityId)).toHaveLength(1);
    for (const other of CASES.filter((c) => c.system !== system)) {
      expect(await test.erp(other.system).ordersFor(opportunityId)).toHaveLength(0);
    }
  });

  it('stops at a product with no item in this ERP, and a redrive after the mapping completes one order', async () => {
    const opportunityId = await closeDeal(account, `${account} - ${system} headsets`, [
      { productCode: 'SKU-HEADSET-LEGACY', quantity: 10 },
    ]);

    const failed = await transactionReaching(test, opportunityId, 'NEEDS_ATTENTION');
    const opportunity = await writtenBack(opportunityId, 'Needs attention');
    expect(failed).toMatchObject({ exceptionCode: 'PRODUCT_NOT_MAPPED', targetSystem: system });
    expect(opportunity.ERP_Sync_Message__c).toContain(`no ${title} item mapping (system ${system})`);
    const failures = await test.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: test.hub.queues['QuoteToCash/FailedExecutions'], MaxNumberOfMessages: 10 }),
    );
    expect(failures.Messages?.length).toBeGreaterThan(0);

    const dock = (await test.erp(system).itemMappings()).find((m) => m.sku === 'SKU-DOCK-USB4');
    await test.documents.send(
      new PutCommand({
        TableName: test.tables.itemMappings,
        Item: { sku: 'SKU-HEADSET-LEGACY', system, itemId: dock?.itemId },
      }),
    );
    await test.sfn.send(new RedriveExecutionCommand({ executionArn: failed.executionArn }));

    const completed = await transactionReaching(test, opportunityId, 'COMPLETED');
    expect(completed.targetSystem).toBe(system);
    expect(await test.erp(system).ordersFor(opportunityId)).toHaveLength(1);
    await writtenBack(opportunityId, 'Synced');
  });

  it('stops at a customer finance holds in this ERP, and completes once released and redriven', async () => {
    const opportunityId = await closeDeal(account, `${account} - ${system} held customer`, [
      { productCode: 'SKU-MON-27', quantity: 2 },
    ]);
    // The customer exists once the first order went through; finance holds it before this one.
    await transactionReaching(test, opportunityId, 'COMPLETED');
    await test.erp(system).setCreditHold(accountId(account), true);
    const held = await closeDeal(account, `${account} - ${system} while held`, [
      { productCode: 'SKU-MON-27', quantity: 1 },
    ]);

    const failed = await transactionReaching(test, held, 'NEEDS_ATTENTION');
    expect(failed.exceptionCode).toBe('CUSTOMER_ON_CREDIT_HOLD');

    await test.erp(system).setCreditHold(accountId(account), false);
    await test.sfn.send(new RedriveExecutionCommand({ executionArn: failed.executionArn }));
    await transactionReaching(test, held, 'COMPLETED');
    expect(await test.erp(system).ordersFor(held)).toHaveLength(1);
  });
});
