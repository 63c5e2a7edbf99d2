// The local AWS endpoint over HTTP, driven by the real AWS SDK clients: EventBridge (PutEvents,
// TestEventPattern), Secrets Manager (GetSecretValue, PutSecretValue) and Step Functions
// (Start/Describe/List/History/Stop/Redrive, SendTaskSuccess/Failure/Heartbeat), errors in the shape the SDK turns into named exceptions.
import {
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import {
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAwsEndpoint } from '../../../local/aws/endpoint';
import { LocalSecretsManager } from '../../../local/aws/secrets-manager';
import { LocalEventBridge } from '../../../local/eventbridge/event-bus';
import { LocalStepFunctions } from '../../../local/stepfunctions/step-functions';
import { eventually } from './support';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:tiny`;
const WORKER_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:worker`;
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:hub/netsuite-local`;

/** Prepare (Pass) adds a field, Work (Task) is the fake function below. */
const DEFINITION = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Result: 'prepared', ResultPath: '$.step', Next: 'Work' },
    Work: { Type: 'Task', Resource: WORKER_ARN, End: true },
  },
};

const CALLBACK_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:callback`;

/** Wait (Task) hands the worker its task token and waits for the answer. */
const CALLBACK_DEFINITION = {
  StartAt: 'Wait',
  States: {
    Wait: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: WORKER_ARN, Payload: { 'token.$': '$$.Task.Token' } },
      End: true,
    },
  },
};

class WorkFailed extends Error {
  override name = 'WorkFailed';
}

/** How the fake function behaves: answer, fail, or wait for `release`. */
let mode: 'answer' | 'fail' | 'block' = 'answer';
let release: () => void = () => {};
const invocations: unknown[] = [];

const delivered: { targetArn: string; input: string }[] = [];
let eventBridge: LocalEventBridge;
let stepFunctions: LocalStepFunctions;
let secrets: LocalSecretsManager;
let endpoint: { url: string; stop(): Promise<void> };
let events: EventBridgeClient;
let sfn: SFNClient;
let secretsManager: SecretsManagerClient;

beforeAll(async () => {
  eventBridge = new LocalEventBridge({
    region: REGION,
    account: ACCOUNT,
    deliver: async (targetArn, input) => {
      delivered.push({ targetArn, input });
    },
    deadLetter: async () => {},
  });
  eventBridge.addRule({
    name: 'orders',
    arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/orders`,
    busName: 'default',
    pattern: { source: ['hub.orders'] },
    enabled: true,
    targets: [{ id: 'T', arn: WORKER_ARN, maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 }],
  });
  stepFunctions = new LocalStepFunctions({
    clients: {} as never,
    invokeFunction: async (arn, payload) => {
      invocations.push(payload);
      if (mode === 'fail') throw new WorkFailed('work failed on purpose');
      if (mode === 'block') await new Promise<void>((resolve) => (release = resolve));
      return { ...(payload as object), worked: arn.split(':').pop() };
    },
  });
  stepFunctions.addStateMachine({ arn: MACHINE_ARN, name: 'tiny', roleArn: 'role', definition: DEFINITION as never });
  stepFunctions.addStateMachine({
    arn: CALLBACK_MACHINE_ARN,
    name: 'callback',
    roleArn: 'role',
    definition: CALLBACK_DEFINITION as never,
  });
  secrets = new LocalSecretsManager();
  secrets.define('hub/netsuite', SECRET_ARN, '{"token":"first"}');
  endpoint = await startAwsEndpoint({ eventBridge, stepFunctions, secrets });
  const config = {
    region: REGION,
    endpoint: endpoint.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  };
  events = new EventBridgeClient(config);
  sfn = new SFNClient(config);
  secretsManager = new SecretsManagerClient(config);
});

afterAll(async () => {
  release();
  events?.destroy();
  sfn?.destroy();
  secretsManager?.destroy();
  await endpoint?.stop();
  await stepFunctions?.stop();
});

beforeEach(() => {
  mode = 'answer';
  invocations.length = 0;
  delivered.length = 0;
  eventBridge.fault = undefined;
});

describe('EventBridge', () => {
  it('PutEvents accepts entries and delivers the matching ones', async () => {
    // Act
    const result = await events.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'hub.orders', DetailType: 'order.created', Detail: '{"orderId":"o-1"}' },
          { Source: 'hub.other', DetailType: 'order.created', Detail: '{"orderId":"o-2"}' },
          { Source: 'hub.orders', DetailType: 'order.created', Detail: '[1]' },
        ],
      }),
    );
    await eventBridge.settled();

    // Assess
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries?.[0].EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.Entries?.[1].EventId).toBeDefined();
    expect(result.Entries?.[2]).toMatchObject({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(delivered).toHaveLength(1);
    expect(JSON.parse(delivered[0].input)).toMatchObject({ source: 'hub.orders', detail: { orderId: 'o-1' } });
  });

  it('PutEvents with more than 10 entries fails with ValidationException', async () => {
    // Prepare
    const entries = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' }));

    // Act
    const call = events.send(new PutEventsCommand({ Entries: entries }));

    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it("PutEvents under the 'service-error' fault fails with a 500 InternalException", async () => {
    // Prepare
    eventBridge.fault = { mode: 'service-error' };

    // Act
    const call = events.send(
      new PutEventsCommand({ Entries: [{ Source: 'hub.orders', DetailType: 'x', Detail: '{}' }] }),
    );

    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'InternalException',
      message: 'Internal service error (injected fault)',
      $metadata: { httpStatusCode: 500 },
    });
  });

  it('TestEventPattern answers whether the event matches', async () => {
    // Prepare
    const event = JSON.stringify({
      id: '1',
      account: ACCOUNT,
      source: 'hub.orders',
      time: '2024-01-01T00:00:00Z',
      region: REGION,
      resources: [],
      'detail-type': 'order.created',
      detail: { amount: 150 },
    });

    // Act
    const matching = await events.send(
      new TestEventPatternCommand({ EventPattern: '{"detail":{"amount":[{"numeric":[">",100]}]}}', Event: event }),
    );
    const notMatching = await events.send(
      new TestEventPatternCommand({ EventPattern: '{"source":["hub.other"]}', Event: event }),
    );

    // Assess
    expect(matching.Result).toBe(true);
    expect(notMatching.Result).toBe(false);
  });

  it('TestEventPattern refuses an invalid pattern with InvalidEventPatternException', async () => {
    // Act
    const call = events.send(
      new TestEventPatternCommand({ EventPattern: '{"source":"not-an-array"}', Event: '{"source":"x"}' }),
    );

    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'InvalidEventPatternException',
      $metadata: { httpStatusCode: 400 },
    });
  });
});

describe('Secrets Manager', () => {
  it('GetSecretValue finds a secret by name and by ARN', async () => {
    // Act
    const byName = await secretsManager.send(new GetSecretValueCommand({ SecretId: 'hub/netsuite' }));
    const byArn = await secretsManager.send(new GetSecretValueCommand({ SecretId: SECRET_ARN }));

    // Assess
    expect(byName).toMatchObject({
      ARN: SECRET_ARN,
      Name: 'hub/netsuite',
      SecretString: secrets.get('hub/netsuite')?.value,
      VersionStages: ['AWSCURRENT'],
    });
    expect(byName.CreatedDate).toBeInstanceOf(Date);
    expect(byArn.VersionId).toBe(byName.VersionId);
    expect(byArn.SecretString).toBe(byName.SecretString);
  });

  it('PutSecretValue stores a new value under a new version', async () => {
    // Prepare
    const before = await secretsManager.send(new GetSecretValueCommand({ SecretId: 'hub/netsuite' }));

    // Act
    const put = await secretsManager.send(
      new PutSecretValueCommand({ SecretId: SECRET_ARN, SecretString: '{"token":"rotated"}' }),
    );
    const after = await secretsManager.send(new GetSecretValueCommand({ SecretId: 'hub/netsuite' }));

    // Assess
    expect(put).toMatchObject({ ARN: SECRET_ARN, Name: 'hub/netsuite', VersionStages: ['AWSCURRENT'] });
    expect(put.VersionId).not.toBe(before.VersionId);
    expect(after).toMatchObject({ SecretString: '{"token":"rotated"}', VersionId: put.VersionId });
  });

  it('ListSecrets lists the defined secrets', async () => {
    // Act
    const list = await secretsManager.send(new ListSecretsCommand({}));

    // Assess
    expect(list.SecretList).toEqual([{ ARN: SECRET_ARN, Name: 'hub/netsuite' }]);
  });

  it.each([
    ['GetSecretValue', () => new GetSecretValueCommand({ SecretId: 'hub/missing' })],
    ['PutSecretValue', () => new PutSecretValueCommand({ SecretId: 'hub/missing', SecretString: 'x' })],
  ])('%s of an unknown secret fails with ResourceNotFoundException', async (_, command) => {
    // Act
    const call = secretsManager.send(command() as never);

    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
      $metadata: { httpStatusCode: 400 },
    });
  });
});

describe('unknown operations', () => {
  it('answers an operation it does not emulate with UnknownOperationException (SDK)', async () => {
    // Act
    const call = events.send(new ListRulesCommand({}));

    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'UnknownOperationException',
      message: 'The local hub does not emulate AWSEvents.ListRules',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('answers a request without X-Amz-Target with a JSON error body', async () => {
    // Act
    const response = await fetch(endpoint.url, { method: 'POST', body: '{}' });

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await response.json()).toEqual({
      __type: 'UnknownOperationException',
      message: 'The local hub does not emulate this request',
    });
  });

  it('answers a body that is not JSON with a 500 InternalFailure', async () => {
    // Act
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
      body: '{not json',
    });

    // Assess
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ __type: 'InternalFailure' });
  });
});

describe('Step Functions', () => {
  async function settledDescription(executionArn: string): Promise<DescribeExecutionCommandOutput> {
    return eventually(
      async () => {
        const description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return description.status !== 'RUNNING' && description;
      },
      { what: `${executionArn} to finish` },
    );
  }

  it('ListStateMachines lists the machines', async () => {
    // Act
    const list = await sfn.send(new ListStateMachinesCommand({}));

    // Assess
    expect(list.stateMachines).toEqual([
      { stateMachineArn: MACHINE_ARN, name: 'tiny', type: 'STANDARD', creationDate: new Date(0) },
      { stateMachineArn: CALLBACK_MACHINE_ARN, name: 'callback', type: 'STANDARD', creationDate: new Date(0) },
    ]);
  });

  it('StartExecution runs the machine and DescribeExecution reports its output', async () => {
    // Act
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'sdk-run-1', input: '{"orderId":"o-1"}' }),
    );
    const description = await settledDescription(started.executionArn as string);

    // Assess
    expect(started.executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:tiny:sdk-run-1`);
    expect(started.startDate).toBeInstanceOf(Date);
    expect(description).toMatchObject({
      executionArn: started.executionArn,
      stateMachineArn: MACHINE_ARN,
      name: 'sdk-run-1',
      status: 'SUCCEEDED',
      input: '{"orderId":"o-1"}',
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
    });
    expect(JSON.parse(description.output as string)).toEqual({ orderId: 'o-1', step: 'prepared', worked: 'worker' });
    expect(description.stopDate?.getTime()).toBeGreaterThanOrEqual(description.startDate?.getTime() as number);
  });

  it('ListExecutions lists the executions of the machine, newest first, filtered by status', async () => {
    // Prepare
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'list-ok' }));
    await settledDescription(first.executionArn as string);
    mode = 'fail';
    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'list-failed' }));
    await settledDescription(second.executionArn as string);

    // Act
    const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn: MACHINE_ARN }));
    const failed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: MACHINE_ARN, statusFilter: 'FAILED' }));
    const limited = await sfn.send(new ListExecutionsCommand({ stateMachineArn: MACHINE_ARN, maxResults: 1 }));

    // Assess
    const names = all.executions?.map((e) => e.name) ?? [];
    expect(names).toContain('list-ok');
    expect(names.indexOf('list-failed')).toBeLessThan(names.indexOf('list-ok'));
    expect(failed.executions?.map((e) => e.name)).toContain('list-failed');
    expect(failed.executions?.every((e) => e.status === 'FAILED')).toBe(true);
    expect(limited.executions).toHaveLength(1);
  });

  it('GetExecutionHistory returns the events in order, or reversed', async () => {
    // Prepare
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'history-1' }));
    await settledDescription(started.executionArn as string);
    await stepFunctions.waitFor(started.executionArn as string);

    // Act
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn }));
    const reversed = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: started.executionArn, reverseOrder: true }),
    );

    // Assess
    const types = history.events?.map((e) => e.type);
    expect(types).toEqual([
      'ExecutionStarted',
      'StateEntered',
      'StateExited',
      'StateEntered',
      'StateExited',
      'ExecutionSucceeded',
    ]);
    expect(history.events?.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(history.events?.map((e) => e.previousEventId)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(history.events?.every((e) => e.timestamp instanceof Date)).toBe(true);
    expect(reversed.events?.map((e) => e.id)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('GetExecutionHistory carries state names, inputs and outputs in the AWS detail members', async () => {
    // Prepare
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'history-2', input: '{"n":1}' }),
    );
    await stepFunctions.waitFor(started.executionArn as string);

    // Act
    const { events: history = [] } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: started.executionArn }),
    );

    // Assess
    expect(JSON.parse(history[0].executionStartedEventDetails?.input as string)).toEqual({ n: 1 });
    expect(history[1].stateEnteredEventDetails?.name).toBe('Prepare');
    expect(JSON.parse(history[1].stateEnteredEventDetails?.input as string)).toEqual({ n: 1 });
    expect(history[2].stateExitedEventDetails?.name).toBe('Prepare');
    expect(JSON.parse(history[2].stateExitedEventDetails?.output as string)).toEqual({ n: 1, step: 'prepared' });
    expect(history[3].stateEnteredEventDetails?.name).toBe('Work');
    expect(JSON.parse(history[5].executionSucceededEventDetails?.output as string)).toEqual({
      n: 1,
      step: 'prepared',
      worked: 'worker',
    });
  });

  it('GetExecutionHistory carries the error and cause of a failed execution', async () => {
    // Prepare
    mode = 'fail';
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'history-3' }));
    await stepFunctions.waitFor(started.executionArn as string);

    // Act
    const { events: history = [] } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: started.executionArn }),
    );

    // Assess
    const failed = history.at(-1);
    expect(failed?.type).toBe('ExecutionFailed');
    expect(failed?.executionFailedEventDetails?.error).toBe('WorkFailed');
    expect(JSON.parse(failed?.executionFailedEventDetails?.cause as string)).toMatchObject({
      errorType: 'WorkFailed',
      errorMessage: 'work failed on purpose',
    });
  });

  it('a Task failure is FAILED with the function error name and REDRIVABLE', async () => {
    // Prepare
    mode = 'fail';

    // Act
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'fails-1' }));
    const description = await settledDescription(started.executionArn as string);

    // Assess
    expect(description).toMatchObject({ status: 'FAILED', error: 'WorkFailed', redriveStatus: 'REDRIVABLE' });
    expect(JSON.parse(description.cause as string)).toMatchObject({
      errorType: 'WorkFailed',
      errorMessage: 'work failed on purpose',
    });
  });

  it('StopExecution aborts a running execution with its error and cause', async () => {
    // Prepare
    mode = 'block';
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'stop-1' }));
    await eventually(() => invocations.length === 1, { what: 'the Task to start' });

    // Act
    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn: started.executionArn, error: 'Operator', cause: 'stopped by test' }),
    );
    const description = await settledDescription(started.executionArn as string);
    release();

    // Assess
    expect(stopped.stopDate).toBeInstanceOf(Date);
    expect(description).toMatchObject({
      status: 'ABORTED',
      error: 'Operator',
      cause: 'stopped by test',
      redriveStatus: 'REDRIVABLE',
    });
  });

  it('RedriveExecution continues a failed execution to success', async () => {
    // Prepare
    mode = 'fail';
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'redrive-1' }));
    await settledDescription(started.executionArn as string);
    await stepFunctions.waitFor(started.executionArn as string);
    mode = 'answer';

    // Act
    const redriven = await sfn.send(new RedriveExecutionCommand({ executionArn: started.executionArn }));
    const description = await settledDescription(started.executionArn as string);

    // Assess
    expect(redriven.redriveDate).toBeInstanceOf(Date);
    expect(description).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, redriveStatus: 'NOT_REDRIVABLE' });
    expect(description.redriveDate).toBeInstanceOf(Date);
    expect(JSON.parse(description.output as string)).toMatchObject({ step: 'prepared', worked: 'worker' });
  });

  it('RedriveExecution of a SUCCEEDED execution fails with ExecutionNotRedrivable', async () => {
    // Prepare
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'no-redrive' }));
    await settledDescription(started.executionArn as string);

    // Act
    const call = sfn.send(new RedriveExecutionCommand({ executionArn: started.executionArn }));

    // Assess
    await expect(call).rejects.toMatchObject({
      name: 'ExecutionNotRedrivable',
      message: 'Execution is SUCCEEDED and cannot be redriven.',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('names the Step Functions errors as the SDK expects them', async () => {
    // Prepare
    const done = await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'taken' }));
    await settledDescription(done.executionArn as string);

    // Act
    const calls = {
      missingExecution: sfn.send(new DescribeExecutionCommand({ executionArn: `${MACHINE_ARN}:nope` })),
      missingMachine: sfn.send(new StartExecutionCommand({ stateMachineArn: `${MACHINE_ARN}-nope` })),
      badName: sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'has spaces' })),
      badInput: sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, input: '{nope' })),
      taken: sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE_ARN, name: 'taken', input: '{"x":1}' })),
    };

    // Assess
    await expect(calls.missingExecution).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(calls.missingMachine).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(calls.badName).rejects.toMatchObject({ name: 'InvalidName' });
    await expect(calls.badInput).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
    await expect(calls.taken).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });

  /** Starts the callback machine and returns its execution ARN and the token the worker was given. */
  async function waitingCallback(): Promise<{ executionArn: string; taskToken: string }> {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: CALLBACK_MACHINE_ARN }));
    const taskToken = await eventually(() => (invocations.at(-1) as { token?: string } | undefined)?.token, {
      what: 'the worker to get its token',
    });
    return { executionArn: executionArn as string, taskToken };
  }

  it('SendTaskHeartbeat and SendTaskSuccess answer {} and finish the waiting task with the output', async () => {
    // Prepare
    const { executionArn, taskToken } = await waitingCallback();

    // Act
    const heartbeat = await sfn.send(new SendTaskHeartbeatCommand({ taskToken }));
    const success = await sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{"answer":42}' }));
    const description = await settledDescription(executionArn);

    // Assess
    expect(heartbeat.$metadata.httpStatusCode).toBe(200);
    expect(success.$metadata.httpStatusCode).toBe(200);
    expect(description.status).toBe('SUCCEEDED');
    expect(JSON.parse(description.output as string)).toEqual({ answer: 42 });
  });

  it('SendTaskFailure fails the waiting task with its error and cause', async () => {
    // Prepare
    const { executionArn, taskToken } = await waitingCallback();

    // Act
    await sfn.send(new SendTaskFailureCommand({ taskToken, error: 'Vendor.Refused', cause: 'closed period' }));
    const description = await settledDescription(executionArn);

    // Assess
    expect(description).toMatchObject({ status: 'FAILED', error: 'Vendor.Refused', cause: 'closed period' });
  });

  it('names the task token errors as the SDK expects them', async () => {
    // Prepare
    const { executionArn, taskToken } = await waitingCallback();

    // Act
    const badToken = sfn.send(new SendTaskSuccessCommand({ taskToken: 'nope', output: '{}' }));
    const unknownToken = sfn.send(new SendTaskHeartbeatCommand({ taskToken: `${'A'.repeat(43)}.x` }));
    const badOutput = sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{nope' }));
    await expect(badToken).rejects.toMatchObject({ name: 'InvalidToken', $metadata: { httpStatusCode: 400 } });
    await expect(unknownToken).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await expect(badOutput).rejects.toMatchObject({ name: 'InvalidOutput' });
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));
    const late = sfn.send(new SendTaskFailureCommand({ taskToken, error: 'Late' }));

    // Assess
    await expect(late).rejects.toMatchObject({ name: 'TaskTimedOut' });
    expect((await settledDescription(executionArn)).status).toBe('SUCCEEDED');
  });
});
