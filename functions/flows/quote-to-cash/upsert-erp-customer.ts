import type { CustomerV1 } from '../../domain/canonical/customer';
import type { ErpCustomer, ErpPort } from '../../ports/erp';

/** Creates or updates the ERP customer for the deal's account; fails when the ERP holds its orders. */
export function upsertErpCustomer(erp: ErpPort, customer: CustomerV1): Promise<ErpCustomer> {
  return erp.customers.upsert(customer);
}
