// Every Lambda function of the hub: one place for runtime, architecture, bundling, logging and
// tracing defaults, plus bind helpers that grant access and set the environment variable together.
import { Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { connectionVariables } from '../functions/connectors/registry';
import { HANDLER, handlerCode } from './bundling';
import type { ConnectedSystem } from './systems';

export interface HubFunctionProps {
  /** File name in functions/handlers without extension, e.g. 'q2c-load-order'. */
  readonly handler: string;
  readonly description: string;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** @default 512 MB: more memory is also more CPU, which shortens cold starts. */
  readonly memorySize?: number;
  /** Invocations that must not run concurrently beyond this, e.g. to respect an ERP's concurrency limit. */
  readonly reservedConcurrentExecutions?: number;
  readonly environment?: Record<string, string>;
  /** Dead-letter queue for asynchronous invocations (EventBridge targets). */
  readonly deadLetterQueue?: IQueue;
}

/** Lambda's limit on a function's environment variables, names and values together. */
const ENVIRONMENT_LIMIT_BYTES = 4096;
/** What an unresolved value (an ARN, a name) is counted as when checking that limit. */
const TOKEN_ESTIMATE_BYTES = 120;

export class HubFunction extends LambdaFunction {
  // Filled by addEnvironment, which the base constructor calls before field initializers run.
  declare private variables: Record<string, string> | undefined;

  constructor(scope: Construct, id: string, props: HubFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      code: handlerCode(props.handler),
      handler: HANDLER,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: Tracing.ACTIVE,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      deadLetterQueueEnabled: props.deadLetterQueue !== undefined ? true : undefined,
      deadLetterQueue: props.deadLetterQueue,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.handler,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    acknowledgeFunctionFindings(this);
    this.node.addValidation({ validate: () => this.checkEnvironmentSize() });
  }

  override addEnvironment(key: string, value: string): this {
    this.variables ??= {};
    this.variables[key] = value;
    return super.addEnvironment(key, value);
  }

  /** Reads the system's credentials secret and knows its settings (functions/connectors/registry.ts). */
  bindSystem(system: ConnectedSystem, secret: ISecret): this {
    const variables = connectionVariables(system.name);
    secret.grantRead(this);
    this.addEnvironment(variables.secretArn, secret.secretArn);
    this.addEnvironment(variables.settings, JSON.stringify(system.settings));
    return this;
  }

  private checkEnvironmentSize(): string[] {
    const bytes = Object.entries(this.variables ?? {}).reduce(
      (sum, [key, value]) =>
        sum + key.length + (Token.isUnresolved(value) ? TOKEN_ESTIMATE_BYTES : Buffer.byteLength(value)),
      0,
    );
    return bytes > ENVIRONMENT_LIMIT_BYTES
      ? [
          `The environment of ${this.node.path} is about ${bytes} bytes; Lambda allows ${ENVIRONMENT_LIMIT_BYTES} (shorten hub:routing or the systems' settings)`,
        ]
      : [];
  }

  /** Grants exactly `actions` on the table itself (no index access unless asked for). */
  bindTable(table: ITableV2, variable: string, actions: TableAction[]): this {
    this.addToRolePolicy(
      new PolicyStatement({ actions: actions.map((action) => `dynamodb:${action}`), resources: [table.tableArn] }),
    );
    this.addEnvironment(variable, table.tableName);
    return this;
  }

  bindSecret(secret: ISecret, variable: string): this {
    secret.grantRead(this);
    this.addEnvironment(variable, secret.secretArn);
    return this;
  }

  bindQueue(queue: IQueue, variable: string): this {
    queue.grantSendMessages(this);
    this.addEnvironment(variable, queue.queueUrl);
    return this;
  }

  bindBus(bus: IEventBus, variable: string): this {
    bus.grantPutEventsTo(this);
    this.addEnvironment(variable, bus.eventBusName);
    return this;
  }
}

export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem';

function acknowledgeFunctionFindings(fn: HubFunction): void {
  const validations = Validations.of(fn);
  validations.acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'The AWS managed basic execution role only allows writing CloudWatch Logs, which every function needs.',
  });
  validations.acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions.',
  });
  validations.acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'The hub is built and tested for Node.js 22 (nodejs22.x); moving to a newer runtime is a tested change, not an automatic one.',
  });
}
