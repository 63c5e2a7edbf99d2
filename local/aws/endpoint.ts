// One local endpoint for the AWS services the hub emulates itself, speaking their JSON wire
// protocols (X-Amz-Target) so the unchanged AWS SDK clients, the AWS CLI and the handlers reach
// them through AWS_ENDPOINT_URL_<SERVICE>: EventBridge, Step Functions, Secrets Manager.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeServiceError, type LocalEventBridge } from '../eventbridge/event-bus';
import { InvalidEventPatternError, matchesEventPattern } from '../eventbridge/event-pattern';
import {
  type Execution,
  type HistoryEvent,
  type LocalStepFunctions,
  StepFunctionsError,
} from '../stepfunctions/step-functions';
import type { LocalSecretsManager } from './secrets-manager';

export interface AwsServices {
  eventBridge: LocalEventBridge;
  stepFunctions: LocalStepFunctions;
  secrets: LocalSecretsManager;
}

class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

type Operation = (body: Record<string, unknown>) => unknown;

export async function startAwsEndpoint(
  services: AwsServices,
  port = 0,
): Promise<{ url: string; stop(): Promise<void> }> {
  const operations = operationsFor(services);
  const server: Server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = operations[target];
    let status = 200;
    let payload: unknown;
    try {
      if (!operation)
        throw new ServiceError(
          'UnknownOperationException',
          `The local hub does not emulate ${target || 'this request'}`,
        );
      const text = await readBody(req);
      payload = await operation(text ? (JSON.parse(text) as Record<string, unknown>) : {});
    } catch (error) {
      const known =
        error instanceof ServiceError ||
        error instanceof StepFunctionsError ||
        error instanceof EventBridgeServiceError;
      const code = known ? (error as { code: string }).code : 'InternalFailure';
      status =
        error instanceof ServiceError || error instanceof EventBridgeServiceError ? error.status : known ? 400 : 500;
      payload = { __type: code, message: (error as Error).message };
    }
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(payload ?? {}));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function operationsFor({ eventBridge, stepFunctions, secrets }: AwsServices): Record<string, Operation> {
  const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
  const describe = (e: Execution) => ({
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startDate),
    stopDate: seconds(e.stopDate),
    input: e.input,
    output: e.output,
    error: e.error,
    cause: e.cause,
    redriveCount: e.redriveCount,
    redriveDate: seconds(e.redriveDate),
    redriveStatus: e.status === 'RUNNING' || e.status === 'SUCCEEDED' ? 'NOT_REDRIVABLE' : 'REDRIVABLE',
  });
  const secret = (id: unknown) => {
    const found = secrets.get(String(id));
    if (!found) throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return found;
  };
  return {
    'AWSEvents.PutEvents': (body) => eventBridge.putEvents(body.Entries as never),
    'AWSEvents.TestEventPattern': (body) => {
      try {
        return { Result: matchesEventPattern(String(body.EventPattern), JSON.parse(String(body.Event))) };
      } catch (error) {
        if (error instanceof InvalidEventPatternError)
          throw new ServiceError('InvalidEventPatternException', error.message);
        throw error;
      }
    },
    'AWSStepFunctions.ListStateMachines': () => ({
      stateMachines: stepFunctions
        .stateMachines()
        .map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: 0 })),
    }),
    'AWSStepFunctions.StartExecution': (body) => {
      const e = stepFunctions.startExecution(body as never);
      return { executionArn: e.executionArn, startDate: seconds(e.startDate) };
    },
    'AWSStepFunctions.DescribeExecution': (body) =>
      describe(stepFunctions.describeExecution(String(body.executionArn))),
    'AWSStepFunctions.ListExecutions': (body) => ({
      executions: stepFunctions
        .listExecutions(String(body.stateMachineArn), body.statusFilter as never)
        .slice(0, Number(body.maxResults ?? 1000))
        .map((e) => ({ ...describe(e), input: undefined, output: undefined })),
    }),
    'AWSStepFunctions.GetExecutionHistory': (body) => {
      const e = stepFunctions.describeExecution(String(body.executionArn));
      const events = e.history.map((event) => ({
        id: event.id,
        previousEventId: event.id - 1,
        timestamp: seconds(event.timestamp),
        type: event.type,
        ...(event.stateName ? { stateName: event.stateName } : {}),
        ...(event.input !== undefined ? { input: JSON.stringify(event.input) } : {}),
        ...(event.output !== undefined ? { output: JSON.stringify(event.output) } : {}),
        ...(event.error ? { error: event.error, cause: event.cause } : {}),
        ...awsEventDetails(event),
      }));
      return { events: body.reverseOrder ? events.reverse() : events };
    },
    'AWSStepFunctions.StopExecution': (body) => {
      stepFunctions.stopExecution(String(body.executionArn), body.error as string, body.cause as string);
      return { stopDate: Date.now() / 1000 };
    },
    'AWSStepFunctions.RedriveExecution': (body) => ({
      redriveDate: seconds(stepFunctions.redriveExecution(String(body.executionArn)).redriveDate),
    }),
    'AWSStepFunctions.SendTaskSuccess': (body) => {
      stepFunctions.sendTaskSuccess(String(body.taskToken), String(body.output));
      return {};
    },
    'AWSStepFunctions.SendTaskFailure': (body) => {
      stepFunctions.sendTaskFailure(String(body.taskToken), body.error as string, body.cause as string);
      return {};
    },
    'AWSStepFunctions.SendTaskHeartbeat': (body) => {
      stepFunctions.sendTaskHeartbeat(String(body.taskToken));
      return {};
    },
    'secretsmanager.GetSecretValue': (body) => {
      const s = secret(body.SecretId);
      return {
        ARN: s.arn,
        Name: s.name,
        SecretString: s.value,
        VersionId: s.versionId,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: s.createdDate / 1000,
      };
    },
    'secretsmanager.PutSecretValue': (body) => {
      const s = secrets.put(String(body.SecretId), String(body.SecretString));
      if (!s) throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      return { ARN: s.arn, Name: s.name, VersionId: s.versionId, VersionStages: ['AWSCURRENT'] };
    },
    'secretsmanager.ListSecrets': () => ({ SecretList: secrets.list().map((s) => ({ ARN: s.arn, Name: s.name })) }),
  };
}

/** The AWS `*EventDetails` member of a history event: the only place SDK clients read names, input and output. */
function awsEventDetails(event: HistoryEvent): Record<string, unknown> {
  const input = event.input === undefined ? undefined : JSON.stringify(event.input);
  const output = event.output === undefined ? undefined : JSON.stringify(event.output);
  switch (event.type) {
    case 'ExecutionStarted':
      return { executionStartedEventDetails: { input } };
    case 'ExecutionSucceeded':
      return { executionSucceededEventDetails: { output } };
    case 'ExecutionFailed':
      return { executionFailedEventDetails: { error: event.error, cause: event.cause } };
    case 'StateEntered':
      return { stateEnteredEventDetails: { name: event.stateName, input } };
    case 'StateExited':
      return { stateExitedEventDetails: { name: event.stateName, output } };
    default:
      return {};
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
