// Credentials of the systems the hub calls, in Secrets Manager. The stack creates each secret
// with placeholder values; operators put the real JSON (README, Configuration).
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface ConnectionsProps {
  readonly stage: string;
}

export class Connections extends Construct {
  /** {loginUrl, clientId, clientSecret, apiVersion} of the Salesforce connected app. */
  public readonly salesforceApi: Secret;
  /** {accountId, baseUrl?, clientId, certificateId, privateKeyPem} of the NetSuite integration. */
  public readonly netsuiteApi: Secret;

  constructor(scope: Construct, id: string, props: ConnectionsProps) {
    super(scope, id);
    this.salesforceApi = placeholderSecret(this, 'SalesforceApi', `hub/${props.stage}/salesforce/api`, {
      description:
        'Salesforce connected app (client credentials flow) the hub reads opportunities and writes order status with',
      template: { loginUrl: 'https://example.my.salesforce.com', clientId: 'replace-me', apiVersion: '62.0' },
      generatedKey: 'clientSecret',
    });
    this.netsuiteApi = placeholderSecret(this, 'NetSuiteApi', `hub/${props.stage}/netsuite/api`, {
      description:
        'NetSuite integration (OAuth 2.0 client credentials with certificate) the hub creates customers and orders with',
      template: { accountId: 'replace-me', clientId: 'replace-me', certificateId: 'replace-me' },
      generatedKey: 'privateKeyPem',
    });
  }
}

export function placeholderSecret(
  scope: Construct,
  id: string,
  name: string,
  options: { description: string; template: Record<string, string>; generatedKey: string },
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
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'Rotation is owned by the connected system: a new key or client secret is issued there, then put into this secret; there is no rotation Lambda that could do it.',
  });
  return secret;
}
