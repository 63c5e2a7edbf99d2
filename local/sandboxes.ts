// The vendor sandboxes as the local hub's counterparts: started next to it, given the hub's
// credentials (as an admin would register them), and fed the reference data a deployment
// sets up once: the item mappings and the outbound-message endpoint.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CATALOG_PRODUCTS } from '../sandboxes/catalog';
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../sandboxes/netsuite';
import { type SalesforceSandbox, startSalesforceSandbox } from '../sandboxes/salesforce';
import type { LocalSecretsManager } from './aws/secrets-manager';
import { newRsaKeyPem } from './local-secrets';
import type { SecretModel, TableModel } from './template-model';

export interface LocalSandboxes {
  salesforce: SalesforceSandbox;
  netsuite: NetSuiteSandbox;
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
  const salesforce = await startSalesforceSandbox({
    port: options.ports?.salesforce ?? 0,
    clients: [SALESFORCE_CLIENT],
    latencyMs: options.latencyMs,
    outboundMessage: { retryBaseMs: options.outboundRetryBaseMs },
    stateFile: options.stateDirectory && join(options.stateDirectory, 'salesforce-sandbox.json'),
  });
  const netsuite = await startNetSuiteSandbox({
    port: options.ports?.netsuite ?? 0,
    latencyMs: options.latencyMs,
    concurrencyLimit: options.netsuiteConcurrencyLimit,
    stateFile: options.stateDirectory && join(options.stateDirectory, 'netsuite-sandbox.json'),
  }).catch(async (error) => {
    await salesforce.stop();
    throw error;
  });
  return {
    salesforce,
    netsuite,
    stop: async () => {
      await salesforce.stop();
      await netsuite.stop();
    },
  };
}

/** The secret value pointing the hub at a sandbox, or undefined for secrets no sandbox concerns. */
export function sandboxSecretValue(
  secret: SecretModel,
  sandboxes: LocalSandboxes,
  saved: string | undefined,
): string | undefined {
  if (secret.name.endsWith('/salesforce/api')) {
    return JSON.stringify({ loginUrl: sandboxes.salesforce.url, ...SALESFORCE_CLIENT, apiVersion: '62.0' });
  }
  if (secret.name.endsWith('/netsuite/api')) {
    // The key stays the same between runs; NetSuite knows its certificate.
    const privateKeyPem = (
      saved && (JSON.parse(saved).privateKeyPem as string | undefined)?.includes('PRIVATE KEY')
        ? JSON.parse(saved).privateKeyPem
        : newRsaKeyPem()
    ) as string;
    sandboxes.netsuite.addClient({
      ...NETSUITE_CLIENT,
      publicKeyPem: createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString(),
    });
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
  input.sandboxes.salesforce.setOutboundEndpoint(endpoint);
  return endpoint;
}
