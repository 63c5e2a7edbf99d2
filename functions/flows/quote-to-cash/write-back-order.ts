import type { CrmPort, OrderOutcome } from '../../ports/crm';

export async function writeBackOrder(crm: CrmPort, dealId: string, outcome: OrderOutcome): Promise<{ updated: true }> {
  await crm.deals.writeOrderOutcome(dealId, outcome);
  return { updated: true };
}
