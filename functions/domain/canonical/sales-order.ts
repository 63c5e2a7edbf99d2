import * as z from 'zod';
import { customerV1 } from './customer';

export const orderLineV1 = z.object({
  lineNumber: z.number().int().positive(),
  /** The product code the CRM sells under; mapped to an ERP item per ERP. */
  sku: z.string().min(1, 'product code is empty'),
  description: z.string(),
  quantity: z.number().positive('quantity must be above zero'),
  unitPrice: z.number().nonnegative('unit price must not be negative'),
});

/** A won deal as an order to fulfil and invoice, independent of CRM and ERP formats. */
export const salesOrderV1 = z.object({
  schemaVersion: z.literal(1),
  /** The CRM record the order comes from; also the order's external id in the ERP. */
  externalId: z.string().min(1),
  source: z.object({ system: z.string(), recordType: z.string(), recordId: z.string() }),
  reference: z.string().min(1, 'opportunity name is empty'),
  orderDate: z.iso.date('close date must be a date (YYYY-MM-DD)'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'currency must be a three-letter ISO code'),
  customer: customerV1,
  lines: z.array(orderLineV1).min(1, 'the opportunity has no products'),
  total: z.number().nonnegative(),
});

export type OrderLineV1 = z.infer<typeof orderLineV1>;
export type SalesOrderV1 = z.infer<typeof salesOrderV1>;
