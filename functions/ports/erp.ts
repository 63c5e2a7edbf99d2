// The ERP system API: what flows ask of an ERP, in canonical terms. Flows depend on this port
// only; each ERP's adapter (functions/connectors/<vendor>/) implements it with the vendor's API,
// its identifiers and its error contract. Later flows add groups here (invoices, payments,
// credit memos, shipments) the same way: a group of operations on one business object.
import type { CustomerV1 } from '../domain/canonical/customer';
import type { SalesOrderV1 } from '../domain/canonical/sales-order';

/** The ERP's customer record that the CRM account maps to. */
export interface ErpCustomer {
  /** The ERP's key for the record: NetSuite internal id, SAP business partner, Business Central customer id, Odoo partner id. */
  erpCustomerId: string;
  /** The number people see and search for in the ERP. */
  customerNumber: string;
}

/** A sales order as the flow needs it afterwards. */
export interface ErpOrder {
  /** The ERP's key for the record. */
  erpOrderId: string;
  /** The document number people see in the ERP; written back to the CRM. */
  orderNumber: string;
  /** The order's status in the ERP's own words. */
  status: string;
}

export interface ErpOrderLine {
  itemId: string;
  /** The item's name as the ERP's item master has it. */
  itemName: string;
  quantity: number;
  unitPrice: number;
  amount: number;
}

/** A sales order read back in full, to compare two ERPs' records of the same deal (shadow mode). */
export interface ErpOrderDetail extends ErpOrder {
  /** The CRM record the order was made for. */
  crmReference: string;
  customerNumber: string;
  orderDate: string;
  currency: string;
  lines: ErpOrderLine[];
  total: number;
}

export interface ErpItem {
  itemId: string;
  name: string;
  /** False when the ERP would refuse the item on a sales order (inactive, blocked, not sellable). */
  sellable: boolean;
}

export interface SalesOrderRequest {
  order: SalesOrderV1;
  customer: ErpCustomer;
  /** ERP item id per SKU of the order, from the item mapping table; every line's SKU is present. */
  itemIds: ReadonlyMap<string, string>;
}

export interface ErpCustomers {
  /**
   * Creates the customer keyed by the CRM account id, or updates the fields the CRM owns on the
   * existing one (finance-owned fields such as credit limits are never written). Fails with
   * CUSTOMER_ON_CREDIT_HOLD when the ERP blocks orders for the customer, ERP_CUSTOMER_REJECTED
   * when the ERP refuses the record.
   */
  upsert(customer: CustomerV1): Promise<ErpCustomer>;
}

export interface ErpSalesOrders {
  /** The order made for this CRM record, if there is one. */
  findByCrmReference(crmReference: string): Promise<ErpOrder | undefined>;
  /**
   * Creates the order once per CRM record, whatever the retries, redrives and replays: an order
   * already made for `order.externalId` is returned instead of a second one. Fails with
   * ERP_ITEM_REJECTED, CUSTOMER_ON_CREDIT_HOLD or ERP_ORDER_REJECTED.
   */
  create(request: SalesOrderRequest): Promise<ErpOrder>;
  read(erpOrderId: string): Promise<ErpOrderDetail>;
}

export interface ErpItems {
  get(itemId: string): Promise<ErpItem | undefined>;
}

/** The concurrency an ERP says the hub may use, where it reports one. */
export interface ErpConcurrencyLimit {
  limit: number;
  /** Where the figure comes from, for logs a person reads ("integration-specific limit"). */
  basis: string;
}

export interface ErpGovernance {
  /** The concurrent requests this integration may have open, or undefined when the ERP does not say. */
  concurrencyLimit(): Promise<ErpConcurrencyLimit | undefined>;
}

export interface ErpPort {
  /** The registry name, e.g. 'netsuite': what routing, item mappings and the correlation table say. */
  readonly system: string;
  /** The name people read, e.g. 'NetSuite'. */
  readonly title: string;
  readonly customers: ErpCustomers;
  readonly salesOrders: ErpSalesOrders;
  readonly items: ErpItems;
  /** Only for ERPs that report their limits (NetSuite's governanceLimits). */
  readonly governance?: ErpGovernance;
}
