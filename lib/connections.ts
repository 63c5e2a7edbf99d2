// Credentials of the systems the hub calls, in Secrets Manager: one secret per connected system
// (hub/<stage>/<system>/api), created with placeholder values that operators replace with the
// real JSON (README, Configuration). Each secret says in its metadata which system it connects,
// so tools (and the local hub) find it without relying on names.
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type CfnSecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SECRET_METADATA, type SecretPurpose } from '../stack-contract';
import type { ConnectedSystem } from './systems';

export interface ConnectionsProps {
  readonly stage: string;
  readonly systems: readonly ConnectedSystem[];
}

export class Connections extends Construct {
  private readonly secrets = new Map<string, Secret>();

  constructor(scope: Construct, id: string, props: ConnectionsProps) {
    super(scope, id);
    for (const system of props.systems) {
      const secret = placeholderSecret(this, `${pascal(system.name)}Api`, `hub/${props.stage}/${system.name}/api`, {
        description: system.secret.description,
        template: system.secret.placeholder,
        generatedKey: system.secret.generatedKey,
        purpose: { system: system.name, purpose: 'api' },
      });
      this.secrets.set(system.name, secret);
    }
  }

  /** The credentials secret of a connected system. */
  secretOf(system: string): Secret {
    const secret = this.secrets.get(system);
    if (!secret) throw new Error(`System ${system} is not connected (hub:systems)`);
    return secret;
  }
}

export function placeholderSecret(
  scope: Construct,
  id: string,
  name: string,
  options: {
    description: string;
    template: Record<string, string>;
    generatedKey: string;
    purpose: SecretPurpose;
  },
): Secret {
  const secret = new Secret(scope, id, {
    secretName: name,
    description: options.description,
    generateSecretString: {
      secretStringTemplate: JSON.stringify(options.template),
      generateStringKey: options.generatedKey,
      excludePunctuation: true,
      passwordLength: 40,
    },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  (secret.node.defaultChild as CfnSecret).addMetadata(SECRET_METADATA, options.purpose);
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'Rotation is owned by the connected system: a new key or client secret is issued there, then put into this secret; there is no rotation Lambda that could do it.',
  });
  return secret;
}

export function pascal(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
