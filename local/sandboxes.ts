// The vendor sandboxes as the local hub's counterparts: run in a process of their own
// (sandboxes/serve.ts), given the hub's credentials as an admin would register them, and fed
// the reference data a deployment sets up once: the item mappings and the outbound-message
// endpoint. The hub reaches them over HTTP only, as it reaches the real vendors.
import { spawn } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PROJECT_ROOT } from '../lib/paths';
import { CATALOG_PRODUCTS } from '../sandboxes/catalog';
import type { LocalSecretsManager } from './aws/secrets-manager';
import { newRsaKeyPem } from './local-secrets';
import type { SecretModel, TableModel } from './template-model';

export interface LocalSandboxes {
  salesforce: { url: string; orgId: string };
  netsuite: { url: string; accountId: string };
  stop(): Promise<void>;
}

const SALESFORCE_CLIENT = { clientId: 'hub-local', clientSecret: 'hub-local-secret' };
const NETSUITE_CLIENT = { clientId: 'hub-local', certificateId: 'hub-local-certificate' };

export async function startSandboxes(options: {
  stateDirectory?: string;
  ports?: { salesforce?: number; netsuite?: number };
  latencyMs: number;
  netsuiteConcurrencyLimit: number;
  outboundRetryBaseMs?: number;
}): Promise<LocalSandboxes> {
  const settings = {
    salesforce: {
      port: options.ports?.salesforce ?? 0,
      clients: [SALESFORCE_CLIENT],
      latencyMs: options.latencyMs,
      outboundMessage: { retryBaseMs: options.outboundRetryBaseMs },
      stateFile: options.stateDirectory && join(options.stateDirectory, 'salesforce-sandbox.json'),
    },
    netsuite: {
      port: options.ports?.netsuite ?? 0,
      latencyMs: options.latencyMs,
      concurrencyLimit: options.netsuiteConcurrencyLimit,
      stateFile: options.stateDirectory && join(options.stateDirectory, 'netsuite-sandbox.json'),
    },
  };
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(PROJECT_ROOT, 'sandboxes', 'serve.ts'), JSON.stringify(settings)],
    {
      cwd: PROJECT_ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  );
  const exited = once(child, 'exit');
  const [line] = (await Promise.race([
    once(createInterface({ input: child.stdout }), 'line'),
    exited.then(([code]) => {
      throw new Error(`The sandboxes exited with code ${code} before listening`);
    }),
  ])) as [string];
  const urls = JSON.parse(line) as Omit<LocalSandboxes, 'stop'>;
  return {
    ...urls,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The secret value pointing the hub at a sandbox, or undefined for secrets no sandbox concerns. */
export async function sandboxSecretValue(
  secret: SecretModel,
  sandboxes: LocalSandboxes,
  saved: string | undefined,
): Promise<string | undefined> {
  if (secret.name.endsWith('/salesforce/api')) {
    return JSON.stringify({ loginUrl: sandboxes.salesforce.url, ...SALESFORCE_CLIENT, apiVersion: '62.0' });
  }
  if (secret.name.endsWith('/netsuite/api')) {
    // The key stays the same between runs; NetSuite knows its certificate.
    const savedKey = saved ? (JSON.parse(saved) as { privateKeyPem?: string }).privateKeyPem : undefined;
    const privateKeyPem = savedKey?.includes('PRIVATE KEY') ? savedKey : newRsaKeyPem();
    const publicKeyPem = createPublicKey(createPrivateKey(privateKeyPem))
      .export({ type: 'spki', format: 'pem' })
      .toString();
    await control(sandboxes.netsuite.url, 'POST', '/_sandbox/clients', { ...NETSUITE_CLIENT, publicKeyPem });
    return JSON.stringify({
      accountId: sandboxes.netsuite.accountId,
      baseUrl: sandboxes.netsuite.url,
      ...NETSUITE_CLIENT,
      privateKeyPem,
    });
  }
  return undefined;
}

/**
 * What an administrator sets up once: the catalog's item mappings (in a new mapping table) and
 * the outbound-message endpoint with its token in Salesforce. Returns that endpoint URL.
 */
export async function seedSandboxReferenceData(input: {
  sandboxes: LocalSandboxes;
  outputs: Record<string, { value: string }>;
  secrets: LocalSecretsManager;
  tables: TableModel[];
  newTables: Set<string>;
  dynamodb: DynamoDBClient;
}): Promise<string> {
  const mappingTable = input.tables.find((t) => t.path.endsWith('ItemMappings'));
  if (mappingTable && input.newTables.has(mappingTable.name)) {
    for (const product of CATALOG_PRODUCTS.filter((p) => p.netsuiteItemId)) {
      await input.dynamodb.send(
        new PutItemCommand({
          TableName: mappingTable.name,
          Item: {
            sku: { S: product.code },
            system: { S: 'netsuite' },
            itemId: { S: product.netsuiteItemId as string },
            updatedAt: { S: new Date().toISOString() },
          },
        }),
      );
    }
  }
  const webhook = Object.entries(input.outputs).find(([name]) => /SalesforceWebhookUrl/.test(name));
  const secret = input.secrets.list().find((s) => s.name.endsWith('/salesforce/webhook'));
  if (!webhook || !secret) throw new Error('The stack has no Salesforce webhook URL output or webhook secret');
  const token = (JSON.parse(secret.value) as { sharedSecret: string }).sharedSecret;
  const endpoint = `${webhook[1].value}?token=${encodeURIComponent(token)}`;
  await control(input.sandboxes.salesforce.url, 'PUT', '/_sandbox/config', { endpointUrl: endpoint });
  return endpoint;
}

async function control(baseUrl: string, method: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`Sandbox ${method} ${path} answered ${response.status}: ${await response.text()}`);
}
