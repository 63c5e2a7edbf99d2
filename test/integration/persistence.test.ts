// The local hub keeps its data between runs: tables, executions, queued dead letters, secrets and
// the sandboxes' records survive a stop and a start on the same data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { CorrelationStore } from '../../functions/stores/correlation-store';
import type { RunningHub } from '../../local/hub';
import { CATALOG_ACCOUNTS } from '../../sandboxes/catalog';
import { SalesRep } from '../../sandboxes/salesforce/sales-rep';
import { OUTPUTS } from '../../stack-contract';
import { eventually, startPersistentHub } from './local-hub';

const dataDirectory = mkdtempSync(join(tmpdir(), 'hub-persist-'));
let hub: RunningHub | undefined;

const start = () => startPersistentHub(dataDirectory);

function clients(running: RunningHub) {
  const config = { region: running.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...config, endpoint: running.endpoints.dynamodb }),
  );
  return {
    correlation: new CorrelationStore(running.outputs[OUTPUTS.correlationTable].value, documents),
    sqs: new SQSClient({ ...config, endpoint: running.endpoints.sqs }),
    rep: new SalesRep(running.sandboxes?.urls.salesforce as string),
  };
}

afterAll(async () => {
  await hub?.stop();
  rmSync(dataDirectory, { recursive: true, force: true });
});

describe('local hub data between runs', () => {
  it('finds the transaction, its failed execution, the dead letter and the sandbox records after a restart', async () => {
    hub = await start();
    const first = clients(hub);
    const opportunityId = await first.rep.createOpportunity({
      accountId: CATALOG_ACCOUNTS[2].salesforceId,
      name: 'Initech - kept between runs',
      lines: [{ productCode: 'SKU-HEADSET-LEGACY', quantity: 1 }],
    });
    await first.rep.closeWon(opportunityId);
    const failed = await eventually(async () => {
      const [correlationId] = await first.correlation.findByKey('opportunityId', opportunityId);
      const summary = correlationId ? await first.correlation.getSummary(correlationId) : undefined;
      return summary?.status === 'NEEDS_ATTENTION' ? summary : undefined;
    });
    await eventually(
      async () => hub?.eventBridge.stats.delivered && (await first.rep.opportunity(opportunityId))?.ERP_Sync_Status__c,
    );
    await hub.eventBridge.settled();
    const tokenOf = (url: string | undefined) => new URL(url as string).searchParams.get('token');
    const webhookToken = tokenOf(hub.webhookEndpoints.salesforce);
    await hub.stop();
    hub = undefined;

    hub = await start();
    const second = clients(hub);
    const [correlationId] = await second.correlation.findByKey('opportunityId', opportunityId);
    const summary = await second.correlation.getSummary(correlationId);
    const execution = hub.stepFunctions.describeExecution(failed.executionArn as string);
    const deadLetters = await second.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: hub.queues['QuoteToCash/FailedExecutions'], MaxNumberOfMessages: 10 }),
    );

    expect(summary).toMatchObject({ status: 'NEEDS_ATTENTION', exceptionCode: 'PRODUCT_NOT_MAPPED' });
    expect(execution).toMatchObject({ status: 'FAILED', error: 'PRODUCT_NOT_MAPPED' });
    expect(deadLetters.Messages?.some((m) => m.Body?.includes(failed.executionArn as string))).toBe(true);
    expect((await second.rep.opportunity(opportunityId))?.ERP_Sync_Status__c).toBe('Needs attention');
    expect(tokenOf(hub.webhookEndpoints.salesforce)).toBe(webhookToken);
  });
});
