// The catalog of business exception codes. Codes are stable: runbooks, CRM reports and alarms key
// on them. Each says what happened and what a person does about it; the README lists them all.

export interface ExceptionEntry {
  /** What went wrong, in one line a sales or finance user understands. */
  title: string;
  /** What to do about it, including how to resume the transaction. */
  action: string;
}

export const EXCEPTIONS = {
  OPPORTUNITY_NOT_FOUND: {
    title: 'The deal no longer exists in the CRM',
    action:
      'If it was deleted by mistake, restore it in the CRM (Salesforce: Recycle Bin) and redrive the execution; otherwise nothing needs doing.',
  },
  ORDER_DATA_INVALID: {
    title: 'The deal cannot become a sales order as it stands',
    action:
      'Correct the fields named in the message on the deal, its account or its products in the CRM, then redrive the execution (or save the deal again, which starts over).',
  },
  PRODUCT_NOT_MAPPED: {
    title: 'A product on the deal has no item in the target ERP',
    action:
      'Add the product code for the ERP the message names to the hub item mapping table (npm run mappings -- put <sku> <item> --system <erp>), then redrive the execution.',
  },
  ERP_ITEM_REJECTED: {
    title: 'The ERP refused an item on the order',
    action:
      'Make the item sellable in the ERP (active, released for the sales organization or subsidiary), or point the mapping at the right item, then redrive the execution.',
  },
  CUSTOMER_ON_CREDIT_HOLD: {
    title: 'The customer is on credit hold in the ERP',
    action: 'Finance releases the hold in the ERP (or approves the order), then redrive the execution.',
  },
  ERP_CUSTOMER_REJECTED: {
    title: 'The ERP refused the customer record',
    action: 'Correct the account data the message names (in the CRM or the ERP), then redrive the execution.',
  },
  ERP_ORDER_REJECTED: {
    title: 'The ERP refused the sales order',
    action: 'Read the ERP reason in the message, correct the data it names, then redrive the execution.',
  },
  CRM_UPDATE_REJECTED: {
    title: 'The CRM refused the order status update',
    action:
      'Give the integration user edit access to the order status fields the message names and check validation rules, then redrive; the ERP order already exists and is not created twice.',
  },
  CRM_API_LIMIT_REACHED: {
    title: 'The CRM daily API allowance is used up',
    action: 'Redrive the execution once the rolling 24-hour allowance frees up, or raise the allowance.',
  },
  CONNECTION_REJECTED: {
    title: 'A connected system refused the hub credentials or permissions',
    action:
      'Update the credentials secret or the integration role the message names (see README, Configuration), then redrive the execution.',
  },
  SYSTEM_RESPONSE_INVALID: {
    title: 'A connected system answered in a form the hub does not understand',
    action:
      'Check the API version and the connector settings the message names (an upgrade or a customisation may have changed the answer), then redrive the execution.',
  },
  SYSTEM_UNAVAILABLE: {
    title: 'A connected system stayed unavailable through every automatic retry',
    action: 'Redrive the execution once the system named in the message answers again; nothing is duplicated.',
  },
  EXECUTION_TIMED_OUT: {
    title: 'The transaction did not finish in the time allowed',
    action: 'Check the execution history for the slow step, then redrive the execution.',
  },
  EXECUTION_ABORTED: {
    title: 'Someone stopped the transaction',
    action: 'Redrive the execution to finish it, or leave it stopped if that was intended.',
  },
  UNEXPECTED_ERROR: {
    title: 'The hub met an error it does not recognise',
    action: 'Read the execution error and logs; once the cause is fixed, redrive the execution.',
  },
} as const satisfies Record<string, ExceptionEntry>;

export type ExceptionCode = keyof typeof EXCEPTIONS;

export const EXCEPTION_CODES = Object.keys(EXCEPTIONS) as ExceptionCode[];

export function isExceptionCode(name: string): name is ExceptionCode {
  return Object.hasOwn(EXCEPTIONS, name);
}
