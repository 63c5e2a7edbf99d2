// The local hub: the synthesized CDK app running on this machine. Every resource comes from the
// template (template-model.ts); the AWS services are stand-ins speaking the real wire protocols
// (DynamoDB: dynalite, SQS: fauxqs) or faithful emulations (EventBridge, Step Functions, Secrets
// Manager, API Gateway, Lambda), and vendor sandboxes play the systems the template connects.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { PROJECT_ROOT } from '../paths';
import { startHttpApi } from './apigateway/http-api';
import { startDynamoDb } from './aws/dynamodb';
import { startAwsEndpoint } from './aws/endpoint';
import { LocalSecretsManager } from './aws/secrets-manager';
import { readCloudAssembly, synthesize } from './cloud-assembly';
import { LocalEventBridge, TargetError } from './eventbridge/event-bus';
import { FunctionError, LambdaRuntime } from './lambda/runtime';
import { generatedValue } from './local-secrets';
import { LOCAL_ACCOUNT, LocalResources } from './resources';
import {
  type LocalSandboxes,
  registerWebhooks,
  sandboxCredentials,
  sandboxedSystems,
  seedItemMappings,
  startSandboxes,
} from './sandboxes';
import { LocalStepFunctions } from './stepfunctions/step-functions';
import * as model from './template-model';

export interface HubOptions {
  /** An existing synthesized app (cdk.out); by default the app is synthesized into the data directory. */
  assemblyDirectory?: string;
  /** CDK context on top of cdk.json's, e.g. another hub:routing (a configuration deploy). */
  context?: Record<string, unknown>;
  /** Where the hub keeps its state. @default <project>/.hub */
  dataDirectory?: string;
  /** Keep data between runs. @default true */
  persist?: boolean;
  ports?: Partial<Record<'gateway' | 'aws' | 'dynamodb' | 'sqs', number>> & { sandboxes?: Record<string, number> };
  /** Start a sandbox for every connected system that has one and point the hub's secrets at them. @default true */
  sandboxes?: boolean;
  /** Added latency of every sandbox API answer. @default 0 */
  sandboxLatencyMs?: number;
  /** Vendor options by system name, as each sandbox's index.ts documents them (a concurrency limit, a retry schedule). */
  sandboxSettings?: Record<string, Record<string, unknown>>;
  /** Fixed wait before every state-machine retry instead of the ASL backoff (tests). */
  retryIntervalMs?: number;
  /** Waits before Lambda's retries of a failed asynchronous invocation. @default [60000, 120000] */
  asyncRetryDelaysMs?: number[];
  /** Period of every schedule rule instead of its rate() (tests). @default each rule's rate */
  scheduleIntervalMs?: number;
  /** First wait before EventBridge retries a failed target delivery. @default 1000 */
  deliveryRetryBaseMs?: number;
  /** Concurrent execution environments per function. @default 4 */
  maxEnvironmentsPerFunction?: number;
  /** Execution environments started per function at start, so first requests skip the cold start. @default 1 */
  warmEnvironmentsPerFunction?: number;
  region?: string;
  log?: (line: string) => void;
}

export interface RunningHub {
  region: string;
  stackName: string;
  dataDirectory: string;
  /** Resolved stack outputs: webhook URLs and the like. */
  outputs: Record<string, { description?: string; value: string }>;
  /** What each sending sandbox delivers to, by system (the webhook URL, with a token where the sender needs one). */
  webhookEndpoints: Record<string, string>;
  endpoints: { gateway: string; aws: string; dynamodb: string; sqs: string };
  /** Physical names by construct path, e.g. tables['Tracking/Correlation']. */
  tables: Record<string, string>;
  queues: Record<string, string>;
  stateMachines: Record<string, string>;
  functions: Record<string, string>;
  /** Environment a script needs for the AWS SDK to reach this hub. */
  awsEnvironment: Record<string, string>;
  sandboxes?: LocalSandboxes;
  secrets: LocalSecretsManager;
  eventBridge: LocalEventBridge;
  stepFunctions: LocalStepFunctions;
  lambda: LambdaRuntime;
  stop(): Promise<void>;
}

export async function startHub(options: HubOptions = {}): Promise<RunningHub> {
  const log = options.log ?? (() => {});
  const region = options.region ?? 'us-east-1';
  const persist = options.persist ?? true;
  const dataDirectory = options.dataDirectory ?? join(PROJECT_ROOT, '.hub');
  if (!persist) rmSync(join(dataDirectory, 'state'), { recursive: true, force: true });
  const stateDirectory = join(dataDirectory, 'state');
  mkdirSync(stateDirectory, { recursive: true });
  const assembly = options.assemblyDirectory
    ? readCloudAssembly(options.assemblyDirectory)
    : await synthesize(join(dataDirectory, 'cdk.out'), log, options.context);
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopper of stoppers.reverse())
      await stopper().catch((error: Error) => log(`Stopping: ${error.message}`));
  };
  try {
    // Stand-ins speaking the real wire protocols.
    const dynamo = await startDynamoDb({
      port: options.ports?.dynamodb ?? 0,
      path: persist ? join(stateDirectory, 'dynamodb') : undefined,
    });
    stoppers.push(() => dynamo.stop());
    const dynamodbUrl = dynamo.url;
    const sqsServer = await startFauxqs({ port: options.ports?.sqs ?? 0, logger: false, defaultRegion: region });
    stoppers.push(() => sqsServer.stop());
    const sqsUrl = `http://127.0.0.1:${sqsServer.port}`;

    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    let awsUrl = '';
    const clients = {
      dynamodb: new DynamoDBClient({ region, endpoint: dynamodbUrl, credentials }),
      sqs: new SQSClient({ region, endpoint: sqsUrl, credentials }),
      // The local AWS endpoint starts once the services it serves exist; its URL is read per call.
      eventbridge: new EventBridgeClient({ region, endpoint: async () => ({ url: new URL(awsUrl) }), credentials }),
    };

    let gatewayUrl = '';
    const queueUrlByName = new Map<string, string>();
    const resources = new LocalResources(assembly, {
      region,
      stackName: assembly.stackName,
      queueUrl: (name) => {
        const url = sqsServer.createQueue(name, { region }).queueUrl;
        queueUrlByName.set(name, url);
        return url;
      },
      get apiEndpoint() {
        return gatewayUrl;
      },
    });

    const tableModels = model.tables(resources);
    const createdTables = await createTables(clients.dynamodb, tableModels);
    const queueModels = model.queues(resources);
    const queueUrlByArn = new Map(queueModels.map((q) => [q.arn, queueUrlByName.get(q.name) as string]));
    if (persist) {
      // fauxqs keeps messages in memory: what the queues hold is saved at stop and put back here.
      const queueFile = join(stateDirectory, 'sqs-messages.json');
      await restoreQueueMessages(clients.sqs, queueFile, queueUrlByName);
      stoppers.push(async () =>
        saveQueueMessages(
          sqsServer,
          queueFile,
          queueModels.map((q) => q.name),
        ),
      );
    }

    // Vendor sandboxes and the secret values that point at them.
    const secretModels = model.secrets(resources);
    const sandboxes =
      options.sandboxes === false
        ? undefined
        : await startSandboxes(sandboxedSystems(secretModels), {
            stateDirectory: persist ? stateDirectory : undefined,
            ports: options.ports?.sandboxes,
            latencyMs: options.sandboxLatencyMs ?? 0,
            settings: options.sandboxSettings,
          });
    if (sandboxes) stoppers.push(() => sandboxes.stop());
    const secrets = new LocalSecretsManager(persist ? join(stateDirectory, 'secrets.json') : undefined);
    const saved = secrets.savedValues();
    for (const secret of secretModels) {
      const value =
        (sandboxes && (await sandboxCredentials(sandboxes, secret, saved[secret.name]))) ??
        saved[secret.name] ??
        generatedValue(secret);
      secrets.define(secret.name, secret.arn, value);
    }

    // Lambda, EventBridge and Step Functions, wired as the template wires them.
    const functionModels = model.functions(resources);
    const awsEnvironment = () => ({
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbUrl,
      AWS_ENDPOINT_URL_SQS: sqsUrl,
      AWS_ENDPOINT_URL_EVENTBRIDGE: awsUrl,
      AWS_ENDPOINT_URL_SFN: awsUrl,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: awsUrl,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    const sendToQueue = async (queueArn: string, body: string, attributes: Record<string, string>) => {
      const queueUrl = queueUrlByArn.get(queueArn);
      if (!queueUrl) throw new Error(`No local queue ${queueArn}`);
      await clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: body,
          MessageAttributes: Object.fromEntries(
            Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v.slice(0, 256) }]),
          ),
        }),
      );
    };
    const lambdaEnvironment: Record<string, string> = {};
    const lambda = new LambdaRuntime({
      functions: functionModels,
      baseEnvironment: lambdaEnvironment,
      logDirectory: join(dataDirectory, 'logs'),
      maxEnvironments: options.maxEnvironmentsPerFunction ?? 4,
      asyncRetryDelaysMs: options.asyncRetryDelaysMs,
      deadLetter: (queueArn, body, error) =>
        sendToQueue(queueArn, body, { ErrorCode: error.errorType, ErrorMessage: error.errorMessage }),
    });
    stoppers.push(() => lambda.stop());

    let stepFunctions: LocalStepFunctions | undefined;
    const eventBridge = new LocalEventBridge({
      region,
      account: LOCAL_ACCOUNT,
      retryBaseMs: options.deliveryRetryBaseMs,
      deliver: (targetArn, input) => deliverToTarget(targetArn, input, { lambda, stepFunctions, sendToQueue }),
      deadLetter: sendToQueue,
    });
    for (const bus of model.buses(resources)) eventBridge.addBus(bus);
    for (const rule of model.rules(resources)) eventBridge.addRule(rule);

    stepFunctions = new LocalStepFunctions({
      invokeFunction: (arn, payload) => lambda.invoke(arn, payload),
      clients,
      directory: persist ? join(stateDirectory, 'executions') : undefined,
      retryIntervalMs: options.retryIntervalMs,
      onStatusChange: (execution, machine) =>
        eventBridge.emit({
          source: 'aws.states',
          'detail-type': 'Step Functions Execution Status Change',
          time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          resources: [execution.executionArn],
          detail: {
            executionArn: execution.executionArn,
            stateMachineArn: machine.arn,
            name: execution.name,
            status: execution.status,
            startDate: execution.startDate,
            stopDate: execution.stopDate ?? null,
            input: execution.input,
            inputDetails: { included: true },
            output: execution.output ?? null,
            outputDetails: { included: execution.output !== undefined },
            error: execution.error ?? null,
            cause: execution.cause ?? null,
            redriveCount: execution.redriveCount,
          },
        }),
    });
    stoppers.push(() => stepFunctions?.stop() ?? Promise.resolve());
    const machineModels = model.stateMachines(resources);
    for (const machine of machineModels) {
      stepFunctions.addStateMachine({
        arn: machine.arn,
        name: machine.name,
        roleArn: machine.roleArn,
        definition: machine.definition as never,
      });
    }

    const aws = await startAwsEndpoint({ eventBridge, stepFunctions, secrets }, options.ports?.aws ?? 0);
    stoppers.push(() => aws.stop());
    awsUrl = aws.url;
    Object.assign(lambdaEnvironment, awsEnvironment());

    const gateway = await startHttpApi({
      routes: model.routes(resources),
      invoke: (arn, event) => lambda.invoke(arn, event),
      port: options.ports?.gateway ?? 0,
    });
    stoppers.push(() => gateway.stop());
    gatewayUrl = gateway.url;

    const outputs = model.outputs(resources);
    let webhookEndpoints: Record<string, string> = {};
    if (sandboxes) {
      await seedItemMappings({ sandboxes, outputs, createdTables, dynamodb: clients.dynamodb });
      webhookEndpoints = await registerWebhooks({ sandboxes, outputs, secrets, models: secretModels });
    }
    lambda.warm(options.warmEnvironmentsPerFunction ?? 1);
    const resumed = stepFunctions.resumeInterrupted();
    if (resumed > 0) log(`Resumed ${resumed} execution(s) interrupted by the last stop`);
    eventBridge.startSchedules(options.scheduleIntervalMs);
    stoppers.push(async () => eventBridge.stopSchedules());

    const byPath = <T extends { path: string }>(items: T[], value: (item: T) => string) =>
      Object.fromEntries(items.map((item) => [item.path, value(item)]));
    return {
      region,
      stackName: assembly.stackName,
      dataDirectory,
      outputs,
      webhookEndpoints,
      endpoints: { gateway: gateway.url, aws: aws.url, dynamodb: dynamodbUrl, sqs: sqsUrl },
      tables: byPath(tableModels, (t) => t.name),
      queues: Object.fromEntries(queueModels.map((q) => [q.path, queueUrlByArn.get(q.arn) as string])),
      stateMachines: byPath(machineModels, (m) => m.arn),
      functions: byPath(functionModels, (f) => f.name),
      awsEnvironment: awsEnvironment(),
      sandboxes,
      secrets,
      eventBridge,
      stepFunctions,
      lambda,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface SavedMessage {
  body: string;
  attributes: Record<string, { DataType: string; StringValue?: string }>;
}

function saveQueueMessages(server: Awaited<ReturnType<typeof startFauxqs>>, file: string, names: string[]): void {
  const saved: Record<string, SavedMessage[]> = {};
  for (const name of names) {
    const queue = server.inspectQueue(name);
    if (!queue) continue;
    const { ready, delayed, inflight } = queue.messages;
    saved[name] = [...ready, ...delayed, ...inflight.map((entry) => entry.message)].map((message) => ({
      body: message.body,
      attributes: message.messageAttributes as SavedMessage['attributes'],
    }));
  }
  writeFileSync(file, JSON.stringify(saved));
}

async function restoreQueueMessages(sqs: SQSClient, file: string, urls: Map<string, string>): Promise<void> {
  if (!existsSync(file)) return;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, SavedMessage[]>;
  for (const [name, messages] of Object.entries(saved)) {
    const queueUrl = urls.get(name);
    if (!queueUrl) continue;
    for (const message of messages) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: message.body,
          MessageAttributes: Object.keys(message.attributes ?? {}).length > 0 ? message.attributes : undefined,
        }),
      );
    }
  }
  rmSync(file);
}

/** Creates the tables that do not exist yet; returns the names created now. */
async function createTables(dynamodb: DynamoDBClient, tables: model.TableModel[]): Promise<Set<string>> {
  const existing = new Set((await dynamodb.send(new ListTablesCommand({}))).TableNames ?? []);
  const created = new Set<string>();
  for (const table of tables) {
    if (existing.has(table.name)) continue;
    await dynamodb.send(new CreateTableCommand(table.definition as never));
    created.add(table.name);
  }
  return created;
}

/** Delivers an EventBridge target: Step Functions starts an execution, Lambda is invoked asynchronously, SQS gets a message. */
async function deliverToTarget(
  targetArn: string,
  input: string,
  services: {
    lambda: LambdaRuntime;
    stepFunctions: LocalStepFunctions | undefined;
    sendToQueue: (arn: string, body: string, attributes: Record<string, string>) => Promise<void>;
  },
): Promise<void> {
  const service = targetArn.split(':')[2];
  try {
    if (service === 'states' && services.stepFunctions) {
      services.stepFunctions.startExecution({ stateMachineArn: targetArn, input });
    } else if (service === 'lambda') {
      services.lambda.invokeAsync(targetArn, JSON.parse(input));
    } else if (service === 'sqs') {
      await services.sendToQueue(targetArn, input, {});
    } else {
      throw new TargetError('UnsupportedTarget', `The local hub cannot deliver to ${targetArn}`, false);
    }
  } catch (error) {
    if (error instanceof TargetError) throw error;
    const notFound = error instanceof FunctionError || (error as Error).name.endsWith('DoesNotExist');
    throw new TargetError((error as Error).name, (error as Error).message, !notFound);
  }
}
