// Webhook receivers: one HTTP API, one route, function, secret and dead-letter queue per sender,
// all publishing canonical events to the hub's bus.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { pascal, placeholderSecret } from './connections';
import { DeadLetterQueue } from './dead-letter-queue';
import { HubFunction } from './hub-function';
import { OUTPUTS, stackOutput } from './outputs';
import type { WebhookSender } from './senders';

export interface IngestProps {
  readonly stage: string;
  readonly bus: IEventBus;
  readonly idempotencyTable: ITableV2;
  readonly senders: readonly WebhookSender[];
  /** Steady requests per second the API accepts across all senders. @default 500 */
  readonly rateLimit?: number;
}

export class Ingest extends Construct {
  public readonly api: HttpApi;
  public readonly receivers: Record<string, HubFunction> = {};

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'WebhookApi', {
      description: 'Webhook receivers of the integration hub, one route per SaaS sender',
      createDefaultStage: true,
    });
    this.configureStage(props.rateLimit ?? 500);
    for (const sender of props.senders) this.addSender(sender, props);
  }

  private addSender(sender: WebhookSender, props: IngestProps): void {
    const id = pascal(sender.name);
    const urlOutput = OUTPUTS.webhookUrl(sender.name);
    const secret = placeholderSecret(this, `${id}WebhookSecret`, `hub/${props.stage}/${sender.name}/webhook`, {
      description: `What ${sender.name} authenticates its webhook deliveries with`,
      template: {},
      generatedKey: sender.secret.generatedKey,
      purpose: { system: sender.name, purpose: 'webhook', urlOutput },
    });
    const rejected = new DeadLetterQueue(this, `${id}RejectedDeliveries`, {
      purpose: `${sender.name} notifications that cannot become canonical events`,
    });
    const receiver = new HubFunction(this, `${id}Receiver`, {
      handler: sender.handler,
      description: sender.description,
      timeout: Duration.seconds(29),
      environment: sender.environment,
    })
      .bindSecret(secret, sender.secret.variable)
      .bindBus(props.bus, 'EVENT_BUS_NAME')
      .bindTable(props.idempotencyTable, 'IDEMPOTENCY_TABLE_NAME', ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'])
      .bindQueue(rejected, 'REJECTED_DELIVERIES_QUEUE_URL');
    this.api.addRoutes({
      path: `/webhooks/${sender.name}`,
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration(`${id}Integration`, receiver),
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Webhook senders cannot use IAM or JWT authorizers; each receiver checks the sender signature or shared secret itself.',
    });
    this.receivers[sender.name] = receiver;
    stackOutput(
      this,
      urlOutput,
      `Register this URL in ${sender.name} (see README)`,
      `${this.api.apiEndpoint}/webhooks/${sender.name}`,
    );
  }

  private configureStage(rateLimit: number): void {
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = this.api.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        time: '$context.requestTime',
        route: '$context.routeKey',
        status: '$context.status',
        length: '$context.responseLength',
        latency: '$context.integrationLatency',
        error: '$context.integrationErrorMessage',
      }),
    };
    stage.defaultRouteSettings = { throttlingRateLimit: rateLimit, throttlingBurstLimit: rateLimit * 2 };
  }
}
