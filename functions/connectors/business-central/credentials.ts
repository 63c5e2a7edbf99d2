import * as z from 'zod';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Entra takes the tenant as its id or as one of its verified domains (contoso.onmicrosoft.com). */
const TENANT =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$/;

export const DEFAULT_AUTHORITY = 'https://login.microsoftonline.com';
export const DEFAULT_API_BASE_URL = 'https://api.businesscentral.dynamics.com';
/**
 * The resource the token is for. It stays the public one when the API base URL is overridden: a
 * test double or proxy still expects tokens issued for Business Central.
 */
export const API_SCOPE = 'https://api.businesscentral.dynamics.com/.default';

/**
 * JSON of the Business Central API secret: a Microsoft Entra app registration using the OAuth 2.0
 * client credentials grant (service to service), registered in Business Central as well.
 */
export const businessCentralCredentialsSchema = z.object({
  tenantId: z.string().regex(TENANT, 'must be the Entra tenant id (a GUID) or its domain'),
  clientId: z.string().regex(GUID, 'must be the application (client) id of the app registration, a GUID'),
  /** The secret's Value (shown once when it is created), not its Secret ID. */
  clientSecret: z.string().min(1),
  /** Defaults to https://login.microsoftonline.com; set for sovereign clouds and sandboxes. */
  authority: z.url().optional(),
  /** Defaults to https://api.businesscentral.dynamics.com; set for sandboxes. */
  apiBaseUrl: z.url().optional(),
});

export type BusinessCentralCredentials = z.infer<typeof businessCentralCredentialsSchema>;

export function tokenUrl(credentials: BusinessCentralCredentials): string {
  return `${trimSlash(credentials.authority ?? DEFAULT_AUTHORITY)}/${encodeURIComponent(credentials.tenantId)}/oauth2/v2.0/token`;
}

/** `.../v2.0/{tenant}/{environment}/api/v2.0/companies({companyId})`: every call the hub makes is below it. */
export function companyUrl(credentials: BusinessCentralCredentials, environment: string, companyId: string): string {
  const base = trimSlash(credentials.apiBaseUrl ?? DEFAULT_API_BASE_URL);
  return `${base}/v2.0/${encodeURIComponent(credentials.tenantId)}/${encodeURIComponent(environment)}/api/v2.0/companies(${companyId})`;
}

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
