// Gives every resource of the template the identity it would have in AWS (names, ARNs, URLs)
// and resolves CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select) with it.
import type { CfnResource, CloudAssembly } from './cloud-assembly';

export const LOCAL_ACCOUNT = '000000000000';

export interface LocalIdentity {
  /** What `Ref` returns. */
  ref: string;
  /** What `Fn::GetAtt` returns, by attribute name. */
  attributes: Record<string, string>;
}

export interface ResourceContext {
  region: string;
  stackName: string;
  /** URL of each SQS queue, by physical name, from the local SQS server. */
  queueUrl(name: string): string;
  /** Base URL of the local API gateway front. */
  apiEndpoint: string;
}

export class LocalResources {
  private readonly identities = new Map<string, LocalIdentity>();

  constructor(
    readonly assembly: CloudAssembly,
    private readonly context: ResourceContext,
  ) {
    for (const [logicalId, resource] of Object.entries(assembly.template.Resources)) {
      this.identities.set(logicalId, this.identify(logicalId, resource));
    }
  }

  get region(): string {
    return this.context.region;
  }

  ofType(type: string): [string, CfnResource][] {
    return Object.entries(this.assembly.template.Resources).filter(([, r]) => r.Type === type);
  }

  identity(logicalId: string): LocalIdentity {
    const identity = this.identities.get(logicalId);
    if (!identity) throw new Error(`Template has no resource ${logicalId}`);
    return identity;
  }

  /** Resolves intrinsics anywhere inside `value`. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, argument] = entries[0];
      switch (key) {
        case 'Ref':
          return this.ref(String(argument));
        case 'Fn::GetAtt': {
          const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
          return this.getAtt(String(logicalId), String(attribute));
        }
        case 'Fn::Join': {
          const [separator, parts] = argument as [string, unknown[]];
          return (this.resolve(parts) as unknown[]).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = argument as [number | string, unknown];
          return (this.resolve(list) as unknown[])[Number(index)];
        }
        case 'Fn::Split': {
          const [separator, source] = argument as [string, unknown];
          return String(this.resolve(source)).split(separator);
        }
        case 'Fn::Sub':
          return this.sub(argument);
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  resolveString(value: unknown): string {
    return String(this.resolve(value));
  }

  private ref(name: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': this.context.region,
      'AWS::AccountId': LOCAL_ACCOUNT,
      'AWS::Partition': 'aws',
      'AWS::StackName': this.context.stackName,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::NoValue': '',
    };
    if (name in pseudo) return pseudo[name];
    return this.identity(name).ref;
  }

  private getAtt(logicalId: string, attribute: string): string {
    const value = this.identity(logicalId).attributes[attribute];
    if (value === undefined) throw new Error(`The local hub does not know ${logicalId}.${attribute}`);
    return value;
  }

  private sub(argument: unknown): string {
    const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
    const resolved = Object.fromEntries(
      Object.entries((variables ?? {}) as Record<string, unknown>).map(([k, v]) => [k, this.resolveString(v)]),
    );
    return String(template).replace(
      /\$\{!([^}]*)\}|\$\{([^}!]+)\}/g,
      (_, literal: string | undefined, name: string) => {
        // "${!Literal}" is CloudFormation's escape for a literal "${Literal}".
        if (literal !== undefined) return `\${${literal}}`;
        if (name in resolved) return resolved[name];
        const [logicalId, attribute] = name.split('.');
        return attribute ? this.getAtt(logicalId, attribute) : this.ref(logicalId);
      },
    );
  }

  /** The physical identity AWS would give the resource, built from its properties or logical id. */
  private identify(logicalId: string, resource: CfnResource): LocalIdentity {
    const { region } = this.context;
    const props = resource.Properties ?? {};
    const generated = `${this.context.stackName}-${logicalId}`.slice(0, 64);
    const arn = (service: string, rest: string) => `arn:aws:${service}:${region}:${LOCAL_ACCOUNT}:${rest}`;
    const named = (key: string) => (typeof props[key] === 'string' ? (props[key] as string) : generated);
    switch (resource.Type) {
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table': {
        const name = named('TableName');
        return {
          ref: name,
          attributes: {
            Arn: arn('dynamodb', `table/${name}`),
            StreamArn: arn('dynamodb', `table/${name}/stream/local`),
          },
        };
      }
      case 'AWS::SQS::Queue': {
        const name = named('QueueName');
        return {
          ref: this.context.queueUrl(name),
          attributes: { Arn: arn('sqs', name), QueueName: name, QueueUrl: this.context.queueUrl(name) },
        };
      }
      case 'AWS::Events::EventBus': {
        const name = named('Name');
        return { ref: name, attributes: { Arn: arn('events', `event-bus/${name}`), Name: name } };
      }
      case 'AWS::Events::Rule': {
        const name = named('Name');
        return { ref: name, attributes: { Arn: arn('events', `rule/${name}`) } };
      }
      case 'AWS::Lambda::Function': {
        const name = named('FunctionName');
        return { ref: name, attributes: { Arn: arn('lambda', `function:${name}`) } };
      }
      case 'AWS::StepFunctions::StateMachine': {
        const name = named('StateMachineName');
        const machineArn = arn('states', `stateMachine:${name}`);
        return { ref: machineArn, attributes: { Arn: machineArn, Name: name } };
      }
      case 'AWS::SecretsManager::Secret': {
        const name = named('Name');
        const secretArn = arn('secretsmanager', `secret:${name}-local`);
        return { ref: secretArn, attributes: { Id: secretArn } };
      }
      case 'AWS::ApiGatewayV2::Api': {
        // The local front starts after the template is read: its URL is looked up when used.
        const context = this.context;
        return {
          ref: 'localapi',
          attributes: {
            get ApiEndpoint() {
              return context.apiEndpoint;
            },
            ApiId: 'localapi',
          },
        };
      }
      case 'AWS::Logs::LogGroup': {
        const name = named('LogGroupName');
        return { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } };
      }
      case 'AWS::IAM::Role':
        return {
          ref: logicalId,
          attributes: { Arn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${logicalId}`, RoleId: logicalId },
        };
      default:
        return { ref: logicalId, attributes: {} };
    }
  }
}
