import * as z from 'zod';

/**
 * Where in Business Central the hub writes: one environment of the tenant and one company in it.
 * Posting groups, payment terms and number series are Business Central's own setup (customer
 * templates, No. Series), not the hub's.
 */
export const businessCentralSettingsSchema = z.strictObject({
  /** The company's id (GET .../api/v2.0/companies lists them), not its name. */
  companyId: z
    .string()
    .regex(
      /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
      'must be the company id, a GUID (GET .../api/v2.0/companies lists them)',
    ),
  /** The environment name as the admin center shows it, e.g. Production. */
  environment: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{1,30}$/,
      'must be the environment name from the Business Central admin center, e.g. Production (letters, digits, - and _, up to 30)',
    ),
  /**
   * The company's local currency (General Ledger Setup, LCY Code), e.g. EUR: Business Central
   * keeps orders in it with an empty currency code. Unset, every currency is sent as it is.
   */
  localCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code, e.g. EUR')
    .optional(),
});

export type BusinessCentralSettings = z.infer<typeof businessCentralSettingsSchema>;
