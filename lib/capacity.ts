// The shared capacity of the ERP accounts (functions/capacity): one DynamoDB table for every
// account's budget, breaker and waiting line, the function that parks a transaction by its task
// token, and the keeper that runs every minute to reclaim expired leases and probe an open
// breaker. Flows bind their ERP steps here; the budget settings come from hub:capacity.
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CAPACITY_METRICS } from '../functions/capacity/metrics';
import type { CapacitySettings } from '../functions/capacity/settings';
import type { Connections } from './connections';
import { HubFunction } from './hub-function';
import { OUTPUTS, stackOutput } from './outputs';
import type { ConnectedSystem } from './systems';

export interface CapacityProps {
  readonly settings: CapacitySettings;
  /** The ERPs this deployment calls: budgets for others are ignored. */
  readonly erps: readonly string[];
  /** The flows whose steps call ERPs; each gets a share of every budget. */
  readonly flows: readonly string[];
  /** The connected systems and their secrets: the keeper asks the budgeted ERPs for their limits. */
  readonly systems: readonly ConnectedSystem[];
  readonly connections: Connections;
}

/** Every state machine of the stack is named `<stack>-<flow>`, so task tokens can be granted without a cycle. */
export function stateMachineName(scope: Construct, flow: string): string {
  return `${Stack.of(scope).stackName}-${flow}`;
}

export class Capacity extends Construct {
  public readonly table: TableV2;
  /** Invoked by the state machines with a task token when a step found no capacity. */
  public readonly park: HubFunction;
  private readonly settingsJson: string;
  private readonly flows: readonly string[];

  constructor(scope: Construct, id: string, props: CapacityProps) {
    super(scope, id);
    this.flows = props.flows;
    const systems = Object.fromEntries(
      Object.entries(props.settings.systems).filter(([system]) => props.erps.includes(system)),
    );
    const flows = Object.fromEntries(props.flows.map((flow) => [flow, props.settings.flows[flow] ?? { weight: 1 }]));
    this.settingsJson = JSON.stringify({ enabled: props.settings.enabled, flows, systems });
    this.table = new TableV2(this, 'Budgets', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Budgets rebuild themselves from settings; waiting lines live no longer than their executions.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    stackOutput(this, OUTPUTS.capacityTable, 'ERP capacity budgets, breakers and waiting lines', this.table.tableName);

    this.park = this.bind(
      new HubFunction(this, 'Park', {
        handler: 'capacity-park',
        description: 'Parks a transaction that found no ERP capacity in the ERP account waiting line',
      }),
    );
    const keeper = this.bind(
      new HubFunction(this, 'Keeper', {
        handler: 'capacity-keeper',
        description: 'Reclaims expired ERP leases, probes open breakers and releases waiting transactions',
        timeout: Duration.seconds(60),
        // One keeper at a time: a scheduled run that overlaps the last one has nothing to add.
        reservedConcurrentExecutions: 1,
      }),
    );
    for (const system of props.systems.filter((s) => s.name in systems)) {
      keeper.bindSystem(system, props.connections.secretOf(system.name));
    }
    new Rule(this, 'KeeperSchedule', {
      description: 'Runs the ERP capacity keeper every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(keeper, { retryAttempts: 0 })],
    });
    for (const system of Object.keys(systems)) this.alarms(system);
  }

  /** What to watch per ERP account: the breaker opening, and 429s the budget keeps meeting. */
  private alarms(system: string): void {
    const metric = (metricName: string) =>
      new Metric({
        namespace: CAPACITY_METRICS.namespace,
        metricName,
        dimensionsMap: { [CAPACITY_METRICS.dimension]: system },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    new Alarm(this, `${system}BreakerOpen`, {
      alarmDescription: `${system} failed repeatedly and the hub stopped calling it; transactions wait in line until a probe succeeds`,
      metric: metric(CAPACITY_METRICS.breakerOpened),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    new Alarm(this, `${system}Throttled`, {
      alarmDescription: `${system} keeps throttling the hub: other integrations use more of the account than hub:capacity reserves for them`,
      metric: metric(CAPACITY_METRICS.throttled),
      threshold: 20,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** Gives a flow's ERP step the budgets: its calls take leases and release waiting transactions. */
  bindStep(fn: HubFunction, flow: string): HubFunction {
    fn.addEnvironment('HUB_FLOW', flow);
    return this.bind(fn);
  }

  private bind(fn: HubFunction): HubFunction {
    fn.bindTable(this.table, 'CAPACITY_TABLE_NAME', ['GetItem', 'UpdateItem', 'PutItem', 'DeleteItem', 'Query']);
    fn.addEnvironment('CAPACITY_SETTINGS', this.settingsJson);
    // By name, not by reference: the state machines refer to these functions already.
    const stack = Stack.of(this);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:SendTaskSuccess'],
        resources: this.flows.map((flow) =>
          stack.formatArn({
            service: 'states',
            resource: 'stateMachine',
            resourceName: stateMachineName(this, flow),
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      }),
    );
    return fn;
  }
}
