// LocalResources: the physical identity each template resource gets locally, and the resolution of
// CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split) against it.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are CloudFormation Fn::Sub and ASL placeholders, not JavaScript templates
import { describe, expect, it } from 'vitest';
import type { CfnResource, CloudAssembly } from '../../../local/cloud-assembly';
import { LOCAL_ACCOUNT, LocalResources } from '../../../local/resources';

const REGION = 'eu-west-1';
const STACK = 'Hub-test';

const RESOURCES: Record<string, CfnResource> = {
  Orders: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'orders' } },
  Unnamed: { Type: 'AWS::DynamoDB::Table', Properties: {} },
  Global: { Type: 'AWS::DynamoDB::GlobalTable', Properties: { TableName: 'global-orders' } },
  Inbox: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'inbox' } },
  AnonymousQueue: { Type: 'AWS::SQS::Queue' },
  Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'hub-bus' } },
  Rule: { Type: 'AWS::Events::Rule', Properties: { Name: 'on-order' } },
  Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'load-order' } },
  Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'quote-to-cash' } },
  Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'hub/netsuite' } },
  Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: {} },
  Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/hub/logs' } },
  Role: { Type: 'AWS::IAM::Role', Properties: {} },
  Policy: { Type: 'AWS::IAM::Policy', Properties: {} },
};

function fakeAssembly(resources: Record<string, CfnResource> = RESOURCES): CloudAssembly {
  return {
    directory: '/nowhere',
    stackName: STACK,
    template: { Resources: resources },
    assetDirectory: (key) => `/nowhere/${key}`,
  };
}

function localResources(resources?: Record<string, CfnResource>, apiEndpoint = 'http://127.0.0.1:4000') {
  return new LocalResources(fakeAssembly(resources), {
    region: REGION,
    stackName: STACK,
    queueUrl: (name) => `http://sqs.${REGION}.localhost:9324/${LOCAL_ACCOUNT}/${name}`,
    apiEndpoint,
  });
}

describe('identities', () => {
  const resources = localResources();

  it('names tables by TableName, with table and stream ARNs', () => {
    // Act
    const orders = resources.identity('Orders');
    const global = resources.identity('Global');

    // Assess
    expect(orders).toEqual({
      ref: 'orders',
      attributes: {
        Arn: `arn:aws:dynamodb:${REGION}:${LOCAL_ACCOUNT}:table/orders`,
        StreamArn: `arn:aws:dynamodb:${REGION}:${LOCAL_ACCOUNT}:table/orders/stream/local`,
      },
    });
    expect(global.ref).toBe('global-orders');
  });

  it('generates "<stack>-<logicalId>" for resources without a name property', () => {
    // Act
    const unnamed = resources.identity('Unnamed');
    const queue = resources.identity('AnonymousQueue');

    // Assess
    expect(unnamed.ref).toBe('Hub-test-Unnamed');
    expect(queue.attributes.QueueName).toBe('Hub-test-AnonymousQueue');
  });

  it('cuts generated names at 64 characters', () => {
    // Prepare
    const longId = `Table${'X'.repeat(80)}`;

    // Act
    const identity = localResources({ [longId]: { Type: 'AWS::DynamoDB::Table' } }).identity(longId);

    // Assess
    expect(identity.ref).toHaveLength(64);
    expect(identity.ref.startsWith('Hub-test-TableXXX')).toBe(true);
  });

  it('gives queues their URL as Ref and ARN, name and URL as attributes', () => {
    // Act
    const inbox = resources.identity('Inbox');

    // Assess
    const url = `http://sqs.${REGION}.localhost:9324/${LOCAL_ACCOUNT}/inbox`;
    expect(inbox).toEqual({
      ref: url,
      attributes: { Arn: `arn:aws:sqs:${REGION}:${LOCAL_ACCOUNT}:inbox`, QueueName: 'inbox', QueueUrl: url },
    });
  });

  it('names buses, rules, functions, state machines, secrets, log groups and roles as AWS does', () => {
    // Act
    const identities = Object.fromEntries(
      ['Bus', 'Rule', 'Fn', 'Machine', 'Secret', 'Logs', 'Role', 'Policy'].map((id) => [id, resources.identity(id)]),
    );

    // Assess
    const prefix = `${REGION}:${LOCAL_ACCOUNT}`;
    expect(identities.Bus).toEqual({
      ref: 'hub-bus',
      attributes: { Arn: `arn:aws:events:${prefix}:event-bus/hub-bus`, Name: 'hub-bus' },
    });
    expect(identities.Rule).toEqual({ ref: 'on-order', attributes: { Arn: `arn:aws:events:${prefix}:rule/on-order` } });
    expect(identities.Fn).toEqual({
      ref: 'load-order',
      attributes: { Arn: `arn:aws:lambda:${prefix}:function:load-order` },
    });
    const machineArn = `arn:aws:states:${prefix}:stateMachine:quote-to-cash`;
    expect(identities.Machine).toEqual({ ref: machineArn, attributes: { Arn: machineArn, Name: 'quote-to-cash' } });
    const secretArn = `arn:aws:secretsmanager:${prefix}:secret:hub/netsuite-local`;
    expect(identities.Secret).toEqual({ ref: secretArn, attributes: { Id: secretArn } });
    expect(identities.Logs).toEqual({
      ref: '/hub/logs',
      attributes: { Arn: `arn:aws:logs:${prefix}:log-group:/hub/logs:*` },
    });
    expect(identities.Role).toEqual({
      ref: 'Role',
      attributes: { Arn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/Role`, RoleId: 'Role' },
    });
    expect(identities.Policy).toEqual({ ref: 'Policy', attributes: {} });
  });

  it('reads the API endpoint when it is used, not when the template is read', () => {
    // Prepare
    const context = {
      region: REGION,
      stackName: STACK,
      queueUrl: (name: string) => name,
      apiEndpoint: '',
    };
    const late = new LocalResources(fakeAssembly(), context);

    // Act
    context.apiEndpoint = 'http://127.0.0.1:5555';

    // Assess
    expect(late.resolve({ 'Fn::GetAtt': ['Api', 'ApiEndpoint'] })).toBe('http://127.0.0.1:5555');
    expect(late.resolve({ Ref: 'Api' })).toBe('localapi');
  });

  it('lists the resources of one type', () => {
    // Act
    const tables = resources.ofType('AWS::DynamoDB::Table').map(([id]) => id);

    // Assess
    expect(tables).toEqual(['Orders', 'Unnamed']);
  });

  it('refuses an unknown logical id', () => {
    // Act / Assess
    expect(() => resources.identity('Missing')).toThrow('Template has no resource Missing');
    expect(() => resources.resolve({ Ref: 'Missing' })).toThrow('Template has no resource Missing');
    expect(() => resources.resolve({ 'Fn::GetAtt': ['Missing', 'Arn'] })).toThrow('Template has no resource Missing');
  });

  it('refuses an attribute the local hub does not know', () => {
    // Act / Assess
    expect(() => resources.resolve({ 'Fn::GetAtt': ['Orders', 'LatestStreamLabel'] })).toThrow(
      'The local hub does not know Orders.LatestStreamLabel',
    );
  });
});

describe('intrinsics', () => {
  const resources = localResources();

  it('resolves Ref to resources and pseudo parameters', () => {
    // Act
    const resolved = resources.resolve({
      table: { Ref: 'Orders' },
      region: { Ref: 'AWS::Region' },
      account: { Ref: 'AWS::AccountId' },
      partition: { Ref: 'AWS::Partition' },
      stack: { Ref: 'AWS::StackName' },
      suffix: { Ref: 'AWS::URLSuffix' },
      none: { Ref: 'AWS::NoValue' },
    });

    // Assess
    expect(resolved).toEqual({
      table: 'orders',
      region: REGION,
      account: LOCAL_ACCOUNT,
      partition: 'aws',
      stack: STACK,
      suffix: 'amazonaws.com',
      none: '',
    });
  });

  it('resolves Fn::GetAtt in its list and its dotted string forms', () => {
    // Act
    const list = resources.resolve({ 'Fn::GetAtt': ['Fn', 'Arn'] });
    const dotted = resources.resolve({ 'Fn::GetAtt': 'Inbox.QueueName' });

    // Assess
    expect(list).toBe(`arn:aws:lambda:${REGION}:${LOCAL_ACCOUNT}:function:load-order`);
    expect(dotted).toBe('inbox');
  });

  it('resolves Fn::Join over resolved parts', () => {
    // Act
    const joined = resources.resolve({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::bucket/', { Ref: 'Orders' }]],
    });

    // Assess
    expect(joined).toBe('arn:aws:s3:::bucket/orders');
  });

  it('resolves Fn::Sub without a variable map: pseudo parameters, Refs and ${Logical.Attr}', () => {
    // Act
    const sub = resources.resolve({
      'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:${Orders}|${Bus.Arn}',
    });

    // Assess
    expect(sub).toBe(
      `arn:aws:logs:${REGION}:${LOCAL_ACCOUNT}:orders|arn:aws:events:${REGION}:${LOCAL_ACCOUNT}:event-bus/hub-bus`,
    );
  });

  it('resolves Fn::Sub with a variable map whose values are intrinsics themselves', () => {
    // Act
    const sub = resources.resolve({
      'Fn::Sub': [
        '${Table} in ${AWS::Region} via ${Machine.Name}, fn ${FnName}',
        { Table: { Ref: 'Orders' }, FnName: { 'Fn::Select': [1, { 'Fn::Split': [':', 'a:load-order:c'] }] } },
      ],
    });

    // Assess
    expect(sub).toBe(`orders in ${REGION} via quote-to-cash, fn load-order`);
  });

  it('lets the variable map shadow a logical id', () => {
    // Act
    const sub = resources.resolve({ 'Fn::Sub': ['${Orders}', { Orders: 'shadowed' }] });

    // Assess
    expect(sub).toBe('shadowed');
  });

  it('turns the ${!Literal} escape into a literal ${Literal}, as CloudFormation does', () => {
    // Act
    const sub = resources.resolve({ 'Fn::Sub': 'literal ${!Orders} and ${!AWS::Region}, real ${Orders}' });

    // Assess
    expect(sub).toBe('literal ${Orders} and ${AWS::Region}, real orders');
  });

  it('resolves Fn::Select (number or string index) and Fn::Split', () => {
    // Act
    const split = resources.resolve({ 'Fn::Split': [',', 'a,b,c'] });
    const selected = resources.resolve({ 'Fn::Select': ['2', { 'Fn::Split': [',', 'a,b,c'] }] });
    const fromArn = resources.resolve({
      'Fn::Select': [5, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Fn', 'Arn'] }] }],
    });

    // Assess
    expect(split).toEqual(['a', 'b', 'c']);
    expect(selected).toBe('c');
    expect(fromArn).toBe('function');
  });

  it('resolves intrinsics nested in arrays and objects and leaves plain values alone', () => {
    // Act
    const resolved = resources.resolve({
      list: [{ Ref: 'Orders' }, 7, null, true],
      nested: { deeper: { arn: { 'Fn::GetAtt': ['Inbox', 'Arn'] } } },
      twoKeys: { Ref: 'Orders', Other: 1 },
    });

    // Assess
    expect(resolved).toEqual({
      list: ['orders', 7, null, true],
      nested: { deeper: { arn: `arn:aws:sqs:${REGION}:${LOCAL_ACCOUNT}:inbox` } },
      twoKeys: { Ref: 'Orders', Other: 1 },
    });
  });

  it('resolveString turns any resolved value into a string', () => {
    // Act / Assess
    expect(resources.resolveString({ Ref: 'AWS::Region' })).toBe(REGION);
    expect(resources.resolveString(42)).toBe('42');
  });

  it('exposes the region of its context', () => {
    // Act / Assess
    expect(resources.region).toBe(REGION);
  });
});
