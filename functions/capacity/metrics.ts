// The capacity gate's CloudWatch metrics (embedded metric format, per System dimension): the gate
// writes them, lib/capacity.ts alarms on them, so both take the names from here.
export const CAPACITY_METRICS = {
  namespace: 'IntegrationHub',
  dimension: 'System',
  /** A transaction went into an ERP account's waiting line. */
  waits: 'ErpCapacityWaits',
  throttled: 'ErpCallsThrottled',
  /** The budget's slots, at each change. */
  slots: 'ErpBudgetSlots',
  breakerOpened: 'ErpBreakerOpened',
  breakerClosed: 'ErpBreakerClosed',
} as const;
