// OAuth 2.0 client credentials for NetSuite: a JWT assertion signed with the integration's
// certificate key is exchanged for a one-hour bearer token.
import { constants, createPrivateKey, randomUUID, sign } from 'node:crypto';
import * as z from 'zod';
import { BusinessException, ThrottledError, UnavailableError } from '../../domain/errors';
import type { AccessToken } from '../../platform/access-token';
import { parseJsonBody, retryAfterSeconds, send } from '../../platform/http';
import type { NetSuiteCredentials } from './credentials';

// Renew a minute early so a token never expires in flight.
const EARLY_RENEWAL_MS = 60_000;

const tokenResponse = z.object({
  access_token: z.string().min(1).optional(),
  expires_in: z.union([z.string(), z.number()]).optional(),
  error: z.string().optional(),
});

export function tokenUrl(baseUrl: string): string {
  return `${baseUrl}/services/rest/auth/oauth2/v1/token`;
}

export function clientAssertion(credentials: NetSuiteCredentials, audience: string, now = Date.now()): string {
  const issuedAt = Math.floor(now / 1000);
  const header = { alg: 'PS256', typ: 'JWT', kid: credentials.certificateId };
  const payload = {
    iss: credentials.clientId,
    scope: ['rest_webservices'],
    aud: audience,
    iat: issuedAt,
    exp: issuedAt + 3600,
    jti: randomUUID(),
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: createPrivateKey(credentials.privateKeyPem),
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}

export async function requestToken(
  credentials: NetSuiteCredentials,
  baseUrl: string,
  secretId: string,
): Promise<AccessToken> {
  const url = tokenUrl(baseUrl);
  const response = await send({
    system: 'NetSuite',
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion(credentials, url),
    }).toString(),
  });
  if (response.status === 429) {
    throw new ThrottledError('NetSuite throttled the token request (429)', {
      retryAfterSeconds: retryAfterSeconds(response.headers),
    });
  }
  if (response.status >= 500) throw new UnavailableError(`NetSuite token endpoint answered HTTP ${response.status}`);
  const parsed = tokenResponse.safeParse(parseJsonBody(response));
  const body = parsed.success ? parsed.data : undefined;
  if (response.status !== 200 || !body?.access_token) {
    throw new BusinessException(
      'CONNECTION_REJECTED',
      `NetSuite refused the hub's token request (${body?.error ?? `HTTP ${response.status}`}); check clientId, certificateId and the private key in secret ${secretId}, and that the certificate is mapped to the integration in NetSuite.`,
    );
  }
  const lifetimeMs = Number(body.expires_in ?? 3600) * 1000;
  return { value: body.access_token, expiresAt: Date.now() + lifetimeMs - EARLY_RENEWAL_MS };
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
