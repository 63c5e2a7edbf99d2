import * as z from 'zod';

/** JSON of the Salesforce API secret: a connected app allowed to use the client-credentials flow. */
export const salesforceCredentialsSchema = z.object({
  /** The org's My Domain URL, e.g. https://acme.my.salesforce.com. */
  loginUrl: z.url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  apiVersion: z
    .string()
    .regex(/^\d+\.\d$/)
    .default('62.0'),
});

export type SalesforceCredentials = z.infer<typeof salesforceCredentialsSchema>;

/** JSON of the outbound-message receiver secret. */
export const outboundMessageSecretSchema = z.object({
  /** Appended to the endpoint URL registered in Salesforce as `?token=...`: OM has no signature. */
  sharedSecret: z.string().min(16),
});
