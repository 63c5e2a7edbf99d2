// LocalStepFunctions: execution names, Lambda and DynamoDB task errors as Step Functions names
// them, the context object, stop, timeouts, redrive from the failed state, status notifications,
// and executions kept in a directory that a new instance resumes.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import dynalite from 'dynalite';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FunctionError } from '../../../local/lambda/runtime';
import type { ServiceClients } from '../../../local/stepfunctions/service-integrations';
import {
  type Execution,
  type ExecutionStatus,
  LocalStepFunctions,
  type StepFunctionsOptions,
} from '../../../local/stepfunctions/step-functions';
import { eventually } from './support';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const TABLE = 'orders';
const machineArn = (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

let server: ReturnType<typeof dynalite>;
let clients: ServiceClients;
const instances: LocalStepFunctions[] = [];
const directories: string[] = [];
const gates: (() => void)[] = [];

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const config = {
    region: REGION,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  clients = {
    dynamodb: new DynamoDBClient(config),
    sqs: new SQSClient(config),
    eventbridge: new EventBridgeClient(config),
  };
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

afterAll(async () => {
  clients.dynamodb.destroy();
  clients.sqs.destroy();
  clients.eventbridge.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

afterEach(async () => {
  for (const open of gates.splice(0)) open();
  for (const instance of instances.splice(0)) await instance.stop();
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

type Behaviour = (payload: unknown, call: number) => unknown;

/**
 * A LocalStepFunctions whose Lambda functions are the given behaviours, by function name; every
 * call is recorded. `block(name)` makes that function wait until the test ends.
 */
function createStepFunctions(behaviours: Record<string, Behaviour> = {}, options: Partial<StepFunctionsOptions> = {}) {
  const calls: { name: string; payload: unknown }[] = [];
  const statuses: ExecutionStatus[] = [];
  const stepFunctions = new LocalStepFunctions({
    clients,
    retryIntervalMs: 1,
    onStatusChange: (execution) => statuses.push(execution.status),
    invokeFunction: async (arn, payload) => {
      const name = arn.split(':').pop() as string;
      calls.push({ name, payload });
      const behaviour = behaviours[name] ?? ((input) => input);
      return behaviour(payload, calls.filter((c) => c.name === name).length);
    },
    ...options,
  });
  instances.push(stepFunctions);
  return { stepFunctions, calls, statuses };
}

/** A behaviour that never answers while the test runs. */
const block: Behaviour = () =>
  new Promise<void>((resolve) => {
    gates.push(resolve);
  });

function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'step-functions-'));
  directories.push(directory);
  return directory;
}

function add(stepFunctions: LocalStepFunctions, name: string, definition: object): string {
  stepFunctions.addStateMachine({
    arn: machineArn(name),
    name,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    definition: definition as never,
  });
  return machineArn(name);
}

const task = (fn: string, extra: object = {}) => ({ Type: 'Task', Resource: fnArn(fn), ...extra });

/** First -> Second -> Done: two Lambda tasks and a Pass that marks the end. */
const THREE_STEPS = {
  StartAt: 'First',
  States: {
    First: task('first', { ResultPath: '$.first', Next: 'Second' }),
    Second: task('second', { ResultPath: '$.second', Next: 'Done' }),
    Done: { Type: 'Pass', Result: true, ResultPath: '$.done', End: true },
  },
};

class OrderRejected extends Error {
  override name = 'OrderRejected';
}

describe('definitions', () => {
  it('refuses an invalid definition when the state machine is added', () => {
    // Prepare
    const { stepFunctions } = createStepFunctions();

    // Act / Assess
    expect(() => add(stepFunctions, 'broken', { StartAt: 'Missing', States: {} })).toThrow(/invalid/i);
    expect(stepFunctions.stateMachines()).toEqual([]);
  });

  it('lists the state machines added', () => {
    // Prepare
    const { stepFunctions } = createStepFunctions();

    // Act
    add(stepFunctions, 'listed', THREE_STEPS);

    // Assess
    expect(stepFunctions.stateMachines().map((m) => m.arn)).toEqual([machineArn('listed')]);
  });
});

describe('execution names and inputs', () => {
  it.each([
    ['with a space', 'has space'],
    ['empty', ''],
    ['81 characters long', 'x'.repeat(81)],
    ['with a colon', 'a:b'],
  ])('refuses a name %s with InvalidName', (_, name) => {
    // Prepare
    const { stepFunctions } = createStepFunctions();
    const arn = add(stepFunctions, 'names', THREE_STEPS);

    // Act / Assess
    expect(() => stepFunctions.startExecution({ stateMachineArn: arn, name })).toThrow(
      expect.objectContaining({ name: 'InvalidName', code: 'InvalidName' }),
    );
  });

  it('accepts an 80-character name and builds the execution ARN from it', async () => {
    // Prepare
    const { stepFunctions } = createStepFunctions();
    const arn = add(stepFunctions, 'names', THREE_STEPS);
    const name = `a-${'b'.repeat(77)}_`;

    // Act
    const execution = stepFunctions.startExecution({ stateMachineArn: arn, name });

    // Assess
    expect(execution.executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:names:${name}`);
    expect((await stepFunctions.waitFor(execution.executionArn)).status).toBe('SUCCEEDED');
  });

  it('generates a UUID name and defaults the input to {}', async () => {
    // Prepare
    const { stepFunctions } = createStepFunctions();
    const arn = add(stepFunctions, 'defaults', THREE_STEPS);

    // Act
    const execution = stepFunctions.startExecution({ stateMachineArn: arn });

    // Assess
    expect(execution.name).toMatch(/^[0-9a-f-]{36}$/);
    expect(execution.input).toBe('{}');
    expect(JSON.parse((await stepFunctions.waitFor(execution.executionArn)).output as string)).toEqual({
      first: {},
      second: { first: {} },
      done: true,
    });
  });

  it('returns the running execution for the same name and input, starting nothing more', async () => {
    // Prepare
    const { stepFunctions, calls } = createStepFunctions({ first: block });
    const arn = add(stepFunctions, 'idempotent', THREE_STEPS);
    const first = stepFunctions.startExecution({ stateMachineArn: arn, name: 'once', input: '{"a":1}' });
    await eventually(() => calls.length === 1, { what: 'First to start' });

    // Act
    const again = stepFunctions.startExecution({ stateMachineArn: arn, name: 'once', input: '{"a":1}' });

    // Assess
    expect(again).toBe(first);
    expect(again.history.filter((e) => e.type === 'ExecutionStarted')).toHaveLength(1);
    expect(stepFunctions.listExecutions(arn)).toHaveLength(1);
    expect(calls).toHaveLength(1);
  });

  it('refuses the same name with another input while running, and any reuse once finished', async () => {
    // Prepare
    const { stepFunctions } = createStepFunctions({ first: block });
    const blocked = add(stepFunctions, 'conflict', THREE_STEPS);
    stepFunctions.startExecution({ stateMachineArn: blocked, name: 'busy', input: '{"a":1}' });
    const { stepFunctions: other } = createStepFunctions();
    const quick = add(other, 'quick', THREE_STEPS);
    const done = other.startExecution({ stateMachineArn: quick, name: 'done', input: '{"a":1}' });
    await other.waitFor(done.executionArn);

    // Act
    const otherInput = () => stepFunctions.startExecution({ stateMachineArn: blocked, name: 'busy', input: '{"a":2}' });
    const finished = () => other.startExecution({ stateMachineArn: quick, name: 'done', input: '{"a":1}' });

    // Assess
    expect(otherInput).toThrow(expect.objectContaining({ name: 'ExecutionAlreadyExists' }));
    expect(finished).toThrow(expect.objectContaining({ name: 'ExecutionAlreadyExists' }));
  });

  it('refuses input that is not JSON and unknown state machines or executions', () => {
    // Prepare
    const { stepFunctions } = createStepFunctions();
    const arn = add(stepFunctions, 'inputs', THREE_STEPS);

    // Act / Assess
    expect(() => stepFunctions.startExecution({ stateMachineArn: arn, input: '{oops' })).toThrow(
      expect.objectContaining({ name: 'InvalidExecutionInput' }),
    );
    expect(() => stepFunctions.startExecution({ stateMachineArn: machineArn('nope') })).toThrow(
      expect.objectContaining({ name: 'StateMachineDoesNotExist' }),
    );
    expect(() => stepFunctions.listExecutions(machineArn('nope'))).toThrow(
      expect.objectContaining({ name: 'StateMachineDoesNotExist' }),
    );
    expect(() => stepFunctions.describeExecution(`${arn}:missing`)).toThrow(
      expect.objectContaining({ name: 'ExecutionDoesNotExist' }),
    );
  });
});

describe('Lambda tasks', () => {
  it('fails with the errorType as error and the Lambda error JSON (trace cut to 8 lines) as cause', async () => {
    // Prepare
    const trace = Array.from({ length: 12 }, (_, i) => `    at frame${i}`);
    const { stepFunctions } = createStepFunctions({
      second: () => {
        throw new FunctionError({ errorType: 'OrderRejected', errorMessage: 'credit limit exceeded', trace });
      },
    });
    const arn = add(stepFunctions, 'lambda-error', THREE_STEPS);

    // Act
    const started = stepFunctions.startExecution({ stateMachineArn: arn });
    const execution = await stepFunctions.waitFor(started.executionArn);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('OrderRejected');
    expect(JSON.parse(execution.cause as string)).toEqual({
      errorType: 'OrderRejected',
      errorMessage: 'credit limit exceeded',
      trace: trace.slice(0, 8),
    });
    expect(execution.stopDate).toBeGreaterThanOrEqual(execution.startDate);
  });

  it('lets Retry and Catch match the error by its name', async () => {
    // Prepare
    const { stepFunctions, calls } = createStepFunctions({
      flaky: (_, call) => {
        if (call < 3) throw new OrderRejected('not yet');
        return { ok: true };
      },
      rejects: () => {
        throw new OrderRejected('never');
      },
    });
    const arn = add(stepFunctions, 'retry-catch', {
      StartAt: 'Flaky',
      States: {
        Flaky: task('flaky', {
          Retry: [{ ErrorEquals: ['OrderRejected'], MaxAttempts: 3 }],
          ResultPath: '$.flaky',
          Next: 'Rejects',
        }),
        Rejects: task('rejects', {
          Catch: [{ ErrorEquals: ['OrderRejected'], ResultPath: '$.caught', Next: 'Handled' }],
          End: true,
        }),
        Handled: { Type: 'Pass', End: true },
      },
    });

    // Act
    const started = stepFunctions.startExecution({ stateMachineArn: arn });
    const execution = await stepFunctions.waitFor(started.executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(calls.filter((c) => c.name === 'flaky')).toHaveLength(3);
    const output = JSON.parse(execution.output as string);
    expect(output.flaky).toEqual({ ok: true });
    expect(output.caught.Error).toBe('OrderRejected');
    expect(JSON.parse(output.caught.Cause)).toMatchObject({ errorType: 'OrderRejected', errorMessage: 'never' });
    expect(execution.history.filter((e) => e.type === 'StateRetried').map((e) => e.retryAttempt)).toEqual([1, 2]);
  });

  it('serves arn:aws:states:::lambda:invoke with the Payload and StatusCode envelope', async () => {
    // Prepare
    const { stepFunctions, calls } = createStepFunctions({ mapper: (payload) => ({ mapped: payload }) });
    const arn = add(stepFunctions, 'optimized', {
      StartAt: 'Invoke',
      States: {
        Invoke: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fnArn('mapper'), 'Payload.$': '$.order' },
          End: true,
        },
      },
    });

    // Act
    const started = stepFunctions.startExecution({ stateMachineArn: arn, input: '{"order":{"id":"o-1"}}' });
    const execution = await stepFunctions.waitFor(started.executionArn);

    // Assess
    expect(calls).toEqual([{ name: 'mapper', payload: { id: 'o-1' } }]);
    expect(JSON.parse(execution.output as string)).toEqual({
      ExecutedVersion: '$LATEST',
      Payload: { mapped: { id: 'o-1' } },
      StatusCode: 200,
    });
  });

  it('fails a Task whose resource the local hub does not emulate with States.Runtime', async () => {
    // Prepare
    const { stepFunctions } = createStepFunctions();
    const arn = add(stepFunctions, 'unsupported', {
      StartAt: 'Publish',
      States: { Publish: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', End: true } },
    });

    // Act
    const started = stepFunctions.startExecution({ stateMachineArn: arn });
    const execution = await stepFunctions.waitFor(started.executionArn);

    // Assess
    expect(execution).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: 'The local hub does not emulate the resource arn:aws:states:::sns:publish',
    });
  });
});

describe('DynamoDB tasks', () => {
  const PUT_ONCE = {
    StartAt: 'Put',
    States: {
      Put: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:putItem',
        Parameters: {
          TableName: TABLE,
          Item: { pk: { 'S.$': '$.id' }, status: { S: 'new' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
        ResultPath: '$.put',
        Next: 'Get',
      },
      Get: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:getItem',
        Parameters: { TableName: TABLE, Key: { pk: { 'S.$': '$.id' } } },
        ResultSelector: { 'status.$': '$.Item.status.S' },
        ResultPath: '$.read',
        End: true,
      },
    },
  };

  it('writes and reads items through the SDK, without the SDK metadata in the result', async () => {
    // Prepare
    const { stepFunctions } = createStepFunctions();
    const arn = add(stepFunctions, 'dynamo-ok', PUT_ONCE);

    // Act
    const started = stepFunctions.startExecution({ stateMachineArn: arn, input: '{"id":"item-ok"}' });
    const execution = await stepFunctions.waitFor(started.executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output as string)).toEqual({ id: 'item-ok', put: {}, read: { status: 'new' } });
  });

  it('names a failed condition DynamoDB.ConditionalCheckFailedException', async () => {
    // Prepare
    const { stepFunctions } = createStepFunctions();
    const arn = add(stepFunctions, 'dynamo-twice', PUT_ONCE);
    const first = stepFunctions.startExecution({ stateMachineArn: arn, input: '{"id":"item-twice"}' });
    await stepFunctions.waitFor(first.executionArn);

    // Act
    const second = stepFunctions.startExecution({ stateMachineArn: arn, input: '{"id":"item-twice"}' });
    const execution = await stepFunctions.waitFor(second.executionArn);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('DynamoDB.ConditionalCheckFailedException');
    expect(execution.cause).toMatch(/\(Service: DynamoDB, Status Code: 400\)$/);
  });

  it('lets a Catch match the DynamoDB error name', async () => {
    // Prepare
    const { stepFunctions } = createStepFunctions();
    const definition = structuredClone(PUT_ONCE) as { States: Record<string, Record<string, unknown>> };
    definition.States.Put.Catch = [
      { ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: '$.duplicate', Next: 'Duplicate' },
    ];
    definition.States.Duplicate = { Type: 'Pass', End: true };
    const arn = add(stepFunctions, 'dynamo-catch', definition);
    const first = stepFunctions.startExecution({ stateMachineArn: arn, input: '{"id":"item-catch"}' });
    await stepFunctions.waitFor(first.executionArn);

    // Act
    const second = stepFunctions.startExecution({ stateMachineArn: arn, input: '{"id":"item-catch"}' });
    const execution = await stepFunctions.waitFor(second.executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output as string).duplicate.Error).toBe('DynamoDB.ConditionalCheckFailedException');
  });

  it('names an error of a missing table DynamoDB.ResourceNotFoundException', async () => {
    // Prepare
    const { stepFunctions } = createStepFunctions();
    const definition = structuredClone(PUT_ONCE) as { States: Record<string, { Parameters: { TableName: string } }> };
    definition.States.Put.Parameters.TableName = 'no-such-table';
    const arn = add(stepFunctions, 'dynamo-missing', definition);

    // Act
    const started = stepFunctions.startExecution({ stateMachineArn: arn, input: '{"id":"x"}' });
    const execution = await stepFunctions.waitFor(started.executionArn);

    // Assess
    expect(execution.error).toBe('DynamoDB.ResourceNotFoundException');
  });
});

describe('context object', () => {
  it('gives Parameters $$.Execution, $$.StateMachine and the entry time of each state', async () => {
    // Prepare
    const { stepFunctions } = createStepFunctions({
      tick: async (payload) => {
        const start = Date.now();
        await eventually(() => Date.now() > start + 2);
        return payload;
      },
    });
    const context = {
      'id.$': '$$.Execution.Id',
      'name.$': '$$.Execution.Name',
      'role.$': '$$.Execution.RoleArn',
      'redriveCount.$': '$$.Execution.RedriveCount',
      'machine.$': '$$.StateMachine.Id',
      'machineName.$': '$$.StateMachine.Name',
      'entered.$': '$$.State.EnteredTime',
    };
    const arn = add(stepFunctions, 'context', {
      StartAt: 'Before',
      States: {
        Before: { Type: 'Pass', Parameters: context, ResultPath: '$.before', Next: 'Tick' },
        Tick: task('tick', { Next: 'After' }),
        After: { Type: 'Pass', Parameters: context, ResultPath: '$.after', End: true },
      },
    });
    const before = Date.now();

    // Act
    const started = stepFunctions.startExecution({ stateMachineArn: arn, name: 'ctx-1' });
    const execution = await stepFunctions.waitFor(started.executionArn);

    // Assess
    const output = JSON.parse(execution.output as string);
    expect(output.before).toMatchObject({
      id: started.executionArn,
      name: 'ctx-1',
      role: `arn:aws:iam::${ACCOUNT}:role/context`,
      redriveCount: 0,
      machine: arn,
      machineName: 'context',
    });
    const entered = [Date.parse(output.before.entered), Date.parse(output.after.entered)];
    expect(entered[0]).toBeGreaterThanOrEqual(before - 1);
    expect(entered[1]).toBeGreaterThan(entered[0]);
    expect(entered[1]).toBeLessThanOrEqual(execution.stopDate as number);
  });
});

describe('stop, timeout and redrive', () => {
  it('stops a running execution as ABORTED with the given error and cause, then redrives it', async () => {
    // Prepare
    let blocking = true;
    const { stepFunctions, calls } = createStepFunctions({
      second: (payload) => (blocking ? block(payload, 0) : { second: 'done' }),
    });
    const arn = add(stepFunctions, 'stoppable', THREE_STEPS);
    const started = stepFunctions.startExecution({ stateMachineArn: arn, name: 'stop-me' });
    await eventually(() => calls.some((c) => c.name === 'second'), { what: 'Second to start' });

    // Act
    stepFunctions.stopExecution(started.executionArn, 'Operator.Stop', 'stopped by the test');
    const stopped = structuredClone(await stepFunctions.waitFor(started.executionArn));
    blocking = false;
    stepFunctions.redriveExecution(started.executionArn);
    const redriven = await stepFunctions.waitFor(started.executionArn);

    // Assess
    expect(stopped).toMatchObject({ status: 'ABORTED', error: 'Operator.Stop', cause: 'stopped by the test' });
    expect(stopped.history.some((e) => e.type === 'ExecutionAborted')).toBe(true);
    expect(redriven.status).toBe('SUCCEEDED');
    expect(redriven.redriveCount).toBe(1);
    expect(calls.map((c) => c.name)).toEqual(['first', 'second', 'second']);
  });

  it('leaves an execution that is not running as it is when stopped', async () => {
    // Prepare
    const { stepFunctions } = createStepFunctions();
    const arn = add(stepFunctions, 'finished', THREE_STEPS);
    const started = stepFunctions.startExecution({ stateMachineArn: arn });
    await stepFunctions.waitFor(started.executionArn);

    // Act
    const execution = stepFunctions.stopExecution(started.executionArn, 'Late', 'too late');

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.error).toBeUndefined();
    expect(execution.cause).toBeUndefined();
  });

  it('times out an execution after TimeoutSeconds as TIMED_OUT, which can be redriven', async () => {
    // Prepare
    let blocking = true;
    const { stepFunctions } = createStepFunctions({
      first: (payload) => (blocking ? block(payload, 0) : 'first'),
    });
    const arn = add(stepFunctions, 'timeout', { ...THREE_STEPS, TimeoutSeconds: 1 });

    // Act
    const started = stepFunctions.startExecution({ stateMachineArn: arn });
    const timedOut = structuredClone(await stepFunctions.waitFor(started.executionArn));
    blocking = false;
    stepFunctions.redriveExecution(started.executionArn);
    const redriven = await stepFunctions.waitFor(started.executionArn);

    // Assess
    expect(timedOut).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out' });
    expect((timedOut.stopDate as number) - timedOut.startDate).toBeGreaterThanOrEqual(990);
    expect(redriven.status).toBe('SUCCEEDED');
  });

  it('redrives a failed execution from the failed state with the input it had, earlier states not re-run', async () => {
    // Prepare
    const { stepFunctions, calls } = createStepFunctions({
      first: () => 'first-result',
      second: (_, call) => {
        if (call === 1) throw new OrderRejected('first attempt fails');
        return 'second-result';
      },
    });
    const arn = add(stepFunctions, 'redrive', THREE_STEPS);
    const started = stepFunctions.startExecution({ stateMachineArn: arn, name: 'redrive-1', input: '{"order":7}' });
    const failed = structuredClone(await stepFunctions.waitFor(started.executionArn));

    // Act
    const redriving = stepFunctions.redriveExecution(started.executionArn);
    const statusWhileRedriving = redriving.status;
    const execution = await stepFunctions.waitFor(started.executionArn);

    // Assess
    expect(failed).toMatchObject({ status: 'FAILED', error: 'OrderRejected', redriveCount: 0 });
    expect(statusWhileRedriving).toBe('RUNNING');
    expect(calls.map((c) => c.name)).toEqual(['first', 'second', 'second']);
    expect(calls[2].payload).toEqual(calls[1].payload);
    expect(calls[2].payload).toEqual({ order: 7, first: 'first-result' });
    expect(execution).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, error: undefined, cause: undefined });
    expect(execution.redriveDate).toBeGreaterThanOrEqual(failed.stopDate as number);
    expect(JSON.parse(execution.output as string)).toEqual({
      order: 7,
      first: 'first-result',
      second: 'second-result',
      done: true,
    });
    expect(execution.history.find((e) => e.type === 'ExecutionRedriven')).toMatchObject({ stateName: 'Second' });
  });

  it('refuses to redrive a SUCCEEDED or RUNNING execution', async () => {
    // Prepare
    const { stepFunctions } = createStepFunctions();
    const arn = add(stepFunctions, 'not-redrivable', THREE_STEPS);
    const done = stepFunctions.startExecution({ stateMachineArn: arn });
    await stepFunctions.waitFor(done.executionArn);
    const { stepFunctions: blocked } = createStepFunctions({ first: block });
    const blockedArn = add(blocked, 'running', THREE_STEPS);
    const running = blocked.startExecution({ stateMachineArn: blockedArn });

    // Act / Assess
    expect(() => stepFunctions.redriveExecution(done.executionArn)).toThrow(
      expect.objectContaining({
        name: 'ExecutionNotRedrivable',
        message: 'Execution is SUCCEEDED and cannot be redriven.',
      }),
    );
    expect(() => blocked.redriveExecution(running.executionArn)).toThrow(
      expect.objectContaining({ name: 'ExecutionNotRedrivable' }),
    );
  });

  it('refuses to redrive an execution stopped more than 14 days ago', async () => {
    // Prepare
    const { stepFunctions } = createStepFunctions({
      first: () => {
        throw new OrderRejected('no');
      },
    });
    const arn = add(stepFunctions, 'old-failure', THREE_STEPS);
    const started = stepFunctions.startExecution({ stateMachineArn: arn });
    const failed = await stepFunctions.waitFor(started.executionArn);
    failed.stopDate = Date.now() - 15 * 24 * 3600 * 1000;

    // Act / Assess
    expect(() => stepFunctions.redriveExecution(started.executionArn)).toThrow('Execution redrivable period exceeded.');
  });
});

describe('status notifications', () => {
  it('reports RUNNING and then the terminal status, on every run of the execution', async () => {
    // Prepare
    const { stepFunctions, statuses } = createStepFunctions({
      second: (_, call) => {
        if (call === 1) throw new OrderRejected('once');
        return 'ok';
      },
    });
    const arn = add(stepFunctions, 'notified', THREE_STEPS);

    // Act
    const started = stepFunctions.startExecution({ stateMachineArn: arn });
    await stepFunctions.waitFor(started.executionArn);
    const afterFirstRun = [...statuses];
    stepFunctions.redriveExecution(started.executionArn);
    await stepFunctions.waitFor(started.executionArn);

    // Assess
    expect(afterFirstRun).toEqual(['RUNNING', 'FAILED']);
    expect(statuses).toEqual(['RUNNING', 'FAILED', 'RUNNING', 'SUCCEEDED']);
  });

  it('passes the state machine with the execution', async () => {
    // Prepare
    const seen: string[] = [];
    const { stepFunctions } = createStepFunctions(
      {},
      { onStatusChange: (execution: Execution, machine) => seen.push(`${machine.name}:${execution.status}`) },
    );
    const arn = add(stepFunctions, 'with-machine', THREE_STEPS);

    // Act
    const started = stepFunctions.startExecution({ stateMachineArn: arn });
    await stepFunctions.waitFor(started.executionArn);

    // Assess
    expect(seen).toEqual(['with-machine:RUNNING', 'with-machine:SUCCEEDED']);
  });
});

describe('persistence', () => {
  function savedExecutions(directory: string): Execution[] {
    return readdirSync(directory)
      .filter((file) => file.endsWith('.json'))
      .map((file) => JSON.parse(readFileSync(join(directory, file), 'utf8')) as Execution);
  }

  it('writes executions to the directory as they change', async () => {
    // Prepare
    const directory = temporaryDirectory();
    const { stepFunctions } = createStepFunctions({}, { directory });
    const arn = add(stepFunctions, 'persisted', THREE_STEPS);

    // Act
    const started = stepFunctions.startExecution({ stateMachineArn: arn, name: 'saved-1', input: '{"n":1}' });
    await stepFunctions.waitFor(started.executionArn);

    // Assess
    const saved = await eventually(
      () => savedExecutions(directory).find((e) => e.executionArn === started.executionArn && e.status === 'SUCCEEDED'),
      { what: 'the finished execution on disk' },
    );
    expect(saved).toMatchObject({ name: 'saved-1', input: '{"n":1}', stateMachineArn: arn });
    expect(saved.history.map((e) => e.type)).toContain('ExecutionSucceeded');
  });

  it('loads saved executions in a new instance', async () => {
    // Prepare
    const directory = temporaryDirectory();
    const { stepFunctions: first } = createStepFunctions({}, { directory });
    const arn = add(first, 'reloaded', THREE_STEPS);
    const started = first.startExecution({ stateMachineArn: arn, name: 'reload-1' });
    const finished = structuredClone(await first.waitFor(started.executionArn));
    await first.stop();

    // Act
    const { stepFunctions: second } = createStepFunctions({}, { directory });
    add(second, 'reloaded', THREE_STEPS);

    // Assess
    expect(second.describeExecution(started.executionArn)).toEqual(finished);
    expect(second.listExecutions(arn).map((e) => e.name)).toEqual(['reload-1']);
    expect(second.resumeInterrupted()).toBe(0);
  });

  it('keeps executions of two state machines that share an execution name', async () => {
    // Prepare
    const directory = temporaryDirectory();
    const { stepFunctions: first } = createStepFunctions({}, { directory });
    const one = add(first, 'machine-one', THREE_STEPS);
    const two = add(first, 'machine-two', THREE_STEPS);
    const a = first.startExecution({ stateMachineArn: one, name: 'shared-name', input: '{"machine":1}' });
    const b = first.startExecution({ stateMachineArn: two, name: 'shared-name', input: '{"machine":2}' });
    await first.waitFor(a.executionArn);
    await first.waitFor(b.executionArn);
    await first.stop();

    // Act
    const { stepFunctions: second } = createStepFunctions({}, { directory });

    // Assess
    expect(second.describeExecution(a.executionArn).input).toBe('{"machine":1}');
    expect(second.describeExecution(b.executionArn).input).toBe('{"machine":2}');
  });

  it('resumes a RUNNING execution from its current state in a new instance', async () => {
    // Prepare
    const directory = temporaryDirectory();
    const { stepFunctions: before, calls: callsBefore } = createStepFunctions(
      { first: () => 'first-result', second: block },
      { directory },
    );
    const arn = add(before, 'resumable', THREE_STEPS);
    const started = before.startExecution({ stateMachineArn: arn, name: 'resume-1', input: '{"order":9}' });
    await eventually(() => callsBefore.some((c) => c.name === 'second'), { what: 'Second to start' });
    await before.stop();
    const {
      stepFunctions: after,
      calls: callsAfter,
      statuses,
    } = createStepFunctions({ second: () => 'second-result' }, { directory });
    add(after, 'resumable', THREE_STEPS);
    const loaded = after.describeExecution(started.executionArn).status;

    // Act
    const resumed = after.resumeInterrupted();
    const execution = await after.waitFor(started.executionArn);

    // Assess
    expect(loaded).toBe('RUNNING');
    expect(resumed).toBe(1);
    expect(callsAfter).toEqual([{ name: 'second', payload: { order: 9, first: 'first-result' } }]);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output as string)).toEqual({
      order: 9,
      first: 'first-result',
      second: 'second-result',
      done: true,
    });
    expect(execution.history.some((e) => e.type === 'ExecutionResumedAfterRestart')).toBe(true);
    expect(statuses).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(after.resumeInterrupted()).toBe(0);
  });

  it('does not resume executions of state machines it does not have', async () => {
    // Prepare
    const directory = temporaryDirectory();
    const { stepFunctions: before, calls } = createStepFunctions({ first: block }, { directory });
    const arn = add(before, 'orphan', THREE_STEPS);
    const started = before.startExecution({ stateMachineArn: arn, name: 'orphan-1' });
    await eventually(() => calls.length === 1, { what: 'First to start' });
    await before.stop();

    // Act
    const { stepFunctions: after, calls: callsAfter } = createStepFunctions({}, { directory });
    const resumed = after.resumeInterrupted();

    // Assess
    expect(resumed).toBe(0);
    expect(after.describeExecution(started.executionArn).status).toBe('RUNNING');
    expect(callsAfter).toEqual([]);
  });

  it('reads a file saved under the former name (the execution name alone) and keeps it under the new one', async () => {
    // Prepare
    const directory = temporaryDirectory();
    const { stepFunctions: first } = createStepFunctions({}, { directory });
    const arn = add(first, 'legacy', THREE_STEPS);
    const started = first.startExecution({ stateMachineArn: arn, name: 'legacy-1' });
    const finished = structuredClone(await first.waitFor(started.executionArn));
    await first.stop();
    for (const file of readdirSync(directory)) rmSync(join(directory, file));
    writeFileSync(join(directory, 'legacy-1.json'), JSON.stringify(finished));

    // Act
    const { stepFunctions: second } = createStepFunctions({}, { directory });

    // Assess
    expect(second.describeExecution(started.executionArn)).toEqual(finished);
    expect(readdirSync(directory)).toEqual(['legacy.legacy-1.json']);
  });
});

describe('callback tasks (.waitForTaskToken)', () => {
  const CALLBACK_LAMBDA = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

  /** Approve: invokes `approver` with the order and $$.Task.Token, then waits for the token's answer. */
  const approval = (extra: object = {}, catches: object[] = []) => ({
    StartAt: 'Approve',
    States: {
      Approve: {
        Type: 'Task',
        Resource: CALLBACK_LAMBDA,
        Parameters: {
          FunctionName: fnArn('approver'),
          Payload: { 'order.$': '$.order', 'token.$': '$$.Task.Token' },
        },
        ResultPath: '$.approval',
        End: true,
        ...(catches.length > 0 ? { Catch: catches } : {}),
        ...extra,
      },
      ...(catches.length > 0 ? { Caught: { Type: 'Pass', End: true } } : {}),
    },
  });

  const tokenOf = (call: { payload: unknown } | undefined) => (call?.payload as { token?: string } | undefined)?.token;

  async function waitingExecution(
    definition: object,
    behaviours: Record<string, Behaviour> = {},
    options: Partial<StepFunctionsOptions> = {},
  ) {
    const created = createStepFunctions(behaviours, options);
    const arn = add(created.stepFunctions, `approval-${instances.length}`, definition);
    const execution = created.stepFunctions.startExecution({ stateMachineArn: arn, input: '{"order":"o-1"}' });
    const token = await eventually(() => tokenOf(created.calls.find((c) => c.name === 'approver')), {
      what: 'the approver to be invoked',
    });
    await eventually(() => execution.history.some((e) => e.type === 'TaskSubmitted'), { what: 'the task to wait' });
    return { ...created, arn, execution, token };
  }

  it('gives the Lambda an unguessable $$.Task.Token and waits until SendTaskSuccess, whose output is the result', async () => {
    // Prepare
    const { stepFunctions, execution, token, calls } = await waitingExecution(approval());

    // Act
    const stillRunning = stepFunctions.describeExecution(execution.executionArn).status;
    stepFunctions.sendTaskSuccess(token, '{"approved":true,"by":"ops"}');
    const finished = await stepFunctions.waitFor(execution.executionArn);

    // Assess
    expect(stillRunning).toBe('RUNNING');
    expect(token).toMatch(new RegExp(`^[A-Za-z0-9_-]{43}\\.${execution.name}$`));
    expect(calls).toEqual([{ name: 'approver', payload: { order: 'o-1', token } }]);
    expect(finished.status).toBe('SUCCEEDED');
    expect(JSON.parse(finished.output as string)).toEqual({ order: 'o-1', approval: { approved: true, by: 'ops' } });
    expect(finished.history.map((e) => e.type)).toEqual(
      expect.arrayContaining(['TaskSubmitted', 'TaskSucceeded', 'StateExited', 'ExecutionSucceeded']),
    );
    expect(finished.history.find((e) => e.type === 'TaskSucceeded')).toMatchObject({
      stateName: 'Approve',
      output: { approved: true, by: 'ops' },
    });
  });

  it('mints a new token for every execution', async () => {
    // Prepare
    const first = await waitingExecution(approval());
    const second = await waitingExecution(approval());

    // Assess
    expect(first.token).not.toBe(second.token);
    expect(() => first.stepFunctions.sendTaskSuccess(second.token, '{}')).toThrow(
      expect.objectContaining({ name: 'TaskDoesNotExist' }),
    );
  });

  it('fails the task with the error and cause of SendTaskFailure, which a Catch matches by name', async () => {
    // Prepare
    const caught = await waitingExecution(
      approval({}, [{ ErrorEquals: ['Order.Rejected'], ResultPath: '$.rejection', Next: 'Caught' }]),
    );
    const uncaught = await waitingExecution(approval());

    // Act
    caught.stepFunctions.sendTaskFailure(caught.token, 'Order.Rejected', 'credit limit');
    uncaught.stepFunctions.sendTaskFailure(uncaught.token, 'Order.Rejected', 'credit limit');
    const [recovered, failed] = await Promise.all([
      caught.stepFunctions.waitFor(caught.execution.executionArn),
      uncaught.stepFunctions.waitFor(uncaught.execution.executionArn),
    ]);

    // Assess
    expect(recovered.status).toBe('SUCCEEDED');
    expect(JSON.parse(recovered.output as string)).toEqual({
      order: 'o-1',
      rejection: { Error: 'Order.Rejected', Cause: 'credit limit' },
    });
    expect(failed).toMatchObject({ status: 'FAILED', error: 'Order.Rejected', cause: 'credit limit' });
    expect(failed.history.find((e) => e.type === 'TaskFailed')).toMatchObject({
      stateName: 'Approve',
      error: 'Order.Rejected',
      cause: 'credit limit',
    });
  });

  it('retries with a new invocation and a new token, the old one closed', async () => {
    // Prepare
    const { stepFunctions, execution, token, calls } = await waitingExecution(
      approval({ Retry: [{ ErrorEquals: ['Order.Busy'], MaxAttempts: 1 }] }),
    );

    // Act
    stepFunctions.sendTaskFailure(token, 'Order.Busy');
    const retried = await eventually(() => (calls.length === 2 ? tokenOf(calls[1]) : undefined), {
      what: 'the retry',
    });
    await eventually(() => execution.history.filter((e) => e.type === 'TaskSubmitted').length === 2);
    stepFunctions.sendTaskSuccess(retried, '"ok"');
    const finished = await stepFunctions.waitFor(execution.executionArn);

    // Assess
    expect(retried).not.toBe(token);
    expect(() => stepFunctions.sendTaskSuccess(token, '{}')).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
    expect(finished.status).toBe('SUCCEEDED');
    expect(JSON.parse(finished.output as string).approval).toBe('ok');
  });

  it('completes when the Lambda answers its own token before it returns', async () => {
    // Prepare
    let stepFunctions: LocalStepFunctions | undefined;
    const created = createStepFunctions({
      approver: (payload) => {
        stepFunctions?.sendTaskSuccess((payload as { token: string }).token, '{"auto":true}');
        return 'accepted';
      },
    });
    stepFunctions = created.stepFunctions;
    const arn = add(stepFunctions, 'self-answering', approval());

    // Act
    const started = stepFunctions.startExecution({ stateMachineArn: arn, input: '{"order":"o-2"}' });
    const finished = await stepFunctions.waitFor(started.executionArn);

    // Assess
    expect(finished.status).toBe('SUCCEEDED');
    expect(JSON.parse(finished.output as string)).toEqual({ order: 'o-2', approval: { auto: true } });
  });

  it('fails as lambda:invoke does when the Lambda fails, and closes the token', async () => {
    // Prepare
    const { stepFunctions, calls } = createStepFunctions({
      approver: () => {
        throw new OrderRejected('no approver on duty');
      },
    });
    const arn = add(stepFunctions, 'failing-approver', approval());

    // Act
    const started = stepFunctions.startExecution({ stateMachineArn: arn, input: '{"order":"o-3"}' });
    const finished = await stepFunctions.waitFor(started.executionArn);

    // Assess
    expect(finished.status).toBe('FAILED');
    expect(finished.error).toBe('OrderRejected');
    expect(JSON.parse(finished.cause as string)).toMatchObject({ errorType: 'OrderRejected' });
    expect(() => stepFunctions.sendTaskSuccess(String(tokenOf(calls[0])), '{}')).toThrow(
      expect.objectContaining({ name: 'TaskTimedOut' }),
    );
  });

  it('answers InvalidToken, TaskDoesNotExist, InvalidOutput and, once the task closed, TaskTimedOut', async () => {
    // Prepare
    const { stepFunctions, execution, token } = await waitingExecution(approval());
    const unknown = `${'A'.repeat(43)}.${execution.name}`;

    // Act / Assess
    for (const send of [
      () => stepFunctions.sendTaskSuccess('not a token', '{}'),
      () => stepFunctions.sendTaskFailure('', 'E'),
      () => stepFunctions.sendTaskHeartbeat(`${token}x`.replace('.', ':')),
    ]) {
      expect(send).toThrow(expect.objectContaining({ name: 'InvalidToken', code: 'InvalidToken' }));
    }
    expect(() => stepFunctions.sendTaskSuccess(unknown, '{}')).toThrow(
      expect.objectContaining({ name: 'TaskDoesNotExist' }),
    );
    expect(() => stepFunctions.sendTaskSuccess(token, '{oops')).toThrow(
      expect.objectContaining({ name: 'InvalidOutput' }),
    );
    stepFunctions.sendTaskHeartbeat(token);
    stepFunctions.sendTaskSuccess(token, '1');
    for (const send of [
      () => stepFunctions.sendTaskSuccess(token, '2'),
      () => stepFunctions.sendTaskFailure(token, 'Late'),
      () => stepFunctions.sendTaskHeartbeat(token),
    ]) {
      expect(send).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
    }
    expect((await stepFunctions.waitFor(execution.executionArn)).status).toBe('SUCCEEDED');
  });

  it('fails with States.Timeout after TimeoutSeconds, which States.TaskFailed does not catch', async () => {
    // Prepare
    const { stepFunctions, execution, token } = await waitingExecution(
      approval({ TimeoutSeconds: 1 }, [{ ErrorEquals: ['States.TaskFailed'], Next: 'Caught' }]),
    );

    // Act
    const finished = await stepFunctions.waitFor(execution.executionArn);

    // Assess
    expect(finished).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(finished.history.find((e) => e.type === 'TaskTimedOut')).toMatchObject({ error: 'States.Timeout' });
    expect(() => stepFunctions.sendTaskSuccess(token, '{}')).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
  });

  it('waits past the runner default of 60 seconds when TimeoutSeconds is not given', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { stepFunctions, calls } = createStepFunctions();
      const arn = add(stepFunctions, 'patient', approval());
      const execution = stepFunctions.startExecution({ stateMachineArn: arn, input: '{"order":"o-5"}' });
      await vi.advanceTimersByTimeAsync(0);

      // Act
      await vi.advanceTimersByTimeAsync(3600_000);
      const afterAnHour = execution.status;
      stepFunctions.sendTaskSuccess(String(tokenOf(calls[0])), '{}');
      await vi.advanceTimersByTimeAsync(0);
      const finished = await stepFunctions.waitFor(execution.executionArn);

      // Assess
      expect(afterAnHour).toBe('RUNNING');
      expect(finished.status).toBe('SUCCEEDED');
    } finally {
      vi.useRealTimers();
    }
  });

  it('fails with States.HeartbeatTimeout without a heartbeat within HeartbeatSeconds, and lives on heartbeats', async () => {
    // Prepare
    const silent = await waitingExecution(approval({ HeartbeatSeconds: 1 }));
    const beating = await waitingExecution(approval({ HeartbeatSeconds: 1 }));

    // Act
    for (let beat = 0; beat < 4; beat++) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      beating.stepFunctions.sendTaskHeartbeat(beating.token);
    }
    beating.stepFunctions.sendTaskSuccess(beating.token, '"alive"');
    const [timedOut, succeeded] = await Promise.all([
      silent.stepFunctions.waitFor(silent.execution.executionArn),
      beating.stepFunctions.waitFor(beating.execution.executionArn),
    ]);

    // Assess
    expect(timedOut).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(() => silent.stepFunctions.sendTaskHeartbeat(silent.token)).toThrow(
      expect.objectContaining({ name: 'TaskTimedOut' }),
    );
    expect(succeeded.status).toBe('SUCCEEDED');
    expect(JSON.parse(succeeded.output as string).approval).toBe('alive');
  });

  it('closes the token of a stopped execution, and a redrive waits again on a new token', async () => {
    // Prepare
    const { stepFunctions, execution, token, calls } = await waitingExecution(approval());

    // Act
    stepFunctions.stopExecution(execution.executionArn, 'Operator.Stop', 'no longer needed');
    const stopped = await stepFunctions.waitFor(execution.executionArn);
    const stoppedStatus = stopped.status;
    const late = () => stepFunctions.sendTaskSuccess(token, '{}');
    stepFunctions.redriveExecution(execution.executionArn);
    const redriven = await eventually(() => (calls.length === 2 ? tokenOf(calls[1]) : undefined));
    await eventually(() => execution.history.filter((e) => e.type === 'TaskSubmitted').length === 2);
    stepFunctions.sendTaskSuccess(redriven, '"after redrive"');
    const finished = await stepFunctions.waitFor(execution.executionArn);

    // Assess
    expect(stoppedStatus).toBe('ABORTED');
    expect(late).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
    expect(redriven).not.toBe(token);
    expect(finished.status).toBe('SUCCEEDED');
    expect(JSON.parse(finished.output as string).approval).toBe('after redrive');
  });

  it('serves sqs:sendMessage.waitForTaskToken: the message carries the token, the answer is the result', async () => {
    // Prepare
    const sent: { QueueUrl?: string; MessageBody?: string }[] = [];
    const sqs = {
      send: async (command: { input: { QueueUrl?: string; MessageBody?: string } }) => {
        sent.push(command.input);
        return { MessageId: 'm-1', $metadata: {} };
      },
    };
    const { stepFunctions } = createStepFunctions({}, { clients: { ...clients, sqs: sqs as never } });
    const arn = add(stepFunctions, 'queued-approval', {
      StartAt: 'Ask',
      States: {
        Ask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: {
            QueueUrl: 'http://127.0.0.1:1/000000000000/approvals',
            MessageBody: { 'order.$': '$.order', 'token.$': '$$.Task.Token' },
          },
          End: true,
        },
      },
    });

    // Act
    const started = stepFunctions.startExecution({ stateMachineArn: arn, input: '{"order":"o-4"}' });
    const message = await eventually(() => sent[0]);
    stepFunctions.sendTaskSuccess((message.MessageBody as unknown as { token: string }).token, '{"queued":"yes"}');
    const finished = await stepFunctions.waitFor(started.executionArn);

    // Assess
    expect((message.MessageBody as unknown as { order: string }).order).toBe('o-4');
    expect(JSON.parse(finished.output as string)).toEqual({ queued: 'yes' });
  });

  it('after a restart re-enters the waiting state with a new token; the old one no longer exists', async () => {
    // Prepare
    const directory = temporaryDirectory();
    const before = await waitingExecution(approval(), {}, { directory });
    await before.stepFunctions.stop();
    const after = createStepFunctions({}, { directory });
    add(after.stepFunctions, before.arn.split(':').pop() as string, approval());

    // Act
    const resumed = after.stepFunctions.resumeInterrupted();
    const token = await eventually(() => tokenOf(after.calls[0]), { what: 'the approver to be invoked again' });
    const execution = after.stepFunctions.describeExecution(before.execution.executionArn);
    await eventually(() => execution.history.filter((e) => e.type === 'TaskSubmitted').length === 2);
    const oldToken = () => after.stepFunctions.sendTaskSuccess(before.token, '{}');
    after.stepFunctions.sendTaskSuccess(token, '{"approved":"after restart"}');
    const finished = await after.stepFunctions.waitFor(before.execution.executionArn);

    // Assess
    expect(resumed).toBe(1);
    expect(after.calls).toEqual([{ name: 'approver', payload: { order: 'o-1', token } }]);
    expect(token).not.toBe(before.token);
    expect(oldToken).toThrow(expect.objectContaining({ name: 'TaskDoesNotExist' }));
    expect(finished.status).toBe('SUCCEEDED');
    expect(JSON.parse(finished.output as string)).toEqual({ order: 'o-1', approval: { approved: 'after restart' } });
  });
});
