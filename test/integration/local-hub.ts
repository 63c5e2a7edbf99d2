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
import { ErpDesk } from '../../sandboxes/erp-sandbox';
import { SalesRep } from '../../sandboxes/salesforce/sales-rep';
import { OUTPUTS } from '../../stack-contract';

export interface TestHub {
  hub: RunningHub;
  rep: SalesRep;
  correlation: CorrelationStore;
  documents: DynamoDBDocumentClient;
  sfn: SFNClient;
  sqs: SQSClient;
  /** Physical table names, from the stack outputs. */
  tables: { correlation: string; itemMappings: string };
  /** The control surface of an ERP sandbox, by system name. */
  erp: (system: string) => ErpDesk;
  /** A call to a sandbox's own API or control routes, answered as JSON. */
  sandbox: (system: string, path: string, init?: RequestInit) => Promise<unknown>;
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
    // The capacity keeper looks every second, not every minute, so a probe follows a recovery at once.
    scheduleIntervalMs: 1_000,
    ...options,
    sandboxSettings: { salesforce: { outboundRetryBaseMs: 100 }, ...options.sandboxSettings },
  });
  const config = {
    region: hub.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ ...config, endpoint: hub.endpoints.dynamodb }));
  const urls = hub.sandboxes?.urls;
  if (!urls) throw new Error('Integration tests need the sandboxes');
  const urlOf = (system: string) => {
    const url = urls[system];
    if (!url) throw new Error(`No ${system} sandbox runs; the template does not connect ${system}`);
    return url;
  };
  const tables = {
    correlation: hub.outputs[OUTPUTS.correlationTable].value,
    itemMappings: hub.outputs[OUTPUTS.itemMappingTable].value,
  };
  return {
    hub,
    rep: new SalesRep(urlOf('salesforce')),
    correlation: new CorrelationStore(tables.correlation, documents),
    documents,
    sfn: new SFNClient({ ...config, endpoint: hub.endpoints.aws }),
    sqs: new SQSClient({ ...config, endpoint: hub.endpoints.sqs }),
    tables,
    erp: (system) => new ErpDesk(urlOf(system)),
    sandbox: async (system, path, init) => {
      const response = await fetch(`${urlOf(system)}${path}`, init);
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
/**
 * A hub that keeps its data in `dataDirectory` between starts (restart tests): the shared
 * synthesized app, short retry waits, no environments warmed at start.
 */
export function startPersistentHub(dataDirectory: string, options: HubOptions = {}): Promise<RunningHub> {
  return startHub({
    assemblyDirectory: inject('assemblyDirectory'),
    dataDirectory,
    persist: true,
    retryIntervalMs: 20,
    warmEnvironmentsPerFunction: 0,
    ...options,
  });
}

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
