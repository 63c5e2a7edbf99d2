// A cutover in shadow mode: French orders go to NetSuite (the target) and also to SAP S/4HANA (the
// shadow, cdk.json hub:routing rule france-cutover). With one deliberate mapping difference (the
// docking station mapped to SAP's monitor), the comparison names that line, the matching orders
// match, only NetSuite's numbers reach the CRM, and `npm run shadow` lists the difference.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../paths';
import { CATALOG_ACCOUNTS } from '../../sandboxes/catalog';
import { eventually, startTestHub, type TestHub } from './local-hub';

const VANDELAY = CATALOG_ACCOUNTS.find((a) => a.billingCountry === 'FR')?.salesforceId as string;
const TARGET = 'netsuite';
const SHADOW = 'sap-s4hana';

let test: TestHub;

beforeAll(async () => {
  test = await startTestHub();
  // The deliberate difference: in SAP the docking station is mapped to the monitor's material.
  const sapItems = await test.erp(SHADOW).itemMappings();
  const monitor = sapItems.find((m) => m.sku === 'SKU-MON-27')?.itemId;
  await test.documents.send(
    new PutCommand({
      TableName: test.tables.itemMappings,
      Item: { sku: 'SKU-DOCK-USB4', system: SHADOW, itemId: monitor },
    }),
  );
});

afterAll(async () => {
  await test?.stop();
});

async function closeDeal(name: string, lines: { productCode: string; quantity: number }[]) {
  const id = await test.rep.createOpportunity({ accountId: VANDELAY, name, lines });
  await test.rep.closeWon(id);
  return id;
}

/** The transaction once its shadow comparison is recorded. */
function compared(opportunityId: string) {
  return eventually(async () => {
    const [correlationId] = await test.correlation.findByKey('opportunityId', opportunityId);
    const summary = correlationId ? await test.correlation.getSummary(correlationId) : undefined;
    return summary?.shadowStatus ? summary : undefined;
  }, 30_000);
}

describe('shadow mode during a cutover', () => {
  it('writes each order to both ERPs, compares them and names the one mapping difference', async () => {
    const matching = await closeDeal('Vandelay - laptops', [{ productCode: 'SKU-LAPTOP-14', quantity: 4 }]);
    const differing = await closeDeal('Vandelay - laptops and docks', [
      { productCode: 'SKU-LAPTOP-14', quantity: 2 },
      { productCode: 'SKU-DOCK-USB4', quantity: 2 },
    ]);

    const [same, different] = [await compared(matching), await compared(differing)];

    expect(same).toMatchObject({
      status: 'COMPLETED',
      targetSystem: TARGET,
      shadowSystem: SHADOW,
      shadowStatus: 'MATCH',
    });
    expect(different).toMatchObject({ status: 'COMPLETED', shadowStatus: 'DIFFERENT' });
    const comparisons = await test.correlation.listShadowComparisons(SHADOW);
    const report = comparisons.find((c) => c.crmReference === differing);
    expect(report?.differences).toEqual([
      { field: 'line 2 item', target: expect.stringContaining('Dock'), shadow: expect.stringContaining('Monitor') },
    ]);
    for (const id of [matching, differing]) {
      expect(await test.erp(TARGET).ordersFor(id)).toHaveLength(1);
      expect(await test.erp(SHADOW).ordersFor(id)).toHaveLength(1);
      const opportunity = await test.rep.opportunity(id);
      const [targetOrder] = await test.erp(TARGET).ordersFor(id);
      expect(opportunity?.ERP_Order_Number__c).toBe(targetOrder.orderNumber);
    }
  });

  it('lists the difference with npm run shadow', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        join(PROJECT_ROOT, 'scripts', 'shadow.ts'),
        '--table',
        test.tables.correlation,
        '--differences',
        '--json',
      ],
      {
        cwd: PROJECT_ROOT,
        timeout: 60_000,
        env: { ...process.env, ...test.hub.awsEnvironment },
      },
    );
    const { comparisons, totals } = JSON.parse(stdout) as {
      comparisons: { status: string; differences: { field: string }[] }[];
      totals: { compared: number; different: number; match: number };
    };

    expect(totals).toMatchObject({ different: 1, match: 1 });
    expect(comparisons).toHaveLength(1);
    expect(comparisons[0].differences.map((d) => d.field)).toEqual(['line 2 item']);
  });

  it('completes the transaction when the shadow ERP refuses the order, and records why', async () => {
    // The target sells the legacy headset as its dock; the shadow has no item for it.
    const dock = (await test.erp(TARGET).itemMappings()).find((m) => m.sku === 'SKU-DOCK-USB4')?.itemId;
    await test.documents.send(
      new PutCommand({
        TableName: test.tables.itemMappings,
        Item: { sku: 'SKU-HEADSET-LEGACY', system: TARGET, itemId: dock },
      }),
    );
    const withUnmapped = await closeDeal('Vandelay - headsets', [{ productCode: 'SKU-HEADSET-LEGACY', quantity: 1 }]);

    const summary = await compared(withUnmapped);
    expect(summary).toMatchObject({ status: 'COMPLETED', shadowStatus: 'FAILED' });
    const report = (await test.correlation.listShadowComparisons(SHADOW)).find((c) => c.crmReference === withUnmapped);
    expect(report).toMatchObject({ status: 'FAILED', error: 'PRODUCT_NOT_MAPPED' });
    expect(await test.erp(SHADOW).ordersFor(withUnmapped)).toHaveLength(0);
    expect((await test.rep.opportunity(withUnmapped))?.ERP_Sync_Status__c).toBe('Synced');
  });
});
