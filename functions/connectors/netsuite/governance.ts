// NetSuite reports the concurrency an integration may use (REST governanceLimits): a limit
// allocated to the integration, or else the account's unallocated limit, which every integration
// without an allocation shares. Only an administrator role may read it; other roles are refused,
// and the hub then goes by hub:capacity alone.
import * as z from 'zod';
import { BusinessException } from '../../domain/errors';
import type { ErpConcurrencyLimit } from '../../ports/erp';
import { NetSuiteApiError, type NetSuiteClient } from './client';

const governanceLimits = z.object({
  accountConcurrencyLimit: z.number().int().min(0),
  accountUnallocatedConcurrencyLimit: z.number().int().min(0).optional(),
  integrationConcurrencyLimit: z.number().int().min(0).optional(),
  integrationLimitType: z.enum(['integrationSpecific', 'accountLimit', 'internal']).optional(),
});

export async function concurrencyLimit(client: NetSuiteClient): Promise<ErpConcurrencyLimit | undefined> {
  let limits: z.infer<typeof governanceLimits>;
  try {
    limits = await client.readSystem('/governanceLimits', governanceLimits);
  } catch (error) {
    const refused =
      error instanceof NetSuiteApiError || (error instanceof BusinessException && error.code === 'CONNECTION_REJECTED');
    if (refused) return undefined;
    throw error;
  }
  if (limits.integrationLimitType === 'integrationSpecific' && limits.integrationConcurrencyLimit !== undefined) {
    return { limit: limits.integrationConcurrencyLimit, basis: 'the limit NetSuite allocates to the integration' };
  }
  if (limits.accountUnallocatedConcurrencyLimit !== undefined) {
    return {
      limit: limits.accountUnallocatedConcurrencyLimit,
      basis: "the account's unallocated limit, shared by integrations without an allocation",
    };
  }
  return { limit: limits.accountConcurrencyLimit, basis: "the account's concurrency limit" };
}
