// What every connected ERP accepts, so a sender cannot map a value through that some ERP would
// refuse: the strictest of NetSuite, SAP S/4HANA, Business Central and Odoo. Each adapter still
// checks its own ERP's rules before calling it.
import * as z from 'zod';

/**
 * A CRM record id used as the key in every ERP: NetSuite external ids take letters, digits, - and
 * _ only; SAP's PurchaseOrderByCustomer and Business Central's externalDocumentNumber hold 35.
 */
export const externalReference = z
  .string()
  .min(1, 'is empty')
  .max(35, 'is longer than 35 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'may hold letters, digits, - and _ only');

/** SAP keeps an organization's name in two 40-character fields; the others take more. */
export const organizationName = z
  .string()
  .min(1, 'account name is empty')
  .max(80, 'account name is longer than 80 characters');

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const currencyCode = isoCode(/^[A-Z]{3}$/, 'currency must be a three-letter ISO code', (code) =>
  CURRENCIES.has(code) ? undefined : 'currency is not an ISO 4217 currency',
);

const REGIONS = new Intl.DisplayNames(['en'], { type: 'region' });
/**
 * Codes Intl names that ISO 3166-1 assigns to no country: user-assigned (QM-QZ, XA-XZ, ZZ, AA)
 * and exceptionally reserved ones (EU, EZ, UN, UK, AC, CP, DG, EA, IC, TA).
 */
const NOT_COUNTRIES = /^(AA|Q[M-Z]|X[A-Z]|ZZ|EU|EZ|UN|UK|AC|CP|DG|EA|IC|TA)$/;

export const countryCode = isoCode(/^[A-Z]{2}$/, 'country must be a two-letter ISO code such as DE or US', (code) =>
  REGIONS.of(code) !== code && !NOT_COUNTRIES.test(code) ? undefined : 'country is not an ISO 3166 country code',
);

/** A code of the right form that also exists: one message, the first that applies. */
function isoCode(form: RegExp, formMessage: string, known: (code: string) => string | undefined) {
  return z.string().superRefine((code, context) => {
    const message = form.test(code) ? known(code) : formMessage;
    if (message) context.addIssue({ code: 'custom', message });
  });
}

/** At most `places` decimal places, as ERP quantity and amount fields hold. */
export function decimalPlaces(places: number) {
  // Rounded to `places` it is the same double, up to the last bits of its own precision.
  return (value: number) =>
    Number.isFinite(value) && Math.abs(Number(value.toFixed(places)) - value) <= 4 * Number.EPSILON * Math.abs(value);
}
