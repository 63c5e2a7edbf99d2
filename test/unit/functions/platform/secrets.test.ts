import { clearCaches } from '@aws-lambda-powertools/parameters';
import {
  DecryptionFailure,
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { BusinessException, UnavailableError } from '../../../../functions/domain/errors';
import { readJsonSecret } from '../../../../functions/platform/secrets';
import { mockSecretsManager } from '../support/secrets';

const secrets = mockSecretsManager();
const schema = z.object({ sharedSecret: z.string().min(16), region: z.string().default('eu') });

beforeEach(() => {
  secrets.reset();
});

describe('readJsonSecret', () => {
  it('parses the JSON secret with the schema, defaults included', async () => {
    secrets.put('hub/om', { sharedSecret: 'om-shared-secret-7f3c9a1e5b2d' });

    await expect(readJsonSecret('hub/om', schema)).resolves.toEqual({
      sharedSecret: 'om-shared-secret-7f3c9a1e5b2d',
      region: 'eu',
    });
  });

  it('keeps the secret for later reads instead of calling Secrets Manager again', async () => {
    secrets.put('hub/om', { sharedSecret: 'om-shared-secret-7f3c9a1e5b2d' });

    await readJsonSecret('hub/om', schema);
    await readJsonSecret('hub/om', schema);

    expect(secrets.mock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('names every key that is missing or wrong, without showing the values', async () => {
    secrets.put('hub/om', { sharedSecret: 'short', region: 7 });

    const failure = readJsonSecret('hub/om', schema);

    await expect(failure).rejects.toThrow('Secret hub/om does not have the expected JSON keys (sharedSecret, region)');
    await expect(failure).rejects.not.toThrow(/short/);
  });
});

describe('readJsonSecret failures', () => {
  const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:hub/dev/netsuite-AbCdEf';

  beforeEach(() => {
    secrets.mock.reset();
    clearCaches();
  });

  /** An error as the SDK throws it for an exception Secrets Manager answers with. */
  function serviceError(name: string, message: string) {
    return new SecretsManagerServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });
  }

  it('refuses a missing secret as CONNECTION_REJECTED naming the secret and the error', async () => {
    secrets.mock
      .on(GetSecretValueCommand)
      .rejects(
        new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }),
      );

    const failure = readJsonSecret(SECRET_ARN, schema);

    await expect(failure).rejects.toBeInstanceOf(BusinessException);
    await expect(failure).rejects.toMatchObject({
      name: 'CONNECTION_REJECTED',
      message: `Secret ${SECRET_ARN} cannot be read (ResourceNotFoundException): check that it exists and that the function's role may read it.`,
    });
  });

  it('refuses a secret the role may not read as CONNECTION_REJECTED', async () => {
    secrets.mock
      .on(GetSecretValueCommand)
      .rejects(
        serviceError('AccessDeniedException', 'User is not authorized to perform secretsmanager:GetSecretValue'),
      );

    await expect(readJsonSecret(SECRET_ARN, schema)).rejects.toMatchObject({
      name: 'CONNECTION_REJECTED',
      message: expect.stringContaining(`Secret ${SECRET_ARN} cannot be read (AccessDeniedException)`),
    });
  });

  it('refuses a secret its KMS key cannot decrypt as CONNECTION_REJECTED', async () => {
    secrets.mock
      .on(GetSecretValueCommand)
      .rejects(new DecryptionFailure({ message: 'Access to KMS is not allowed', $metadata: {} }));

    await expect(readJsonSecret(SECRET_ARN, schema)).rejects.toMatchObject({
      name: 'CONNECTION_REJECTED',
      message: expect.stringContaining('(DecryptionFailure)'),
    });
  });

  it('retries throttling as Hub.Unavailable, naming the secret and the error', async () => {
    secrets.mock.on(GetSecretValueCommand).rejects(serviceError('ThrottlingException', 'Rate exceeded'));

    const failure = readJsonSecret(SECRET_ARN, schema);

    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toMatchObject({
      name: 'Hub.Unavailable',
      message: `Secrets Manager did not return secret ${SECRET_ARN} (ThrottlingException)`,
    });
  });

  it('retries a network failure as Hub.Unavailable', async () => {
    const reset = Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' });
    secrets.mock.on(GetSecretValueCommand).rejects(reset);

    await expect(readJsonSecret(SECRET_ARN, schema)).rejects.toMatchObject({
      name: 'Hub.Unavailable',
      message: `Secrets Manager did not return secret ${SECRET_ARN} (TimeoutError)`,
    });
  });

  it('reads the secret again after a failure instead of keeping it', async () => {
    secrets.mock
      .on(GetSecretValueCommand)
      .rejectsOnce(serviceError('ThrottlingException', 'Rate exceeded'))
      .resolves({ SecretString: JSON.stringify({ sharedSecret: 'om-shared-secret-7f3c9a1e5b2d' }) });

    await expect(readJsonSecret(SECRET_ARN, schema)).rejects.toBeInstanceOf(UnavailableError);
    await expect(readJsonSecret(SECRET_ARN, schema)).resolves.toMatchObject({
      sharedSecret: 'om-shared-secret-7f3c9a1e5b2d',
    });
    expect(secrets.mock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refuses a secret that is not JSON as CONNECTION_REJECTED, without showing it', async () => {
    secrets.mock.on(GetSecretValueCommand).resolves({ SecretString: 'om-shared-secret-7f3c9a1e5b2d' });

    const failure = readJsonSecret(SECRET_ARN, schema);

    await expect(failure).rejects.toMatchObject({
      name: 'CONNECTION_REJECTED',
      message: `Secret ${SECRET_ARN} does not hold JSON.`,
    });
    await expect(failure).rejects.not.toThrow(/om-shared-secret/);
  });

  it('refuses JSON of another shape as CONNECTION_REJECTED, naming the keys', async () => {
    const credentials = z.object({ accountId: z.string(), clientId: z.string(), keys: z.object({ pem: z.string() }) });
    secrets.mock
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ accountId: 'TSTDRV1', keys: {} }) });

    const failure = readJsonSecret(SECRET_ARN, credentials);

    await expect(failure).rejects.toBeInstanceOf(BusinessException);
    await expect(failure).rejects.toMatchObject({
      name: 'CONNECTION_REJECTED',
      message: `Secret ${SECRET_ARN} does not have the expected JSON keys (clientId, keys.pem); put the JSON the README shows for this system.`,
    });
  });

  it('refuses JSON that is not an object, naming the problem', async () => {
    secrets.mock.on(GetSecretValueCommand).resolves({ SecretString: '["a","b"]' });

    await expect(readJsonSecret(SECRET_ARN, schema)).rejects.toMatchObject({
      name: 'CONNECTION_REJECTED',
      message: expect.stringMatching(new RegExp(`^Secret ${SECRET_ARN} does not have the expected JSON keys \\(.+\\)`)),
    });
  });
});
