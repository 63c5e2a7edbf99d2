// NetSuite test credentials: a real RSA key pair, so assertions can be verified like NetSuite does.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { NetSuiteCredentials } from '../../../../functions/connectors/netsuite/credentials';

export const ACCOUNT_ID = 'TSTDRV1234567';
export const NETSUITE_ORIGIN = 'https://tstdrv1234567.suitetalk.api.netsuite.com';
export const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';
export const RECORD_PATH = '/services/rest/record/v1';

let keys: { publicKey: KeyObject; privateKeyPem: string } | undefined;

/** One 2048-bit key pair per test file (generating one takes a moment). */
export function integrationKeys() {
  if (!keys) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keys = {
      publicKey: pair.publicKey,
      privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  }
  return keys;
}

export function netSuiteCredentials(overrides: Partial<NetSuiteCredentials> = {}): NetSuiteCredentials {
  return {
    accountId: ACCOUNT_ID,
    clientId: 'b5a4c1d2e3f40718293a4b5c6d7e8f90b5a4c1d2e3f40718293a4b5c6d7e8f90',
    certificateId: 'pYmL0nWq3xJ7kS2dR9tF1vB6hC8aE4gU5iO0zX7yT3c',
    privateKeyPem: integrationKeys().privateKeyPem,
    ...overrides,
  };
}

export function decodeJwt(jwt: string) {
  const [header, payload, signature] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}
