import * as z from 'zod';

/** JSON of the Odoo API secret: an API key of the integration user, with the database it belongs to. */
export const odooCredentialsSchema = z.object({
  /** https://<company>.odoo.com, or the self-hosted server's address. */
  baseUrl: z.url(),
  database: z.string().min(1),
  /** The integration user's login; JSON-RPC authenticates with it, JSON-2 needs only the key. */
  login: z.string().min(1).optional(),
  apiKey: z.string().min(1),
});

export type OdooCredentials = z.infer<typeof odooCredentialsSchema>;

export const odooSettingsSchema = z.strictObject({
  /** 'json-2' for Odoo 19 and later; 'json-rpc' (execute_kw) for older versions. */
  protocol: z.enum(['json-2', 'json-rpc']).default('json-2'),
  /** Sales team (crm.team id) new orders are booked to; Odoo's default team when absent. */
  salesTeamId: z.number().int().positive().optional(),
});

export type OdooSettings = z.infer<typeof odooSettingsSchema>;
