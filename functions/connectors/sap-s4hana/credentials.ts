import * as z from 'zod';

/**
 * JSON of the SAP S/4HANA API secret: the communication user of the hub's communication
 * arrangements, whose inbound authentication is OAuth 2.0 (client id = the user's name, client
 * secret = its password).
 */
export const sapCredentialsSchema = z.object({
  /** The tenant's API host, e.g. https://my123456-api.s4hana.cloud.sap (on-premise: the Gateway host). */
  baseUrl: z.url(),
  /** Defaults to `${baseUrl}/sap/bc/sec/oauth2/token`, where the arrangement's "OAuth 2.0 Details" point. */
  tokenUrl: z.url().optional(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** On-premise only: the client logged on to (sap-client); S/4HANA Cloud has one per tenant. */
  sapClient: z
    .string()
    .regex(/^\d{3}$/, 'must be a three-digit client, e.g. 100')
    .optional(),
});

export type SapCredentials = z.infer<typeof sapCredentialsSchema>;

export function apiBaseUrl(credentials: SapCredentials): string {
  return credentials.baseUrl.replace(/\/+$/, '');
}

export function tokenUrl(credentials: SapCredentials): string {
  return credentials.tokenUrl ?? `${apiBaseUrl(credentials)}/sap/bc/sec/oauth2/token`;
}
