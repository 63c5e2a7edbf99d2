// template-model: what the local hub reads from a synthesized template (tables, queues, secrets,
// functions, buses, rules, state machines, routes, outputs), every reference resolved.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are CloudFormation Fn::Sub and ASL placeholders, not JavaScript templates
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CfnResource, CloudAssembly } from '../../../local/cloud-assembly';
import { LOCAL_ACCOUNT, LocalResources } from '../../../local/resources';
import * as model from '../../../local/template-model';

const REGION = 'us-east-1';
const STACK = 'Hub-test';
const API_ENDPOINT = 'http://127.0.0.1:4010';
const arn = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${LOCAL_ACCOUNT}:${rest}`;
const path = (p: string) => ({ 'aws:cdk:path': `${STACK}/${p}` });

/** A template shaped as `cdk synth` writes it. */
const TEMPLATE: Record<string, CfnResource> = {
  CorrelationTable: {
    Type: 'AWS::DynamoDB::Table',
    Metadata: path('Tracking/Correlation/Resource'),
    Properties: {
      TableName: 'hub-correlation',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
      ],
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byExternalId',
          KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        { IndexName: 'allAttributes', KeySchema: [{ AttributeName: 'sk', KeyType: 'HASH' }] },
      ],
    },
  },
  IdempotencyTable: {
    Type: 'AWS::DynamoDB::GlobalTable',
    Metadata: path('Tracking/Idempotency/Resource'),
    Properties: {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    },
  },
  DeadLetters: {
    Type: 'AWS::SQS::Queue',
    Metadata: path('Delivery/DeadLetters/Resource'),
    Properties: { QueueName: 'hub-dlq' },
  },
  NetSuiteSecret: {
    Type: 'AWS::SecretsManager::Secret',
    Metadata: path('Secrets/NetSuite/Resource'),
    Properties: {
      Name: 'hub/netsuite',
      GenerateSecretString: {
        SecretStringTemplate: '{"accountId":"TSTDRV"}',
        GenerateStringKey: 'clientSecret',
        PasswordLength: 48,
        ExcludePunctuation: true,
      },
    },
  },
  PlainSecret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
  HubBus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'hub-bus' } },
  LoadOrder: {
    Type: 'AWS::Lambda::Function',
    Metadata: path('Steps/LoadOrder/Resource'),
    Properties: {
      FunctionName: 'hub-load-order',
      Code: { S3Bucket: { 'Fn::Sub': 'cdk-assets-${AWS::AccountId}-${AWS::Region}' }, S3Key: 'mjs-asset.zip' },
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Timeout: 10,
      MemorySize: 512,
      Environment: { Variables: { TABLE_NAME: { Ref: 'CorrelationTable' }, STAGE: 'test' } },
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': ['DeadLetters', 'Arn'] } },
    },
  },
  Receiver: {
    Type: 'AWS::Lambda::Function',
    Metadata: path('Ingest/Receiver/Resource'),
    Properties: { Code: { S3Key: 'js-asset.zip' }, Handler: 'app.receive', Runtime: 'nodejs22.x' },
  },
  QuoteToCash: {
    Type: 'AWS::StepFunctions::StateMachine',
    Metadata: path('Orchestration/QuoteToCash/Resource'),
    Properties: {
      StateMachineName: 'quote-to-cash',
      RoleArn: { 'Fn::GetAtt': ['MachineRole', 'Arn'] },
      DefinitionString: {
        'Fn::Join': [
          '',
          [
            '{"StartAt":"Load","States":{"Load":{"Type":"Task","Resource":"${LoadFn}","Next":"Save"},',
            '"Save":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:putItem",',
            '"Parameters":{"TableName":"${Table}","Item":{"pk":{"S.$":"$.id"}}},"Comment":"${Unknown}","End":true}}}',
          ],
        ],
      },
      DefinitionSubstitutions: {
        LoadFn: { 'Fn::GetAtt': ['LoadOrder', 'Arn'] },
        Table: { Ref: 'CorrelationTable' },
      },
    },
  },
  MachineRole: { Type: 'AWS::IAM::Role', Properties: {} },
  OnClosedWon: {
    Type: 'AWS::Events::Rule',
    Properties: {
      EventBusName: { Ref: 'HubBus' },
      EventPattern: { source: ['hub.salesforce'], 'detail-type': ['opportunity.closed_won'] },
      State: 'ENABLED',
      Targets: [
        {
          Id: 'Machine',
          Arn: { Ref: 'QuoteToCash' },
          RoleArn: { 'Fn::GetAtt': ['MachineRole', 'Arn'] },
          InputPath: '$.detail',
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetters', 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 },
        },
        {
          Id: 'Transformed',
          Arn: { 'Fn::GetAtt': ['LoadOrder', 'Arn'] },
          InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"orderId":"<id>"}' },
        },
        { Id: 'Constant', Arn: { 'Fn::GetAtt': ['DeadLetters', 'Arn'] }, Input: '{"fixed":true}' },
      ],
    },
  },
  Disabled: {
    Type: 'AWS::Events::Rule',
    Properties: { Name: 'disabled-rule', EventPattern: { source: ['x'] }, State: 'DISABLED' },
  },
  HttpApi: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'hub', ProtocolType: 'HTTP' } },
  ReceiverIntegration: {
    Type: 'AWS::ApiGatewayV2::Integration',
    Properties: {
      ApiId: { Ref: 'HttpApi' },
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': ['Receiver', 'Arn'] },
      PayloadFormatVersion: '2.0',
    },
  },
  ReceiverRoute: {
    Type: 'AWS::ApiGatewayV2::Route',
    Properties: {
      ApiId: { Ref: 'HttpApi' },
      RouteKey: 'POST /webhooks/salesforce',
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'ReceiverIntegration' }]] },
    },
  },
};

const OUTPUTS = {
  WebhookUrl: {
    Description: 'Salesforce webhook',
    Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['HttpApi', 'ApiEndpoint'] }, '/webhooks/salesforce']] },
  },
  MachineArn: { Value: { Ref: 'QuoteToCash' } },
};

let assets: string;

/** Asset directories by S3 key, as a cloud assembly's asset manifest maps them. */
const ASSET_FILES: Record<string, string[]> = {
  'mjs-asset.zip': ['index.mjs', 'index.js'],
  'js-asset.zip': ['app.js'],
  'cjs-asset.zip': ['main.cjs'],
  'empty-asset.zip': [],
};

beforeAll(() => {
  assets = mkdtempSync(join(tmpdir(), 'template-model-'));
  for (const [key, files] of Object.entries(ASSET_FILES)) {
    mkdirSync(join(assets, key));
    for (const file of files) writeFileSync(join(assets, key, file), 'export const handler = () => null;\n');
  }
});

afterAll(() => {
  rmSync(assets, { recursive: true, force: true });
});

function resourcesOf(resources: Record<string, CfnResource>, outputs?: Record<string, unknown>): LocalResources {
  const assembly: CloudAssembly = {
    directory: assets,
    stackName: STACK,
    template: { Resources: resources, Outputs: outputs },
    assetDirectory: (key) => join(assets, key),
  };
  return new LocalResources(assembly, {
    region: REGION,
    stackName: STACK,
    queueUrl: (name) => `http://sqs.${REGION}.localhost:1/${LOCAL_ACCOUNT}/${name}`,
    apiEndpoint: API_ENDPOINT,
  });
}

describe('constructPath', () => {
  it('drops the stack name and the trailing "Resource"', () => {
    // Act / Assess
    expect(model.constructPath(TEMPLATE.CorrelationTable)).toBe('Tracking/Correlation');
    expect(model.constructPath({ Type: 'AWS::SQS::Queue' })).toBe('');
  });
});

describe('tables', () => {
  it('reads key schema and GSIs and always bills PAY_PER_REQUEST', () => {
    // Act
    const tables = model.tables(resourcesOf(TEMPLATE));

    // Assess
    expect(tables).toEqual([
      {
        path: 'Tracking/Idempotency',
        name: 'Hub-test-IdempotencyTable',
        definition: {
          TableName: 'Hub-test-IdempotencyTable',
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        },
      },
      {
        path: 'Tracking/Correlation',
        name: 'hub-correlation',
        definition: {
          TableName: 'hub-correlation',
          KeySchema: TEMPLATE.CorrelationTable.Properties?.KeySchema,
          AttributeDefinitions: TEMPLATE.CorrelationTable.Properties?.AttributeDefinitions,
          BillingMode: 'PAY_PER_REQUEST',
          GlobalSecondaryIndexes: [
            {
              IndexName: 'byExternalId',
              KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'KEYS_ONLY' },
            },
            {
              IndexName: 'allAttributes',
              KeySchema: [{ AttributeName: 'sk', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        },
      },
    ]);
  });
});

describe('queues, secrets and buses', () => {
  const resources = resourcesOf(TEMPLATE);

  it('reads queues with their name and ARN', () => {
    // Act / Assess
    expect(model.queues(resources)).toEqual([
      { path: 'Delivery/DeadLetters', name: 'hub-dlq', arn: arn('sqs', 'hub-dlq') },
    ]);
  });

  it('reads secrets with their generation settings, defaults when absent', () => {
    // Act
    const [netsuite, plain] = model.secrets(resources);

    // Assess
    expect(netsuite).toEqual({
      path: 'Secrets/NetSuite',
      name: 'hub/netsuite',
      arn: arn('secretsmanager', 'secret:hub/netsuite-local'),
      generate: { template: '{"accountId":"TSTDRV"}', key: 'clientSecret', length: 48, excludePunctuation: true },
    });
    expect(plain.name).toBe('PlainSecret');
    expect(plain.generate).toBeUndefined();
  });

  it('reads the buses the template declares', () => {
    // Act / Assess
    expect(model.buses(resources)).toEqual(['hub-bus']);
  });
});

describe('functions', () => {
  it('reads module path, handler export, environment, timeout in ms, memory and dead-letter queue', () => {
    // Act
    const [loadOrder, receiver] = model.functions(resourcesOf(TEMPLATE));

    // Assess
    expect(loadOrder).toEqual({
      path: 'Steps/LoadOrder',
      name: 'hub-load-order',
      arn: arn('lambda', 'function:hub-load-order'),
      modulePath: join(assets, 'mjs-asset.zip', 'index.mjs'),
      handlerName: 'handler',
      environment: { TABLE_NAME: 'hub-correlation', STAGE: 'test' },
      timeoutMs: 10_000,
      memorySize: 512,
      deadLetterQueueArn: arn('sqs', 'hub-dlq'),
    });
    expect(receiver).toMatchObject({
      name: 'Hub-test-Receiver',
      modulePath: join(assets, 'js-asset.zip', 'app.js'),
      handlerName: 'receive',
      environment: {},
      timeoutMs: 3000,
      memorySize: 128,
      deadLetterQueueArn: undefined,
    });
  });

  it('finds a .cjs bundle when there is no .mjs or .js', () => {
    // Prepare
    const template: Record<string, CfnResource> = {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Key: 'cjs-asset.zip' }, Handler: 'main.run' } },
    };

    // Act
    const [fn] = model.functions(resourcesOf(template));

    // Assess
    expect(fn.modulePath).toBe(join(assets, 'cjs-asset.zip', 'main.cjs'));
    expect(fn.handlerName).toBe('run');
  });

  it('refuses an asset without the handler file', () => {
    // Prepare
    const template: Record<string, CfnResource> = {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Key: 'empty-asset.zip' }, Handler: 'index.h' } },
    };

    // Act / Assess
    expect(() => model.functions(resourcesOf(template))).toThrow(/No index\.mjs, \.js or \.cjs in .*empty-asset\.zip/);
  });

  it('refuses inline (ZipFile) code', () => {
    // Prepare
    const template: Record<string, CfnResource> = {
      Inline: {
        Type: 'AWS::Lambda::Function',
        Properties: { Code: { ZipFile: 'exports.handler = () => 1' }, Handler: 'index.handler' },
      },
    };

    // Act / Assess
    expect(() => model.functions(resourcesOf(template))).toThrow('Function Inline has no bundled asset');
  });
});

describe('rules', () => {
  it('reads bus, pattern, state and targets with retry policy, dead-letter queue and input fields', () => {
    // Act
    const [onClosedWon, disabled] = model.rules(resourcesOf(TEMPLATE));

    // Assess
    expect(onClosedWon).toEqual({
      name: 'Hub-test-OnClosedWon',
      arn: arn('events', 'rule/Hub-test-OnClosedWon'),
      busName: 'hub-bus',
      pattern: { source: ['hub.salesforce'], 'detail-type': ['opportunity.closed_won'] },
      enabled: true,
      targets: [
        {
          id: 'Machine',
          arn: arn('states', 'stateMachine:quote-to-cash'),
          input: undefined,
          inputPath: '$.detail',
          inputTransformer: undefined,
          deadLetterArn: arn('sqs', 'hub-dlq'),
          maximumRetryAttempts: 3,
          maximumEventAgeSeconds: 600,
        },
        {
          id: 'Transformed',
          arn: arn('lambda', 'function:hub-load-order'),
          input: undefined,
          inputPath: undefined,
          inputTransformer: { inputPathsMap: { id: '$.detail.id' }, inputTemplate: '{"orderId":"<id>"}' },
          deadLetterArn: undefined,
          maximumRetryAttempts: 185,
          maximumEventAgeSeconds: 86_400,
        },
        {
          id: 'Constant',
          arn: arn('sqs', 'hub-dlq'),
          input: '{"fixed":true}',
          inputPath: undefined,
          inputTransformer: undefined,
          deadLetterArn: undefined,
          maximumRetryAttempts: 185,
          maximumEventAgeSeconds: 86_400,
        },
      ],
    });
    expect(disabled).toMatchObject({ name: 'disabled-rule', busName: 'default', enabled: false, targets: [] });
  });
});

describe('rules on a bus named by ARN', () => {
  it('reads the bus name from an EventBusName given as the bus ARN', () => {
    // Prepare
    const template: Record<string, CfnResource> = {
      HubBus: TEMPLATE.HubBus,
      ByArn: {
        Type: 'AWS::Events::Rule',
        Properties: { EventBusName: { 'Fn::GetAtt': ['HubBus', 'Arn'] }, EventPattern: { source: ['x'] } },
      },
    };

    // Act
    const [rule] = model.rules(resourcesOf(template));

    // Assess
    expect(rule.busName).toBe('hub-bus');
    expect(model.buses(resourcesOf(template))).toContain(rule.busName);
  });
});

describe('schedule rules', () => {
  it('reads a ScheduleExpression rule without an EventPattern', () => {
    // Prepare
    const template: Record<string, CfnResource> = {
      Nightly: {
        Type: 'AWS::Events::Rule',
        Properties: {
          ScheduleExpression: 'rate(1 day)',
          State: 'ENABLED',
          Targets: [{ Id: 'T', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:sweep', Input: '{"job":"sweep"}' }],
        },
      },
    };

    // Act
    const [rule] = model.rules(resourcesOf(template));

    // Assess
    expect(rule).toMatchObject({ busName: 'default', scheduleExpression: 'rate(1 day)', enabled: true });
    expect(rule.pattern).toBeUndefined();
    expect(rule.targets[0]).toMatchObject({ id: 'T', input: '{"job":"sweep"}' });
  });
});

describe('state machines', () => {
  it('joins the definition and replaces DefinitionSubstitutions, leaving unknown placeholders', () => {
    // Act
    const [machine] = model.stateMachines(resourcesOf(TEMPLATE));

    // Assess
    expect(machine).toEqual({
      path: 'Orchestration/QuoteToCash',
      arn: arn('states', 'stateMachine:quote-to-cash'),
      name: 'quote-to-cash',
      roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/MachineRole`,
      definition: {
        StartAt: 'Load',
        States: {
          Load: { Type: 'Task', Resource: arn('lambda', 'function:hub-load-order'), Next: 'Save' },
          Save: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: { TableName: 'hub-correlation', Item: { pk: { 'S.$': '$.id' } } },
            Comment: '${Unknown}',
            End: true,
          },
        },
      },
    });
  });

  it('refuses a state machine without an inline DefinitionString', () => {
    // Prepare
    const template: Record<string, CfnResource> = {
      FromS3: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { DefinitionS3Location: { Bucket: 'b', Key: 'k' }, RoleArn: 'r' },
      },
    };

    // Act / Assess
    expect(() => model.stateMachines(resourcesOf(template))).toThrow(
      'State machine FromS3 has no inline DefinitionString',
    );
  });
});

describe('routes', () => {
  function routeTemplate(integration: Record<string, unknown>): Record<string, CfnResource> {
    return {
      Fn: TEMPLATE.Receiver,
      Integration: { Type: 'AWS::ApiGatewayV2::Integration', Properties: integration },
      Route: {
        Type: 'AWS::ApiGatewayV2::Route',
        Properties: {
          RouteKey: 'GET /status',
          Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Integration' }]] },
        },
      },
    };
  }

  it('reads method, path and the Lambda ARN of the route integration', () => {
    // Act / Assess
    expect(model.routes(resourcesOf(TEMPLATE))).toEqual([
      { method: 'POST', path: '/webhooks/salesforce', functionArn: arn('lambda', 'function:Hub-test-Receiver') },
    ]);
  });

  it('refuses integrations that are not AWS_PROXY', () => {
    // Prepare
    const template = routeTemplate({
      IntegrationType: 'HTTP_PROXY',
      IntegrationUri: 'https://example.com',
      PayloadFormatVersion: '1.0',
    });

    // Act / Assess
    expect(() => model.routes(resourcesOf(template))).toThrow(
      'Route GET /status: the local hub serves Lambda proxy integrations with payload format 2.0 only',
    );
  });

  it('refuses Lambda proxy integrations with payload format 1.0', () => {
    // Prepare
    const template = routeTemplate({
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': ['Fn', 'Arn'] },
      PayloadFormatVersion: '1.0',
    });

    // Act / Assess
    expect(() => model.routes(resourcesOf(template))).toThrow('payload format 2.0 only');
  });

  it('refuses a route whose target is not an integration of the template', () => {
    // Prepare
    const template: Record<string, CfnResource> = {
      Route: { Type: 'AWS::ApiGatewayV2::Route', Properties: { RouteKey: 'GET /x', Target: 'integrations/abc123' } },
    };

    // Act / Assess
    expect(() => model.routes(resourcesOf(template))).toThrow('Route Route targets unknown integration abc123');
  });
});

describe('outputs', () => {
  it('resolves output values, the API endpoint included', () => {
    // Act
    const outputs = model.outputs(resourcesOf(TEMPLATE, OUTPUTS));

    // Assess
    expect(outputs).toEqual({
      WebhookUrl: { description: 'Salesforce webhook', value: `${API_ENDPOINT}/webhooks/salesforce` },
      MachineArn: { description: undefined, value: arn('states', 'stateMachine:quote-to-cash') },
    });
  });

  it('is empty for a template without outputs', () => {
    // Act / Assess
    expect(model.outputs(resourcesOf(TEMPLATE))).toEqual({});
  });
});
