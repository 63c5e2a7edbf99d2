// Microsoft Entra ID client credentials: the app registration's secret is exchanged for a bearer
// token for the Business Central API, valid for about an hour (expires_in).
import * as z from 'zod';
import { BusinessException, ThrottledError, UnavailableError } from '../../domain/errors';
import type { AccessToken } from '../../platform/access-token';
import { parseJsonBody, parseValue, retryAfterSeconds, send } from '../../platform/http';
import { API_SCOPE, type BusinessCentralCredentials, tokenUrl } from './credentials';

export const ENTRA_TITLE = 'Microsoft Entra ID';

/** Renew this long before expiry so a token never expires in flight; at most half its life. */
const EARLY_RENEWAL_MS = 60_000;

const tokenResponse = z.object({
  token_type: z.string().regex(/^bearer$/i, 'is not Bearer'),
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
});

const entraError = z.object({
  error: z.string(),
  error_description: z.string().optional(),
  error_codes: z.array(z.number()).optional(),
});

/**
 * What to fix for the AADSTS codes an operator meets when setting up the secret. Microsoft says
 * the codes are for people, not for branching, so they only pick the hint; the classification
 * (CONNECTION_REJECTED) never depends on them.
 */
const HINTS: Record<number, string> = {
  7000215: 'clientSecret is not a current secret of the app: put the secret Value, not its Secret ID',
  7000222: 'clientSecret has expired: create a new client secret in the app registration and put its Value',
  7000218: 'clientSecret is missing',
  700016: 'clientId is not an application in tenant tenantId: check both, and that the app is consented in that tenant',
  90002: 'tenantId is not an Entra tenant',
  500011:
    'the tenant has no Dynamics 365 Business Central service principal: grant the app the API.ReadWrite.All permission',
  1002012: 'the token scope was refused',
};

export async function requestToken(credentials: BusinessCentralCredentials, secretId: string): Promise<AccessToken> {
  const response = await send({
    system: ENTRA_TITLE,
    method: 'POST',
    url: tokenUrl(credentials),
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      scope: API_SCOPE,
    }).toString(),
  });
  // Entra answers a client that asks too often with 429 and Retry-After (often a bare text body):
  // throttling, however the body reads, never a sign of bad credentials.
  if (response.status === 429) {
    throw new ThrottledError('Microsoft Entra ID throttled the token request (429)', {
      retryAfterSeconds: retryAfterSeconds(response.headers),
    });
  }
  if (response.status >= 500) {
    throw new UnavailableError(`Microsoft Entra ID token endpoint answered HTTP ${response.status}`);
  }
  const body = parseJsonBody(response);
  if (response.status === 200) {
    const token = parseValue(body, tokenResponse, ENTRA_TITLE, 'POST /oauth2/v2.0/token');
    const lifetimeMs = token.expires_in * 1000;
    return {
      value: token.access_token,
      expiresAt: Date.now() + lifetimeMs - Math.min(EARLY_RENEWAL_MS, lifetimeMs / 2),
    };
  }
  const parsed = entraError.safeParse(body);
  if (parsed.success && parsed.data.error === 'temporarily_unavailable') {
    throw new UnavailableError(
      `Microsoft Entra ID is temporarily unavailable (${firstLine(parsed.data.error_description)})`,
    );
  }
  throw new BusinessException('CONNECTION_REJECTED', refusal(response.status, parsed.data, credentials, secretId));
}

function refusal(
  status: number,
  error: z.infer<typeof entraError> | undefined,
  credentials: BusinessCentralCredentials,
  secretId: string,
): string {
  const reason = error ? `${error.error}: ${firstLine(error.error_description)}` : `HTTP ${status}`;
  const hint = error?.error_codes?.map((code) => HINTS[code]).find(Boolean);
  const fix = hint ?? 'check tenantId, clientId and clientSecret';
  return `Microsoft Entra ID refused the hub's token request for app ${credentials.clientId} in tenant ${credentials.tenantId} (${reason}); ${fix} in secret ${secretId}.`;
}

/** The AADSTS sentence without the trace and correlation ids Entra appends on further lines. */
function firstLine(description: string | undefined): string {
  return (description ?? '').split(/\r?\n/)[0].trim();
}
