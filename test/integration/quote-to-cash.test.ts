// Quote-to-cash end to end on the local hub: Salesforce sandbox outbound message -> receiver ->
// bus -> state machine -> Salesforce REST and NetSuite REST -> order number back on the opportunity.
// US accounts route to NetSuite (cdk.json hub:routing); the other ERPs: erps.test.ts.
import { ListExecutionsCommand, RedriveExecutionCommand } from '@aws-sdk/client-sfn';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_ACCOUNTS, type CatalogAccount } from '../../sandboxes/catalog';
import { eventually, startTestHub, type TestHub, transactionReaching } from './local-hub';

const INITECH = (CATALOG_ACCOUNTS.find((a) => a.name.startsWith('Initech')) as CatalogAccount).salesforceId;
const HOOLI = CATALOG_ACCOUNTS.find((a) => a.erp?.onCreditHold) as CatalogAccount;

let test: TestHub;
let machineArn: string;

beforeAll(async () => {
  test = await startTestHub();
  machineArn = test.hub.stateMachines['QuoteToCash/StateMachine'];
});

afterAll(async () => {
  await test?.stop();
});

const ordersFor = (opportunityId: string) => test.erp('netsuite').ordersFor(opportunityId);

async function closeDeal(name: string, lines = [{ productCode: 'SKU-LAPTOP-14', quantity: 10 }], accountId = INITECH) {
  const id = await test.rep.createOpportunity({ accountId, name, lines });
  await test.rep.closeWon(id);
  return id;
}

/** The opportunity once the hub has written `status` on it (the reporter writes after recording). */
function writtenBack(opportunityId: string, status: string) {
  return eventually(async () => {
    const opportunity = await test.rep.opportunity(opportunityId);
    return opportunity?.ERP_Sync_Status__c === status ? opportunity : undefined;
  });
}

async function executionsOf(correlationId: string) {
  const { executions } = await test.sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn }));
  const matching = [];
  for (const execution of executions ?? []) {
    const detail = test.hub.stepFunctions.describeExecution(execution.executionArn as string);
    if (JSON.parse(detail.input).detail.correlationId === correlationId) matching.push(detail);
  }
  return matching;
}

describe('quote-to-cash on the local hub', () => {
  it('turns a closed-won opportunity into one NetSuite order and writes the order number back', async () => {
    const opportunityId = await closeDeal('Initech - 10 laptops');

    const summary = await transactionReaching(test, opportunityId, 'COMPLETED');
    const [order] = await ordersFor(opportunityId);
    const opportunity = await test.rep.opportunity(opportunityId);

    expect(order.orderNumber).toMatch(/^SO\d+/);
    expect(summary.erpOrderNumber).toBe(order.orderNumber);
    expect(summary).toMatchObject({ targetSystem: 'netsuite', routingRule: 'default', crmSystem: 'salesforce' });
    expect(opportunity).toMatchObject({
      ERP_Order_Number__c: order.orderNumber,
      ERP_Order_Status__c: 'Pending Fulfillment',
      ERP_Sync_Status__c: 'Synced',
    });
    expect(await test.correlation.findByKey('erpOrderNumber', order.orderNumber)).toEqual([summary.correlationId]);
    const steps = (await test.correlation.listSteps(summary.correlationId)).map((s) => `${s.step}:${s.outcome}`);
    expect(steps).toEqual([
      'load-order:OK',
      'route-order:OK',
      'upsert-erp-customer:OK',
      'create-erp-order:OK',
      'write-back-order:OK',
    ]);
  });

  it('acknowledges a repeated delivery of the same notification without a second event or order', async () => {
    const opportunityId = await closeDeal('Initech - redelivered');
    const summary = await transactionReaching(test, opportunityId, 'COMPLETED');
    const notification = (await test.rep.state()).outbox.find((n) => n.recordId === opportunityId);
    const acceptedBefore = test.hub.eventBridge.stats.accepted;

    await test.rep.redeliver(notification?.notificationId as string);
    await eventually(async () =>
      (await test.rep.deliveries()).some(
        (d) =>
          d.redelivery &&
          d.outcome === 'acknowledged' &&
          d.notificationIds.includes(notification?.notificationId as string),
      ),
    );

    expect(test.hub.eventBridge.stats.accepted).toBe(acceptedBefore);
    expect(await executionsOf(summary.correlationId)).toHaveLength(1);
    expect(await ordersFor(opportunityId)).toHaveLength(1);
  });

  it('suppresses a second event for the same opportunity (saved again, new notification id)', async () => {
    const opportunityId = await closeDeal('Initech - saved twice');
    await transactionReaching(test, opportunityId, 'COMPLETED');

    await test.rep.edit(opportunityId, { Description: 'Purchase order 4711 attached' });
    const summary = await eventually(async () => {
      const [correlationId] = await test.correlation.findByKey('opportunityId', opportunityId);
      const current = await test.correlation.getSummary(correlationId);
      return (current?.duplicateEvents ?? 0) >= 1 ? current : undefined;
    });

    expect(summary.status).toBe('COMPLETED');
    expect(await executionsOf(summary.correlationId)).toHaveLength(2);
    expect(await ordersFor(opportunityId)).toHaveLength(1);
  });

  it('explains an unmapped product on the opportunity, and a redrive after the fix completes the order', async () => {
    const opportunityId = await closeDeal('Initech - legacy headsets', [
      { productCode: 'SKU-HEADSET-LEGACY', quantity: 20 },
      { productCode: 'SKU-DOCK-USB4', quantity: 2 },
    ]);

    const failed = await transactionReaching(test, opportunityId, 'NEEDS_ATTENTION');
    const opportunity = await writtenBack(opportunityId, 'Needs attention');
    expect(failed.exceptionCode).toBe('PRODUCT_NOT_MAPPED');
    expect(opportunity?.ERP_Sync_Message__c).toMatch(/^PRODUCT_NOT_MAPPED: .*SKU-HEADSET-LEGACY/);
    expect(test.hub.stepFunctions.describeExecution(failed.executionArn as string)).toMatchObject({
      status: 'FAILED',
      error: 'PRODUCT_NOT_MAPPED',
    });
    const deadLetters = await test.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: test.hub.queues['QuoteToCash/FailedExecutions'], MaxNumberOfMessages: 10 }),
    );
    expect(deadLetters.Messages?.some((m) => m.Body?.includes(failed.executionArn as string))).toBe(true);
    expect(await ordersFor(opportunityId)).toHaveLength(0);

    await test.documents.send(
      new PutCommand({
        TableName: test.tables.itemMappings,
        Item: { sku: 'SKU-HEADSET-LEGACY', system: 'netsuite', itemId: '1202' },
      }),
    );
    await test.sfn.send(new RedriveExecutionCommand({ executionArn: failed.executionArn }));

    const completed = await transactionReaching(test, opportunityId, 'COMPLETED');
    expect(completed.exceptionCode).toBeUndefined();
    expect(await ordersFor(opportunityId)).toHaveLength(1);
    await writtenBack(opportunityId, 'Synced');
  });

  it('stops at a credit hold, and completes once finance releases it and the execution is redriven', async () => {
    const opportunityId = await closeDeal(
      'Hooli - monitors',
      [{ productCode: 'SKU-MON-27', quantity: 5 }],
      HOOLI.salesforceId,
    );

    const failed = await transactionReaching(test, opportunityId, 'NEEDS_ATTENTION');
    expect(failed.exceptionCode).toBe('CUSTOMER_ON_CREDIT_HOLD');
    expect((await writtenBack(opportunityId, 'Needs attention')).ERP_Sync_Message__c).toMatch(/credit hold/);

    await test.erp('netsuite').setCreditHold(HOOLI.salesforceId, false);
    await test.sfn.send(new RedriveExecutionCommand({ executionArn: failed.executionArn }));

    await transactionReaching(test, opportunityId, 'COMPLETED');
    expect(await ordersFor(opportunityId)).toHaveLength(1);
  });

  it('waits in line after the 429s NetSuite answers while another integration holds the account concurrency', async () => {
    const configure = (settings: Record<string, unknown>) => test.erp('netsuite').configure(settings);
    const throttled = async () =>
      ((await test.erp('netsuite').state()) as { stats: { throttled: number } }).stats.throttled;
    await configure({ concurrencyLimit: 1, latencyMs: 40 });
    const throttledBefore = await throttled();
    // Another integration of the same NetSuite account keeps the one concurrency slot busy.
    let busy = true;
    const otherIntegration = (async () => {
      while (busy) await fetch(`${test.erp('netsuite').url}/services/rest/record/v1/customer/1`);
    })();
    try {
      const ids = await Promise.all([1, 2, 3].map((n) => closeDeal(`Initech - shared concurrency ${n}`)));
      await eventually(async () => (await throttled()) > throttledBefore);
      busy = false;
      await otherIntegration;
      const completed = [];
      for (const id of ids) completed.push(await transactionReaching(test, id, 'COMPLETED'));

      for (const id of ids) expect(await ordersFor(id)).toHaveLength(1);
      // A throttled call lowers the budget and parks its transaction instead of retrying it at once.
      const waited = completed
        .map((summary) => test.hub.stepFunctions.describeExecution(summary.executionArn as string))
        .flatMap((execution) => execution.history.filter((e) => e.stateName?.endsWith('WaitsForErp')));
      expect(waited.length).toBeGreaterThan(0);
    } finally {
      busy = false;
      await configure({ concurrencyLimit: 5, latencyMs: 0 });
    }
  });

  it('waits behind the open circuit breaker through a NetSuite outage and completes by itself once it is back', async () => {
    const setOutage = (outage: boolean) => test.erp('netsuite').configure({ outage });
    await setOutage(true);
    const opportunityId = await closeDeal('Initech - during outage');
    const waiting = await eventually(async () => {
      const [correlationId] = await test.correlation.findByKey('opportunityId', opportunityId);
      const summary = correlationId ? await test.correlation.getSummary(correlationId) : undefined;
      const execution = summary?.executionArn
        ? test.hub.stepFunctions.describeExecution(summary.executionArn)
        : undefined;
      const parked = execution?.history.at(-1);
      return parked?.stateName?.endsWith('WaitsForErp') && parked.type !== 'StateExited' ? execution : undefined;
    });
    // Waiting is not a failure: the execution runs on and nobody is asked to act.
    expect(waiting.status).toBe('RUNNING');

    await setOutage(false);
    const completed = await transactionReaching(test, opportunityId, 'COMPLETED');
    expect(completed.executionArn).toBe(waiting.executionArn);
    expect(test.hub.stepFunctions.describeExecution(waiting.executionArn).redriveCount).toBe(0);
    expect(await ordersFor(opportunityId)).toHaveLength(1);
  });
});
