import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { z } from 'zod';

// Secrets are cached for five minutes: rotation reaches warm functions without a redeploy.
const CACHE_SECONDS = 300;

/** Reads a JSON secret by ARN and checks its shape; a malformed secret names the missing keys. */
export async function readJsonSecret<T>(secretId: string, schema: z.ZodType<T>): Promise<T> {
  const raw = await getSecret(secretId, { maxAge: CACHE_SECONDS, transform: 'json' });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => issue.path.join('.') || issue.message).join(', ');
    throw new Error(`Secret ${secretId} does not have the expected JSON keys (${problems})`);
  }
  return parsed.data;
}
