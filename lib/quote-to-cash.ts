// Quote-to-cash: closed-won deal -> routed to an ERP -> ERP customer and sales order -> order
// number back in the CRM. The state machine comes from statemachines/quote-to-cash.asl.json;
// every ARN and name reaches it through definition substitutions. No vendor is named here: the
// CRM and ERP steps are bound to the connected systems, and each execution says which to call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SfnStateMachine, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { HUB_SOURCE_PREFIX } from '../functions/domain/canonical/envelope';
import { OPPORTUNITY_CLOSED_WON } from '../functions/domain/canonical/opportunity-closed-won';
import { type Routing, routedSystems } from '../functions/domain/routing';
import { STATE_MACHINES_DIR } from '../paths';
import { type Capacity, stateMachineName } from './capacity';
import type { Connections } from './connections';
import { DeadLetterQueue } from './dead-letter-queue';
import { HubFunction } from './hub-function';
import { type ConnectedSystem, systemsOfKind } from './systems';

/** The flow's name: in the correlation table, the capacity budgets' shares and the state machine's name. */
export const QUOTE_TO_CASH = 'quote-to-cash';

export interface QuoteToCashProps {
  readonly capacity: Capacity;
  readonly bus: IEventBus;
  readonly correlationTable: ITableV2;
  readonly itemMappingTable: ITableV2;
  readonly systems: readonly ConnectedSystem[];
  readonly connections: Connections;
  readonly routing: Routing;
}

/** Closed-won events of every CRM, in the canonical version this flow reads. */
const CLOSED_WON_PATTERN = {
  source: Match.prefix(HUB_SOURCE_PREFIX),
  detailType: [OPPORTUNITY_CLOSED_WON],
  detail: { eventVersion: [1] },
};

/** A step calling a CRM or ERP: room for several vendor calls of at most 15 s each (platform/http). */
const VENDOR_STEP_TIMEOUT = Duration.seconds(60);

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
      stateMachineName: stateMachineName(this, QUOTE_TO_CASH),
      stateMachineType: StateMachineType.STANDARD,
      comment: 'Quote-to-cash: closed-won deal to ERP sales order',
      definitionBody: DefinitionBody.fromString(
        readFileSync(join(STATE_MACHINES_DIR, 'quote-to-cash.asl.json'), 'utf8'),
      ),
      definitionSubstitutions: {
        CorrelationTableName: props.correlationTable.tableName,
        LoadOrderFunctionArn: steps.loadOrder.functionArn,
        RouteOrderFunctionArn: steps.routeOrder.functionArn,
        UpsertErpCustomerFunctionArn: steps.upsertCustomer.functionArn,
        CreateErpSalesOrderFunctionArn: steps.createOrder.functionArn,
        WriteBackOrderFunctionArn: steps.writeBack.functionArn,
        ShadowErpOrderFunctionArn: steps.shadowOrder.functionArn,
        ParkFunctionArn: props.capacity.park.functionArn,
        Flow: QUOTE_TO_CASH,
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
        resources: [...Object.values(steps), props.capacity.park].map((fn) => fn.functionArn),
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
      description: 'Starts quote-to-cash for every closed-won deal event',
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
    const correlation = (fn: HubFunction) =>
      fn.bindTable(props.correlationTable, 'CORRELATION_TABLE_NAME', ['BatchWriteItem']);
    const loadOrder = this.bindCrms(
      new HubFunction(this, 'LoadOrder', {
        handler: 'q2c-load-order',
        description: 'Quote-to-cash: reads the won deal from its CRM and maps it to the canonical order',
        timeout: VENDOR_STEP_TIMEOUT,
      }),
      props,
    );
    const routeOrder = new HubFunction(this, 'RouteOrder', {
      handler: 'q2c-route-order',
      description: 'Quote-to-cash: chooses the ERP (and a shadow ERP) for the order by the routing rules',
      environment: { ROUTING: JSON.stringify(props.routing) },
    }).bindTable(props.correlationTable, 'CORRELATION_TABLE_NAME', ['BatchWriteItem', 'UpdateItem']);
    const upsertCustomer = this.bindErps(
      new HubFunction(this, 'UpsertErpCustomer', {
        handler: 'q2c-upsert-erp-customer',
        description: 'Quote-to-cash: creates or updates the customer for the account in the target ERP',
        timeout: VENDOR_STEP_TIMEOUT,
      }),
      props,
    );
    const createOrder = this.bindErps(
      new HubFunction(this, 'CreateErpSalesOrder', {
        handler: 'q2c-create-erp-order',
        description: 'Quote-to-cash: maps products to the target ERP items and creates the sales order once',
        timeout: VENDOR_STEP_TIMEOUT,
      }),
      props,
    ).bindTable(props.itemMappingTable, 'ITEM_MAPPING_TABLE_NAME', ['BatchGetItem']);
    const writeBack = this.bindCrms(
      new HubFunction(this, 'WriteBackOrder', {
        handler: 'q2c-write-back-order',
        description: 'Quote-to-cash: writes the ERP order number and status on the deal in its CRM',
        timeout: VENDOR_STEP_TIMEOUT,
      }),
      props,
    );
    const shadowOrder = this.bindErps(
      new HubFunction(this, 'ShadowErpOrder', {
        handler: 'q2c-shadow-erp-order',
        description: 'Quote-to-cash cutovers: writes the order to the shadow ERP too and compares the two records',
        timeout: VENDOR_STEP_TIMEOUT,
      }),
      props,
    )
      .bindTable(props.itemMappingTable, 'ITEM_MAPPING_TABLE_NAME', ['BatchGetItem'])
      .bindTable(props.correlationTable, 'CORRELATION_TABLE_NAME', ['BatchWriteItem', 'UpdateItem']);
    for (const fn of [loadOrder, upsertCustomer, createOrder, writeBack]) correlation(fn);
    for (const fn of [upsertCustomer, createOrder, shadowOrder]) props.capacity.bindStep(fn, QUOTE_TO_CASH);
    return { loadOrder, routeOrder, upsertCustomer, createOrder, writeBack, shadowOrder };
  }

  /** The ERP steps may call every ERP the routing can send an order to, and no other. */
  private bindErps(fn: HubFunction, props: QuoteToCashProps): HubFunction {
    const routed = routedSystems(props.routing);
    for (const system of systemsOfKind(props.systems, 'erp').filter((s) => routed.includes(s.name))) {
      fn.bindSystem(system, props.connections.secretOf(system.name));
    }
    return fn;
  }

  private bindCrms(fn: HubFunction, props: QuoteToCashProps): HubFunction {
    for (const system of systemsOfKind(props.systems, 'crm'))
      fn.bindSystem(system, props.connections.secretOf(system.name));
    return fn;
  }

  /** Failed, timed-out and aborted executions go to a queue and to the reporter, which writes the exception back. */
  private reportFailures(props: QuoteToCashProps): void {
    const undeliveredReports = new DeadLetterQueue(this, 'UndeliveredFailureReports', {
      purpose: 'failure reports the reporter function could not process',
    });
    const reporter = this.bindCrms(
      new HubFunction(this, 'ReportFailedExecution', {
        handler: 'report-failed-execution',
        description: 'Records a failed quote-to-cash execution as a business exception and writes it back to the CRM',
        deadLetterQueue: undeliveredReports,
        timeout: VENDOR_STEP_TIMEOUT,
      }),
      props,
    ).bindTable(props.correlationTable, 'CORRELATION_TABLE_NAME', ['UpdateItem']);
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
