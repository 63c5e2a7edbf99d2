import * as z from 'zod';

const key = (length: number, example: string) =>
  z
    .string()
    .regex(
      new RegExp(`^[A-Z0-9]{1,${length}}$`),
      `must be an SAP key of up to ${length} capital letters or digits, e.g. ${example}`,
    );

/** The deployment's organizational data in SAP: where orders are booked and customers created. */
export const sapSettingsSchema = z.strictObject({
  /** Sales area of the orders and of new customers. */
  salesOrganization: key(4, '1010'),
  distributionChannel: key(2, '10'),
  organizationDivision: key(2, '00'),
  /** The sales document type, by its external key ('OR' standard order; 'TA' in German logons). */
  salesOrderType: key(4, 'OR').default('OR'),
  /** The manual price condition the CRM's unit price goes in (PMP0 in the standard pricing procedure). */
  priceConditionType: key(4, 'PMP0').default('PMP0'),
  /** Currency of the sales area data of new customers. */
  customerCurrency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code, e.g. EUR'),
  /** Number range grouping of new business partners; SAP's default grouping when absent. */
  businessPartnerGrouping: key(4, 'BP02').optional(),
  /** Correspondence and address language of new business partners (ISO 639-1). */
  language: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter language code in capitals, e.g. EN')
    .default('EN'),
  /** Company code data of new customers (role FLCU00), when finance wants it created with them. */
  companyCode: z
    .strictObject({
      code: key(4, '1010'),
      reconciliationAccount: z.string().regex(/^\d{1,10}$/, 'must be a G/L account number, e.g. 12100000'),
    })
    .optional(),
});

export type SapSettings = z.infer<typeof sapSettingsSchema>;
