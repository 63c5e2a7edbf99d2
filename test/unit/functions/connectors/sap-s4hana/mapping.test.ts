import { describe, expect, it } from 'vitest';
import {
  customerProblem,
  splitName,
  toBusinessPartner,
} from '../../../../../functions/connectors/sap-s4hana/customer-mapping';
import { SapApiError } from '../../../../../functions/connectors/sap-s4hana/errors';
import { literal, parseEdmDate, pathInService } from '../../../../../functions/connectors/sap-s4hana/odata';
import {
  concernsSoldToParty,
  refusedItem,
  toSalesOrder,
} from '../../../../../functions/connectors/sap-s4hana/order-mapping';
import { sapSettingsSchema } from '../../../../../functions/connectors/sap-s4hana/settings';
import { salesOrder } from '../../support/orders';

const settings = sapSettingsSchema.parse({
  salesOrganization: '1010',
  distributionChannel: '10',
  organizationDivision: '00',
  customerCurrency: 'EUR',
});

const refusal = (details: { code: string; message: string; target?: string }[], text = details[0]?.message ?? '') =>
  new SapApiError(
    400,
    details[0]?.code ?? 'X',
    text,
    details.map((d) => ({ target: '', severity: 'error', ...d })),
    'POST x',
  );

describe('splitName', () => {
  it('keeps a name of up to 40 characters in the first field', () => {
    expect(splitName('Müller & Söhne GmbH')).toEqual(['Müller & Söhne GmbH', '']);
    expect(splitName('x'.repeat(40))).toEqual(['x'.repeat(40), '']);
  });

  it('cuts a longer name at the last space within 40 characters', () => {
    expect(splitName('Vereinigte Präzisionswerkzeugfabriken Süddeutschland Holding AG')).toEqual([
      'Vereinigte Präzisionswerkzeugfabriken',
      'Süddeutschland Holding AG',
    ]);
  });

  it('cuts a name without spaces at 40 characters', () => {
    expect(splitName('y'.repeat(55))).toEqual(['y'.repeat(40), 'y'.repeat(15)]);
  });
});

describe('customerProblem', () => {
  const { customer } = salesOrder();

  it('accepts the fixture account', () => {
    expect(customerProblem(customer)).toBeUndefined();
  });

  it.each([
    [
      'an account id over 20 characters',
      { externalId: 'A'.repeat(21) },
      /20 characters of BusinessPartnerIDByExtSystem/,
    ],
    [
      'a name whose rest does not fit the second field',
      { name: `${'a'.repeat(39)} ${'b'.repeat(41)}` },
      /two 40-character name fields/,
    ],
    ['a phone number with letters', { phone: '+49 89 CALL-ME' }, /holds characters SAP does not take/],
    [
      'a city over 40 characters',
      { billingAddress: { ...customer.billingAddress, city: 'c'.repeat(41) } },
      /city is longer than 40/,
    ],
  ])('names %s', (_case, change, message) => {
    expect(customerProblem({ ...customer, ...change })).toMatch(message);
  });
});

describe('toBusinessPartner', () => {
  const { customer } = salesOrder();

  it('is an organization with the account id, its address and the customer role in the sales area', () => {
    expect(toBusinessPartner({ ...customer, phone: '+49 89 555 0100' }, settings)).toEqual({
      BusinessPartnerCategory: '2',
      OrganizationBPName1: 'Müller & Söhne GmbH',
      OrganizationBPName2: '',
      SearchTerm1: 'MÜLLER & SÖHNE GMBH',
      BusinessPartnerIDByExtSystem: '0015g00000XyZabAAB',
      CorrespondenceLanguage: 'EN',
      to_BusinessPartnerAddress: [
        {
          Country: 'DE',
          CityName: 'München',
          PostalCode: '80802',
          StreetName: 'Leopoldstraße 12',
          Language: 'EN',
          to_PhoneNumber: [{ PhoneNumber: '+49 89 555 0100' }],
          to_URLAddress: [],
        },
      ],
      to_BusinessPartnerRole: [{ BusinessPartnerRole: 'FLCU01' }],
      to_Customer: {
        to_CustomerSalesArea: [
          { SalesOrganization: '1010', DistributionChannel: '10', Division: '00', Currency: 'EUR' },
        ],
      },
    });
  });

  it('adds the grouping, the financial customer role and company code data when the settings ask', () => {
    const partner = toBusinessPartner(customer, {
      ...settings,
      businessPartnerGrouping: 'BP02',
      companyCode: { code: '1010', reconciliationAccount: '12100000' },
    });

    expect(partner.BusinessPartnerGrouping).toBe('BP02');
    expect(partner.to_BusinessPartnerRole).toEqual([
      { BusinessPartnerRole: 'FLCU01' },
      { BusinessPartnerRole: 'FLCU00' },
    ]);
    expect(partner.to_Customer.to_CustomerCompany).toEqual([
      { CompanyCode: '1010', ReconciliationAccount: '12100000' },
    ]);
  });
});

describe('toSalesOrder', () => {
  it('numbers items 10, 20, ... and prices each with the manual condition', () => {
    const order = salesOrder();
    const itemIds = new Map([
      ['SKU-LAPTOP-14', 'TG11'],
      ['SKU-DOCK-USB4', 'TG12'],
      ['SVC-ONBOARD', 'SRV_01'],
    ]);

    const body = toSalesOrder(
      { ...order, lines: [{ ...order.lines[0], quantity: 2.5 }, ...order.lines.slice(1)] },
      '10100101',
      itemIds,
      settings,
    );

    expect(body).toMatchObject({
      SalesOrderType: 'OR',
      SalesOrganization: '1010',
      DistributionChannel: '10',
      OrganizationDivision: '00',
      SoldToParty: '10100101',
      PurchaseOrderByCustomer: '0065g00000AbCdEAAZ',
      SalesOrderDate: '/Date(1795132800000)/',
      TransactionCurrency: 'EUR',
    });
    expect(body.to_Item).toEqual([
      {
        SalesOrderItem: '10',
        Material: 'TG11',
        RequestedQuantity: '2.5',
        to_PricingElement: [{ ConditionType: 'PMP0', ConditionRateValue: '1750.00', ConditionCurrency: 'EUR' }],
      },
      {
        SalesOrderItem: '20',
        Material: 'TG12',
        RequestedQuantity: '25',
        to_PricingElement: [{ ConditionType: 'PMP0', ConditionRateValue: '249.00', ConditionCurrency: 'EUR' }],
      },
      {
        SalesOrderItem: '30',
        Material: 'SRV_01',
        RequestedQuantity: '2',
        to_PricingElement: [{ ConditionType: 'PMP0', ConditionRateValue: '1200.00', ConditionCurrency: 'EUR' }],
      },
    ]);
  });
});

describe('reading refusals', () => {
  it('finds the item from "Error in SALES_ITEM_IN" or from the message target', () => {
    expect(
      refusedItem(
        refusal([
          { code: 'V1/392', message: 'Material X is not defined' },
          { code: 'V4/248', message: 'Error in SALES_ITEM_IN 000020' },
        ]),
      ),
    ).toBe('20');
    expect(
      refusedItem(
        refusal([
          {
            code: 'V1/028',
            message: 'Material X has status: 01',
            target: "/A_SalesOrderItem(SalesOrder='',SalesOrderItem='30')/Material",
          },
        ]),
      ),
    ).toBe('30');
    expect(
      refusedItem(refusal([{ code: 'V1/898', message: 'Sales document type ZQT is not defined' }])),
    ).toBeUndefined();
  });

  it('tells refusals of the sold-to party from others', () => {
    expect(concernsSoldToParty(refusal([{ code: 'V1/462', message: 'blocked', target: 'SoldToParty' }]))).toBe(true);
    expect(concernsSoldToParty(refusal([], 'Sold-to party 10100002 is blocked'))).toBe(true);
    expect(concernsSoldToParty(refusal([{ code: 'V1/898', message: 'Sales document type ZQT is not defined' }]))).toBe(
      false,
    );
  });

  it('gives SAP’s reasons without the closing "Sales document was not changed"', () => {
    const error = refusal([
      { code: 'V1/392', message: 'Material TG99 is not defined for sales org.1010' },
      { code: 'V4/248', message: 'Error in SALES_ITEM_IN 000020' },
      { code: 'V4/219', message: 'Sales document was not changed' },
    ]);

    expect(error.reasons).toBe('Material TG99 is not defined for sales org.1010');
  });
});

describe('OData v2 values', () => {
  it('reads /Date(ms)/ and /Date(ms+0000)/ as UTC dates', () => {
    expect(parseEdmDate('/Date(1763596800000)/')).toBe('2025-11-20');
    expect(parseEdmDate('/Date(1763640000000+0000)/')).toBe('2025-11-20');
    expect(parseEdmDate('2025-11-20')).toBeUndefined();
  });

  it('doubles single quotes in literals', () => {
    expect(literal("O'Brien")).toBe("'O''Brien'");
  });

  it('addresses an entity by the part of its URI after the service root, whatever the host', () => {
    expect(
      pathInService(
        "https://internal-host:44300/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartnerAddress(BusinessPartner='1',AddressID='2')",
        'API_BUSINESS_PARTNER',
      ),
    ).toBe("A_BusinessPartnerAddress(BusinessPartner='1',AddressID='2')");
    expect(pathInService('https://host/other/A_X', 'API_BUSINESS_PARTNER')).toBeUndefined();
  });
});

describe('settings', () => {
  it('defaults the order type and price condition, and names a wrong key', () => {
    expect(settings).toMatchObject({ salesOrderType: 'OR', priceConditionType: 'PMP0', language: 'EN' });
    const wrong = sapSettingsSchema.safeParse({ ...settings, salesOrganization: 'sales-1', plant: '1010' });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues.map((i) => i.message)).toEqual([
      'must be an SAP key of up to 4 capital letters or digits, e.g. 1010',
      expect.stringContaining('plant'),
    ]);
  });
});
