// The CRM port: what flows ask of the CRM a deal was won in. Salesforce today; any CRM with
// deals, accounts and line items fits behind it (functions/connectors/<vendor>/).
import type { SalesOrderV1 } from '../domain/canonical/sales-order';
import type { ExceptionCode } from '../domain/exceptions';

export interface OrderOutcome {
  /** The ERP's name as people read it, e.g. 'SAP S/4HANA'. */
  erpTitle: string;
  orderNumber: string;
  orderStatus: string;
}

export interface DealException {
  code: ExceptionCode;
  /** What happened to this deal and what to do about it, for the people working the deal. */
  explanation: string;
}

export interface CrmDeals {
  /**
   * Reads the won deal as it is now, with its account and line items, as a canonical order.
   * Fails with OPPORTUNITY_NOT_FOUND or ORDER_DATA_INVALID (naming the CRM fields to correct).
   */
  loadClosedWon(dealId: string): Promise<SalesOrderV1>;
  /** Shows the ERP order on the deal. Fails with CRM_UPDATE_REJECTED. */
  writeOrderOutcome(dealId: string, outcome: OrderOutcome): Promise<void>;
  /** Shows on the deal that it needs attention, and why. Fails with CRM_UPDATE_REJECTED. */
  writeException(dealId: string, exception: DealException): Promise<void>;
}

export interface CrmPort {
  /** The registry name, e.g. 'salesforce': the `source.system` of the events it sends. */
  readonly system: string;
  readonly title: string;
  readonly deals: CrmDeals;
}
