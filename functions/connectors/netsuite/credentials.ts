import * as z from 'zod';

/**
 * JSON of the NetSuite API secret: an integration record using OAuth 2.0 client credentials
 * (machine to machine) with a certificate uploaded to NetSuite.
 */
export const netSuiteCredentialsSchema = z.object({
  accountId: z.string().min(1),
  /** Defaults to https://<account>.suitetalk.api.netsuite.com; set for sandboxes. */
  baseUrl: z.url().optional(),
  clientId: z.string().min(1),
  /** The certificate id NetSuite shows after the upload (JWT `kid`). */
  certificateId: z.string().min(1),
  /** PEM private key of that certificate (RSA, signed PS256). */
  privateKeyPem: z.string().includes('PRIVATE KEY'),
});

export type NetSuiteCredentials = z.infer<typeof netSuiteCredentialsSchema>;

export function restBaseUrl(credentials: NetSuiteCredentials): string {
  const host = credentials.accountId.toLowerCase().replace(/_/g, '-');
  return (credentials.baseUrl ?? `https://${host}.suitetalk.api.netsuite.com`).replace(/\/$/, '');
}
