import * as z from 'zod';
import { countryCode, externalReference, organizationName } from './constraints';

// Lengths: SAP S/4HANA street 60 and postal code 10, Business Central city 30, phone 30, home page 80.
export const addressV1 = z.object({
  street: z.string().min(1, 'street is empty').max(60, 'street is longer than 60 characters'),
  city: z.string().min(1, 'city is empty').max(30, 'city is longer than 30 characters'),
  postalCode: z.string().min(1, 'postal code is empty').max(10, 'postal code is longer than 10 characters'),
  /** ISO 3166-1 alpha-2. */
  country: countryCode,
});

/** A customer as the CRM knows it; `externalId` is the CRM account id, the key in every ERP. */
export const customerV1 = z.object({
  externalId: externalReference,
  name: organizationName,
  phone: z.string().max(30, 'phone is longer than 30 characters').optional(),
  website: z.string().max(80, 'website is longer than 80 characters').optional(),
  billingAddress: addressV1,
});

export type CustomerV1 = z.infer<typeof customerV1>;
export type AddressV1 = z.infer<typeof addressV1>;
