// Reads a won opportunity with its account and products from Salesforce and maps it to the
// canonical sales order. An outbound message carries only the opportunity's own fields.
import * as z from 'zod';
import { type SalesOrderV1, salesOrderV1 } from '../../domain/canonical/sales-order';
import { BusinessException } from '../../domain/errors';
import type { SalesforceClient } from './client';

const CLOSED_WON = 'Closed Won';

const nullableString = z.string().nullable();

const accountRow = z.object({
  Id: z.string(),
  Name: nullableString,
  Phone: nullableString,
  Website: nullableString,
  BillingStreet: nullableString,
  BillingCity: nullableString,
  BillingPostalCode: nullableString,
  BillingCountry: nullableString,
});

const opportunityRow = z.looseObject({
  Id: z.string(),
  Name: nullableString,
  StageName: nullableString,
  CloseDate: nullableString,
  CurrencyIsoCode: nullableString.optional(),
  Amount: z.number().nullable(),
  AccountId: nullableString,
  Account: accountRow.nullable(),
});

const lineItemRow = z.object({
  Id: z.string(),
  Quantity: z.number().nullable(),
  UnitPrice: z.number().nullable(),
  Description: nullableString,
  PricebookEntry: z
    .object({ Product2: z.object({ ProductCode: nullableString, Name: nullableString }).nullable() })
    .nullable(),
});

export type OpportunityRow = z.infer<typeof opportunityRow>;
export type LineItemRow = z.infer<typeof lineItemRow>;

export interface OpportunityRecords {
  opportunity: OpportunityRow;
  lines: LineItemRow[];
}

/** Custom opportunity fields that say where in the company a deal belongs (routing can match on them). */
export interface OrganizationFields {
  legalEntityField?: string;
  businessUnitField?: string;
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
export async function readOpportunity(
  client: SalesforceClient,
  opportunityId: string,
  organization: OrganizationFields = {},
): Promise<OpportunityRecords> {
  const id = salesforceId.parse(opportunityId);
  const fields = [...OPPORTUNITY_FIELDS, ...organizationFieldNames(organization)];
  const [opportunities, lines] = await Promise.all([
    client.query(`SELECT ${fields.join(', ')} FROM Opportunity WHERE Id = '${id}'`, opportunityRow),
    client.query(
      `SELECT ${LINE_FIELDS.join(', ')} FROM OpportunityLineItem WHERE OpportunityId = '${id}' ORDER BY Id`,
      lineItemRow,
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

function organizationFieldNames(organization: OrganizationFields): string[] {
  return [organization.legalEntityField, organization.businessUnitField].filter((f): f is string => Boolean(f));
}

function textField(row: OpportunityRow, field: string | undefined): string | undefined {
  const value = field ? row[field] : undefined;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Maps the Salesforce records to the canonical order, or says every reason it cannot. */
export function toSalesOrder(records: OpportunityRecords, organization: OrganizationFields = {}): SalesOrderV1 {
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
    organization: organizationOf(o, organization),
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

function organizationOf(o: OpportunityRow, fields: OrganizationFields) {
  const legalEntity = textField(o, fields.legalEntityField);
  const businessUnit = textField(o, fields.businessUnitField);
  return legalEntity || businessUnit ? { legalEntity, businessUnit } : undefined;
}

/** Names the Salesforce field behind a canonical path, so the user knows what to correct. */
function describeIssue(path: PropertyKey[], message: string): string {
  const [first, second, third] = path;
  if (first === 'lines' && typeof second === 'number') return `product line ${second + 1}: ${message}`;
  if (first === 'lines') return message;
  if (first === 'customer' && second === 'billingAddress') return `account billing ${String(third)}: ${message}`;
  if (first === 'customer' && second === 'externalId') return `account Id: ${message}`;
  if (first === 'customer') return `account: ${message}`;
  if (first === 'organization') return `${String(second)} field: ${message}`;
  const fields: Record<string, string> = {
    externalId: 'Id',
    reference: 'Name',
    orderDate: 'Close Date',
    currency: 'Currency',
  };
  return `${fields[String(first)] ?? String(first)}: ${message}`;
}
