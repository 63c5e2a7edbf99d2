// The vendor sandboxes as the local hub's counterparts: the sandboxes of the systems the
// template connects (each secret says which system it is for), run in a process of their own
// (sandboxes/serve.ts), and set up as an administrator would set up the real systems once: the
// hub's credentials issued by each system and put in its secret, the catalog's item mappings in
// the mapping table, and each sender told the webhook URL to deliver to. The hub reaches them
// over HTTP only, as it reaches the real vendors.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PROJECT_ROOT } from '../paths';
import { sandboxFor } from '../sandboxes/registry';
import type { SandboxStartOptions } from '../sandboxes/sandbox';
import { OUTPUTS } from '../stack-contract';
import type { LocalSecretsManager } from './aws/secrets-manager';
import type { SecretModel } from './template-model';

export interface LocalSandboxes {
  /** Base URL by system name, as the registry names systems. */
  urls: Record<string, string>;
  stop(): Promise<void>;
}

export interface SandboxesOptions {
  stateDirectory?: string;
  latencyMs: number;
  /** Port by system; absent systems get a free port. */
  ports?: Record<string, number>;
  /** Vendor options by system, as each sandbox documents them. */
  settings?: Record<string, Record<string, unknown>>;
}

/** The systems the template's secrets connect that a sandbox plays. */
export function sandboxedSystems(secrets: SecretModel[]): string[] {
  const systems = new Set(secrets.flatMap((secret) => (secret.purpose ? [secret.purpose.system] : [])));
  return [...systems].filter((system) => sandboxFor(system));
}

export async function startSandboxes(systems: string[], options: SandboxesOptions): Promise<LocalSandboxes> {
  const requested: Record<string, SandboxStartOptions> = Object.fromEntries(
    systems.map((system) => [
      system,
      {
        port: options.ports?.[system] ?? 0,
        latencyMs: options.latencyMs,
        stateFile: options.stateDirectory && join(options.stateDirectory, `${system}-sandbox.json`),
        settings: options.settings?.[system] ?? {},
      },
    ]),
  );
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(PROJECT_ROOT, 'sandboxes', 'serve.ts'), JSON.stringify(requested)],
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
  const started = JSON.parse(line) as Record<string, { url: string }>;
  return {
    urls: Object.fromEntries(Object.entries(started).map(([system, { url }]) => [system, url])),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The API credentials a sandbox issues the hub, kept working across restarts (`saved` is the last value). */
export async function sandboxCredentials(
  sandboxes: LocalSandboxes,
  secret: SecretModel,
  saved: string | undefined,
): Promise<string | undefined> {
  const url = secret.purpose?.purpose === 'api' ? sandboxes.urls[secret.purpose.system] : undefined;
  if (!url) return undefined;
  const previous = saved ? (JSON.parse(saved) as Record<string, unknown>) : undefined;
  return JSON.stringify(await control(url, 'POST', '/_sandbox/connection', { previous }));
}

/** The item mappings an administrator loads once, from every ERP sandbox, into a new mapping table. */
export async function seedItemMappings(input: {
  sandboxes: LocalSandboxes;
  outputs: Record<string, { value: string }>;
  createdTables: Set<string>;
  dynamodb: DynamoDBClient;
}): Promise<void> {
  const table = input.outputs[OUTPUTS.itemMappingTable]?.value;
  if (!table || !input.createdTables.has(table)) return;
  for (const [system, url] of Object.entries(input.sandboxes.urls)) {
    const mappings = await optionalControl<{ sku: string; itemId: string }[]>(url, '/_sandbox/item-mappings');
    for (const mapping of mappings ?? []) {
      await input.dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            sku: { S: mapping.sku },
            system: { S: system },
            itemId: { S: mapping.itemId },
            updatedAt: { S: new Date().toISOString() },
          },
        }),
      );
    }
  }
}

/** Tells every sending sandbox the webhook URL (from the stack output its secret names) and the secret. */
export async function registerWebhooks(input: {
  sandboxes: LocalSandboxes;
  outputs: Record<string, { value: string }>;
  secrets: LocalSecretsManager;
  models: SecretModel[];
}): Promise<Record<string, string>> {
  const endpoints: Record<string, string> = {};
  for (const model of input.models) {
    const { purpose } = model;
    const url = purpose?.purpose === 'webhook' ? input.sandboxes.urls[purpose.system] : undefined;
    if (!purpose || !url) continue;
    const webhookUrl = purpose.urlOutput ? input.outputs[purpose.urlOutput]?.value : undefined;
    if (!webhookUrl) throw new Error(`The stack has no output ${purpose.urlOutput} for the ${purpose.system} webhook`);
    const value = input.secrets.list().find((s) => s.name === model.name)?.value ?? '{}';
    const { endpointUrl } = (await control(url, 'PUT', '/_sandbox/webhook', {
      url: webhookUrl,
      secret: JSON.parse(value),
    })) as { endpointUrl: string };
    endpoints[purpose.system] = endpointUrl;
  }
  return endpoints;
}

async function control(baseUrl: string, method: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Sandbox ${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A control route only some sandboxes have (ERPs have item mappings, CRMs do not). */
async function optionalControl<T>(baseUrl: string, path: string): Promise<T | undefined> {
  const response = await fetch(`${baseUrl}${path}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`Sandbox GET ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}
