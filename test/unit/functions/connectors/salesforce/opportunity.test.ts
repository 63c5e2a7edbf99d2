import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { SalesforceClient } from '../../../../../functions/connectors/salesforce/client';
import {
  type LineItemRow,
  type OpportunityRecords,
  type OpportunityRow,
  readOpportunity,
  toSalesOrder,
} from '../../../../../functions/connectors/salesforce/opportunity';
import { BusinessException } from '../../../../../functions/domain/errors';
import { fixtureJson } from '../../support/fixtures';

interface QueryResult<T> {
  records: T[];
}

function records(): OpportunityRecords {
  return {
    opportunity: fixtureJson<QueryResult<OpportunityRow>>('salesforce/query-opportunity.json').records[0],
    lines: fixtureJson<QueryResult<LineItemRow>>('salesforce/query-line-items.json').records,
  };
}

function withOpportunity(changes: Partial<OpportunityRow>): OpportunityRecords {
  const base = records();
  return { ...base, opportunity: { ...base.opportunity, ...changes } };
}

function withAccount(changes: Partial<NonNullable<OpportunityRow['Account']>>): OpportunityRecords {
  const base = records();
  const account = base.opportunity.Account as NonNullable<OpportunityRow['Account']>;
  return { ...base, opportunity: { ...base.opportunity, Account: { ...account, ...changes } } };
}

function withLine(index: number, changes: Partial<LineItemRow>): OpportunityRecords {
  const base = records();
  base.lines[index] = { ...base.lines[index], ...changes };
  return base;
}

function invalid(input: OpportunityRecords): BusinessException {
  try {
    toSalesOrder(input);
  } catch (error) {
    if (error instanceof BusinessException) return error;
    throw error;
  }
  throw new Error('toSalesOrder accepted the records');
}

describe('toSalesOrder', () => {
  it('maps a won opportunity with its account and products to the canonical order', () => {
    const order = toSalesOrder(records());

    expect(order).toEqual({
      schemaVersion: 1,
      externalId: '0065g00000AbCdEAAZ',
      source: { system: 'salesforce', recordType: 'Opportunity', recordId: '0065g00000AbCdEAAZ' },
      reference: 'Müller & Söhne - Laptop refresh',
      orderDate: '2026-11-20',
      currency: 'EUR',
      customer: {
        externalId: '0015g00000XyZabAAB',
        name: 'Müller & Söhne GmbH',
        phone: '+49 89 1234567',
        website: 'https://mueller-soehne.example',
        billingAddress: { street: 'Leopoldstraße 12', city: 'München', postalCode: '80802', country: 'DE' },
      },
      lines: [
        {
          lineNumber: 1,
          sku: 'SKU-LAPTOP-14',
          description: 'Laptop 14" Pro, volume price',
          quantity: 25,
          unitPrice: 1750,
        },
        { lineNumber: 2, sku: 'SKU-DOCK-USB4', description: 'USB4 Docking Station', quantity: 25, unitPrice: 249 },
        { lineNumber: 3, sku: 'SVC-ONBOARD', description: 'Onboarding days', quantity: 2, unitPrice: 1200 },
      ],
      total: 52375,
    });
  });

  it('leaves out the phone and website the account does not have', () => {
    const order = toSalesOrder(withAccount({ Phone: null, Website: null }));

    expect(order.customer.phone).toBeUndefined();
    expect(order.customer.website).toBeUndefined();
  });

  it('uses the product name when a line has no description, and an empty description when neither exists', () => {
    const order = toSalesOrder(
      withLine(0, {
        Description: null,
        PricebookEntry: { Product2: { ProductCode: 'SKU-LAPTOP-14', Name: null } },
      }),
    );

    expect(order.lines[0].description).toBe('');
    expect(order.lines[1].description).toBe('USB4 Docking Station');
  });

  it.each(['Closed Lost', 'Negotiation/Review'])('refuses an opportunity whose stage is now %s', (stage) => {
    const error = invalid(withOpportunity({ StageName: stage }));

    expect(error.code).toBe('ORDER_DATA_INVALID');
    expect(error.name).toBe('ORDER_DATA_INVALID');
    expect(error.message).toBe(
      `Opportunity 'Müller & Söhne - Laptop refresh' (0065g00000AbCdEAAZ) is no longer Closed Won (stage is now '${stage}'); no order is created for it.`,
    );
  });

  it('says the stage is empty when it has none, naming the opportunity by id when it has no name', () => {
    const error = invalid(withOpportunity({ StageName: null, Name: null }));

    expect(error.message).toBe(
      "Opportunity '0065g00000AbCdEAAZ' (0065g00000AbCdEAAZ) is no longer Closed Won (stage is now 'empty'); no order is created for it.",
    );
  });

  it('refuses an opportunity without an account', () => {
    const error = invalid(withOpportunity({ AccountId: null, Account: null }));

    expect(error.code).toBe('ORDER_DATA_INVALID');
    expect(error.message).toBe(
      "Opportunity 'Müller & Söhne - Laptop refresh' (0065g00000AbCdEAAZ) has no account; set the account and save it again.",
    );
  });

  describe('names the Salesforce field behind each problem', () => {
    it.each<[string, OpportunityRecords, string]>([
      [
        'an empty close date',
        withOpportunity({ CloseDate: null }),
        'Close Date: close date must be a date (YYYY-MM-DD)',
      ],
      [
        'a missing currency',
        withOpportunity({ CurrencyIsoCode: undefined }),
        'Currency: currency must be a three-letter ISO code',
      ],
      [
        'a lower-case currency',
        withOpportunity({ CurrencyIsoCode: 'eur' }),
        'Currency: currency must be a three-letter ISO code',
      ],
      ['an empty opportunity name', withOpportunity({ Name: '' }), 'Name: opportunity name is empty'],
      [
        'a spelled-out billing country',
        withAccount({ BillingCountry: 'Germany' }),
        'account billing country: country must be a two-letter ISO code such as DE or US',
      ],
      ['an empty billing city', withAccount({ BillingCity: null }), 'account billing city: city is empty'],
      ['an empty account name', withAccount({ Name: null }), 'account: account name is empty'],
      ['a product line without quantity', withLine(1, { Quantity: 0 }), 'product line 2: quantity must be above zero'],
      ['a negative unit price', withLine(2, { UnitPrice: -5 }), 'product line 3: unit price must not be negative'],
      [
        'a product without product code',
        withLine(0, { PricebookEntry: { Product2: { ProductCode: null, Name: 'Laptop' } } }),
        'product line 1: product code is empty',
      ],
      [
        'a line whose product was deleted',
        withLine(0, { PricebookEntry: null }),
        'product line 1: product code is empty',
      ],
      ['no products at all', { ...records(), lines: [] }, 'the opportunity has no products'],
    ])('%s', (_, input, problem) => {
      const error = invalid(input);

      expect(error.code).toBe('ORDER_DATA_INVALID');
      expect(error.message).toBe(
        `Opportunity '${input.opportunity.Name}' (0065g00000AbCdEAAZ) cannot become an order: ${problem}.`,
      );
    });
  });

  it('lists every problem at once', () => {
    const base = records();
    const input: OpportunityRecords = {
      opportunity: {
        ...base.opportunity,
        CloseDate: '20/11/2026',
        CurrencyIsoCode: null,
        Account: {
          ...(base.opportunity.Account as NonNullable<OpportunityRow['Account']>),
          BillingCountry: 'Deutschland',
        },
      },
      lines: [base.lines[0], { ...base.lines[1], Quantity: null }, { ...base.lines[2], PricebookEntry: null }],
    };

    const error = invalid(input);

    expect(error.message).toContain('cannot become an order: ');
    for (const problem of [
      'Close Date: close date must be a date (YYYY-MM-DD)',
      'Currency: currency must be a three-letter ISO code',
      'account billing country: country must be a two-letter ISO code such as DE or US',
      'product line 2: quantity must be above zero',
      'product line 3: product code is empty',
    ]) {
      expect(error.message).toContain(problem);
    }
    expect(error.message.split('; ')).toHaveLength(5);
  });
});

/** Answers the two queries from the fixtures and records the SOQL it was given. */
class RecordingSalesforce extends SalesforceClient {
  readonly soql: string[] = [];

  constructor(private readonly answers: { opportunity: unknown[]; lines: unknown[] }) {
    super('unused-secret');
  }

  override async query<T>(soql: string): Promise<T[]> {
    this.soql.push(soql);
    return (soql.includes('FROM OpportunityLineItem') ? this.answers.lines : this.answers.opportunity) as T[];
  }
}

describe('readOpportunity', () => {
  const OPPORTUNITY_SOQL =
    "SELECT Id, Name, StageName, CloseDate, CurrencyIsoCode, Amount, AccountId, Account.Id, Account.Name, Account.Phone, Account.Website, Account.BillingStreet, Account.BillingCity, Account.BillingPostalCode, Account.BillingCountry FROM Opportunity WHERE Id = '0065g00000AbCdEAAZ'";
  const LINES_SOQL =
    "SELECT Id, Quantity, UnitPrice, Description, PricebookEntry.Product2.ProductCode, PricebookEntry.Product2.Name FROM OpportunityLineItem WHERE OpportunityId = '0065g00000AbCdEAAZ' ORDER BY Id";

  it('queries the opportunity with its account and its line items, and returns both', async () => {
    const expected = records();
    const client = new RecordingSalesforce({ opportunity: [expected.opportunity], lines: expected.lines });

    const result = await readOpportunity(client, '0065g00000AbCdEAAZ');

    expect(client.soql).toEqual([OPPORTUNITY_SOQL, LINES_SOQL]);
    expect(result).toEqual(expected);
  });

  it('accepts a 15-character id', async () => {
    const expected = records();
    const client = new RecordingSalesforce({ opportunity: [expected.opportunity], lines: [] });

    await readOpportunity(client, '0065g00000AbCdE');

    expect(client.soql[0]).toMatch(/WHERE Id = '0065g00000AbCdE'$/);
  });

  it.each([
    ["0065g00000AbCdEAAZ' OR Name != '", 'a SOQL injection'],
    ['0065g00000AbCd', 'a 14-character id'],
    ['0065g00000AbCdEAA', 'a 17-character id'],
    ['0065g00000AbCd-AAZ', 'an id with a dash'],
  ])('refuses %s (%s) before any query', async (id) => {
    const client = new RecordingSalesforce({ opportunity: [], lines: [] });

    await expect(readOpportunity(client, id)).rejects.toBeInstanceOf(ZodError);
    expect(client.soql).toEqual([]);
  });

  it('reports a deleted opportunity as OPPORTUNITY_NOT_FOUND', async () => {
    const client = new RecordingSalesforce({ opportunity: [], lines: [] });

    const failure = readOpportunity(client, '0065g00000AbCdEAAZ');

    await expect(failure).rejects.toBeInstanceOf(BusinessException);
    await expect(failure).rejects.toMatchObject({
      name: 'OPPORTUNITY_NOT_FOUND',
      message: 'Opportunity 0065g00000AbCdEAAZ was not found in Salesforce; it was deleted after it was closed.',
    });
  });
});
