// Starts a whole local hub for an integration test: the shared synthesized app, fresh data in a
// temporary directory, and short retry waits so failure paths finish in seconds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { CorrelationStore, type TransactionSummary } from '../../functions/stores/correlation-store';
import { type HubOptions, type RunningHub, startHub } from '../../local/hub';
import { SalesRep } from '../../sandboxes/salesforce/sales-rep';

export interface TestHub {
  hub: RunningHub;
  rep: SalesRep;
  correlation: CorrelationStore;
  documents: DynamoDBDocumentClient;
  sfn: SFNClient;
  sqs: SQSClient;
  netsuite: (path: string, init?: RequestInit) => Promise<unknown>;
  stop(): Promise<void>;
}

export async function startTestHub(options: HubOptions = {}): Promise<TestHub> {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'hub-test-'));
  const hub = await startHub({
    assemblyDirectory: inject('assemblyDirectory'),
    dataDirectory,
    persist: false,
    retryIntervalMs: 20,
    asyncRetryDelaysMs: [50, 100],
    deliveryRetryBaseMs: 20,
    outboundRetryBaseMs: 100,
    ...options,
  });
  const config = {
    region: hub.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ ...config, endpoint: hub.endpoints.dynamodb }));
  const sandboxes = hub.sandboxes;
  if (!sandboxes) throw new Error('Integration tests need the sandboxes');
  return {
    hub,
    rep: new SalesRep(sandboxes.salesforce.url),
    correlation: new CorrelationStore(hub.tables['Tracking/Correlation'], documents),
    documents,
    sfn: new SFNClient({ ...config, endpoint: hub.endpoints.aws }),
    sqs: new SQSClient({ ...config, endpoint: hub.endpoints.sqs }),
    netsuite: async (path, init) => {
      const response = await fetch(`${sandboxes.netsuite.url}${path}`, init);
      const text = await response.text();
      return text ? JSON.parse(text) : undefined;
    },
    stop: async () => {
      await hub.stop();
      rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** Polls until `probe` returns a value, or fails after `timeoutMs` with the last value seen. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last as T;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Condition not met within ${timeoutMs} ms (last value: ${JSON.stringify(last)})`);
}

/** The transaction an opportunity started, once it has reached `status`. */
export async function transactionReaching(test: TestHub, opportunityId: string, status: TransactionSummary['status']) {
  return eventually(async () => {
    const [correlationId] = await test.correlation.findByKey('opportunityId', opportunityId);
    const summary = correlationId ? await test.correlation.getSummary(correlationId) : undefined;
    return summary?.status === status ? summary : undefined;
  });
}
