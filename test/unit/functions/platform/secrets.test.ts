import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
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
