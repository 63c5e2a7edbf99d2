// Quote-to-cash: closed-won opportunity -> ERP customer and sales order -> order number back in
// the CRM. The state machine comes from statemachines/quote-to-cash.asl.json; every ARN and
// name reaches it through definition substitutions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SfnStateMachine, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { busSource } from '../functions/domain/canonical/envelope';
import { OPPORTUNITY_CLOSED_WON } from '../functions/domain/canonical/opportunity-closed-won';
import { DeadLetterQueue } from './dead-letter-queue';
import { HubFunction } from './hub-function';
import { STATE_MACHINES_DIR } from './paths';

export interface QuoteToCashProps {
  readonly bus: IEventBus;
  readonly correlationTable: ITableV2;
  readonly itemMappingTable: ITableV2;
  readonly salesforceApi: ISecret;
  readonly netsuiteApi: ISecret;
  readonly netsuiteSubsidiaryId: string;
}

/** The canonical event that starts the flow, named where the receiver builds it. */
const CLOSED_WON_PATTERN = {
  source: [busSource('salesforce')],
  detailType: [OPPORTUNITY_CLOSED_WON],
  detail: { eventVersion: [1] },
};

export class QuoteToCash extends Construct {
  public readonly stateMachine: StateMachine;
  /** Events the bus could not deliver to the state machine. */
  public readonly undeliveredEvents: DeadLetterQueue;
  /** One message per execution that failed, timed out or was aborted. */
  public readonly failedExecutions: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: QuoteToCashProps) {
    super(scope, id);
    const steps = this.createSteps(props);
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      comment: 'Quote-to-cash: closed-won opportunity to ERP sales order',
      definitionBody: DefinitionBody.fromString(
        readFileSync(join(STATE_MACHINES_DIR, 'quote-to-cash.asl.json'), 'utf8'),
      ),
      definitionSubstitutions: {
        CorrelationTableName: props.correlationTable.tableName,
        LoadOrderFunctionArn: steps.loadOrder.functionArn,
        UpsertErpCustomerFunctionArn: steps.upsertCustomer.functionArn,
        CreateErpSalesOrderFunctionArn: steps.createOrder.functionArn,
        WriteBackOrderFunctionArn: steps.writeBack.functionArn,
      },
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'ExecutionLogs', {
          retention: RetentionDays.THREE_MONTHS,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: LogLevel.ALL,
        // Execution data holds customer addresses and prices; the correlation table keeps the audit trail.
        includeExecutionData: false,
      },
    });
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(steps).map((fn) => fn.functionArn),
      }),
    );
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [props.correlationTable.tableArn] }),
    );
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing and CloudWatch Logs delivery for state machines support no resource-level permissions.',
    });

    this.undeliveredEvents = new DeadLetterQueue(this, 'UndeliveredEvents', {
      purpose: 'closed-won events EventBridge could not start an execution for',
    });
    new Rule(this, 'StartOnClosedWon', {
      description: 'Starts quote-to-cash for every closed-won opportunity event',
      eventBus: props.bus,
      eventPattern: CLOSED_WON_PATTERN,
      targets: [
        new SfnStateMachine(this.stateMachine, {
          deadLetterQueue: this.undeliveredEvents,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    this.failedExecutions = new DeadLetterQueue(this, 'FailedExecutions', {
      purpose: 'quote-to-cash executions that failed, timed out or were aborted',
    });
    this.reportFailures(props);
  }

  private createSteps(props: QuoteToCashProps) {
    const loadOrder = new HubFunction(this, 'LoadOrder', {
      handler: 'q2c-load-order',
      description: 'Quote-to-cash: reads the won opportunity from Salesforce and maps it to the canonical order',
    })
      .bindSecret(props.salesforceApi, 'SALESFORCE_SECRET_ARN')
      .bindTable(props.correlationTable, 'CORRELATION_TABLE_NAME', ['BatchWriteItem']);
    const upsertCustomer = new HubFunction(this, 'UpsertErpCustomer', {
      handler: 'q2c-upsert-erp-customer',
      description: 'Quote-to-cash: creates or updates the NetSuite customer for the account',
      environment: { NETSUITE_SUBSIDIARY_ID: props.netsuiteSubsidiaryId },
    })
      .bindSecret(props.netsuiteApi, 'NETSUITE_SECRET_ARN')
      .bindTable(props.correlationTable, 'CORRELATION_TABLE_NAME', ['BatchWriteItem']);
    const createOrder = new HubFunction(this, 'CreateErpSalesOrder', {
      handler: 'q2c-create-erp-order',
      description: 'Quote-to-cash: maps products to NetSuite items and creates the sales order once',
    })
      .bindSecret(props.netsuiteApi, 'NETSUITE_SECRET_ARN')
      .bindTable(props.itemMappingTable, 'ITEM_MAPPING_TABLE_NAME', ['BatchGetItem'])
      .bindTable(props.correlationTable, 'CORRELATION_TABLE_NAME', ['BatchWriteItem']);
    const writeBack = new HubFunction(this, 'WriteBackOrder', {
      handler: 'q2c-write-back-order',
      description: 'Quote-to-cash: writes the NetSuite order number and status on the opportunity',
    })
      .bindSecret(props.salesforceApi, 'SALESFORCE_SECRET_ARN')
      .bindTable(props.correlationTable, 'CORRELATION_TABLE_NAME', ['BatchWriteItem']);
    return { loadOrder, upsertCustomer, createOrder, writeBack };
  }

  /** Failed, timed-out and aborted executions go to a queue and to the reporter, which writes the exception back. */
  private reportFailures(props: QuoteToCashProps): void {
    const undeliveredReports = new DeadLetterQueue(this, 'UndeliveredFailureReports', {
      purpose: 'failure reports the reporter function could not process',
    });
    const reporter = new HubFunction(this, 'ReportFailedExecution', {
      handler: 'report-failed-execution',
      description: 'Records a failed quote-to-cash execution as a business exception and writes it back to the CRM',
      deadLetterQueue: undeliveredReports,
    })
      .bindSecret(props.salesforceApi, 'SALESFORCE_SECRET_ARN')
      .bindTable(props.correlationTable, 'CORRELATION_TABLE_NAME', ['UpdateItem']);
    new Rule(this, 'OnExecutionFailed', {
      description: 'Quote-to-cash executions that failed, timed out or were aborted',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: [this.stateMachine.stateMachineArn],
        },
      },
      targets: [
        new LambdaFunction(reporter, {
          deadLetterQueue: undeliveredReports,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
        new SqsQueue(this.failedExecutions),
      ],
    });
  }
}
