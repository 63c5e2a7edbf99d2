// The synthesized template: what `cdk deploy` creates, checked resource by resource.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { RETRY_POLICIES } from '../../functions/domain/errors';
import { EXCEPTION_CODES } from '../../functions/domain/exceptions';
import { type CloudAssembly, readCloudAssembly } from '../../local/cloud-assembly';
import { STATE_MACHINES_DIR } from '../../paths';

let assembly: CloudAssembly;
let template: Template;
const resourcesOf = (type: string) => Object.entries(assembly.template.Resources).filter(([, r]) => r.Type === type);

beforeAll(() => {
  assembly = readCloudAssembly(inject('assemblyDirectory'));
  template = Template.fromJSON(assembly.template);
});

describe('functions', () => {
  it('run Node.js 22 on arm64 with active tracing and JSON logs', () => {
    const functions = resourcesOf('AWS::Lambda::Function');
    // The receiver, six quote-to-cash steps, the failure reporter and the capacity park and keeper.
    expect(functions.length).toBe(10);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON' },
      });
    }
  });

  it('receive secrets as Secrets Manager references, never as values', () => {
    const secretIds = new Set(resourcesOf('AWS::SecretsManager::Secret').map(([id]) => id));
    for (const [id, fn] of resourcesOf('AWS::Lambda::Function')) {
      const variables = (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment
        .Variables;
      for (const [name, value] of Object.entries(variables)) {
        if (!/SECRET/.test(name)) continue;
        expect(name, `${id}.${name}`).toMatch(/_SECRET_ARN$/);
        expect(value, `${id}.${name}`).toEqual({ Ref: expect.any(String) });
        expect(secretIds.has((value as { Ref: string }).Ref)).toBe(true);
      }
    }
  });

  it('bundle their code, the AWS SDK included, as ES modules', () => {
    for (const [, fn] of resourcesOf('AWS::Lambda::Function')) {
      const code = fn.Properties?.Code as { S3Key: string };
      const bundle = readFileSync(join(assembly.assetDirectory(code.S3Key), 'index.mjs'), 'utf8');
      expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
      expect(bundle.length).toBeGreaterThan(10_000);
    }
  });
});

describe('webhook ingest', () => {
  it('routes POST /webhooks/salesforce to the receiver through a Lambda proxy integration', () => {
    const receiver = resourcesOf('AWS::Lambda::Function').find(([id]) => id.startsWith('IngestSalesforceReceiver'));
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [receiver?.[0], 'Arn'] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /webhooks/salesforce' });
  });

  it('logs access and throttles the API stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
  });

  it('gives the receiver the bus, the idempotency table, its secret and a rejected-deliveries queue', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ALLOWED_ORG_IDS: Match.stringLikeRegexp('^00D'),
          EVENT_BUS_NAME: { Ref: Match.stringLikeRegexp('^Bus') },
          IDEMPOTENCY_TABLE_NAME: { Ref: Match.stringLikeRegexp('^TrackingIdempotency') },
          REJECTED_DELIVERIES_QUEUE_URL: { Ref: Match.stringLikeRegexp('^IngestSalesforceRejectedDeliveries') },
          OUTBOUND_MESSAGE_SECRET_ARN: { Ref: Match.stringLikeRegexp('^IngestSalesforceWebhookSecret') },
        }),
      },
    });
  });
});

describe('quote-to-cash orchestration', () => {
  it('starts the state machine for closed-won events on the hub bus, with retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('^Bus') },
      EventPattern: { source: [{ prefix: 'hub.' }], 'detail-type': ['opportunity.closed_won'] },
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('^QuoteToCashStateMachine') },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^QuoteToCashUndeliveredEvents'), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
  });

  it('sends failed, timed-out and aborted executions to the reporter and to a queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        detail: {
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: [{ Ref: Match.stringLikeRegexp('^QuoteToCashStateMachine') }],
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^QuoteToCashReportFailedExecution'), 'Arn'] },
          DeadLetterConfig: Match.anyValue(),
        }),
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^QuoteToCashFailedExecutions'), 'Arn'] } }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'report-failed-execution' }) },
      DeadLetterConfig: { TargetArn: Match.anyValue() },
    });
  });

  it('deploys the ASL file unchanged, every placeholder substituted, traced and logged', () => {
    const asl = readFileSync(join(STATE_MACHINES_DIR, 'quote-to-cash.asl.json'), 'utf8');
    const [[, machine]] = resourcesOf('AWS::StepFunctions::StateMachine');
    const props = machine.Properties as Record<string, unknown>;
    expect(props.DefinitionString).toBe(asl);
    const placeholders = new Set([...asl.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]));
    expect(new Set(Object.keys(props.DefinitionSubstitutions as object))).toEqual(placeholders);
    expect(props).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
  });

  it('retries transient errors in every Lambda step exactly as functions/domain/errors.ts defines, never business exceptions', () => {
    const asl = JSON.parse(readFileSync(join(STATE_MACHINES_DIR, 'quote-to-cash.asl.json'), 'utf8'));
    const lambdaSteps = Object.entries(
      asl.States as Record<string, { Resource?: string; Retry?: Record<string, unknown>[] }>,
    ).filter(([, state]) => state.Resource?.includes('FunctionArn'));
    expect(lambdaSteps.length).toBe(6);
    const expected = RETRY_POLICIES.map((policy) => ({
      ErrorEquals: [...policy.errors],
      IntervalSeconds: policy.intervalSeconds,
      BackoffRate: policy.backoffRate,
      MaxDelaySeconds: policy.maxDelaySeconds,
      MaxAttempts: policy.maxAttempts,
      JitterStrategy: 'FULL',
    }));
    for (const [name, state] of lambdaSteps) {
      expect(state.Retry, name).toEqual(expected);
      const retried = (state.Retry ?? []).flatMap((r) => r.ErrorEquals as string[]);
      for (const code of EXCEPTION_CODES) expect(retried, name).not.toContain(code);
    }
  });

  it('gives every Lambda step a task timeout longer than its function timeout, so Lambda times out first', () => {
    const asl = JSON.parse(readFileSync(join(STATE_MACHINES_DIR, 'quote-to-cash.asl.json'), 'utf8'));
    const [[, machine]] = resourcesOf('AWS::StepFunctions::StateMachine');
    const substitutions = (machine.Properties as { DefinitionSubstitutions: Record<string, unknown> })
      .DefinitionSubstitutions;
    const functions = new Map(resourcesOf('AWS::Lambda::Function'));
    const lambdaSteps = Object.entries(
      asl.States as Record<string, { Resource?: string; TimeoutSeconds?: number }>,
    ).filter(([, state]) => state.Resource?.includes('FunctionArn'));
    for (const [name, state] of lambdaSteps) {
      const placeholder = (state.Resource as string).slice(2, -1);
      const [logicalId] = (substitutions[placeholder] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      const timeout = Number(functions.get(logicalId)?.Properties?.Timeout);
      expect(state.TimeoutSeconds, name).toBeGreaterThan(timeout);
    }
  });

  it('binds the ERP steps to every routed ERP and the CRM steps to the CRMs, each through its own secret', () => {
    const variablesOf = (prefix: string) => {
      const [, found] = resourcesOf('AWS::Lambda::Function').find(([id]) => id.startsWith(prefix)) ?? [];
      if (!found) throw new Error(`No function ${prefix}`);
      return (found.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    };
    expect(variablesOf('QuoteToCashUpsertErpCustomer')).toMatchObject({
      NETSUITE_SECRET_ARN: { Ref: expect.stringMatching(/^ConnectionsNetsuiteApi/) },
      NETSUITE_SETTINGS: JSON.stringify({ subsidiaryId: '1' }),
    });
    expect(variablesOf('QuoteToCashUpsertErpCustomer')).not.toHaveProperty('SALESFORCE_SECRET_ARN');
    expect(variablesOf('QuoteToCashLoadOrder')).toMatchObject({
      SALESFORCE_SECRET_ARN: { Ref: expect.stringMatching(/^ConnectionsSalesforceApi/) },
    });
    expect(variablesOf('QuoteToCashLoadOrder')).not.toHaveProperty('NETSUITE_SECRET_ARN');
    expect(JSON.parse(variablesOf('QuoteToCashRouteOrder').ROUTING as string)).toMatchObject({
      default: { target: expect.any(String) },
    });
  });

  it('names no vendor in the ASL', () => {
    const asl = readFileSync(join(STATE_MACHINES_DIR, 'quote-to-cash.asl.json'), 'utf8');
    for (const vendor of ['NetSuite', 'Salesforce', 'SAP', 'Business Central', 'Odoo', 'HubSpot']) {
      expect(asl.toLowerCase()).not.toContain(vendor.toLowerCase());
    }
  });
});

describe('connections', () => {
  it('keeps one credentials secret per connected system, saying in its metadata which system it is for', () => {
    const purposes = resourcesOf('AWS::SecretsManager::Secret').map(([, secret]) => secret.Metadata?.['hub:secret']);
    expect(purposes).toEqual(
      expect.arrayContaining([
        { system: 'salesforce', purpose: 'api' },
        { system: 'netsuite', purpose: 'api' },
        { system: 'salesforce', purpose: 'webhook', urlOutput: 'SalesforceWebhookUrl' },
      ]),
    );
  });

  it('publishes the tables and webhook URLs under fixed output names', () => {
    expect(Object.keys(assembly.template.Outputs ?? {})).toEqual(
      expect.arrayContaining(['CorrelationTableName', 'ItemMappingTableName', 'SalesforceWebhookUrl']),
    );
  });
});

describe('tracking', () => {
  it('expires idempotency records through TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });

  it('indexes transactions waiting for attention and keeps point-in-time recovery on every table', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byAttention' })],
    });
    for (const [, table] of resourcesOf('AWS::DynamoDB::GlobalTable')) {
      expect(JSON.stringify(table.Properties)).toContain('"PointInTimeRecoveryEnabled":true');
    }
  });

  it('keeps every dead-letter queue encrypted for the longest retention', () => {
    const queues = resourcesOf('AWS::SQS::Queue');
    expect(queues.length).toBe(4);
    for (const [, queue] of queues) {
      expect(queue.Properties).toMatchObject({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    }
  });
});

describe('ERP capacity', () => {
  const functionNamed = (prefix: string) => {
    const found = resourcesOf('AWS::Lambda::Function').find(([id]) => id.startsWith(prefix));
    if (!found) throw new Error(`no function ${prefix}`);
    return found;
  };
  const policyOf = (functionId: string) =>
    JSON.stringify(
      resourcesOf('AWS::IAM::Policy').filter(([, p]) =>
        JSON.stringify(p.Properties?.Roles).includes(functionId.replace(/[0-9A-F]{8}$/, '')),
      ),
    );

  it('gives every ERP step the budgets table, its flow, and task responses to the flow state machines by name', () => {
    for (const prefix of [
      'QuoteToCashUpsertErpCustomer',
      'QuoteToCashCreateErpSalesOrder',
      'QuoteToCashShadowErpOrder',
    ]) {
      const [id, fn] = functionNamed(prefix);
      const variables = (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment
        .Variables;
      expect(variables.HUB_FLOW).toBe('quote-to-cash');
      const settings = JSON.parse(String(variables.CAPACITY_SETTINGS));
      expect(settings.systems.netsuite).toMatchObject({ accountLimit: 5, reservedForOthers: 0 });
      expect(Object.keys(settings.flows)).toEqual(['quote-to-cash']);
      const policy = policyOf(id);
      expect(policy).toContain('states:SendTaskSuccess');
      expect(policy).toContain('stateMachine:IntegrationHub-dev-quote-to-cash');
    }
    // The CRM steps call no ERP and take no lease.
    const [, load] = functionNamed('QuoteToCashLoadOrder');
    expect(JSON.stringify(load.Properties)).not.toContain('CAPACITY_SETTINGS');
  });

  it('alarms per ERP account when its breaker opens and when it keeps throttling the hub', () => {
    const alarms = resourcesOf('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties ?? {});
    for (const system of ['netsuite', 'sap-s4hana', 'business-central', 'odoo']) {
      const of = alarms.filter(
        (a) => JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'System', Value: system }]),
      );
      expect(of.map((a) => a.MetricName).sort()).toEqual(['ErpBreakerOpened', 'ErpCallsThrottled']);
      expect(of.every((a) => a.Namespace === 'IntegrationHub')).toBe(true);
    }
  });

  it('runs the keeper every minute, one at a time', () => {
    const [keeperId, keeper] = functionNamed('CapacityKeeper');
    expect(keeper.Properties?.ReservedConcurrentExecutions).toBe(1);
    const schedules = resourcesOf('AWS::Events::Rule').filter(([, r]) => r.Properties?.ScheduleExpression);
    expect(schedules).toHaveLength(1);
    expect(schedules[0][1].Properties?.ScheduleExpression).toBe('rate(1 minute)');
    expect(JSON.stringify(schedules[0][1].Properties?.Targets)).toContain(keeperId);
  });

  it('parks every ERP step of quote-to-cash with a task token instead of failing it', () => {
    const [, machine] = resourcesOf('AWS::StepFunctions::StateMachine')[0];
    expect(machine.Properties?.StateMachineName).toBe('IntegrationHub-dev-quote-to-cash');
    const [parkId] = functionNamed('CapacityPark');
    expect(JSON.stringify(machine.Properties?.DefinitionSubstitutions)).toContain(parkId);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding', () => {
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((r: { violations?: unknown[] }) => r.violations ?? [])).toEqual([]);
  });

  it('gives every acknowledgement its own reason', () => {
    const source = ['hub-function.ts', 'quote-to-cash.ts', 'dead-letter-queue.ts', 'connections.ts', 'ingest.ts']
      .map((file) => readFileSync(join(STATE_MACHINES_DIR, '..', 'lib', file), 'utf8'))
      .join('\n');
    const acknowledgements = [
      ...source.matchAll(/acknowledge\(\{\s*id: '([^']+)',\s*reason:\s*(?:`([^`]*)`|'([^']*)')/g),
    ];
    expect(acknowledgements.length).toBeGreaterThanOrEqual(6);
    for (const [, id, template, plain] of acknowledgements) expect((template ?? plain).length, id).toBeGreaterThan(30);
  });
});
