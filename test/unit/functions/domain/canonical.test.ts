import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import {
  countryCode,
  currencyCode,
  decimalPlaces,
  externalReference,
  organizationName,
} from '../../../../functions/domain/canonical/constraints';
import { addressV1, customerV1 } from '../../../../functions/domain/canonical/customer';
import { orderLineV1, salesOrderV1 } from '../../../../functions/domain/canonical/sales-order';
import { salesOrder } from '../support/orders';

/** The problems of a refused value, as path and message. */
function issues(schema: z.ZodType, value: unknown): { path: string; message: string }[] {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

const address = { street: 'Leopoldstraße 12', city: 'München', postalCode: '80802', country: 'DE' };
const line = { lineNumber: 1, sku: 'SKU-LAPTOP-14', description: 'Laptop', quantity: 1, unitPrice: 10 };

describe('externalReference', () => {
  it.each(['0065g00000AbCdEAAZ', 'a', 'ORDER_2026-11-20', 'x'.repeat(35)])('accepts %j', (value) => {
    expect(externalReference.parse(value)).toBe(value);
  });

  it('refuses 36 characters', () => {
    expect(issues(externalReference, 'x'.repeat(36))).toEqual([{ path: '', message: 'is longer than 35 characters' }]);
  });

  it('refuses an empty reference', () => {
    expect(issues(externalReference, '').map((issue) => issue.message)).toContain('is empty');
  });

  it.each(['0065g000 0AbCd', 'SO/1042', 'Müller', 'a.b', 'ref#1'])('refuses the characters of %j', (value) => {
    expect(issues(externalReference, value)).toEqual([{ path: '', message: 'may hold letters, digits, - and _ only' }]);
  });
});

describe('currencyCode', () => {
  it.each(['EUR', 'USD', 'JPY', 'CHF'])('accepts %s', (code) => {
    expect(currencyCode.parse(code)).toBe(code);
  });

  it.each(['eur', 'EU', 'EURO', '978', ''])('refuses %j as not of the form, with one issue', (code) => {
    expect(issues(currencyCode, code)).toEqual([{ path: '', message: 'currency must be a three-letter ISO code' }]);
  });

  it.each(['XYZ', 'ABC', 'DEM'])('refuses %s as not an ISO 4217 currency, with one issue', (code) => {
    expect(issues(currencyCode, code)).toEqual([{ path: '', message: 'currency is not an ISO 4217 currency' }]);
  });
});

describe('countryCode', () => {
  it.each(['DE', 'US', 'GB', 'CH'])('accepts %s', (code) => {
    expect(countryCode.parse(code)).toBe(code);
  });

  it.each(['de', 'DEU', 'D', '276', ''])('refuses %j as not of the form, with one issue', (code) => {
    expect(issues(countryCode, code)).toEqual([
      { path: '', message: 'country must be a two-letter ISO code such as DE or US' },
    ]);
  });

  it.each(['XX', 'AA', 'QM'])('refuses %s as not an ISO 3166 country, with one issue', (code) => {
    expect(issues(countryCode, code)).toEqual([{ path: '', message: 'country is not an ISO 3166 country code' }]);
  });

  // Intl.DisplayNames names these codes ("Unknown Region", "European Union", "United Kingdom"),
  // so the check takes them for countries; none is an assigned ISO 3166-1 country code.
  it.each(['ZZ', 'EU', 'UK', 'XA', 'QO'])('refuses %s, a code Intl knows but ISO 3166-1 does not assign', (code) => {
    expect(issues(countryCode, code)).toEqual([{ path: '', message: 'country is not an ISO 3166 country code' }]);
  });
});

describe('decimalPlaces', () => {
  const quantity = decimalPlaces(3);
  const price = decimalPlaces(2);

  it.each([25, 0.001, 1.5, 2.675, 12345.678, 0.1 + 0.2])('accepts the quantity %d with up to 3 decimals', (value) => {
    expect(quantity(value)).toBe(true);
  });

  it.each([1.0005, 0.0001, 2.6751])('refuses the quantity %d with 4 decimals', (value) => {
    expect(quantity(value)).toBe(false);
  });

  it.each([1750, 19.99, 1234.56, 0.29, 4.35, 0.1 + 0.2, 0.7 + 0.1, 1.1 * 3, 99999999.99])(
    'accepts the price %d, whose binary value is a hair off 2 decimals',
    (value) => {
      expect(price(value)).toBe(true);
    },
  );

  it.each([1.005, 8.675, 19.999, 0.001])('refuses the price %d with 3 decimals', (value) => {
    expect(price(value)).toBe(false);
  });

  it('accepts large values with allowed decimals (the tolerance follows the value)', () => {
    expect(quantity(16871069.644)).toBe(true);
    expect(price(315391987.1)).toBe(true);
    expect(price(315391987.123)).toBe(false);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('refuses %d', (value) => {
    expect(price(value)).toBe(false);
    expect(quantity(value)).toBe(false);
  });

  it('says which field has too many decimals on an order line', () => {
    expect(issues(orderLineV1, { ...line, quantity: 1.2345, unitPrice: 9.999 })).toEqual([
      { path: 'quantity', message: 'quantity has more than 3 decimal places' },
      { path: 'unitPrice', message: 'unit price has more than 2 decimal places' },
    ]);
  });

  it('accepts a line of 0.125 at 19.99', () => {
    expect(orderLineV1.parse({ ...line, quantity: 0.125, unitPrice: 19.99 })).toMatchObject({
      quantity: 0.125,
      unitPrice: 19.99,
    });
  });
});

describe('organizationName', () => {
  it('accepts 80 characters and refuses 81', () => {
    expect(organizationName.parse('M'.repeat(80))).toHaveLength(80);
    expect(issues(organizationName, 'M'.repeat(81))).toEqual([
      { path: '', message: 'account name is longer than 80 characters' },
    ]);
  });

  it('refuses an empty name', () => {
    expect(issues(organizationName, '')).toEqual([{ path: '', message: 'account name is empty' }]);
  });

  it('applies to the customer name', () => {
    const customer = { ...salesOrder().customer, name: 'M'.repeat(81) };

    expect(issues(customerV1, customer)).toEqual([
      { path: 'name', message: 'account name is longer than 80 characters' },
    ]);
  });
});

describe('addressV1', () => {
  it('accepts the longest street, city and postal code every ERP holds', () => {
    const longest = { street: 's'.repeat(60), city: 'c'.repeat(30), postalCode: '1'.repeat(10), country: 'DE' };

    expect(addressV1.parse(longest)).toEqual(longest);
  });

  it('refuses one character more in each field, naming the field', () => {
    expect(
      issues(addressV1, { street: 's'.repeat(61), city: 'c'.repeat(31), postalCode: '1'.repeat(11), country: 'DE' }),
    ).toEqual([
      { path: 'street', message: 'street is longer than 60 characters' },
      { path: 'city', message: 'city is longer than 30 characters' },
      { path: 'postalCode', message: 'postal code is longer than 10 characters' },
    ]);
  });

  it('refuses empty fields and a bad country', () => {
    expect(issues(addressV1, { street: '', city: '', postalCode: '', country: 'Germany' })).toEqual([
      { path: 'street', message: 'street is empty' },
      { path: 'city', message: 'city is empty' },
      { path: 'postalCode', message: 'postal code is empty' },
      { path: 'country', message: 'country must be a two-letter ISO code such as DE or US' },
    ]);
  });

  it('is checked on the billing address of the customer', () => {
    const customer = { ...salesOrder().customer, billingAddress: { ...address, city: 'c'.repeat(31) } };

    expect(issues(customerV1, customer)).toEqual([
      { path: 'billingAddress.city', message: 'city is longer than 30 characters' },
    ]);
  });
});

describe('customerV1', () => {
  it('refuses a phone over 30 and a website over 80 characters', () => {
    const customer = { ...salesOrder().customer, phone: '+'.repeat(31), website: 'w'.repeat(81) };

    expect(issues(customerV1, customer)).toEqual([
      { path: 'phone', message: 'phone is longer than 30 characters' },
      { path: 'website', message: 'website is longer than 80 characters' },
    ]);
  });
});

describe('salesOrderV1', () => {
  it('accepts the fixture order unchanged', () => {
    const order = salesOrder();

    expect(salesOrderV1.parse(order)).toEqual(order);
  });

  it('accepts an order with its organization', () => {
    const order = { ...salesOrder(), organization: { legalEntity: 'ACME GmbH', businessUnit: 'Hardware' } };

    expect(salesOrderV1.parse(order).organization).toEqual({ legalEntity: 'ACME GmbH', businessUnit: 'Hardware' });
  });

  it('names each field that is wrong, with its path', () => {
    const base = salesOrder();
    const order = {
      ...base,
      externalId: 'SO/1042',
      orderDate: '20.11.2026',
      currency: 'XYZ',
      lines: [{ ...base.lines[0], quantity: 0 }],
    };

    expect(issues(salesOrderV1, order)).toEqual([
      { path: 'externalId', message: 'may hold letters, digits, - and _ only' },
      { path: 'orderDate', message: 'close date must be a date (YYYY-MM-DD)' },
      { path: 'currency', message: 'currency is not an ISO 4217 currency' },
      { path: 'lines.0.quantity', message: 'quantity must be above zero' },
    ]);
  });

  it('refuses an order without lines', () => {
    expect(issues(salesOrderV1, { ...salesOrder(), lines: [] })).toEqual([
      { path: 'lines', message: 'the opportunity has no products' },
    ]);
  });

  it('refuses a schema version other than 1', () => {
    expect(issues(salesOrderV1, { ...salesOrder(), schemaVersion: 2 }).map((issue) => issue.path)).toEqual([
      'schemaVersion',
    ]);
  });
});
