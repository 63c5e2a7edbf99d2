// How much of each ERP account the hub may use, from `hub:capacity` in cdk.json. The account's
// limit is shared with integrations the hub does not own, so the hub's ceiling is the limit minus
// what is reserved for them; within it the budget adapts to what the ERP answers.
import * as z from 'zod';

const flowShare = z.strictObject({
  /** Share of freed capacity a flow gets while several flows wait (higher gets more). */
  weight: z.number().positive().default(1),
});

export const budgetSettingsSchema = z
  .strictObject({
    /** Concurrent requests the ERP account allows in all (NetSuite: 5, 15 or 20, plus 10 per SuiteCloud Plus licence). */
    accountLimit: z.number().int().min(1).max(1000),
    /** Concurrent requests left to integrations and scripts the hub does not own. */
    reservedForOthers: z.number().int().min(0).default(0),
    /** Successful calls after which the budget grows back by one request, up to the last level the ERP served. */
    increaseEvery: z.number().int().min(1).default(10),
    /** Successful calls after which the budget tries one request beyond the last level the ERP served. */
    probeEvery: z.number().int().min(1).default(200),
    /** The budget is multiplied by this when the ERP throttles. */
    decreaseFactor: z.number().gt(0).lt(1).default(0.7),
    /** A lease a crashed function never returned is reclaimed after this long. */
    leaseSeconds: z.number().int().min(5).max(900).default(90),
    breaker: z
      .strictObject({
        /** Transient failures in a row (5xx, timeouts, refused connections) that open the breaker. */
        failures: z.number().int().min(1).default(5),
        /** Wait before the first probe; doubles after every failed probe up to maxCooldownSeconds. */
        cooldownSeconds: z.number().min(0.1).default(5),
        maxCooldownSeconds: z.number().min(0.1).default(30),
      })
      .prefault({}),
  })
  .refine((s) => s.reservedForOthers < s.accountLimit, {
    message: 'reservedForOthers must leave at least one concurrent request to the hub',
  });

export type BudgetSettings = z.infer<typeof budgetSettingsSchema>;

export const capacitySettingsSchema = z.strictObject({
  /** Off: every call goes straight to the ERP, as without a budget (for comparison runs). */
  enabled: z.boolean().default(true),
  /** How freed capacity is shared between flows waiting for the same ERP account. */
  flows: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), flowShare).default({}),
  systems: z.record(z.string(), budgetSettingsSchema).default({}),
});

export type FlowShares = CapacitySettings['flows'];

export type CapacitySettings = z.infer<typeof capacitySettingsSchema>;

/** The most concurrent requests the hub itself may have open at the ERP. */
export function ceilingOf(settings: BudgetSettings): number {
  return settings.accountLimit - settings.reservedForOthers;
}
