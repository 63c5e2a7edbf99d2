// Reads a won opportunity with its account and products from Salesforce and maps it to the
// canonical sales order. An outbound message carries only the opportunity's own fields.
import * as z from 'zod';
import { type SalesOrderV1, salesOrderV1 } from '../../domain/canonical/sales-order';
import { BusinessException } from '../../domain/errors';
import type { SalesforceClient } from './client';

const CLOSED_WON = 'Closed Won';

export interface OpportunityRow {
  Id: string;
  Name: string | null;
  StageName: string | null;
  CloseDate: string | null;
  CurrencyIsoCode?: string | null;
  Amount: number | null;
  AccountId: string | null;
  Account: {
    Id: string;
    Name: string | null;
    Phone: string | null;
    Website: string | null;
    BillingStreet: string | null;
    BillingCity: string | null;
    BillingPostalCode: string | null;
    BillingCountry: string | null;
  } | null;
}

export interface LineItemRow {
  Id: string;
  Quantity: number | null;
  UnitPrice: number | null;
  Description: string | null;
  PricebookEntry: { Product2: { ProductCode: string | null; Name: string | null } | null } | null;
}

export interface OpportunityRecords {
  opportunity: OpportunityRow;
  lines: LineItemRow[];
}

const salesforceId = z.string().regex(/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/);

const OPPORTUNITY_FIELDS = [
  'Id',
  'Name',
  'StageName',
  'CloseDate',
  'CurrencyIsoCode',
  'Amount',
  'AccountId',
  'Account.Id',
  'Account.Name',
  'Account.Phone',
  'Account.Website',
  'Account.BillingStreet',
  'Account.BillingCity',
  'Account.BillingPostalCode',
  'Account.BillingCountry',
];

const LINE_FIELDS = [
  'Id',
  'Quantity',
  'UnitPrice',
  'Description',
  'PricebookEntry.Product2.ProductCode',
  'PricebookEntry.Product2.Name',
];

/** Two queries in parallel: the opportunity with its account, and its line items. */
export async function readOpportunity(client: SalesforceClient, opportunityId: string): Promise<OpportunityRecords> {
  const id = salesforceId.parse(opportunityId);
  const [opportunities, lines] = await Promise.all([
    client.query<OpportunityRow>(`SELECT ${OPPORTUNITY_FIELDS.join(', ')} FROM Opportunity WHERE Id = '${id}'`),
    client.query<LineItemRow>(
      `SELECT ${LINE_FIELDS.join(', ')} FROM OpportunityLineItem WHERE OpportunityId = '${id}' ORDER BY Id`,
    ),
  ]);
  if (opportunities.length === 0) {
    throw new BusinessException(
      'OPPORTUNITY_NOT_FOUND',
      `Opportunity ${id} was not found in Salesforce; it was deleted after it was closed.`,
    );
  }
  return { opportunity: opportunities[0], lines };
}

/** Maps the Salesforce records to the canonical order, or says every reason it cannot. */
export function toSalesOrder(records: OpportunityRecords): SalesOrderV1 {
  const { opportunity: o, lines } = records;
  const label = `Opportunity '${o.Name ?? o.Id}' (${o.Id})`;
  if (o.StageName !== CLOSED_WON) {
    throw new BusinessException(
      'ORDER_DATA_INVALID',
      `${label} is no longer Closed Won (stage is now '${o.StageName ?? 'empty'}'); no order is created for it.`,
    );
  }
  const account = o.Account;
  const candidate = {
    schemaVersion: 1,
    externalId: o.Id,
    source: { system: 'salesforce', recordType: 'Opportunity', recordId: o.Id },
    reference: o.Name ?? '',
    orderDate: o.CloseDate ?? '',
    currency: o.CurrencyIsoCode ?? '',
    customer: {
      externalId: account?.Id ?? '',
      name: account?.Name ?? '',
      phone: account?.Phone ?? undefined,
      website: account?.Website ?? undefined,
      billingAddress: {
        street: account?.BillingStreet ?? '',
        city: account?.BillingCity ?? '',
        postalCode: account?.BillingPostalCode ?? '',
        country: account?.BillingCountry ?? '',
      },
    },
    lines: lines.map((line, index) => ({
      lineNumber: index + 1,
      sku: line.PricebookEntry?.Product2?.ProductCode ?? '',
      description: line.Description ?? line.PricebookEntry?.Product2?.Name ?? '',
      quantity: line.Quantity ?? 0,
      unitPrice: line.UnitPrice ?? 0,
    })),
    total: lines.reduce((sum, line) => sum + (line.Quantity ?? 0) * (line.UnitPrice ?? 0), 0),
  };
  if (!account) {
    throw new BusinessException('ORDER_DATA_INVALID', `${label} has no account; set the account and save it again.`);
  }
  const parsed = salesOrderV1.safeParse(candidate);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => describeIssue(issue.path, issue.message));
    throw new BusinessException('ORDER_DATA_INVALID', `${label} cannot become an order: ${problems.join('; ')}.`);
  }
  return parsed.data;
}

/** Names the Salesforce field behind a canonical path, so the user knows what to correct. */
function describeIssue(path: PropertyKey[], message: string): string {
  const [first, second, third] = path;
  if (first === 'lines' && typeof second === 'number') return `product line ${second + 1}: ${message}`;
  if (first === 'lines') return message;
  if (first === 'customer' && second === 'billingAddress') return `account billing ${String(third)}: ${message}`;
  if (first === 'customer') return `account: ${message}`;
  const fields: Record<string, string> = {
    reference: 'Name',
    orderDate: 'Close Date',
    currency: 'Currency',
  };
  return `${fields[String(first)] ?? String(first)}: ${message}`;
}
