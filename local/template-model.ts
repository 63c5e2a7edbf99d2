// Reads what the local hub must run from the synthesized template: tables, queues, secrets,
// functions, buses and rules, state machines and HTTP routes, every reference resolved.
// Nothing here is hand-kept: a resource the stack adds shows up locally by itself.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_METADATA, type SecretPurpose } from '../stack-contract';
import type { CfnResource } from './cloud-assembly';
import type { RuleTarget } from './eventbridge/event-bus';
import type { LocalFunction } from './lambda/runtime';
import type { LocalResources } from './resources';

export interface TableModel {
  path: string;
  name: string;
  definition: Record<string, unknown>;
}

export interface QueueModel {
  path: string;
  name: string;
  arn: string;
}

export interface SecretModel {
  path: string;
  name: string;
  arn: string;
  /** What the stack says the secret is for (resource metadata `hub:secret`). */
  purpose?: SecretPurpose;
  generate?: { template: string; key: string; length: number; excludePunctuation: boolean };
}

export interface RuleModel {
  name: string;
  arn: string;
  busName: string;
  /** Absent on a rule that only runs on a schedule. */
  pattern?: object;
  scheduleExpression?: string;
  enabled: boolean;
  targets: RuleTarget[];
}

export interface StateMachineModel {
  path: string;
  arn: string;
  name: string;
  roleArn: string;
  definition: Record<string, unknown>;
}

export interface RouteModel {
  method: string;
  path: string;
  functionArn: string;
}

/** The construct path without the stack name: "Tracking/Correlation". */
export function constructPath(resource: CfnResource): string {
  const path = String(resource.Metadata?.['aws:cdk:path'] ?? '');
  return path
    .split('/')
    .slice(1)
    .filter((part) => part !== 'Resource')
    .join('/');
}

export function tables(resources: LocalResources): TableModel[] {
  return [...resources.ofType('AWS::DynamoDB::GlobalTable'), ...resources.ofType('AWS::DynamoDB::Table')].map(
    ([logicalId, resource]) => {
      const p = resources.resolve(resource.Properties ?? {}) as Record<string, unknown>;
      const name = resources.identity(logicalId).ref;
      const indexes = (p.GlobalSecondaryIndexes as Record<string, unknown>[] | undefined)?.map((index) => ({
        IndexName: index.IndexName,
        KeySchema: index.KeySchema,
        Projection: index.Projection ?? { ProjectionType: 'ALL' },
      }));
      return {
        path: constructPath(resource),
        name,
        definition: {
          TableName: name,
          KeySchema: p.KeySchema,
          AttributeDefinitions: p.AttributeDefinitions,
          BillingMode: 'PAY_PER_REQUEST',
          ...(indexes?.length ? { GlobalSecondaryIndexes: indexes } : {}),
        },
      };
    },
  );
}

export function queues(resources: LocalResources): QueueModel[] {
  return resources.ofType('AWS::SQS::Queue').map(([logicalId, resource]) => {
    const identity = resources.identity(logicalId);
    return { path: constructPath(resource), name: identity.attributes.QueueName, arn: identity.attributes.Arn };
  });
}

export function secrets(resources: LocalResources): SecretModel[] {
  return resources.ofType('AWS::SecretsManager::Secret').map(([logicalId, resource]) => {
    const p = resources.resolve(resource.Properties ?? {}) as Record<string, unknown>;
    const generate = p.GenerateSecretString as Record<string, unknown> | undefined;
    return {
      path: constructPath(resource),
      name: String(p.Name ?? logicalId),
      arn: resources.identity(logicalId).ref,
      purpose: resource.Metadata?.[SECRET_METADATA] as SecretPurpose | undefined,
      generate: generate && {
        template: String(generate.SecretStringTemplate ?? '{}'),
        key: String(generate.GenerateStringKey ?? 'password'),
        length: Number(generate.PasswordLength ?? 32),
        excludePunctuation: Boolean(generate.ExcludePunctuation),
      },
    };
  });
}

export function functions(resources: LocalResources): (LocalFunction & { path: string })[] {
  return resources.ofType('AWS::Lambda::Function').map(([logicalId, resource]) => {
    const p = resources.resolve(resource.Properties ?? {}) as Record<string, unknown>;
    const code = p.Code as { S3Key?: string; ZipFile?: string };
    if (!code.S3Key) throw new Error(`Function ${logicalId} has no bundled asset; the local hub runs asset code only`);
    const directory = resources.assembly.assetDirectory(code.S3Key);
    const [file, handlerName] = splitHandler(directory, String(p.Handler));
    const identity = resources.identity(logicalId);
    const deadLetter = (p.DeadLetterConfig as { TargetArn?: string } | undefined)?.TargetArn;
    return {
      path: constructPath(resource),
      name: identity.ref,
      arn: identity.attributes.Arn,
      modulePath: join(directory, file),
      handlerName,
      environment: ((p.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {}) as Record<
        string,
        string
      >,
      timeoutMs: Number(p.Timeout ?? 3) * 1000,
      memorySize: Number(p.MemorySize ?? 128),
      deadLetterQueueArn: deadLetter,
    };
  });
}

export function buses(resources: LocalResources): string[] {
  return resources.ofType('AWS::Events::EventBus').map(([logicalId]) => resources.identity(logicalId).ref);
}

export function rules(resources: LocalResources): RuleModel[] {
  return resources.ofType('AWS::Events::Rule').map(([logicalId, resource]) => {
    const p = resources.resolve(resource.Properties ?? {}) as Record<string, unknown>;
    const targets = ((p.Targets as Record<string, unknown>[] | undefined) ?? []).map((t): RuleTarget => {
      const retry = t.RetryPolicy as { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number } | undefined;
      const transformer = t.InputTransformer as
        | { InputPathsMap?: Record<string, string>; InputTemplate: string }
        | undefined;
      return {
        id: String(t.Id),
        arn: String(t.Arn),
        input: t.Input as string | undefined,
        inputPath: t.InputPath as string | undefined,
        inputTransformer: transformer && {
          inputPathsMap: transformer.InputPathsMap,
          inputTemplate: transformer.InputTemplate,
        },
        deadLetterArn: (t.DeadLetterConfig as { Arn?: string } | undefined)?.Arn,
        maximumRetryAttempts: retry?.MaximumRetryAttempts ?? 185,
        maximumEventAgeSeconds: retry?.MaximumEventAgeInSeconds ?? 86_400,
      };
    });
    return {
      name: resources.identity(logicalId).ref,
      arn: resources.identity(logicalId).attributes.Arn,
      // EventBusName takes the bus name or its ARN.
      busName: String(p.EventBusName ?? 'default')
        .split('event-bus/')
        .pop() as string,
      pattern: p.EventPattern as object | undefined,
      scheduleExpression: p.ScheduleExpression as string | undefined,
      enabled: p.State !== 'DISABLED',
      targets,
    };
  });
}

export function stateMachines(resources: LocalResources): StateMachineModel[] {
  return resources.ofType('AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => {
    const p = resources.resolve(resource.Properties ?? {}) as Record<string, unknown>;
    if (typeof p.DefinitionString !== 'string') {
      throw new Error(`State machine ${logicalId} has no inline DefinitionString (use DefinitionBody.fromString)`);
    }
    const substitutions = (p.DefinitionSubstitutions ?? {}) as Record<string, string>;
    const definition = p.DefinitionString.replace(/\$\{([A-Za-z0-9_]+)\}/g, (match, key: string) =>
      key in substitutions ? substitutions[key] : match,
    );
    const identity = resources.identity(logicalId);
    return {
      path: constructPath(resource),
      arn: identity.ref,
      name: identity.attributes.Name,
      roleArn: String(p.RoleArn),
      definition: JSON.parse(definition),
    };
  });
}

export function routes(resources: LocalResources): RouteModel[] {
  const integrations = new Map(resources.ofType('AWS::ApiGatewayV2::Integration'));
  return resources.ofType('AWS::ApiGatewayV2::Route').map(([logicalId, resource]) => {
    const p = resources.resolve(resource.Properties ?? {}) as Record<string, unknown>;
    const [method, path] = String(p.RouteKey).split(' ');
    const integrationId = String(p.Target).replace(/^integrations\//, '');
    const integration = integrations.get(integrationId);
    if (!integration) throw new Error(`Route ${logicalId} targets unknown integration ${integrationId}`);
    const ip = resources.resolve(integration.Properties ?? {}) as Record<string, unknown>;
    if (ip.IntegrationType !== 'AWS_PROXY' || ip.PayloadFormatVersion !== '2.0') {
      throw new Error(
        `Route ${p.RouteKey}: the local hub serves Lambda proxy integrations with payload format 2.0 only`,
      );
    }
    return { method, path, functionArn: String(ip.IntegrationUri) };
  });
}

/** Stack outputs with their values resolved against the local resources. */
export function outputs(resources: LocalResources): Record<string, { description?: string; value: string }> {
  const all = (resources.assembly.template.Outputs ?? {}) as Record<string, { Description?: string; Value: unknown }>;
  return Object.fromEntries(
    Object.entries(all).map(([name, output]) => [
      name,
      { description: output.Description, value: resources.resolveString(output.Value) },
    ]),
  );
}

/** "index.handler" -> the bundle file Lambda's Node.js runtime would load, and the export. */
function splitHandler(directory: string, handler: string): [string, string] {
  const dot = handler.lastIndexOf('.');
  const base = handler.slice(0, dot);
  const file = ['.mjs', '.js', '.cjs']
    .map((extension) => `${base}${extension}`)
    .find((f) => existsSync(join(directory, f)));
  if (!file) throw new Error(`No ${base}.mjs, .js or .cjs in ${directory}`);
  return [file, handler.slice(dot + 1)];
}
