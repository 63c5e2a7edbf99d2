import * as z from 'zod';

export const addressV1 = z.object({
  street: z.string().min(1, 'street is empty'),
  city: z.string().min(1, 'city is empty'),
  postalCode: z.string().min(1, 'postal code is empty'),
  /** ISO 3166-1 alpha-2. */
  country: z.string().regex(/^[A-Z]{2}$/, 'country must be a two-letter ISO code such as DE or US'),
});

/** A customer as the CRM knows it; `externalId` is the CRM account id, the key in every ERP. */
export const customerV1 = z.object({
  externalId: z.string().min(1),
  name: z.string().min(1, 'account name is empty').max(83, 'account name is longer than 83 characters'),
  phone: z.string().optional(),
  website: z.string().optional(),
  billingAddress: addressV1,
});

export type CustomerV1 = z.infer<typeof customerV1>;
export type AddressV1 = z.infer<typeof addressV1>;
