import * as z from 'zod';
import { currencyCode, decimalPlaces, externalReference } from './constraints';
import { customerV1 } from './customer';

export const orderLineV1 = z.object({
  lineNumber: z.number().int().positive(),
  /** The product code the CRM sells under; mapped to an ERP item per ERP. */
  sku: z.string().min(1, 'product code is empty').max(40, 'product code is longer than 40 characters'),
  description: z.string(),
  quantity: z
    .number()
    .positive('quantity must be above zero')
    .refine(decimalPlaces(3), { message: 'quantity has more than 3 decimal places' }),
  unitPrice: z
    .number()
    .nonnegative('unit price must not be negative')
    .refine(decimalPlaces(2), { message: 'unit price has more than 2 decimal places' }),
});

/** Where in the company the order belongs, when the CRM says; routing rules can match on it. */
export const organizationV1 = z.object({
  legalEntity: z.string().min(1).max(40).optional(),
  businessUnit: z.string().min(1).max(40).optional(),
});

/** A won deal as an order to fulfil and invoice, independent of CRM and ERP formats. */
export const salesOrderV1 = z.object({
  schemaVersion: z.literal(1),
  /** The CRM record the order comes from; also the order's reference in the ERP. */
  externalId: externalReference,
  source: z.object({ system: z.string(), recordType: z.string(), recordId: z.string() }),
  reference: z.string().min(1, 'opportunity name is empty'),
  orderDate: z.iso.date('close date must be a date (YYYY-MM-DD)'),
  currency: currencyCode,
  organization: organizationV1.optional(),
  customer: customerV1,
  lines: z
    .array(orderLineV1)
    .min(1, 'the opportunity has no products')
    .max(500, 'the opportunity has over 500 products'),
  total: z.number().nonnegative(),
});

export type OrderLineV1 = z.infer<typeof orderLineV1>;
export type SalesOrderV1 = z.infer<typeof salesOrderV1>;
