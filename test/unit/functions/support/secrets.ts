// Secrets Manager as Powertools reads it: answers GetSecretValue per secret id, and forgets the
// five-minute cache between tests.
import { clearCaches } from '@aws-lambda-powertools/parameters';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

export function mockSecretsManager() {
  const mock = mockClient(SecretsManagerClient);
  return {
    mock,
    reset(): void {
      mock.reset();
      clearCaches();
    },
    put(secretId: string, value: unknown): void {
      mock.on(GetSecretValueCommand, { SecretId: secretId }).resolves({
        ARN: `arn:aws:secretsmanager:eu-central-1:111122223333:secret:${secretId}`,
        Name: secretId,
        SecretString: JSON.stringify(value),
      });
    },
    reads(secretId: string): number {
      return mock.commandCalls(GetSecretValueCommand, { SecretId: secretId }).length;
    },
  };
}
