import { describe, expect, it } from 'vitest';
import type { SalesOrderV1 } from '../../../../functions/domain/canonical/sales-order';
import { chooseRoute, type RoutingInput, routedSystems, routingSchema } from '../../../../functions/domain/routing';
import { salesOrder } from '../support/orders';

const routing = (input: RoutingInput) => routingSchema.parse(input);

/** The fixture order, billed to `country` in `currency`, with the organization given. */
function order(country: string, currency = 'EUR', organization?: SalesOrderV1['organization']): SalesOrderV1 {
  const base = salesOrder();
  return {
    ...base,
    currency,
    ...(organization ? { organization } : {}),
    customer: { ...base.customer, billingAddress: { ...base.customer.billingAddress, country } },
  };
}

/** The problems of a refused routing, as path and message. */
function issues(input: unknown): { path: string; message: string }[] {
  const result = routingSchema.safeParse(input);
  if (result.success) throw new Error('expected the routing to be refused');
  return result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

describe('chooseRoute', () => {
  it('routes by billing country', () => {
    const r = routing({
      rules: [{ name: 'dach', target: 'sap-s4hana', when: { country: ['DE', 'AT', 'CH'] } }],
      default: { target: 'netsuite' },
    });

    expect(chooseRoute(r, order('AT'))).toEqual({ target: 'sap-s4hana', rule: 'dach' });
    expect(chooseRoute(r, order('FR'))).toEqual({ target: 'netsuite', rule: 'default' });
  });

  it('routes by a named region of countries', () => {
    const r = routing({
      regions: { nordics: ['SE', 'NO', 'DK', 'FI'], benelux: ['BE', 'NL', 'LU'] },
      rules: [{ name: 'north', target: 'business-central', when: { region: ['benelux', 'nordics'] } }],
      default: { target: 'netsuite' },
    });

    expect(chooseRoute(r, order('DK'))).toEqual({ target: 'business-central', rule: 'north' });
    expect(chooseRoute(r, order('LU'))).toEqual({ target: 'business-central', rule: 'north' });
    expect(chooseRoute(r, order('DE'))).toEqual({ target: 'netsuite', rule: 'default' });
  });

  it('routes by currency', () => {
    const r = routing({
      rules: [{ name: 'sterling', target: 'odoo', when: { currency: ['GBP'] } }],
      default: { target: 'netsuite' },
    });

    expect(chooseRoute(r, order('DE', 'GBP'))).toEqual({ target: 'odoo', rule: 'sterling' });
    expect(chooseRoute(r, order('GB', 'EUR'))).toEqual({ target: 'netsuite', rule: 'default' });
  });

  it('routes by the legal entity of the order', () => {
    const r = routing({
      rules: [{ name: 'gmbh', target: 'sap-s4hana', when: { legalEntity: ['ACME GmbH'] } }],
      default: { target: 'netsuite' },
    });

    expect(chooseRoute(r, order('US', 'USD', { legalEntity: 'ACME GmbH' }))).toEqual({
      target: 'sap-s4hana',
      rule: 'gmbh',
    });
    expect(chooseRoute(r, order('US', 'USD', { legalEntity: 'ACME Inc.' })).rule).toBe('default');
    expect(chooseRoute(r, order('US', 'USD')).rule).toBe('default');
  });

  it('routes by the business unit of the order', () => {
    const r = routing({
      rules: [{ name: 'services', target: 'odoo', when: { businessUnit: ['Services', 'Training'] } }],
      default: { target: 'netsuite' },
    });

    expect(chooseRoute(r, order('DE', 'EUR', { businessUnit: 'Training' }))).toEqual({
      target: 'odoo',
      rule: 'services',
    });
    expect(chooseRoute(r, order('DE', 'EUR', { legalEntity: 'Training' })).rule).toBe('default');
  });

  it('matches a rule only when every one of its conditions matches', () => {
    const r = routing({
      rules: [
        {
          name: 'de-hardware-eur',
          target: 'sap-s4hana',
          when: { country: ['DE'], currency: ['EUR'], businessUnit: ['Hardware'] },
        },
      ],
      default: { target: 'netsuite' },
    });

    expect(chooseRoute(r, order('DE', 'EUR', { businessUnit: 'Hardware' })).rule).toBe('de-hardware-eur');
    expect(chooseRoute(r, order('AT', 'EUR', { businessUnit: 'Hardware' })).rule).toBe('default');
    expect(chooseRoute(r, order('DE', 'USD', { businessUnit: 'Hardware' })).rule).toBe('default');
    expect(chooseRoute(r, order('DE', 'EUR', { businessUnit: 'Software' })).rule).toBe('default');
  });

  it('takes the first rule that matches, not the most specific', () => {
    const r = routing({
      regions: { emea: ['DE', 'FR', 'GB'] },
      rules: [
        { name: 'emea', target: 'business-central', when: { region: ['emea'] } },
        { name: 'germany', target: 'sap-s4hana', when: { country: ['DE'] } },
      ],
      default: { target: 'netsuite' },
    });

    expect(chooseRoute(r, order('DE'))).toEqual({ target: 'business-central', rule: 'emea' });
  });

  it('gives the shadow of the chosen rule', () => {
    const r = routing({
      rules: [{ name: 'dach', target: 'netsuite', shadow: 'sap-s4hana', when: { country: ['DE'] } }],
      default: { target: 'netsuite' },
    });

    expect(chooseRoute(r, order('DE'))).toEqual({ target: 'netsuite', shadow: 'sap-s4hana', rule: 'dach' });
  });

  it('falls back to the default, with its shadow when it has one and without the key when not', () => {
    const withShadow = routing({ default: { target: 'netsuite', shadow: 'odoo' } });
    const without = routing({ default: { target: 'netsuite' } });

    expect(chooseRoute(withShadow, order('US'))).toEqual({ target: 'netsuite', shadow: 'odoo', rule: 'default' });
    const route = chooseRoute(without, order('US'));
    expect(route).toEqual({ target: 'netsuite', rule: 'default' });
    expect(route).not.toHaveProperty('shadow');
  });
});

describe('routingSchema', () => {
  it('fills in no regions and no rules when only the default is given', () => {
    expect(routingSchema.parse({ default: { target: 'netsuite' } })).toEqual({
      regions: {},
      rules: [],
      default: { target: 'netsuite' },
    });
  });

  it('refuses unknown keys at the top, in a rule and in a condition, naming where', () => {
    const result = routingSchema.safeParse({
      default: { target: 'netsuite', fallback: 'odoo' },
      rules: [{ name: 'de', target: 'odoo', priority: 1, when: { country: ['DE'], colour: ['red'] } }],
      regoins: {},
    });

    expect(result.success).toBe(false);
    const unknown = result.error?.issues.map((issue) => ({
      code: issue.code,
      path: issue.path.join('.'),
      keys: 'keys' in issue ? issue.keys : undefined,
    }));
    expect(unknown).toEqual(
      expect.arrayContaining([
        { code: 'unrecognized_keys', path: '', keys: ['regoins'] },
        { code: 'unrecognized_keys', path: 'default', keys: ['fallback'] },
        { code: 'unrecognized_keys', path: 'rules.0', keys: ['priority'] },
        { code: 'unrecognized_keys', path: 'rules.0.when', keys: ['colour'] },
      ]),
    );
    expect(unknown).toHaveLength(4);
  });

  it('refuses a rule with no condition', () => {
    expect(issues({ rules: [{ name: 'all', target: 'odoo', when: {} }], default: { target: 'netsuite' } })).toEqual([
      { path: 'rules.0.when', message: 'a rule needs at least one condition' },
    ]);
  });

  it('refuses a condition with an empty list', () => {
    expect(
      issues({ rules: [{ name: 'none', target: 'odoo', when: { country: [] } }], default: { target: 'netsuite' } }),
    ).toEqual([{ path: 'rules.0.when.country', message: expect.any(String) }]);
  });

  it('refuses a rule on a region that is not defined', () => {
    expect(
      issues({
        regions: { emea: ['DE'] },
        rules: [
          { name: 'de', target: 'sap-s4hana', when: { country: ['DE'] } },
          { name: 'apac', target: 'odoo', when: { region: ['emea', 'apac'] } },
        ],
        default: { target: 'netsuite' },
      }),
    ).toEqual([{ path: 'rules.1.when.region', message: "region 'apac' is not defined under regions" }]);
  });

  it('does not take a built-in object property for a defined region', () => {
    expect(
      issues({
        rules: [{ name: 'odd', target: 'odoo', when: { region: ['toString'] } }],
        default: { target: 'netsuite' },
      }),
    ).toEqual([{ path: 'rules.0.when.region', message: "region 'toString' is not defined under regions" }]);
  });

  it('refuses a rule name used twice, at the second one', () => {
    expect(
      issues({
        rules: [
          { name: 'europe', target: 'sap-s4hana', when: { country: ['DE'] } },
          { name: 'us', target: 'netsuite', when: { country: ['US'] } },
          { name: 'europe', target: 'odoo', when: { country: ['FR'] } },
        ],
        default: { target: 'netsuite' },
      }),
    ).toEqual([{ path: 'rules.2.name', message: "rule 'europe' is defined twice" }]);
  });

  it('refuses a rule name that is not lowercase letters, digits and dashes', () => {
    expect(
      issues({ rules: [{ name: 'Europe West', target: 'odoo', when: { country: ['FR'] } }], default: { target: 'x' } }),
    ).toEqual([{ path: 'rules.0.name', message: 'rule names are lowercase letters, digits and dashes' }]);
  });

  it('refuses a shadow equal to the target, in a rule and in the default', () => {
    expect(
      issues({
        rules: [{ name: 'de', target: 'sap-s4hana', shadow: 'sap-s4hana', when: { country: ['DE'] } }],
        default: { target: 'netsuite', shadow: 'netsuite' },
      }),
    ).toEqual([
      { path: 'rules.0.shadow', message: 'the shadow ERP must differ from the target' },
      { path: 'default.shadow', message: 'the shadow ERP must differ from the target' },
    ]);
  });

  it('refuses country codes in the wrong form or not ISO 3166, in regions and conditions', () => {
    expect(
      issues({
        regions: { emea: ['DE', 'de', 'XX'] },
        rules: [{ name: 'de', target: 'odoo', when: { country: ['DEU'] } }],
        default: { target: 'netsuite' },
      }),
    ).toEqual([
      { path: 'regions.emea.1', message: 'country must be a two-letter ISO code such as DE or US' },
      { path: 'regions.emea.2', message: 'country is not an ISO 3166 country code' },
      { path: 'rules.0.when.country.0', message: 'country must be a two-letter ISO code such as DE or US' },
    ]);
  });

  it('refuses currency codes in the wrong form or not ISO 4217', () => {
    expect(
      issues({
        rules: [{ name: 'money', target: 'odoo', when: { currency: ['EUR', 'eur', 'EURO', 'XYZ'] } }],
        default: { target: 'netsuite' },
      }),
    ).toEqual([
      { path: 'rules.0.when.currency.1', message: 'currency must be a three-letter ISO code' },
      { path: 'rules.0.when.currency.2', message: 'currency must be a three-letter ISO code' },
      { path: 'rules.0.when.currency.3', message: 'currency is not an ISO 4217 currency' },
    ]);
  });

  it('refuses a routing without a default', () => {
    expect(issues({ rules: [] })).toEqual([{ path: 'default', message: expect.any(String) }]);
  });
});

describe('routedSystems', () => {
  it('lists every target and shadow once, in the order the routing names them', () => {
    const r = routing({
      rules: [
        { name: 'de', target: 'sap-s4hana', shadow: 'odoo', when: { country: ['DE'] } },
        { name: 'at', target: 'sap-s4hana', when: { country: ['AT'] } },
        { name: 'nl', target: 'business-central', shadow: 'netsuite', when: { country: ['NL'] } },
      ],
      default: { target: 'netsuite', shadow: 'odoo' },
    });

    expect(routedSystems(r)).toEqual(['sap-s4hana', 'odoo', 'business-central', 'netsuite']);
  });

  it('lists only the default target when there are no rules', () => {
    expect(routedSystems(routing({ default: { target: 'netsuite' } }))).toEqual(['netsuite']);
  });
});
