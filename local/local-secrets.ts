// Values for the template's secrets on this machine: what CloudFormation would generate from
// GenerateSecretString, except where a sandbox needs its own credentials in the secret.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { SecretModel } from './template-model';

const LETTERS_AND_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PUNCTUATION = '!#$%&()*+,-./:;<=>?@[]^_{|}~';

/** Like GenerateSecretString: the template JSON with a random string under the generated key. */
export function generatedValue(secret: SecretModel): string {
  if (!secret.generate) return '{}';
  const alphabet = secret.generate.excludePunctuation ? LETTERS_AND_DIGITS : LETTERS_AND_DIGITS + PUNCTUATION;
  const bytes = randomBytes(secret.generate.length);
  const value = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
  return JSON.stringify({ ...JSON.parse(secret.generate.template), [secret.generate.key]: value });
}

export function newRsaKeyPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}
