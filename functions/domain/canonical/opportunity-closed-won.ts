import * as z from 'zod';
import { eventEnvelope } from './envelope';

export const OPPORTUNITY_CLOSED_WON = 'opportunity.closed_won';

/**
 * A deal was won in the CRM. Carries what the CRM sent with the notification; related records
 * (line items, account) are read by the flow, which also re-checks the stage.
 */
export const opportunityClosedWonV1 = z.object({
  opportunityId: z.string().min(1),
  accountId: z.string().nullable(),
  name: z.string().nullable(),
  stage: z.string().nullable(),
  amount: z.number().nullable(),
  currency: z.string().nullable(),
  closeDate: z.string().nullable(),
  lastModifiedAt: z.string().nullable(),
});

export const opportunityClosedWonEventV1 = eventEnvelope(OPPORTUNITY_CLOSED_WON, 1, opportunityClosedWonV1);

export type OpportunityClosedWonV1 = z.infer<typeof opportunityClosedWonV1>;
export type OpportunityClosedWonEventV1 = z.infer<typeof opportunityClosedWonEventV1>;
