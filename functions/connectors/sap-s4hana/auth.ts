// OAuth 2.0 client credentials against the tenant's token endpoint: the communication user's
// name and password authenticate the client (HTTP Basic); the bearer token expires (an hour by
// default) and is renewed shortly before.
import * as z from 'zod';
import { BusinessException, UnavailableError } from '../../domain/errors';
import type { AccessToken } from '../../platform/access-token';
import { parseJsonBody, send } from '../../platform/http';
import type { SapCredentials } from './credentials';
import { SYSTEM_TITLE, throttling } from './errors';

/** Renew this early (a tenth of short lifetimes) so a token never expires in flight. */
const EARLY_RENEWAL_MS = 60_000;

const tokenResponse = z.object({
  access_token: z.string().min(1).optional(),
  // SAP's OAuth server sends the lifetime as a string.
  expires_in: z.union([z.string(), z.number()]).optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

export async function requestToken(credentials: SapCredentials, url: string, secretId: string): Promise<AccessToken> {
  // RFC 6749 2.3.1: id and secret are form-encoded before the Basic encoding.
  const basic = Buffer.from(
    `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`,
  ).toString('base64');
  const response = await send({
    system: SYSTEM_TITLE,
    method: 'POST',
    url: credentials.sapClient ? `${url}?sap-client=${credentials.sapClient}` : url,
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  const throttled = throttling(response, 'the token request');
  if (throttled) throw throttled;
  if (response.status >= 500) {
    throw new UnavailableError(`${SYSTEM_TITLE} token endpoint answered HTTP ${response.status}`);
  }
  const parsed = tokenResponse.safeParse(parseJsonBody(response));
  const body = parsed.success ? parsed.data : undefined;
  if (response.status !== 200 || !body?.access_token) {
    const reason = body?.error
      ? `${body.error}${body.error_description ? `: ${body.error_description}` : ''}`
      : `HTTP ${response.status}`;
    throw new BusinessException(
      'CONNECTION_REJECTED',
      `${SYSTEM_TITLE} refused the hub's token request (${reason}); check clientId (the communication user) and clientSecret (its password) in secret ${secretId}, and that the user's communication arrangements use OAuth 2.0 for inbound calls.`,
    );
  }
  const lifetimeMs = Number(body.expires_in ?? 3600) * 1000;
  const early = Math.min(EARLY_RENEWAL_MS, lifetimeMs / 10);
  return { value: body.access_token, expiresAt: Date.now() + lifetimeMs - early };
}
